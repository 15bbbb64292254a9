use sea_orm::entity::prelude::*;

/// A chargeback on an order's payment, as Stripe last reported it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disputes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub stripe_dispute_id: String,
    pub order_id: i32,
    pub amount: i64,
    pub currency: String,
    /// Stripe's `status`: needs_response, under_review, won, lost, ...
    pub status: String,
    pub reason: String,
    /// The disputed amount has been taken from the balance.
    pub funds_withdrawn: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Whether Stripe's dispute status is final.
pub fn closed(status: &str) -> bool {
    matches!(status, "won" | "lost" | "warning_closed")
}

/// An open dispute can close; a closed one never reopens.
pub fn rank(status: &str) -> i32 {
    i32::from(closed(status))
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
