use sea_orm::entity::prelude::*;

/// One product in a cart; (cart_id, product_id) is unique and quantity is 1..=99.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cart_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cart_id: i32,
    pub product_id: i32,
    pub quantity: i32,
    pub created_at: i64,
    /// The unit price (minor units, the store's currency) when the line was
    /// added, or last added to; `None` for lines older than this column.
    pub added_unit_amount: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
