use sea_orm::entity::prelude::*;

/// A Stripe refund of an order's payment, as Stripe last reported it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refunds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub stripe_refund_id: String,
    pub order_id: i32,
    pub amount: i64,
    pub currency: String,
    /// Stripe's `status`: pending, requires_action, succeeded, failed or canceled.
    pub status: String,
    pub reason: Option<String>,
    /// Stripe's `created`.
    pub created_at: i64,
    pub updated_at: i64,
}

/// How far along a refund status is: an event never moves a refund back.
pub fn rank(status: &str) -> i32 {
    match status {
        "succeeded" => 1,
        "failed" | "canceled" => 2,
        _ => 0,
    }
}

/// Whether a refund with this status takes money back from the charge, as
/// Stripe counts it in the Charge's `amount_refunded`.
pub fn counts(status: &str) -> bool {
    !matches!(status, "failed" | "canceled")
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
