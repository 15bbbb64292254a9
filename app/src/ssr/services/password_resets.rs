//! "Forgot your password?": a single-use link, valid for thirty minutes, whose
//! token the store keeps only as a hash. Asking answers the same whether or not
//! the email has an account; using the link ends every session of the account.
//!
//! The request owes an email through the outbox; the token is minted when that
//! email is sent ([`mint`]), so it never sits in the database in the clear. A
//! resend (after a refusal) mints a new one and the old link stops working.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::error::AppError;
use crate::ssr::db::begin_write;
use crate::ssr::entities::email::EmailKind;
use crate::ssr::entities::{password_reset, user};
use crate::ssr::services::{accounts, emails};
use crate::ssr::sessions;

/// How long an emailed link works.
pub const LINK_LIFETIME_SECS: i64 = 30 * 60;

/// The answer for a link that is unknown, used or expired: all the same.
pub const LINK_DEAD: &str =
    "This link has expired or has already been used. Ask for a new one from the sign-in page.";

/// Owes `email`'s account a reset link, if there is such an account.
pub async fn request(db: &DatabaseConnection, email: &str, now: i64) -> Result<(), AppError> {
    let email = accounts::normalize_email(email)?;
    let Some(account) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
    else {
        tracing::info!("a password reset for an email with no account; answered the same");
        return Ok(());
    };
    let (_turn, txn) = begin_write(db).await?;
    let reset = password_reset::Entity::insert(password_reset::ActiveModel {
        user_id: Set(account.id),
        token_hash: Set(None),
        expires_at: Set(now),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let key = format!("reset-{}", reset.last_insert_id);
    emails::owe(
        &txn,
        EmailKind::PasswordReset,
        &key,
        &account.email,
        now.saturating_mul(1000),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A fresh token for the reset an outbox row names (`reset-<id>`), valid from
/// `now`; `None` when that reset is used or gone. Only its hash is stored.
pub async fn mint(
    db: &impl ConnectionTrait,
    key: &str,
    now: i64,
) -> Result<Option<String>, AppError> {
    let Some(id) = key
        .strip_prefix("reset-")
        .and_then(|id| id.parse::<i32>().ok())
    else {
        return Ok(None);
    };
    let token = sessions::new_token();
    let minted = password_reset::Entity::update_many()
        .col_expr(
            password_reset::Column::TokenHash,
            Expr::value(Some(sessions::hash_token(&token))),
        )
        .col_expr(
            password_reset::Column::ExpiresAt,
            Expr::value(now + LINK_LIFETIME_SECS),
        )
        .filter(password_reset::Column::Id.eq(id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    Ok((minted == 1).then_some(token))
}

/// Spends the link's token on a new password: once, before it expires. Every
/// session of the account ends; the account's id, to sign this browser in.
pub async fn reset(
    db: &DatabaseConnection,
    token: &str,
    password: &str,
    now: i64,
) -> Result<i32, AppError> {
    accounts::check_password(password)?;
    let dead = || AppError::bad_request(LINK_DEAD);
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Err(dead());
    }
    let hash = sessions::hash_token(token);
    let new_hash = accounts::hash_new_password(password).await?;
    let (_turn, txn) = begin_write(db).await?;
    // The conditional update is the single use: of two racing posts, one wins.
    let spent = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(now)))
        .filter(password_reset::Column::TokenHash.eq(hash.as_str()))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?
        .rows_affected;
    if spent != 1 {
        txn.rollback().await?;
        return Err(dead());
    }
    let reset = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(hash.as_str()))
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(new_hash))
        .filter(user::Column::Id.eq(reset.user_id))
        .exec(&txn)
        .await?;
    sessions::end_all_of(&txn, reset.user_id).await?;
    txn.commit().await?;
    tracing::info!(
        user = reset.user_id,
        "password reset; every session of the account ended"
    );
    Ok(reset.user_id)
}

/// Sends the reset link `row` owes, with a token minted now.
pub async fn deliver(
    db: &DatabaseConnection,
    mailer: &crate::ssr::mail::Mailer,
    row: &crate::ssr::entities::email::Model,
    base_url: &str,
) -> Result<String, String> {
    let now = crate::ssr::clock::now();
    let token = mint(db, &row.key, now)
        .await
        .map_err(|err| format!("the reset could not be read: {err}"))?;
    let Some(token) = token else {
        // Used already (or gone): nothing to send, and nothing to retry.
        return Ok("not needed: the reset was already used".to_owned());
    };
    let body = format!(
        "Someone asked to choose a new password for your Shopfront account.\n\n\
         To choose one, open this link within 30 minutes. It works once:\n\n\
         {base_url}/account/reset-password?token={token}\n\n\
         Choosing a new password signs out every device signed in to your account.\n\
         If you did not ask for this, you can ignore this email; your password stays as it is.\n"
    );
    let message_id = mailer.message_id(row.kind.as_str(), &row.key);
    mailer
        .send(
            &row.key,
            &row.to_address,
            "Choose a new Shopfront password",
            body,
            &message_id,
        )
        .await
        .map_err(|err| err.to_string())
}
