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
    /// The frozen checkout's total of its lines.
    pub amount_subtotal: i64,
    /// Taken off by a promotion code.
    pub amount_discount: i64,
    pub amount_shipping: i64,
    pub amount_tax: i64,
    /// subtotal − discount + shipping + tax: what the shopper was charged.
    pub amount_total: i64,
    /// What Stripe says was paid.
    pub stripe_amount_total: Option<i64>,
    /// The shipping rate chosen, by name.
    pub shipping_rate_name: Option<String>,
    pub shipping_name: Option<String>,
    pub shipping_line1: Option<String>,
    pub shipping_line2: Option<String>,
    pub shipping_city: Option<String>,
    pub shipping_state: Option<String>,
    pub shipping_postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub shipping_country: Option<String>,
    pub phone: Option<String>,
    /// The promotion code the shopper used, as they typed it at Stripe.
    pub promotion_code: Option<String>,
    /// What has been given back, as worked out from the order's refunds.
    pub amount_refunded: i64,
    /// The Charge's `amount_refunded` in the latest `charge.refunded`, and that
    /// event's `created`.
    pub charge_amount_refunded: i64,
    pub charge_reported_at: i64,
    pub status: OrderStatus,
    /// Why an order is on hold.
    pub hold_reason: Option<HoldReason>,
    /// Stripe's own `livemode`: false for test keys and the local stand-in, whose
    /// orders took no money.
    pub livemode: bool,
    pub confirmation_sent_at: Option<i64>,
    pub created_at: i64,
    /// When the owner marked it shipped, by which carrier, under which number.
    pub shipped_at: Option<i64>,
    pub shipping_carrier: Option<String>,
    pub tracking_number: Option<String>,
    /// When its units were put back in stock (once, by the owner).
    pub restocked_at: Option<i64>,
}

/// Where an order is. An order on hold is not shipped until the owner checks
/// it; refunds and disputes move it on (see `services::reconcile`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OrderStatus {
    #[sea_orm(string_value = "paid")]
    Paid,
    #[sea_orm(string_value = "on_hold")]
    OnHold,
    #[sea_orm(string_value = "partially_refunded")]
    PartiallyRefunded,
    #[sea_orm(string_value = "refunded")]
    Refunded,
    #[sea_orm(string_value = "disputed")]
    Disputed,
    #[sea_orm(string_value = "dispute_won")]
    DisputeWon,
    #[sea_orm(string_value = "dispute_lost")]
    DisputeLost,
}

/// Why an order was put on hold when it was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum HoldReason {
    /// Stripe's amount or currency differs from the frozen checkout (or is missing).
    #[sea_orm(string_value = "amount_mismatch")]
    AmountMismatch,
    /// Paid after the checkout had given its stock back: the units may be gone.
    #[sea_orm(string_value = "stock_released")]
    StockReleased,
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
