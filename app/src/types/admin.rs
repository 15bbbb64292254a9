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

/// One product in the back office's catalogue list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProductRow {
    pub slug: String,
    pub name: String,
    pub price: Money,
    pub stock: i32,
    pub active: bool,
    pub image_path: String,
}

/// A product as its back-office page edits it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProduct {
    pub row: AdminProductRow,
    pub description: String,
    /// The price as the owner types it: `18.00`, `2700`, `5.550`.
    pub price_text: String,
    /// Stock changes made by hand, newest first.
    pub movements: Vec<HistoryLine>,
    pub form_key: String,
}

/// Why stock is changed by hand, as the form offers it.
pub const STOCK_REASONS: [(&str, &str); 3] = [
    ("received", "Received"),
    ("correction", "Correction"),
    ("damaged", "Damaged"),
];

/// Takings over a span of days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Takings {
    /// What was paid, less what has been refunded.
    pub net_revenue: Money,
    pub orders: i64,
    /// What an order paid, on average; none without orders.
    pub average_order: Option<Money>,
}

/// One day's net revenue, for the chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTakings {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub net_revenue: Money,
}

/// An order the owner should look at, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderToCheck {
    pub number: String,
    pub total: Money,
}

/// The back office's home.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Live orders with live keys, test orders in test mode.
    pub test_mode: bool,
    pub today: Takings,
    pub last_30_days: Takings,
    /// The last 30 days, oldest first, today last.
    pub daily: Vec<DayTakings>,
    pub low_stock: Vec<AdminProductRow>,
    pub on_hold: Vec<OrderToCheck>,
    pub open_disputes: Vec<OrderToCheck>,
}

/// Where a product's image form posts (a multipart upload, outside the server
/// fns and their small body limit).
pub const PRODUCT_IMAGE_FORM: &str = "/admin/product-image";
