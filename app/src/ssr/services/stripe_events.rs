//! The Stripe events the store has applied, so each is applied once.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TryInsertResult,
};

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
        order_id: Set(None),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(txn)
    .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(rows) if rows > 0))
}

/// Notes that event `id` made or changed order `order_id`, in the caller's
/// transaction, so the order's page can list the events behind it.
pub async fn link(txn: &impl ConnectionTrait, id: &str, order_id: i32) -> Result<(), AppError> {
    stripe_event::Entity::update_many()
        .col_expr(stripe_event::Column::OrderId, Expr::value(Some(order_id)))
        .filter(stripe_event::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The events that made or changed an order, oldest first: id, type, when.
pub async fn of_order(
    db: &impl ConnectionTrait,
    order_id: i32,
) -> Result<Vec<stripe_event::Model>, AppError> {
    Ok(stripe_event::Entity::find()
        .filter(stripe_event::Column::OrderId.eq(order_id))
        .order_by_asc(stripe_event::Column::ReceivedAt)
        .order_by_asc(stripe_event::Column::Id)
        .all(db)
        .await?)
}

/// Whether event `id` has been applied: one primary-key lookup, for answering a
/// redelivery without reading the rest of it. A `false` is only a hint; the
/// insert in [`record`] still decides.
pub async fn is_recorded(db: &impl ConnectionTrait, id: &str) -> Result<bool, AppError> {
    use sea_orm::QuerySelect;
    Ok(stripe_event::Entity::find_by_id(id.to_owned())
        .select_only()
        .column(stripe_event::Column::Id)
        .into_tuple::<String>()
        .one(db)
        .await?
        .is_some())
}
