use sea_orm::entity::prelude::*;

/// An order: made once per paid Checkout Session (both `checkout_id` and
/// `stripe_session_id` are unique), from the checkout's frozen lines.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `SF-000042`, from the checkout id.
    #[sea_orm(unique)]
    pub number: String,
    #[sea_orm(unique)]
    pub checkout_id: i32,
    #[sea_orm(unique)]
    pub stripe_session_id: String,
    pub user_id: Option<i32>,
    /// The guest shopper session that paid. Not a foreign key: the order outlives it.
    pub guest_session_id: Option<String>,
    pub email: Option<String>,
    pub currency: String,
    /// The frozen checkout's total.
    pub amount_total: i64,
    /// What Stripe says was paid.
    pub stripe_amount_total: Option<i64>,
    pub needs_review: bool,
    pub confirmation_sent_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::order_item::Entity")]
    Items,
}

impl Related<super::order_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Items.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
