use sea_orm::entity::prelude::*;

/// One thing an owner did in the back office (or an owner was made or removed
/// from the command line): who, what, about what, when, and the record before
/// and after, as JSON.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The owner's account; none for the command line.
    pub actor_user_id: Option<i32>,
    /// The owner's email (or `command line`), kept as it was then.
    pub actor: String,
    /// What was done: `order.ship`, `order.refund`, …
    pub action: String,
    /// What it was done to: `order:SF-000042`, `user:ada@example.com`.
    pub subject: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub before: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub after: Option<String>,
    /// The submitted form's own key: the same form twice is one action.
    #[sea_orm(unique)]
    pub request_key: Option<String>,
    pub at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
