use sea_orm::entity::prelude::*;

/// A cart. While open, `open_key` names its owner and is unique, so an owner has at
/// most one open cart; a merged cart keeps its history with `open_key` empty.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "carts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: Option<i32>,
    /// The guest shopper session that owns it.
    pub session_id: Option<String>,
    #[sea_orm(unique)]
    pub open_key: Option<String>,
    pub status: CartStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub notice: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CartStatus {
    /// The owner may still change it.
    #[sea_orm(string_value = "open")]
    Open,
    /// Folded into the account's cart at sign-in.
    #[sea_orm(string_value = "merged")]
    Merged,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
