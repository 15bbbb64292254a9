//! How a checkout ends, and the records it keeps on the way: paid,
//! processing, failed, expired or released (its stock going back on sale),
//! the PaymentIntent and a decline's message, and guest checkouts adopted by
//! the account that signs in.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    UpdateMany,
};

use super::by_stripe_session;
use super::stock::return_stock;
use crate::error::AppError;
use crate::ssr::db::{adopt, begin_write};
use crate::ssr::entities::checkout::{self, CheckoutStatus};

/// Ends a checkout that was not paid: its status becomes `status` if it is still
/// one of `from`, and then (only then) its reserved stock goes back on sale. Safe
/// to run any number of times.
pub async fn release(
    db: &DatabaseConnection,
    checkout_id: i32,
    status: CheckoutStatus,
    from: &[CheckoutStatus],
    now: i64,
) -> Result<bool, AppError> {
    let (_turn, txn) = begin_write(db).await?;
    let released = release_in(&txn, checkout_id, status, from, now).await?;
    txn.commit().await?;
    Ok(released)
}

/// [`release`] inside the caller's transaction.
pub async fn release_in(
    txn: &impl ConnectionTrait,
    checkout_id: i32,
    status: CheckoutStatus,
    from: &[CheckoutStatus],
    now: i64,
) -> Result<bool, AppError> {
    let changed = ending(checkout_id, status, now)
        .filter(checkout::Column::Status.is_in(from.iter().copied()))
        .exec(txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Ok(false);
    }
    return_stock(txn, checkout_id).await?;
    tracing::info!(
        checkout = checkout_id,
        status = ?status,
        "checkout closed and its stock released"
    );
    Ok(true)
}

/// The update that ends checkout `checkout_id` as `status`: it stops holding its
/// cart, so the cart may start another.
fn ending(checkout_id: i32, status: CheckoutStatus, now: i64) -> UpdateMany<checkout::Entity> {
    checkout::Entity::update_many()
        .col_expr(checkout::Column::Status, Expr::value(status))
        .col_expr(
            checkout::Column::LiveCartId,
            Expr::value(Option::<i32>::None),
        )
        .col_expr(checkout::Column::UpdatedAt, Expr::value(now))
        .filter(checkout::Column::Id.eq(checkout_id))
}

/// Takes the row lock of the checkout behind a Stripe session before anything
/// is read: SQLite then queues this transaction behind any other writer instead
/// of refusing it later, and PostgreSQL makes racing fulfilments of one session
/// take turns.
pub async fn lock_by_stripe_session(
    txn: &impl ConnectionTrait,
    stripe_session_id: &str,
) -> Result<(), AppError> {
    checkout::Entity::update_many()
        .col_expr(
            checkout::Column::UpdatedAt,
            Expr::col(checkout::Column::UpdatedAt),
        )
        .filter(checkout::Column::StripeSessionId.eq(stripe_session_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The checkout's order was made: it is paid, and no longer holds its cart.
pub async fn mark_paid(
    txn: &impl ConnectionTrait,
    checkout_id: i32,
    payment_intent: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let mut update = ending(checkout_id, CheckoutStatus::Paid, now).col_expr(
        checkout::Column::LastPaymentError,
        Expr::value(Option::<String>::None),
    );
    if let Some(intent) = payment_intent {
        update = update.col_expr(
            checkout::Column::StripePaymentIntentId,
            Expr::value(intent.to_owned()),
        );
    }
    update.exec(txn).await?;
    Ok(())
}

/// `checkout.session.completed` with `unpaid` (a delayed payment method).
pub async fn mark_processing(
    txn: &impl ConnectionTrait,
    stripe_session_id: &str,
    now: i64,
) -> Result<bool, AppError> {
    let changed = checkout::Entity::update_many()
        .col_expr(
            checkout::Column::Status,
            Expr::value(CheckoutStatus::Processing),
        )
        .col_expr(checkout::Column::UpdatedAt, Expr::value(now))
        .filter(checkout::Column::StripeSessionId.eq(stripe_session_id))
        .filter(checkout::Column::Status.eq(CheckoutStatus::Open))
        .exec(txn)
        .await?
        .rows_affected;
    Ok(changed == 1)
}

/// The session will never be paid (expired, or a delayed payment failed): its
/// stock goes back on sale. The cart was never closed, so it is still there.
pub async fn close_unpaid(
    txn: &impl ConnectionTrait,
    stripe_session_id: &str,
    status: CheckoutStatus,
    now: i64,
) -> Result<bool, AppError> {
    let Some(checkout) = by_stripe_session(txn, stripe_session_id).await? else {
        tracing::info!(stripe_session = %stripe_session_id, "an event for a session this store did not create");
        return Ok(false);
    };
    release_in(
        txn,
        checkout.id,
        status,
        &[CheckoutStatus::Open, CheckoutStatus::Processing],
        now,
    )
    .await
}

/// A declined attempt: remembered for the cart page; the session stays open.
/// Which checkout a declined PaymentIntent belongs to: the one that recorded it,
/// or the one whose Checkout Session Stripe says made it. Never its metadata,
/// which anyone with access to the Stripe account can set on any PaymentIntent.
pub enum IntentOwner<'a> {
    /// The checkout that has already recorded this PaymentIntent.
    Recorded,
    /// The checkout of the session Stripe says made the PaymentIntent.
    Session(&'a str),
}

/// The checkout that has recorded PaymentIntent `intent_id`, if any.
pub async fn by_payment_intent(
    db: &impl ConnectionTrait,
    intent_id: &str,
) -> Result<Option<checkout::Model>, AppError> {
    Ok(checkout::Entity::find()
        .filter(checkout::Column::StripePaymentIntentId.eq(intent_id))
        .one(db)
        .await?)
}

/// The PaymentIntent that paid checkout `checkout_id`, when Stripe has made one.
pub async fn payment_intent_of(
    db: &impl ConnectionTrait,
    checkout_id: i32,
) -> Result<Option<String>, AppError> {
    Ok(checkout::Entity::find_by_id(checkout_id)
        .one(db)
        .await?
        .and_then(|row| row.stripe_payment_intent_id))
}

/// Records a declined attempt on the checkout that owns PaymentIntent
/// `intent_id` (see [`IntentOwner`]), remembering the PaymentIntent for next
/// time; `false` when no open checkout of this store owns it.
pub async fn record_payment_failure(
    txn: &impl ConnectionTrait,
    intent_id: &str,
    owner: IntentOwner<'_>,
    message: &str,
    now: i64,
) -> Result<bool, AppError> {
    let mut update = checkout::Entity::update_many()
        .col_expr(
            checkout::Column::LastPaymentError,
            Expr::value(Some(message.to_owned())),
        )
        .col_expr(checkout::Column::UpdatedAt, Expr::value(now))
        .filter(checkout::Column::Status.is_in([CheckoutStatus::Open, CheckoutStatus::Processing]));
    update = match owner {
        IntentOwner::Session(session_id) => update
            .col_expr(
                checkout::Column::StripePaymentIntentId,
                Expr::value(intent_id.to_owned()),
            )
            .filter(checkout::Column::StripeSessionId.eq(session_id))
            .filter(
                Condition::any()
                    .add(checkout::Column::StripePaymentIntentId.is_null())
                    .add(checkout::Column::StripePaymentIntentId.eq(intent_id)),
            ),
        IntentOwner::Recorded => {
            update.filter(checkout::Column::StripePaymentIntentId.eq(intent_id))
        }
    };
    Ok(update.exec(txn).await?.rows_affected == 1)
}

/// At sign-in: the guest's checkouts become the account's.
pub async fn adopt_guest_checkouts(
    txn: &impl ConnectionTrait,
    guest_session_id: &str,
    user_id: i32,
) -> Result<(), AppError> {
    adopt::<checkout::Entity>(
        txn,
        checkout::Column::UserId,
        checkout::Column::GuestSessionId,
        guest_session_id,
        user_id,
    )
    .await
}

/// Releases checkouts whose Stripe session should have expired an hour ago but
/// whose `checkout.session.expired` never arrived, so their stock is not held for
/// ever; returns how many. Run by the server's hourly housekeeping.
pub async fn release_lapsed(db: &DatabaseConnection, now: i64) -> Result<usize, AppError> {
    let lapsed = [CheckoutStatus::Open, CheckoutStatus::Creating];
    let stale = checkout::Entity::find()
        .filter(checkout::Column::Status.is_in(lapsed))
        .filter(checkout::Column::ExpiresAt.lt(now - 3600))
        .all(db)
        .await?;
    let mut released = 0;
    for checkout in stale {
        if release(db, checkout.id, CheckoutStatus::Expired, &lapsed, now).await? {
            released += 1;
        }
    }
    Ok(released)
}
