use sea_orm::entity::prelude::*;

/// A cart frozen at the moment the shopper pays, with its stock reserved.
///
/// While it is being prepared, open or processing, `live_cart_id` holds the cart's
/// id and is unique, so a cart has at most one live checkout; once the checkout
/// ends (paid, expired, failed, canceled) it is empty.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checkouts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cart_id: i32,
    pub user_id: Option<i32>,
    /// The guest shopper session that started it, until an account adopts it.
    pub guest_session_id: Option<String>,
    pub status: CheckoutStatus,
    #[sea_orm(unique)]
    pub live_cart_id: Option<i32>,
    pub currency: String,
    pub amount_total: i64,
    /// SHA-256 of the lines, prices and currency: the same cart contents reuse the
    /// open Checkout Session.
    pub fingerprint: String,
    #[sea_orm(unique)]
    pub stripe_session_id: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub stripe_url: Option<String>,
    /// The PaymentIntent Stripe made for the session, once an event names it.
    #[sea_orm(unique)]
    pub stripe_payment_intent_id: Option<String>,
    pub expires_at: i64,
    pub email: Option<String>,
    /// The client that started it (see [`crate::ssr::client::key`]), whose units
    /// held in open checkouts are capped.
    pub client: Option<String>,
    /// The last declined attempt, in the shopper's words.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_payment_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Where a checkout is in its life. Only `Creating`, `Open` and `Processing` hold
/// stock; the others are final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CheckoutStatus {
    /// Stock reserved; the Checkout Session is being created at Stripe.
    #[sea_orm(string_value = "creating")]
    Creating,
    /// The Checkout Session is payable.
    #[sea_orm(string_value = "open")]
    Open,
    /// Stripe has the payment and is still confirming it (a delayed method).
    #[sea_orm(string_value = "processing")]
    Processing,
    #[sea_orm(string_value = "paid")]
    Paid,
    #[sea_orm(string_value = "expired")]
    Expired,
    /// Never opened (Stripe refused), or a delayed payment failed.
    #[sea_orm(string_value = "failed")]
    Failed,
    /// Replaced by a checkout of the changed cart.
    #[sea_orm(string_value = "canceled")]
    Canceled,
}

impl CheckoutStatus {
    /// Whether the checkout ended without a payment and gave its stock back.
    pub fn released_stock(self) -> bool {
        matches!(self, Self::Expired | Self::Failed | Self::Canceled)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::checkout_line::Entity")]
    Lines,
}

impl Related<super::checkout_line::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Lines.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
