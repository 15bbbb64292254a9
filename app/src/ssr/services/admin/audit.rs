//! The audit log: one row per owner action, written in the action's own
//! transaction. A form's key is unique in it, so a form submitted twice (a
//! double click, a resent request) is recorded, and acted on, once.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TryInsertResult,
};

use super::Actor;
use crate::error::AppError;
use crate::ssr::entities::audit_entry;

/// One owner action.
pub struct Entry<'a> {
    pub actor: &'a Actor,
    /// `order.ship`, `order.refund`, `order.restock`, …
    pub action: &'a str,
    /// `order:SF-000042`.
    pub subject: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// The submitted form's key, when the action must happen once per form.
    pub request_key: Option<&'a str>,
}

/// The subject an order's entries are filed under.
pub fn order_subject(number: &str) -> String {
    format!("order:{number}")
}

/// Records `entry` in the caller's transaction. `false` when its form key was
/// recorded before: that form was already acted on, and the caller does
/// nothing more.
pub async fn record(
    txn: &impl ConnectionTrait,
    entry: &Entry<'_>,
    now: i64,
) -> Result<bool, AppError> {
    let inserted = audit_entry::Entity::insert(audit_entry::ActiveModel {
        actor_user_id: Set(entry.actor.user_id),
        actor: Set(entry.actor.name.clone()),
        action: Set(entry.action.to_owned()),
        subject: Set(entry.subject.to_owned()),
        before: Set(entry.before.as_ref().map(ToString::to_string)),
        after: Set(entry.after.as_ref().map(ToString::to_string)),
        request_key: Set(entry.request_key.map(str::to_owned)),
        at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([audit_entry::Column::RequestKey])
    .exec_without_returning(txn)
    .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(rows) if rows > 0))
}

/// Writes what became of a recorded action (Stripe's answer to a refund).
pub async fn amend_after(
    db: &impl ConnectionTrait,
    request_key: &str,
    after: serde_json::Value,
) -> Result<(), AppError> {
    use sea_orm::sea_query::Expr;
    audit_entry::Entity::update_many()
        .col_expr(audit_entry::Column::After, Expr::value(after.to_string()))
        .filter(audit_entry::Column::RequestKey.eq(request_key))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether a form with `request_key` has been acted on.
pub async fn seen(db: &impl ConnectionTrait, request_key: &str) -> Result<bool, AppError> {
    Ok(audit_entry::Entity::find()
        .filter(audit_entry::Column::RequestKey.eq(request_key))
        .one(db)
        .await?
        .is_some())
}

/// Everything done to `subject`, oldest first.
pub async fn about(
    db: &impl ConnectionTrait,
    subject: &str,
) -> Result<Vec<audit_entry::Model>, AppError> {
    Ok(audit_entry::Entity::find()
        .filter(audit_entry::Column::Subject.eq(subject))
        .order_by_asc(audit_entry::Column::Id)
        .all(db)
        .await?)
}
