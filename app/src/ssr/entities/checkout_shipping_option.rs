use sea_orm::entity::prelude::*;

/// A shipping rate one checkout offered, under the id Stripe gave it, at the
/// price it was offered at.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checkout_shipping_options")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub checkout_id: i32,
    #[sea_orm(unique)]
    pub stripe_shipping_rate_id: String,
    pub name: String,
    pub amount: i64,
    pub min_days: i32,
    pub max_days: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
