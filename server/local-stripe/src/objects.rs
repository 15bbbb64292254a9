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
    /// `price_data[tax_behavior]`: `exclusive`, `inclusive`, or none given.
    #[serde(default)]
    pub tax_behavior: Option<String>,
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
    /// The address and choices the payment is for.
    #[serde(default)]
    pub settled: Option<Settled>,
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
    /// The lines' sum, before discount, shipping and tax.
    #[serde(alias = "amount_total")]
    pub amount_subtotal: i64,
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
    /// What the session asks the payment page to collect and compute.
    #[serde(default)]
    pub collect: Collect,
    /// The shipping rates offered, first being the default.
    #[serde(default)]
    pub shipping_options: Vec<ShippingOptionRecord>,
    /// What the shopper chose and what it all cost, once paid.
    #[serde(default)]
    pub settled: Option<Settled>,
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
            amount: session.quote().amount_total,
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

/// What `shipping_address_collection`, `phone_number_collection`,
/// `automatic_tax` and `allow_promotion_codes` asked for.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Collect {
    pub shipping_countries: Option<Vec<String>>,
    pub phone: bool,
    pub automatic_tax: bool,
    pub promotion_codes: bool,
    /// `consent_collection[terms_of_service]=required`.
    #[serde(default)]
    pub terms_of_service: bool,
}

/// A postal address in Stripe's shape (`country` is ISO 3166-1 alpha-2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: Option<String>,
    pub postal_code: String,
    pub country: String,
}

/// A delivery estimate's bound: `business_day` and 3.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstimateBound {
    pub unit: String,
    pub value: i64,
}

/// A shipping rate made from `shipping_options[][shipping_rate_data]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShippingOptionRecord {
    pub id: String,
    pub display_name: String,
    pub amount: i64,
    pub currency: String,
    pub minimum: Option<EstimateBound>,
    pub maximum: Option<EstimateBound>,
    pub tax_behavior: Option<String>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// The promotion code a payment used, and what it took off.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppliedDiscount {
    /// The discount's own id (`di_...`).
    pub id: String,
    /// The coupon and code as they were when the payment used them.
    pub coupon: crate::discounts::CouponRecord,
    pub promotion_code: crate::discounts::PromotionCodeRecord,
}

/// What the shopper entered and chose, and the figures Stripe reports for it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Settled {
    pub shipping_name: Option<String>,
    pub address: Option<Address>,
    pub phone: Option<String>,
    pub shipping_rate: Option<String>,
    pub discount: Option<AppliedDiscount>,
    pub quote: crate::pricing::Quote,
}

impl SessionRecord {
    /// The default choice before the shopper picks: the first shipping option.
    pub fn shipping_option(&self, id: Option<&str>) -> Option<&ShippingOptionRecord> {
        match id {
            Some(id) => self.shipping_options.iter().find(|o| o.id == id),
            None => self.shipping_options.first(),
        }
    }

    /// The figures as they stand: settled once paid, else the subtotal with the
    /// default shipping and no tax yet.
    pub fn quote(&self) -> crate::pricing::Quote {
        match &self.settled {
            Some(settled) => settled.quote.clone(),
            None => crate::pricing::quote(self, self.shipping_option(None), None, None),
        }
    }
}
