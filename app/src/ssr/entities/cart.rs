use sea_orm::entity::prelude::*;

/// A cart. While open, `open_key` names its owner and is unique, so an owner has at
/// most one open cart; a closed cart keeps its history with `open_key` empty.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "carts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: Option<i32>,
    pub session_id: Option<String>,
    #[sea_orm(unique)]
    pub open_key: Option<String>,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub notice: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The cart's owner and the shopper may still change it.
pub const OPEN: &str = "open";
/// Folded into the account's cart at sign-in.
pub const MERGED: &str = "merged";
