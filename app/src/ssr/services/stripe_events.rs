//! The Stripe events the store has applied, so each is applied once.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, TryInsertResult};

use crate::error::AppError;
use crate::ssr::entities::stripe_event;

/// Records event `id` in the caller's transaction; `false` when it was recorded
/// before (a redelivery), in which case the caller applies nothing. The primary
/// key decides, so concurrent deliveries of one event cannot both get `true`.
pub async fn record(
    txn: &impl ConnectionTrait,
    id: &str,
    kind: &str,
    now: i64,
) -> Result<bool, AppError> {
    let inserted = stripe_event::Entity::insert(stripe_event::ActiveModel {
        id: Set(id.to_owned()),
        kind: Set(kind.to_owned()),
        received_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(txn)
    .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(rows) if rows > 0))
}
