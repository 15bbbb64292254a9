//! Sessions: a random 256-bit token in an HttpOnly cookie, and only its SHA-256 in
//! the database, so a copy of the database cannot be used to take over a shopper.
//! Expiry slides forward as the shopper comes back; expired rows are purged.

use rand_core::{OsRng, RngCore};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use sha2::{Digest, Sha256};

use crate::ssr::entities::shopper_session as session;

/// The cookie that carries the token.
pub const COOKIE_NAME: &str = "shopfront_session";
/// Its name over https: the `__Host-` prefix makes browsers refuse one set by a
/// sibling subdomain or over plain http, with a `Domain`, or without `Secure`.
pub const SECURE_COOKIE_NAME: &str = "__Host-shopfront_session";
/// A session lives 30 days after the shopper was last seen.
pub const LIFETIME_SECS: i64 = 30 * 24 * 60 * 60;
/// The expiry is pushed forward at most once a day, so most reads stay reads.
const REFRESH_AFTER_SECS: i64 = 24 * 60 * 60;

/// A session just created, with the token for its cookie.
pub struct NewSession {
    pub token: String,
    pub session: session::Model,
}

pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database stores for a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The live session a cookie token names; `None` for a malformed, unknown or
/// expired token.
pub async fn find(
    db: &impl ConnectionTrait,
    token: &str,
    now: i64,
) -> Result<Option<session::Model>, DbErr> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    session::Entity::find_by_id(hash_token(token))
        .filter(session::Column::ExpiresAt.gt(now))
        .one(db)
        .await
}

/// Starts a session, for a guest (`user_id` empty) or a signed-in account.
pub async fn create(
    db: &impl ConnectionTrait,
    user_id: Option<i32>,
    now: i64,
) -> Result<NewSession, DbErr> {
    let token = new_token();
    let session = session::ActiveModel {
        id: Set(hash_token(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + LIFETIME_SECS),
    }
    .insert(db)
    .await?;
    Ok(NewSession { token, session })
}

/// Slides the expiry forward when a day has passed since it was last set; answers
/// whether it did, in which case the cookie is sent again with a fresh lifetime.
pub async fn refresh(
    db: &impl ConnectionTrait,
    session: &session::Model,
    now: i64,
) -> Result<bool, DbErr> {
    if session.expires_at - now > LIFETIME_SECS - REFRESH_AFTER_SECS {
        return Ok(false);
    }
    session::Entity::update_many()
        .col_expr(session::Column::ExpiresAt, (now + LIFETIME_SECS).into())
        .filter(session::Column::Id.eq(session.id.as_str()))
        .exec(db)
        .await?;
    Ok(true)
}

/// Ends a session.
pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of an account (a password was reset).
pub async fn end_all_of(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, DbErr> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Removes every expired session; answers how many.
pub async fn purge_expired(db: &impl ConnectionTrait, now: i64) -> Result<u64, DbErr> {
    let result = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// The session cookie's name: `__Host-` prefixed whenever the store is served
/// over https.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// The `Set-Cookie` value that stores `token` for the session's lifetime.
pub fn cookie(token: &str, secure: bool) -> String {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={LIFETIME_SECS}{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn expired_cookie(secure: bool) -> String {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The session token in a `Cookie` request header, if there is one. Over https
/// only the `__Host-` cookie counts: a plain one may have been planted.
pub fn token_from_cookie_header(header: &str, secure: bool) -> Option<&str> {
    let wanted = cookie_name(secure);
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_random_bits_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
        assert_eq!(hash_token(&a), hash_token(&a));
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_over_https() {
        let plain = cookie("abc", false);
        assert_eq!(
            plain,
            "shopfront_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000"
        );
        assert_eq!(
            cookie("abc", true),
            "__Host-shopfront_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000; Secure"
        );
        assert!(expired_cookie(false).contains("Max-Age=0"));
        assert!(expired_cookie(true).starts_with("__Host-shopfront_session=;"));
    }

    #[test]
    fn reads_the_token_among_other_cookies() {
        assert_eq!(
            token_from_cookie_header("a=1; shopfront_session=tok; b=2", false),
            Some("tok")
        );
        assert_eq!(token_from_cookie_header("shopfront_session=", false), None);
        assert_eq!(token_from_cookie_header("other=1", false), None);
    }

    #[test]
    fn over_https_a_planted_plain_cookie_is_not_a_session() {
        let both = "shopfront_session=planted; __Host-shopfront_session=real";
        assert_eq!(token_from_cookie_header(both, true), Some("real"));
        assert_eq!(
            token_from_cookie_header("shopfront_session=planted", true),
            None
        );
    }
}
