use sea_orm::entity::prelude::*;

/// A change to a product's stock made by hand, and why. Sales and
/// reservations are not movements: they are the checkouts and orders.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_movements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub product_id: i32,
    /// Units added (positive) or taken away (negative).
    pub delta: i32,
    pub reason: StockReason,
    /// The order whose units came back, for `returned`.
    pub order_id: Option<i32>,
    /// Who made the change (an owner's email).
    pub actor: String,
    pub at: i64,
}

/// Why stock changed by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum StockReason {
    /// New units arrived.
    #[sea_orm(string_value = "received")]
    Received,
    /// A count showed the figure was wrong.
    #[sea_orm(string_value = "correction")]
    Correction,
    /// Units were broken or spoiled.
    #[sea_orm(string_value = "damaged")]
    Damaged,
    /// A refunded order's units were put back.
    #[sea_orm(string_value = "returned")]
    Returned,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
