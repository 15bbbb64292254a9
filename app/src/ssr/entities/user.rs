use sea_orm::entity::prelude::*;

/// An account. The password hash has no `Serialize`: it never crosses the wire.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    pub created_at: i64,
    pub role: Role,
}

/// What an account may do. Owners run the store from `/admin`; the role is
/// granted from the command line (`server owner add EMAIL`), never by signing up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    #[sea_orm(string_value = "shopper")]
    Shopper,
    #[sea_orm(string_value = "owner")]
    Owner,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
