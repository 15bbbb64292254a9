use sea_orm::entity::prelude::*;

/// One attempt at something the store throttles, kept for the longest window
/// that counts it (see [`crate::ssr::services::throttle`]).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub action: Action,
    /// The client's throttling key (see [`crate::ssr::client::key`]).
    pub client: String,
    /// What it was about: the email of a sign-in.
    pub subject: Option<String>,
    pub at: i64,
}

/// What was attempted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Action {
    /// A sign-in; deleted again when it succeeds, so those kept are failures.
    #[sea_orm(string_value = "sign_in")]
    SignIn,
    #[sea_orm(string_value = "sign_up")]
    SignUp,
    /// A guest session started (a first add to cart without a cookie).
    #[sea_orm(string_value = "new_session")]
    NewSession,
    /// A new checkout reserving stock.
    #[sea_orm(string_value = "checkout")]
    Checkout,
    /// A "forgot your password?" link asked for.
    #[sea_orm(string_value = "password_reset")]
    PasswordReset,
    /// An order looked up by its number and email.
    #[sea_orm(string_value = "order_lookup")]
    OrderLookup,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
