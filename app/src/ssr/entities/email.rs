use sea_orm::entity::prelude::*;

/// An email the store owes someone (see the `emails` migration): sent once
/// `sent_at` is set, tried again at `due_at_ms` until then.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "emails")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: EmailKind,
    /// What it is about, unique within its kind: an order number.
    pub key: String,
    pub to_address: String,
    /// Delivery attempts started so far.
    pub attempts: i32,
    /// When it is next due, in Unix milliseconds.
    pub due_at_ms: i64,
    /// While a sender is delivering it: until when the row is that sender's.
    pub leased_until_ms: Option<i64>,
    pub sent_at: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum EmailKind {
    #[sea_orm(string_value = "order_confirmation")]
    OrderConfirmation,
    /// A "forgot your password?" link; its token is minted when it is sent.
    #[sea_orm(string_value = "password_reset")]
    PasswordReset,
    /// Money was given back on an order.
    #[sea_orm(string_value = "refund_notice")]
    RefundNotice,
    /// The order is on its way: carrier and tracking number.
    #[sea_orm(string_value = "shipping_notice")]
    ShippingNotice,
}

impl EmailKind {
    /// The part of the Message-ID that names the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderConfirmation => "confirmation",
            Self::PasswordReset => "reset",
            Self::RefundNotice => "refund",
            Self::ShippingNotice => "shipped",
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
