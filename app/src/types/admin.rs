//! What the back office's pages get from the server.

use serde::{Deserialize, Serialize};

use super::{Money, OrderView};

/// The statuses the order list filters by, as its form offers them.
pub const ORDER_STATUSES: [(&str, &str); 6] = [
    ("paid", "Paid"),
    ("on_hold", "On hold"),
    ("partially_refunded", "Partly refunded"),
    ("refunded", "Refunded"),
    ("disputed", "Disputed"),
    ("shipped", "Shipped"),
];

/// The order list's filters, as its form and its address carry them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    /// `paid`, `on_hold`, `partially_refunded`, `refunded`, `disputed`, `shipped`.
    pub status: Option<String>,
    /// `test` or `live`.
    pub mode: Option<String>,
    /// First and last day, `YYYY-MM-DD`, both included (UTC).
    pub from: Option<String>,
    pub to: Option<String>,
    /// An order number or an email address.
    pub q: Option<String>,
}

impl OrderFilter {
    /// The filters as an address's query, `before` (the keyset) added.
    pub fn query(&self, before: Option<i32>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("status", &self.status),
            ("mode", &self.mode),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
        ] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                query.append_pair(key, value);
            }
        }
        if let Some(before) = before {
            query.append_pair("before", &before.to_string());
        }
        query.finish()
    }
}

/// One row of the order list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrderRow {
    pub number: String,
    /// `YYYY-MM-DD HH:MM` UTC.
    pub placed_at: String,
    pub email: Option<String>,
    pub status: String,
    pub shipped: bool,
    pub test: bool,
    pub total: Money,
    pub refunded: Option<Money>,
}

/// A page of the order list, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrderPage {
    pub rows: Vec<AdminOrderRow>,
    /// The keyset of the next (older) page, when there is one.
    pub next_before: Option<i32>,
}

/// A Stripe id, and where it is in Stripe's Dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeLink {
    pub label: String,
    pub id: String,
    pub url: Option<String>,
}

/// One line of an order's history: a status change, an owner's action, an
/// event from Stripe or an email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub at: String,
    pub text: String,
}

/// One order as the back office shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrder {
    pub order: OrderView,
    /// `Account ada@example.com` or `Guest`.
    pub buyer: String,
    pub stripe: Vec<StripeLink>,
    pub history: Vec<HistoryLine>,
    pub events: Vec<HistoryLine>,
    pub emails: Vec<HistoryLine>,
    /// What can still be refunded.
    pub refundable: Money,
    pub on_hold: bool,
    pub restocked: bool,
    /// A fresh key for this page's forms: the same form sent twice acts once.
    pub form_key: String,
}
