//! The email outbox: what the store owes, written in the caller's transaction,
//! and the sender's claims on it. Delivery itself is the background sender's
//! (see [`crate::ssr::services::email_sender`]).
//!
//! A sender claims a due row by setting its lease with a conditional update, so
//! two senders (two instances of the store) never send one row at once; a
//! sender that dies mid-send leaves a row that is free again when its lease
//! ends, and is sent again under the same Message-ID. A restarted sender tries
//! every owed email at once instead of waiting out its backoff.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::error::AppError;
use crate::ssr::entities::email::{self, EmailKind};

/// How long a claimed row is the claimant's before another sender may try it.
pub const LEASE_MS: i64 = 2 * 60 * 1000;

/// Owes `to` an email of `kind` about `key`, in the caller's transaction; a
/// second call for the same kind and key owes nothing more.
pub async fn owe(
    txn: &impl ConnectionTrait,
    kind: EmailKind,
    key: &str,
    to: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    email::Entity::insert(email::ActiveModel {
        kind: Set(kind),
        key: Set(key.to_owned()),
        to_address: Set(to.to_owned()),
        attempts: Set(0),
        due_at_ms: Set(now_ms),
        leased_until_ms: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
        created_at: Set(now_ms / 1000),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([email::Column::Kind, email::Column::Key])
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// No sender holds the row at `now_ms`.
fn unleased(now_ms: i64) -> Condition {
    Condition::any()
        .add(email::Column::LeasedUntilMs.is_null())
        .add(email::Column::LeasedUntilMs.lte(now_ms))
}

/// Unsent emails due by `now_ms` that no sender holds, oldest first.
pub async fn due(
    db: &impl ConnectionTrait,
    now_ms: i64,
    limit: u64,
) -> Result<Vec<email::Model>, AppError> {
    Ok(email::Entity::find()
        .filter(email::Column::SentAt.is_null())
        .filter(email::Column::DueAtMs.lte(now_ms))
        .filter(unleased(now_ms))
        .order_by_asc(email::Column::DueAtMs)
        .limit(limit)
        .all(db)
        .await?)
}

/// When the next unsent email no sender holds falls due, if any.
pub async fn next_due(db: &impl ConnectionTrait, now_ms: i64) -> Result<Option<i64>, AppError> {
    Ok(email::Entity::find()
        .filter(email::Column::SentAt.is_null())
        .filter(unleased(now_ms))
        .order_by_asc(email::Column::DueAtMs)
        .one(db)
        .await?
        .map(|row| row.due_at_ms))
}

/// Claims `row` for one delivery attempt; `false` when another sender got it.
pub async fn claim(
    db: &impl ConnectionTrait,
    row: &email::Model,
    now_ms: i64,
) -> Result<bool, AppError> {
    let claimed = email::Entity::update_many()
        .col_expr(
            email::Column::LeasedUntilMs,
            Expr::value(Some(now_ms + LEASE_MS)),
        )
        .col_expr(
            email::Column::Attempts,
            Expr::col(email::Column::Attempts).add(1),
        )
        .filter(email::Column::Id.eq(row.id))
        .filter(email::Column::SentAt.is_null())
        .filter(unleased(now_ms))
        .exec(db)
        .await?
        .rows_affected;
    Ok(claimed == 1)
}

/// Records a delivery.
pub async fn mark_sent(db: &impl ConnectionTrait, id: i32, now: i64) -> Result<(), AppError> {
    email::Entity::update_many()
        .col_expr(email::Column::SentAt, Expr::value(Some(now)))
        .col_expr(
            email::Column::LeasedUntilMs,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            email::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(email::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt; the row falls due again at `retry_at_ms`.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: i32,
    error: &str,
    retry_at_ms: i64,
) -> Result<(), AppError> {
    email::Entity::update_many()
        .col_expr(email::Column::DueAtMs, Expr::value(retry_at_ms))
        .col_expr(
            email::Column::LeasedUntilMs,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            email::Column::LastError,
            Expr::value(Some(error.to_owned())),
        )
        .filter(email::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Makes every owed email due now: a sender that has just started tries them
/// at once rather than waiting out the backoff of a process that is gone.
pub async fn due_now(db: &impl ConnectionTrait, now_ms: i64) -> Result<u64, AppError> {
    Ok(email::Entity::update_many()
        .col_expr(email::Column::DueAtMs, Expr::value(now_ms))
        .filter(email::Column::SentAt.is_null())
        .filter(email::Column::DueAtMs.gt(now_ms))
        .exec(db)
        .await?
        .rows_affected)
}
