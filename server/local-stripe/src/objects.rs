//! The objects the stand-in keeps (rendered as Stripe's JSON by `render`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use super::ids;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Open,
    Complete,
    Expired,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Complete => "complete",
            Self::Expired => "expired",
        }
    }
}

/// One line of a session, with the ids Stripe gives the ad-hoc price and product.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LineRecord {
    pub id: String,
    pub price_id: String,
    pub product_id: String,
    pub name: String,
    pub description: Option<String>,
    pub images: Vec<String>,
    pub unit_amount: i64,
    pub quantity: i64,
}

impl LineRecord {
    pub fn amount(&self) -> i64 {
        self.unit_amount * self.quantity
    }
}

/// A card payment that is waiting for the shopper to pass 3-D Secure.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingAuthentication {
    pub email: String,
    pub name: Option<String>,
    pub last4: String,
}

/// A Checkout Session as the stand-in stores it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionRecord {
    pub id: String,
    pub created: i64,
    pub expires_at: i64,
    pub status: SessionStatus,
    pub paid: bool,
    pub currency: String,
    pub amount_total: i64,
    pub line_items: Vec<LineRecord>,
    pub success_url: String,
    pub cancel_url: Option<String>,
    pub client_reference_id: Option<String>,
    pub customer_email: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub payment_intent_metadata: BTreeMap<String, String>,
    pub payment_intent_description: Option<String>,
    pub locale: Option<String>,
    pub payment_intent: Option<String>,
    /// The email and name the shopper paid with.
    pub paid_email: Option<String>,
    pub paid_name: Option<String>,
    pub pending_authentication: Option<PendingAuthentication>,
}

/// A PaymentIntent as the stand-in stores it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PaymentIntentRecord {
    pub id: String,
    pub created: i64,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub metadata: BTreeMap<String, String>,
    pub description: Option<String>,
    pub client_secret: String,
    pub last_payment_error: Option<Value>,
    pub latest_charge: Option<String>,
    pub payment_method: Option<String>,
    pub receipt_email: Option<String>,
    pub canceled_at: Option<i64>,
}

impl PaymentIntentRecord {
    pub fn new(session: &SessionRecord, now: i64) -> Self {
        let id = ids::payment_intent();
        Self {
            client_secret: ids::client_secret(&id),
            id,
            created: now,
            amount: session.amount_total,
            currency: session.currency.clone(),
            status: "requires_payment_method".into(),
            metadata: session.payment_intent_metadata.clone(),
            description: session.payment_intent_description.clone(),
            last_payment_error: None,
            latest_charge: None,
            payment_method: None,
            receipt_email: None,
            canceled_at: None,
        }
    }
}

/// The loose check Checkout's own email field makes.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
        && email.len() <= 512
}
