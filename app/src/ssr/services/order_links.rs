//! An order's status page, reachable from any device: by the link in its
//! confirmation email, or by its number and the email it was bought with.
//!
//! Each link is a random token whose SHA-256 alone is stored (`order_links`). It
//! shows that one order and nothing its email does not already show. A lookup
//! by number and email that matches gives a fresh link; one client gets
//! [`LOOKUP_TRIES`] failed lookups an hour, so number and email cannot be guessed.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::error::AppError;
use crate::ssr::entities::attempt::Action;
use crate::ssr::entities::{order, order_link};
use crate::ssr::services::throttle::{self, Limit};
use crate::ssr::services::{accounts, orders};
use crate::ssr::sessions;
use crate::types::OrderView;

/// The path of the status page; the token follows as `?token=`.
pub const STATUS_PATH: &str = "/orders/status";

/// The answer for a link that names no order.
pub const LINK_UNKNOWN: &str =
    "This order link does not work. You can find your order with its number and your email.";

/// The answer for a number and email that do not match an order: the same
/// whether the number exists or not.
pub const NO_MATCH: &str =
    "We could not find an order with that number and email. Check both against your confirmation email.";

/// Failed lookups one client gets in [`LOOKUP_WINDOW_SECS`].
pub const LOOKUP_TRIES: u64 = 10;
pub const LOOKUP_WINDOW_SECS: i64 = 60 * 60;

/// A new link to order `order_id`'s status page: the token, once; its hash stays.
pub async fn mint(db: &impl ConnectionTrait, order_id: i32, now: i64) -> Result<String, AppError> {
    let token = sessions::new_token();
    order_link::Entity::insert(order_link::ActiveModel {
        order_id: Set(order_id),
        token_hash: Set(sessions::hash_token(&token)),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

/// The status page's address for a token, on the store at `base_url`.
pub fn url(base_url: &str, token: &str) -> String {
    format!("{base_url}{STATUS_PATH}?token={token}")
}

/// A new link to an order's status page on the store at `base_url`, for an
/// email being sent (minted per sending, so only its hash is ever stored);
/// why not, in words for the sender's log.
pub async fn fresh_url(
    db: &impl ConnectionTrait,
    order_id: i32,
    base_url: &str,
) -> Result<String, String> {
    let token = mint(db, order_id, crate::ssr::clock::now())
        .await
        .map_err(|err| format!("the order's link could not be made: {err}"))?;
    Ok(url(base_url, &token))
}

/// The order a link's token names.
pub async fn order_by_token(db: &impl ConnectionTrait, token: &str) -> Result<OrderView, AppError> {
    let unknown = || AppError::not_found(LINK_UNKNOWN);
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Err(unknown());
    }
    let link = order_link::Entity::find()
        .filter(order_link::Column::TokenHash.eq(sessions::hash_token(token)))
        .one(db)
        .await?
        .ok_or_else(unknown)?;
    let order = orders::by_id(db, link.order_id)
        .await?
        .ok_or_else(unknown)?;
    orders::view_of(db, order).await
}

/// A link to the order with this number bought with this email, for `client`
/// within its tries; the same refusal whether the number exists or not.
pub async fn look_up(
    db: &DatabaseConnection,
    number: &str,
    email: &str,
    client: &str,
    now: i64,
) -> Result<String, AppError> {
    let tries = Limit {
        max: LOOKUP_TRIES,
        window_secs: LOOKUP_WINDOW_SECS,
    };
    let number = number.trim().to_ascii_uppercase();
    throttle::admit(
        db,
        Action::OrderLookup,
        client,
        Some(&number),
        tries,
        now,
        "Too many order lookups from your network. Please try again in an hour, or use the link in your confirmation email.",
    )
    .await?;
    let no_match = || AppError::not_found(NO_MATCH);
    let email = accounts::normalize_email(email).map_err(|_| no_match())?;
    let found = order::Entity::find()
        .filter(order::Column::Number.eq(number.as_str()))
        .one(db)
        .await?
        .filter(|order| {
            order
                .email
                .as_deref()
                .is_some_and(|bought_with| bought_with.trim().eq_ignore_ascii_case(&email))
        })
        .ok_or_else(no_match)?;
    // A match is no guess: it does not count against the client.
    throttle::forget(db, Action::OrderLookup, client, &number).await?;
    mint(db, found.id, now).await
}
