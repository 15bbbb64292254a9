use sea_orm::entity::prelude::*;

/// One line of a checkout: the product, its name and unit price as they were when
/// the cart was frozen, and the units reserved.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checkout_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub checkout_id: i32,
    pub product_id: i32,
    pub name: String,
    pub unit_amount: i64,
    pub quantity: i32,
    pub line_total: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::checkout::Entity",
        from = "Column::CheckoutId",
        to = "super::checkout::Column::Id"
    )]
    Checkout,
}

impl Related<super::checkout::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Checkout.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
