//! Accounts: sign-up and sign-in with argon2id hashes, emails compared without
//! letter case, and guessing slowed down.
//!
//! A sign-in is recorded before its password is checked (see
//! [`throttle::admit`]): one client gets [`MAX_FAILURES`] tries in
//! [`FAILURE_WINDOW_SECS`], however many it sends at once. An email under attack
//! from many clients answers ever more slowly ([`email_delay`]) but is never
//! locked, so nobody can keep a chosen account shut. Hashing runs at most
//! [`HASHING_AT_ONCE`] at a time, so a burst cannot use up memory.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand_core::OsRng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::Semaphore;

use crate::error::{on_unique, AppError};
use crate::ssr::entities::attempt::Action;
use crate::ssr::entities::user;
use crate::ssr::services::throttle::{self, Limit};

/// The only thing a failed sign-in says, whatever failed.
pub const SIGN_IN_FAILED: &str = "Email or password is incorrect.";
/// Sign-in tries one client gets...
pub const MAX_FAILURES: u64 = 5;
/// ...within this many seconds.
pub const FAILURE_WINDOW_SECS: i64 = 5 * 60;
/// Argon2 hashes computed at once (each takes 19 MiB and a core for a while).
pub const HASHING_AT_ONCE: usize = 2;

static HASHING: Semaphore = Semaphore::const_new(HASHING_AT_ONCE);

/// Runs `work` on a blocking thread once one of the [`HASHING_AT_ONCE`] slots
/// is free.
async fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let _slot = HASHING.acquire().await.ok()?;
    tokio::task::spawn_blocking(work).await.ok()
}

/// How long a sign-in for an email waits, given the failures for that email in
/// the window from every client: nothing for the first few, then doubling from
/// a quarter second to two seconds.
pub fn email_delay(failures: u64) -> Duration {
    match failures {
        0..=2 => Duration::ZERO,
        n => Duration::from_millis(250 << (n - 3).min(3)),
    }
}
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
    bounded(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .ok_or(AppError::Internal)?
    .map_err(|err| {
        tracing::error!(error = %err, "password hashing failed");
        AppError::Internal
    })
}

/// The stored form of a new password the caller has already checked with
/// [`check_password`] (a reset).
pub async fn hash_new_password(password: &str) -> Result<String, AppError> {
    hash_password(password.to_owned()).await
}

/// Checks a password against a stored hash on a blocking thread.
async fn verify_password(password: String, stored: String) -> bool {
    bounded(move || {
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

/// Creates an account; one client may try only `limit` times an hour.
pub async fn sign_up(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
    client: &str,
    limit: Limit,
    now: i64,
) -> Result<user::Model, AppError> {
    let email = normalize_email(email)?;
    check_password(password)?;
    throttle::admit(
        db,
        Action::SignUp,
        client,
        None,
        limit,
        now,
        "Too many accounts have been created from your network. Please try again in an hour.",
    )
    .await?;
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

/// Checks an email and password. Says only [`SIGN_IN_FAILED`] on any mismatch;
/// refuses a client past its tries, and slows down an email under attack.
pub async fn sign_in(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
    client: &str,
    now: i64,
) -> Result<user::Model, AppError> {
    let email: String = email.trim().to_lowercase().chars().take(254).collect();
    let tries = Limit {
        max: MAX_FAILURES,
        window_secs: FAILURE_WINDOW_SECS,
    };
    throttle::admit(
        db,
        Action::SignIn,
        client,
        Some(&email),
        tries,
        now,
        "Too many sign-in attempts. Please wait five minutes and try again.",
    )
    .await?;
    let earlier = throttle::about(db, Action::SignIn, &email, FAILURE_WINDOW_SECS, now)
        .await?
        .saturating_sub(1);
    tokio::time::sleep(email_delay(earlier)).await;

    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let stored = account
        .as_ref()
        .map_or_else(decoy_hash, |u| u.password_hash.clone());
    let matches = verify_password(password.to_owned(), stored).await;
    match account {
        Some(account) if matches => {
            throttle::forget(db, Action::SignIn, client, &email).await?;
            Ok(account)
        }
        // The attempt stays recorded: it was a failure.
        _ => Err(AppError::Unauthorized(SIGN_IN_FAILED.to_owned())),
    }
}

/// Whether an account uses this email (as [`normalize_email`] reads it).
pub async fn exists(db: &impl ConnectionTrait, email: &str) -> Result<bool, AppError> {
    let Ok(email) = normalize_email(email) else {
        return Ok(false);
    };
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
        .is_some())
}

/// The email of an account.
pub async fn email_of(db: &impl ConnectionTrait, user_id: i32) -> Result<Option<String>, AppError> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|u| u.email))
}

/// The email and role of an account.
pub async fn account_of(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Option<(String, user::Role)>, AppError> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|u| (u.email, u.role)))
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
    fn an_email_under_attack_slows_down_but_never_locks() {
        assert_eq!(email_delay(2), Duration::ZERO);
        assert_eq!(email_delay(3), Duration::from_millis(250));
        assert_eq!(email_delay(5), Duration::from_secs(1));
        assert_eq!(email_delay(6), Duration::from_secs(2));
        assert_eq!(email_delay(10_000), Duration::from_secs(2), "capped");
    }

    /// A burst of sign-ups waits its turn for the hashing slots.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_than_two_hashes_run_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(bounded(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), HASHING_AT_ONCE);
    }

    #[test]
    fn passwords_are_8_to_128_characters() {
        assert!(check_password("1234567").is_err());
        assert!(check_password("12345678").is_ok());
        assert!(check_password(&"é".repeat(128)).is_ok());
        assert!(check_password(&"x".repeat(129)).is_err());
    }
}
