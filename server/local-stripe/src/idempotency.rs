//! Idempotent requests as Stripe serves them: a POST under an `Idempotency-Key`
//! is answered once and that answer is replayed for 24 hours; the same key with
//! other parameters is a 400, and the same key while its first request is still
//! being answered is a 409.
//!
//! The kept answer's row is the key's primary key, written in the same
//! transaction as what the request made where that matters (a new session), so
//! a key stands for one answer however the requests race.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use sea_orm::ConnectionTrait;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

use crate::api::params;
use crate::error::ApiError;
use crate::form::Param;
use crate::{store, LocalStripe};

/// How long Stripe keeps the answer to a key, in seconds.
pub const KEPT_FOR: i64 = 24 * 60 * 60;

/// A POST's parameters and, under an `Idempotency-Key`, the key held for it:
/// until this is dropped, another request with the key is answered 409.
pub(crate) struct Idempotent {
    pub params: BTreeMap<String, Param>,
    key: Option<Held>,
    fingerprint: String,
}

impl Idempotent {
    pub fn key(&self) -> Option<&str> {
        self.key.as_ref().map(|held| held.key.as_str())
    }

    /// Keeps `body` as the answer to this key.
    pub async fn remember(&self, stripe: &LocalStripe, body: &Value) -> Result<(), ApiError> {
        self.remember_in(stripe.db(), stripe.now(), body).await
    }

    /// Keeps `body` as the answer to this key, in `db`'s transaction.
    pub async fn remember_in(
        &self,
        db: &impl ConnectionTrait,
        now: i64,
        body: &Value,
    ) -> Result<(), ApiError> {
        if let Some(key) = self.key() {
            let kept = store::Remembered {
                fingerprint: self.fingerprint.clone(),
                status: 200,
                body: body.to_string(),
            };
            store::remember(db, key, &kept, now, now - KEPT_FOR).await?;
        }
        Ok(())
    }
}

/// Reads a POST to `path` and holds its key; `Err(response)` replays the first
/// answer to a key seen before.
pub(crate) async fn idempotent(
    stripe: &LocalStripe,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Result<Idempotent, Response>, ApiError> {
    let params = params(query, body)?;
    let fingerprint = fingerprint(method, path, &params);
    let Some(key) = idempotency_key(headers)? else {
        return Ok(Ok(Idempotent {
            params,
            key: None,
            fingerprint,
        }));
    };
    // Held before the kept answer is looked for, so no second request can find
    // nothing kept while the first is still making its answer.
    let held = Held::take(stripe, key)?;
    if let Some(response) = replay(stripe, &held.key, &fingerprint).await? {
        return Ok(Err(response));
    }
    Ok(Ok(Idempotent {
        params,
        key: Some(held),
        fingerprint,
    }))
}

/// A key whose first request is being answered, given back when dropped.
struct Held {
    stripe: LocalStripe,
    key: String,
}

impl Held {
    fn take(stripe: &LocalStripe, key: String) -> Result<Self, ApiError> {
        if !stripe.hold_key(&key) {
            return Err(ApiError::key_in_use(&key));
        }
        Ok(Self {
            stripe: stripe.clone(),
            key,
        })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.stripe.release_key(&self.key);
    }
}

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(value) => {
            let key = value
                .to_str()
                .map_err(|_| ApiError::state("Invalid Idempotency-Key header."))?;
            if key.is_empty() || key.len() > 255 {
                return Err(ApiError::state(
                    "Idempotency-Key must be between 1 and 255 characters long.",
                ));
            }
            Ok(Some(key.to_owned()))
        }
    }
}

/// What makes two requests "the same" for an idempotency key.
pub(crate) fn fingerprint(method: &Method, path: &str, params: &BTreeMap<String, Param>) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_str());
    hash.update(b" ");
    hash.update(path);
    hash.update(b"\n");
    hash.update(format!("{params:?}"));
    hex::encode(hash.finalize())
}

/// The first answer for a key seen in the last 24 hours, or a 400 when it came
/// with other parameters.
async fn replay(
    stripe: &LocalStripe,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Response>, ApiError> {
    let Some(kept) = store::remembered(stripe.db(), key, stripe.now() - KEPT_FOR).await? else {
        return Ok(None);
    };
    if kept.fingerprint != fingerprint {
        return Err(ApiError::idempotency(key));
    }
    let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
    let mut response = Response::new(Body::from(kept.body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(Some(response))
}
