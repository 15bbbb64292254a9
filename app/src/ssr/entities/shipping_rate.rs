use sea_orm::entity::prelude::*;

/// A shipping rate the store offers at checkout, in its currency's minor unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipping_rates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub amount: i64,
    /// Free when the subtotal reaches this much.
    pub free_from: Option<i64>,
    /// Business days to arrive.
    pub min_days: i32,
    pub max_days: i32,
    /// Offered in this order; the first is the default.
    pub position: i32,
    pub active: bool,
}

impl Model {
    /// What this rate costs on a cart of `subtotal`.
    pub fn amount_for(&self, subtotal: i64) -> i64 {
        match self.free_from {
            Some(threshold) if subtotal >= threshold => 0,
            _ => self.amount,
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
