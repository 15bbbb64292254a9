//! Reading orders for the pages that show them: always for their owner only, with
//! the same answer for someone else's order as for a missing one.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::error::AppError;
use crate::ssr::db::adopt;
use crate::ssr::domain::Owner;
use crate::ssr::entities::order::{HoldReason, OrderStatus};
use crate::ssr::entities::{order, order_item};
use crate::types::{
    Currency, Money, OrderFigures, OrderHold, OrderItemView, OrderView, ShipTo, Shipment,
};

/// The same answer for a missing order and someone else's: nothing leaks.
pub const ORDER_NOT_FOUND: &str = "We could not find that order.";

/// How many orders the account page lists.
const ORDERS_LISTED: u64 = 100;

fn owned(order: &order::Model, owner: Option<&Owner>) -> bool {
    owner.is_some_and(|owner| owner.owns(order.user_id, order.guest_session_id.as_deref()))
}

/// The order made from a Stripe Checkout Session, whoever owns it.
pub async fn by_stripe_session(
    db: &impl ConnectionTrait,
    stripe_session_id: &str,
) -> Result<Option<order::Model>, AppError> {
    Ok(order::Entity::find()
        .filter(order::Column::StripeSessionId.eq(stripe_session_id))
        .one(db)
        .await?)
}

/// The order with this id, whoever owns it (for its confirmation email).
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> Result<Option<order::Model>, AppError> {
    Ok(order::Entity::find_by_id(id).one(db).await?)
}

pub fn day(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The order's shipping address as it is printed: street lines, then the town
/// with its state and postal code, then the country.
fn ship_to(order: &order::Model) -> Option<ShipTo> {
    let name = order.shipping_name.clone()?;
    let mut lines: Vec<String> = [&order.shipping_line1, &order.shipping_line2]
        .into_iter()
        .flatten()
        .filter(|line| !line.is_empty())
        .cloned()
        .collect();
    let town: Vec<&str> = [
        &order.shipping_city,
        &order.shipping_state,
        &order.shipping_postal_code,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .filter(|part| !part.is_empty())
    .collect();
    if !town.is_empty() {
        lines.push(town.join(" "));
    }
    lines.extend(order.shipping_country.clone());
    Some(ShipTo {
        name,
        lines,
        phone: order.phone.clone(),
    })
}

/// How the order was sent, once it was.
fn shipment_of(order: &order::Model) -> Option<Shipment> {
    Some(Shipment {
        shipped_on: day(order.shipped_at?),
        carrier: order.shipping_carrier.clone().unwrap_or_default(),
        tracking_number: order.tracking_number.clone().unwrap_or_default(),
    })
}

/// What became of the payment, for its buyer: refunds and disputes.
fn payment_note(status: OrderStatus, refunded: Money, charged: Money) -> Option<String> {
    match status {
        OrderStatus::Refunded => Some(format!(
            "Refunded: {refunded} has been refunded to your card."
        )),
        OrderStatus::PartiallyRefunded => Some(format!(
            "Partly refunded: {refunded} of the {charged} you paid has been refunded to your card."
        )),
        OrderStatus::Disputed => Some(
            "Your bank has opened a dispute about this payment. We will be in touch about it."
                .to_owned(),
        ),
        OrderStatus::DisputeWon | OrderStatus::DisputeLost => {
            Some("The dispute about this payment is closed.".to_owned())
        }
        OrderStatus::Paid | OrderStatus::OnHold => None,
    }
}

/// The order's status as its buyer (and the owner) reads it.
pub fn status_label(status: OrderStatus, shipped: bool) -> &'static str {
    match status {
        OrderStatus::Paid if shipped => "Shipped",
        OrderStatus::Paid => "Paid",
        OrderStatus::OnHold => "On hold",
        OrderStatus::PartiallyRefunded => "Partly refunded",
        OrderStatus::Refunded => "Refunded",
        OrderStatus::Disputed => "Disputed",
        OrderStatus::DisputeWon | OrderStatus::DisputeLost => "Dispute closed",
    }
}

/// An order as its pages and its email show it.
pub async fn view_of(
    db: &impl ConnectionTrait,
    order: order::Model,
) -> Result<OrderView, AppError> {
    let currency = Currency::from_code(&order.currency).ok_or(AppError::Internal)?;
    let items = order_item::Entity::find()
        .filter(order_item::Column::OrderId.eq(order.id))
        .order_by_asc(order_item::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|item| OrderItemView {
            name: item.name,
            quantity: item.quantity,
            unit_price: Money::new(item.unit_amount, currency),
            line_total: Money::new(item.line_total, currency),
        })
        .collect();
    let money = |minor: i64| Money::new(minor, currency);
    let figures = OrderFigures {
        subtotal: money(order.amount_subtotal),
        discount: (order.amount_discount != 0).then(|| money(order.amount_discount)),
        promotion_code: order.promotion_code.clone(),
        shipping: order
            .shipping_rate_name
            .clone()
            .map(|name| (name, money(order.amount_shipping)))
            .or_else(|| {
                (order.amount_shipping != 0)
                    .then(|| ("Shipping".to_owned(), money(order.amount_shipping)))
            }),
        tax: (order.amount_tax != 0).then(|| money(order.amount_tax)),
    };
    let charged = order.stripe_amount_total.unwrap_or(order.amount_total);
    let payment_note = payment_note(order.status, money(order.amount_refunded), money(charged));
    let shipment = shipment_of(&order);
    Ok(OrderView {
        refunded: (order.amount_refunded > 0).then(|| money(order.amount_refunded)),
        payment_note,
        ship_to: ship_to(&order),
        number: order.number,
        placed_on: day(order.created_at),
        status: status_label(order.status, order.shipped_at.is_some()).to_owned(),
        shipment,
        items,
        figures,
        total: money(order.amount_total),
        email: order.email,
        test_order: !order.livemode,
        hold: match (order.status, order.hold_reason) {
            (OrderStatus::OnHold, Some(HoldReason::StockReleased)) => {
                Some(OrderHold::StockBeingChecked)
            }
            (OrderStatus::OnHold, _) => Some(OrderHold::PaymentBeingChecked),
            _ => None,
        },
    })
}

/// The order with this number, for its owner only.
pub async fn order_for(
    db: &impl ConnectionTrait,
    owner: Option<&Owner>,
    number: &str,
) -> Result<OrderView, AppError> {
    let order = order::Entity::find()
        .filter(order::Column::Number.eq(number.trim()))
        .one(db)
        .await?
        .filter(|order| owned(order, owner))
        .ok_or_else(|| AppError::not_found(ORDER_NOT_FOUND))?;
    view_of(db, order).await
}

/// The order made from a Stripe session, for its owner only.
pub async fn order_for_session(
    db: &impl ConnectionTrait,
    owner: Option<&Owner>,
    stripe_session_id: &str,
) -> Result<Option<OrderView>, AppError> {
    match by_stripe_session(db, stripe_session_id).await? {
        Some(order) if owned(&order, owner) => Ok(Some(view_of(db, order).await?)),
        Some(_) => Err(AppError::not_found(ORDER_NOT_FOUND)),
        None => Ok(None),
    }
}

/// A signed-in shopper's orders, newest first (including guest orders adopted
/// at sign-in).
pub async fn orders_of(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<OrderView>, AppError> {
    let rows = order::Entity::find()
        .filter(order::Column::UserId.eq(user_id))
        .order_by_desc(order::Column::Id)
        .limit(ORDERS_LISTED)
        .all(db)
        .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in rows {
        orders.push(view_of(db, row).await?);
    }
    Ok(orders)
}

/// At sign-in: the guest session's orders become the account's.
pub async fn adopt_guest_orders(
    txn: &impl ConnectionTrait,
    guest_session_id: &str,
    user_id: i32,
) -> Result<(), AppError> {
    adopt::<order::Entity>(
        txn,
        order::Column::UserId,
        order::Column::GuestSessionId,
        guest_session_id,
        user_id,
    )
    .await
}
