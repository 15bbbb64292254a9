//! What an owner can do to an order: mark it shipped, refund it (through
//! Stripe), put its units back in stock, send its confirmation again, and
//! release it from hold. Each is audited in its own transaction, and each
//! form's key makes a second submit of the same form do nothing.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
};
use serde_json::json;

use super::audit::{self, order_subject, Entry};
use super::{Actor, StoreOwner};
use crate::error::AppError;
use crate::ssr::db::{begin_write, WriteTurn};
use crate::ssr::entities::email::EmailKind;
use crate::ssr::entities::order::{self, OrderStatus};
use crate::ssr::entities::order_item;
use crate::ssr::entities::stock_movement::{self, StockReason};
use crate::ssr::payments::Payments;
use crate::ssr::services::orders::ORDER_NOT_FOUND;
use crate::ssr::services::{checkout, emails, reconcile};
use crate::types::Currency;

/// Carrier names and tracking numbers are short; anything longer is a mistake.
const MAX_SHIPPING_FIELD: usize = 64;

/// What an action came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    /// The action was taken now.
    Now,
    /// This form was already acted on (a double submit): nothing more was done.
    Already,
}

/// The order with `number`, for the back office.
pub async fn order_by_number(
    db: &impl ConnectionTrait,
    number: &str,
) -> Result<order::Model, AppError> {
    order::Entity::find()
        .filter(order::Column::Number.eq(number.trim().to_ascii_uppercase()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(ORDER_NOT_FOUND))
}

/// The order with `number`, locked for the caller's transaction: a write
/// comes first (SQLite cannot turn a read into a write while another
/// connection writes), so two actions on one order take turns.
async fn lock_order(txn: &impl ConnectionTrait, number: &str) -> Result<order::Model, AppError> {
    let number = number.trim().to_ascii_uppercase();
    let locked = order::Entity::update_many()
        .col_expr(order::Column::Number, Expr::col(order::Column::Number))
        .filter(order::Column::Number.eq(&number))
        .exec(txn)
        .await?;
    if locked.rows_affected == 0 {
        return Err(AppError::not_found(ORDER_NOT_FOUND));
    }
    order_by_number(txn, &number).await
}

/// An owner's action on one order, begun: its turn at writing, its transaction, the order
/// locked, and the audit row for the form's `key` written with what `record`
/// says of the order before and after. `None` when that form was acted on
/// before: nothing more is done. An error later drops the transaction, and
/// the audit row with it.
async fn begin_action(
    db: &DatabaseConnection,
    owner: &StoreOwner,
    number: &str,
    action: &str,
    key: &str,
    now: i64,
    record: impl FnOnce(&order::Model) -> (Option<serde_json::Value>, Option<serde_json::Value>),
) -> Result<Option<(WriteTurn, DatabaseTransaction, order::Model)>, AppError> {
    let key = checked_key(key)?;
    let (turn, txn) = begin_write(db).await?;
    let order = lock_order(&txn, number).await?;
    let (before, after) = record(&order);
    let entry = Entry {
        actor: &Actor::from(owner),
        action,
        subject: &order_subject(&order.number),
        before,
        after,
        request_key: Some(key),
    };
    if !audit::record(&txn, &entry, now).await? {
        return Ok(None);
    }
    Ok(Some((turn, txn, order)))
}

/// A form's key, as the page made it.
pub(super) fn checked_key(key: &str) -> Result<&str, AppError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 100 || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::bad_request(
            "This form is out of date. Reload the page and try again.",
        ));
    }
    Ok(key)
}

/// Marks the order shipped with `carrier` and `tracking_number`, and owes the
/// shopper an email saying so.
pub async fn ship(
    db: &DatabaseConnection,
    owner: &StoreOwner,
    number: &str,
    carrier: &str,
    tracking_number: &str,
    key: &str,
    now: i64,
) -> Result<Done, AppError> {
    let key = checked_key(key)?;
    let (carrier, tracking_number) = (carrier.trim(), tracking_number.trim());
    if carrier.is_empty() || tracking_number.is_empty() {
        return Err(AppError::bad_request(
            "Enter the carrier and the tracking number.",
        ));
    }
    if carrier.chars().count() > MAX_SHIPPING_FIELD
        || tracking_number.chars().count() > MAX_SHIPPING_FIELD
    {
        return Err(AppError::bad_request(
            "The carrier and the tracking number are at most 64 characters each.",
        ));
    }
    let Some((_turn, txn, order)) =
        begin_action(db, owner, number, "order.ship", key, now, |order| {
            (
                Some(json!({ "shipped_at": order.shipped_at })),
                Some(json!({ "carrier": carrier, "tracking_number": tracking_number })),
            )
        })
        .await?
    else {
        return Ok(Done::Already);
    };
    match order.status {
        OrderStatus::OnHold => {
            return Err(AppError::Conflict(
                "This order is on hold. Check it and release it before you ship it.".to_owned(),
            ))
        }
        OrderStatus::Refunded => {
            return Err(AppError::Conflict(
                "This order was refunded in full: there is nothing to ship.".to_owned(),
            ))
        }
        _ => {}
    }
    let shipped = order::Entity::update_many()
        .col_expr(order::Column::ShippedAt, Expr::value(Some(now)))
        .col_expr(order::Column::ShippingCarrier, Expr::value(Some(carrier)))
        .col_expr(
            order::Column::TrackingNumber,
            Expr::value(Some(tracking_number)),
        )
        .filter(order::Column::Id.eq(order.id))
        .filter(order::Column::ShippedAt.is_null())
        .exec(&txn)
        .await?;
    if shipped.rows_affected == 0 {
        return Err(AppError::Conflict(
            "This order is already marked shipped.".to_owned(),
        ));
    }
    if let Some(to) = &order.email {
        emails::owe(
            &txn,
            EmailKind::ShippingNotice,
            &order.number,
            to,
            now * 1000,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Done::Now)
}

/// What the owner asked to refund.
pub struct RefundRequest<'a> {
    pub number: &'a str,
    /// As typed (`12.50`); empty for all that is left.
    pub amount: &'a str,
    pub restock: bool,
    pub key: &'a str,
}

/// Asks Stripe to refund the order (all that is left, or `amount`) under an
/// idempotency key made from the form's: a double submit refunds once. The
/// order itself changes when Stripe's refund events arrive, exactly as for a
/// refund made in Stripe's Dashboard. With `restock`, the order's units go
/// back on sale once Stripe has accepted the refund.
pub async fn refund(
    db: &DatabaseConnection,
    payments: &Payments,
    owner: &StoreOwner,
    request: &RefundRequest<'_>,
    now: i64,
) -> Result<Done, AppError> {
    let key = checked_key(request.key)?;
    let order = order_by_number(db, request.number).await?;
    let currency = Currency::from_code(&order.currency).ok_or(AppError::Internal)?;
    let charged = order.stripe_amount_total.unwrap_or(order.amount_total);
    let left = charged - order.amount_refunded;
    let amount = match request.amount.trim() {
        "" => left,
        typed => money::parse(typed, currency.code()).map_err(|_| {
            AppError::bad_request(format!(
                "Enter the amount to refund as a number in {}, such as {}, or leave it empty to refund all that is left.",
                currency.code(),
                crate::types::Money::new(left, currency)
            ))
        })?,
    };
    if amount <= 0 || amount > left {
        return Err(AppError::bad_request(format!(
            "You can refund at most {} on this order.",
            crate::types::Money::new(left.max(0), currency)
        )));
    }
    let intent = checkout::payment_intent_of(db, order.checkout_id)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("Stripe has no payment for this order to refund.".to_owned())
        })?;
    let entry = Entry {
        actor: &Actor::from(owner),
        action: "order.refund",
        subject: &order_subject(&order.number),
        before: Some(json!({ "amount_refunded": order.amount_refunded })),
        after: Some(json!({ "requested": amount, "restock": request.restock })),
        request_key: Some(key),
    };
    if !audit::record(db, &entry, now).await? {
        return Ok(Done::Already);
    }
    match create_refund(payments, &intent, amount, key).await {
        Ok(refund_id) => {
            audit::amend_after(
                db,
                key,
                json!({ "requested": amount, "restock": request.restock, "refund": refund_id }),
            )
            .await?;
        }
        Err(refusal) => {
            audit::amend_after(db, key, json!({ "requested": amount, "refused": refusal })).await?;
            return Err(AppError::Conflict(format!(
                "Stripe refused the refund: {refusal}"
            )));
        }
    }
    if request.restock {
        restock(db, owner, &order.number, now).await?;
    }
    Ok(Done::Now)
}

/// Stripe's refund id, or Stripe's own sentence for why not.
async fn create_refund(
    payments: &Payments,
    intent: &str,
    amount: i64,
    key: &str,
) -> Result<String, String> {
    use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
    use stripe_core::refund::CreateRefund;
    let idempotency = IdempotencyKey::new(format!("shopfront-refund-{key}"))
        .map_err(|_| "the request could not be made".to_owned())?;
    CreateRefund::new()
        .payment_intent(intent)
        .amount(amount)
        .customize()
        .request_strategy(RequestStrategy::Idempotent(idempotency))
        .send(payments.client())
        .await
        .map(|refund| refund.id.as_str().to_owned())
        .map_err(|err| match err {
            stripe::StripeError::Stripe(api, _) => api
                .message
                .unwrap_or_else(|| "no reason was given".to_owned()),
            other => {
                tracing::error!(payment_intent = intent, error = %other, "could not reach Stripe for a refund");
                "Stripe could not be reached. Try again in a moment.".to_owned()
            }
        })
}

/// Puts the order's units back on sale, once per order, and records a
/// `returned` movement for each product.
pub async fn restock(
    db: &DatabaseConnection,
    owner: &StoreOwner,
    number: &str,
    now: i64,
) -> Result<Done, AppError> {
    let (_turn, txn) = begin_write(db).await?;
    let order = lock_order(&txn, number).await?;
    let marked = order::Entity::update_many()
        .col_expr(order::Column::RestockedAt, Expr::value(Some(now)))
        .filter(order::Column::Id.eq(order.id))
        .filter(order::Column::RestockedAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected == 0 {
        return Ok(Done::Already);
    }
    let items = order_item::Entity::find()
        .filter(order_item::Column::OrderId.eq(order.id))
        .all(&txn)
        .await?;
    let mut units = Vec::with_capacity(items.len());
    for item in &items {
        checkout::put_back(&txn, item.product_id, item.quantity).await?;
        stock_movement::Entity::insert(stock_movement::ActiveModel {
            product_id: sea_orm::ActiveValue::Set(item.product_id),
            delta: sea_orm::ActiveValue::Set(item.quantity),
            reason: sea_orm::ActiveValue::Set(StockReason::Returned),
            order_id: sea_orm::ActiveValue::Set(Some(order.id)),
            actor: sea_orm::ActiveValue::Set(owner.email.clone()),
            at: sea_orm::ActiveValue::Set(now),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        units.push(json!({ "product": item.name, "units": item.quantity }));
    }
    audit::record(
        &txn,
        &Entry {
            actor: &Actor::from(owner),
            action: "order.restock",
            subject: &order_subject(&order.number),
            before: None,
            after: Some(json!({ "returned": units })),
            request_key: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Done::Now)
}

/// Owes the shopper their confirmation again (with a fresh link to the order).
pub async fn resend_confirmation(
    db: &DatabaseConnection,
    owner: &StoreOwner,
    number: &str,
    key: &str,
    now: i64,
) -> Result<Done, AppError> {
    let key = checked_key(key)?;
    let action = "order.resend_confirmation";
    let Some((_turn, txn, order)) = begin_action(db, owner, number, action, key, now, |order| {
        (None, Some(json!({ "to": order.email })))
    })
    .await?
    else {
        return Ok(Done::Already);
    };
    let to = order.email.clone().ok_or_else(|| {
        AppError::Conflict("This order has no email address to send to.".to_owned())
    })?;
    let email_key = crate::ssr::services::confirmation::resend_key(&order.number, key);
    emails::owe(
        &txn,
        EmailKind::OrderConfirmation,
        &email_key,
        &to,
        now * 1000,
    )
    .await?;
    txn.commit().await?;
    Ok(Done::Now)
}

/// Releases an order held for a check (an amount that did not match, or stock
/// sold after its reservation ran out): the owner has checked it, and it may
/// ship.
pub async fn release(
    db: &DatabaseConnection,
    owner: &StoreOwner,
    number: &str,
    key: &str,
    now: i64,
) -> Result<Done, AppError> {
    let Some((_turn, txn, order)) =
        begin_action(db, owner, number, "order.release", key, now, |order| {
            let reason = order.hold_reason.map(|r| format!("{r:?}"));
            (
                Some(json!({ "status": "on_hold", "hold_reason": reason })),
                Some(json!({ "status": "paid" })),
            )
        })
        .await?
    else {
        return Ok(Done::Already);
    };
    let released = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(OrderStatus::Paid))
        .col_expr(
            order::Column::HoldReason,
            Expr::value(Option::<String>::None),
        )
        .filter(order::Column::Id.eq(order.id))
        .filter(order::Column::Status.eq(OrderStatus::OnHold))
        .exec(&txn)
        .await?;
    if released.rows_affected == 0 {
        return Err(AppError::Conflict("This order is not on hold.".to_owned()));
    }
    reconcile::record_status(
        &txn,
        order.id,
        OrderStatus::Paid,
        Some(format!("Released from hold by {}", owner.email)),
        None,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Done::Now)
}
