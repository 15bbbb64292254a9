//! Limits on what one client may do, counted after the attempt is written.
//!
//! [`admit`] inserts the attempt first and then counts the client's attempts in
//! the window, this one included. Concurrent attempts each see at least the
//! ones written before their count, so fifty parallel tries at a limit of five
//! let five through, where counting first would let all fifty.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};

use crate::error::AppError;
use crate::ssr::db::take_turn;
use crate::ssr::entities::attempt::{self, Action};

/// At most `max` attempts per client in `window_secs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u64,
    pub window_secs: i64,
}

/// What one client may do, per hour unless named otherwise. Behind a proxy,
/// "client" means what `TRUSTED_PROXIES` lets the store see; without it, every
/// shopper behind the proxy is one client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub sign_ups: Limit,
    /// Guest sessions started (cookieless adds to cart).
    pub new_sessions: Limit,
    /// New checkouts reserving stock.
    pub checkouts: Limit,
    /// Units one client may hold in open checkouts at once.
    pub units_held: i64,
}

impl Limits {
    /// `sign_ups`, `new_sessions` and `checkouts` an hour, and `units_held`.
    pub fn hourly(sign_ups: u64, new_sessions: u64, checkouts: u64, units_held: i64) -> Self {
        let hour = |max| Limit {
            max,
            window_secs: 60 * 60,
        };
        Self {
            sign_ups: hour(sign_ups),
            new_sessions: hour(new_sessions),
            checkouts: hour(checkouts),
            units_held,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::hourly(10, 60, 30, 30)
    }
}

/// The longest window any limit counts; older attempts are purged.
pub const LONGEST_WINDOW_SECS: i64 = 60 * 60;

/// Records an attempt of `action` by `client` and admits it if the client's
/// attempts in the window, this one included, are within `limit`; otherwise
/// answers 429 with `refusal`. The attempt's id, to forget it on success.
pub async fn admit(
    db: &DatabaseConnection,
    action: Action,
    client: &str,
    subject: Option<&str>,
    limit: Limit,
    now: i64,
    refusal: &str,
) -> Result<i64, AppError> {
    let id = {
        let _turn = take_turn(db).await;
        record(db, action, client, subject, now).await?
    };
    let made = attempt::Entity::find()
        .filter(attempt::Column::Action.eq(action))
        .filter(attempt::Column::Client.eq(client))
        .filter(attempt::Column::At.gt(now - limit.window_secs))
        .count(db)
        .await?;
    if made > limit.max {
        tracing::warn!(action = ?action, client, made, "throttled");
        return Err(AppError::TooManyRequests(refusal.to_owned()));
    }
    Ok(id)
}

/// Writes an attempt; its id.
pub async fn record(
    db: &impl ConnectionTrait,
    action: Action,
    client: &str,
    subject: Option<&str>,
    now: i64,
) -> Result<i64, AppError> {
    let inserted = attempt::Entity::insert(attempt::ActiveModel {
        action: Set(action),
        client: Set(client.chars().take(64).collect()),
        subject: Set(subject.map(|s| s.chars().take(254).collect())),
        at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(inserted.last_insert_id)
}

/// Attempts of `action` about `subject` in the last `window_secs`, from anyone.
pub async fn about(
    db: &impl ConnectionTrait,
    action: Action,
    subject: &str,
    window_secs: i64,
    now: i64,
) -> Result<u64, AppError> {
    Ok(attempt::Entity::find()
        .filter(attempt::Column::Action.eq(action))
        .filter(attempt::Column::Subject.eq(subject))
        .filter(attempt::Column::At.gt(now - window_secs))
        .count(db)
        .await?)
}

/// Forgets `client`'s attempts of `action` about `subject` (a sign-in that
/// succeeded wipes its own failures).
pub async fn forget(
    db: &impl ConnectionTrait,
    action: Action,
    client: &str,
    subject: &str,
) -> Result<(), AppError> {
    attempt::Entity::delete_many()
        .filter(attempt::Column::Action.eq(action))
        .filter(attempt::Column::Client.eq(client))
        .filter(attempt::Column::Subject.eq(subject))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets attempts older than every window.
pub async fn purge(db: &impl ConnectionTrait, now: i64) -> Result<u64, AppError> {
    Ok(attempt::Entity::delete_many()
        .filter(attempt::Column::At.lte(now - LONGEST_WINDOW_SECS))
        .exec(db)
        .await?
        .rows_affected)
}
