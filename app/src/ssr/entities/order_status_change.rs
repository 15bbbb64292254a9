use sea_orm::entity::prelude::*;

use super::order::OrderStatus;

/// One step of an order's history: the status it took, when and why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_status_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub order_id: i32,
    pub status: OrderStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// The Stripe event that brought the change, when one did.
    pub stripe_event_id: Option<String>,
    pub at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
