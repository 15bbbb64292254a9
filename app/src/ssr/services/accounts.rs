//! Accounts: sign-up and sign-in with argon2id hashes, emails compared without
//! letter case, and repeated failures slowed down.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand_core::OsRng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use std::sync::OnceLock;

use crate::error::{on_unique, AppError};
use crate::ssr::entities::{sign_in_failure, user};

/// The only thing a failed sign-in says, whatever failed.
pub const SIGN_IN_FAILED: &str = "Email or password is incorrect.";
/// Failures counted per email and per client...
pub const MAX_FAILURES: u64 = 5;
/// ...within this many seconds.
pub const FAILURE_WINDOW_SECS: i64 = 5 * 60;
const MIN_PASSWORD: usize = 8;
const MAX_PASSWORD: usize = 128;

/// Trims and lower-cases an email, and checks it looks like one.
pub fn normalize_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(AppError::bad_request(
            "Enter an email address like name@example.com.",
        ))
    }
}

/// Passwords are 8 to 128 characters.
pub fn check_password(password: &str) -> Result<(), AppError> {
    let length = password.chars().count();
    if (MIN_PASSWORD..=MAX_PASSWORD).contains(&length) {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Choose a password of {MIN_PASSWORD} to {MAX_PASSWORD} characters."
        )))
    }
}

/// Hashes with argon2id on a blocking thread: it is meant to be slow.
async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|err| {
        tracing::error!(error = %err, "password hashing failed");
        AppError::Internal
    })
}

/// Checks a password against a stored hash on a blocking thread.
async fn verify_password(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|hash| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash to check against when the email is unknown, so that answer takes as
/// long as a wrong password does.
fn decoy_hash() -> String {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(b"decoy password for unknown emails", &salt)
                .map(|hash| hash.to_string())
                .unwrap_or_default()
        })
        .clone()
}

/// Creates an account.
pub async fn sign_up(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
    now: i64,
) -> Result<user::Model, AppError> {
    let email = normalize_email(email)?;
    check_password(password)?;
    let password_hash = hash_password(password.to_owned()).await?;
    user::ActiveModel {
        email: Set(email),
        password_hash: Set(password_hash),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(on_unique(
        "An account with this email already exists. Sign in instead.",
    ))
}

/// Checks an email and password. Says only [`SIGN_IN_FAILED`] on any mismatch,
/// and refuses to check at all after too many recent failures for the email or
/// the client.
pub async fn sign_in(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
    client: &str,
    now: i64,
) -> Result<user::Model, AppError> {
    let email = email.trim().to_lowercase();
    let recent = sign_in_failure::Entity::find()
        .filter(sign_in_failure::Column::At.gt(now - FAILURE_WINDOW_SECS))
        .filter(
            Condition::any()
                .add(sign_in_failure::Column::Email.eq(email.as_str()))
                .add(sign_in_failure::Column::Client.eq(client)),
        )
        .count(db)
        .await?;
    if recent >= MAX_FAILURES {
        return Err(AppError::TooManyRequests(
            "Too many sign-in attempts. Please wait five minutes and try again.".to_owned(),
        ));
    }

    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let stored = account
        .as_ref()
        .map_or_else(decoy_hash, |u| u.password_hash.clone());
    let matches = verify_password(password.to_owned(), stored).await;
    match account {
        Some(account) if matches => Ok(account),
        _ => {
            sign_in_failure::ActiveModel {
                email: Set(email.chars().take(254).collect()),
                client: Set(client.chars().take(64).collect()),
                at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            Err(AppError::Unauthorized(SIGN_IN_FAILED.to_owned()))
        }
    }
}

/// The email of an account.
pub async fn email_of(db: &impl ConnectionTrait, user_id: i32) -> Result<Option<String>, AppError> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|u| u.email))
}

/// Forgets failures older than the window.
pub async fn purge_old_failures(db: &impl ConnectionTrait, now: i64) -> Result<u64, AppError> {
    Ok(sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::At.lte(now - FAILURE_WINDOW_SECS))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lower_cased_and_checked() {
        assert_eq!(
            normalize_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@example.com",
        ] {
            assert_eq!(normalize_email(bad).unwrap_err().status(), 400, "{bad}");
        }
    }

    #[test]
    fn passwords_are_8_to_128_characters() {
        assert!(check_password("1234567").is_err());
        assert!(check_password("12345678").is_ok());
        assert!(check_password(&"é".repeat(128)).is_ok());
        assert!(check_password(&"x".repeat(129)).is_err());
    }
}
