//! Stripe's HTTP API, the subset the store uses: Checkout Sessions and
//! PaymentIntents, with Stripe's authentication, errors, request ids and
//! idempotency keys.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::Value;
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;

use super::error::ApiError;
use super::form::{self, Param};
use super::idempotency::idempotent;
use super::params::Expand;
use super::{ids, store, LocalStripe};
use super::{render, API_VERSION};
use crate::charges::api as charges;
use crate::discounts::api as discounts;

/// The id of the request being served, sent back in `Request-Id`.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Stripe allows bodies far larger than any session needs; this is plenty.
const MAX_BODY: usize = 1024 * 1024;

pub fn router<S: Clone + Send + Sync + 'static>(stripe: LocalStripe) -> Router<S> {
    Router::new()
        .route(
            "/v1/checkout/sessions",
            post(create_session).get(list_sessions),
        )
        .route("/v1/checkout/sessions/{id}", get(retrieve_session))
        .route(
            "/v1/checkout/sessions/{id}/line_items",
            get(list_line_items),
        )
        .route("/v1/checkout/sessions/{id}/expire", post(expire_session))
        .route("/v1/payment_intents/{id}", get(retrieve_payment_intent))
        .route("/v1/refunds", post(charges::create_refund))
        .route("/v1/refunds/{id}", get(charges::retrieve_refund))
        .route("/v1/charges/{id}", get(charges::retrieve_charge))
        .route("/v1/disputes/{id}", get(charges::retrieve_dispute))
        .route("/v1/coupons", post(discounts::create_coupon))
        .route("/v1/coupons/{id}", get(discounts::retrieve_coupon))
        .route(
            "/v1/promotion_codes",
            post(discounts::create_promotion_code).get(discounts::list_promotion_codes),
        )
        .route(
            "/v1/promotion_codes/{id}",
            get(discounts::retrieve_promotion_code),
        )
        .fallback(unrecognized)
        .method_not_allowed_fallback(unrecognized)
        .layer(middleware::from_fn_with_state(
            stripe.clone(),
            stripe_envelope,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(stripe)
}

/// Gives every answer a `Request-Id` and `Stripe-Version`, and refuses requests
/// without the stand-in's own secret key, before any handler runs.
async fn stripe_envelope(
    State(stripe): State<LocalStripe>,
    mut request: Request,
    next: Next,
) -> Response {
    let request_id = ids::request();
    let version = request
        .headers()
        .get("stripe-version")
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static(API_VERSION));
    let expected = stripe.config().api_key.expose();
    let mut response = match check_key(request.headers(), expected) {
        Ok(()) => {
            request
                .extensions_mut()
                .insert(RequestId(request_id.clone()));
            next.run(request).await
        }
        Err(err) => err.into_response(),
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert("request-id", value);
    }
    headers.insert("stripe-version", version);
    response
}

/// Stripe's answers to a missing, live, malformed or unknown key, in that order.
/// Only `expected` passes: a stand-in reachable by others must not take any
/// test key a stranger makes up.
fn check_key(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    let Some(value) = headers.get("authorization") else {
        return Err(ApiError::unauthorized(
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        ));
    };
    let key = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    if key.starts_with("sk_live_") || key.starts_with("rk_live_") {
        return Err(ApiError::unauthorized(
            "This is the local Stripe: it takes test-mode keys (sk_test_...) only. Live keys belong with Stripe itself.",
        ));
    }
    let well_formed = (key.starts_with("sk_test_") || key.starts_with("rk_test_"))
        && key.len() >= 12
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let known = bool::from(key.as_bytes().ct_eq(expected.as_bytes()));
    if !well_formed || !known {
        return Err(ApiError::unauthorized(format!(
            "Invalid API Key provided: {}",
            redact(key)
        )));
    }
    Ok(())
}

/// Stripe's way of naming a bad key: the start and the last four characters.
fn redact(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 12 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 12))
}

async fn unrecognized(method: Method, uri: Uri) -> ApiError {
    ApiError::unrecognized(method.as_str(), uri.path())
}

pub(crate) fn json(status: StatusCode, value: &Value) -> Response {
    (status, Json(value)).into_response()
}

/// Parameters from the query string and, for POSTs, the form body.
pub(crate) fn params(
    query: Option<&str>,
    body: &[u8],
) -> Result<BTreeMap<String, Param>, ApiError> {
    let to_api = |err: form::FormError| match err.param {
        Some(param) => ApiError::invalid_param(&param, err.message),
        None => ApiError::state(err.message),
    };
    let mut params = form::decode(query.unwrap_or_default().as_bytes()).map_err(to_api)?;
    params.extend(form::decode(body).map_err(to_api)?);
    Ok(params)
}

async fn create_session(
    State(stripe): State<LocalStripe>,
    Extension(request_id): Extension<RequestId>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = match idempotent(
        &stripe,
        &method,
        "/v1/checkout/sessions",
        &headers,
        query.as_deref(),
        &body,
    )
    .await?
    {
        Ok(request) => request,
        Err(replayed) => return Ok(replayed),
    };
    let expand = Expand::from_params(&request.params)?;
    let creating = stripe.creating().await;
    let (session, body) = stripe
        .create_session(&creating, &request, |session| {
            stripe.render_session(session, expand, None)
        })
        .await?;
    drop(creating);
    drop(request);
    tracing::debug!(request = %request_id.0, session = %session.id, path = %uri.path(), "local Stripe: session created");
    Ok(json(StatusCode::OK, &body))
}

async fn retrieve_session(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = params(query.as_deref(), &[])?;
    let expand = Expand::from_params(&params)?;
    let session = stripe
        .session(&id)
        .await?
        .ok_or_else(|| ApiError::no_such("checkout.session", &id, "session"))?;
    let intent = match (&session.payment_intent, expand.payment_intent) {
        (Some(intent_id), true) => stripe.payment_intent(intent_id).await?,
        _ => None,
    };
    Ok(json(
        StatusCode::OK,
        &stripe.render_session(&session, expand, intent.as_ref()),
    ))
}

/// `limit` as Stripe reads it: 1 to 100, 10 when absent.
pub(crate) fn limit(params: &BTreeMap<String, Param>) -> Result<usize, ApiError> {
    match params.get("limit").and_then(Param::as_str) {
        None => Ok(10),
        Some(text) => match text.parse::<usize>() {
            Ok(limit) if (1..=100).contains(&limit) => Ok(limit),
            _ => Err(ApiError::invalid_integer(
                "limit",
                "This value must be between 1 and 100.",
            )),
        },
    }
}

/// `GET /v1/checkout/sessions`, newest first, filtered by `payment_intent` or
/// `status` as Stripe filters them. How the store learns which session made a
/// declined PaymentIntent.
async fn list_sessions(
    State(stripe): State<LocalStripe>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = params(query.as_deref(), &[])?;
    if let Some(unknown) = params
        .keys()
        .find(|k| !["payment_intent", "status", "limit"].contains(&k.as_str()))
    {
        return Err(ApiError::unknown(unknown));
    }
    let text = |name: &str| params.get(name).and_then(Param::as_str);
    let status = text("status");
    if let Some(status) = status.filter(|s| !["open", "complete", "expired"].contains(s)) {
        return Err(ApiError::invalid_param(
            "status",
            format!("Invalid status: must be one of complete, expired, or open (got {status})."),
        ));
    }
    let limit = limit(&params)?;
    let mut sessions =
        store::sessions(stripe.db(), text("payment_intent"), status, limit + 1).await?;
    let has_more = sessions.len() > limit;
    sessions.truncate(limit);
    let data: Vec<Value> = sessions
        .iter()
        .map(|session| stripe.render_session(session, Expand::default(), None))
        .collect();
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({
            "object": "list",
            "data": data,
            "has_more": has_more,
            "url": "/v1/checkout/sessions",
        }),
    ))
}

async fn list_line_items(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = params(query.as_deref(), &[])?;
    let session = stripe
        .session(&id)
        .await?
        .ok_or_else(|| ApiError::no_such("checkout.session", &id, "session"))?;
    let limit = limit(&params)?;
    let lines = &session.line_items;
    let position = |param: &str| -> Result<Option<usize>, ApiError> {
        match params.get(param).and_then(Param::as_str) {
            None => Ok(None),
            Some(item) => lines
                .iter()
                .position(|line| line.id == item)
                .map(Some)
                .ok_or_else(|| ApiError::no_such("line_item", item, param)),
        }
    };
    let (page, has_more) = if let Some(after) = position("starting_after")? {
        let rest = &lines[after + 1..];
        let end = rest.len().min(limit);
        (&rest[..end], rest.len() > limit)
    } else if let Some(before) = position("ending_before")? {
        let start = before.saturating_sub(limit);
        (&lines[start..before], start > 0)
    } else {
        let end = lines.len().min(limit);
        (&lines[..end], lines.len() > limit)
    };
    Ok(json(
        StatusCode::OK,
        &render::line_items_list(&session, page, has_more),
    ))
}

async fn expire_session(
    State(stripe): State<LocalStripe>,
    Extension(request_id): Extension<RequestId>,
    method: Method,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = match idempotent(
        &stripe,
        &method,
        &format!("/v1/checkout/sessions/{id}/expire"),
        &headers,
        query.as_deref(),
        &body,
    )
    .await?
    {
        Ok(request) => request,
        Err(replayed) => return Ok(replayed),
    };
    let expand = Expand::from_params(&request.params)?;
    if let Some(unknown) = request.params.keys().find(|k| k.as_str() != "expand") {
        return Err(ApiError::unknown(unknown));
    }
    let writing = stripe.lock().await;
    let session = stripe
        .expire_session(&writing, &id, Some((&request_id.0, request.key())))
        .await?;
    let body = stripe.render_session(&session, expand, None);
    request.remember(&stripe, &body).await?;
    Ok(json(StatusCode::OK, &body))
}

async fn retrieve_payment_intent(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let intent = stripe
        .payment_intent(&id)
        .await?
        .ok_or_else(|| ApiError::no_such("payment_intent", &id, "intent"))?;
    Ok(json(StatusCode::OK, &render::payment_intent_json(&intent)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_redacted_like_stripe_does() {
        assert_eq!(
            redact("sk_test_abcdefghijklmnop"),
            "sk_test_************mnop"
        );
        assert_eq!(redact("short"), "*****");
    }

    const KEY: &str = "sk_test_1234567890abcdef";

    #[test]
    fn only_the_stand_ins_own_key_passes() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("authorization", HeaderValue::from_str(value).unwrap());
            check_key(&headers, KEY)
        };
        assert!(with("Bearer sk_test_1234567890abcdef").is_ok());
        let stranger = with("Bearer sk_test_1234567890abcdeg").unwrap_err();
        assert_eq!(stranger.status, StatusCode::UNAUTHORIZED);
        assert!(stranger.message.contains("Invalid API Key provided"));
        assert_eq!(
            with("Bearer rk_test_1234567890abcdef").unwrap_err().status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            with("Bearer sk_live_1234567890abcdef").unwrap_err().status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            with("Bearer sk_test_").unwrap_err().status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            with("Bearer pk_test_1234567890abcdef").unwrap_err().status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            with("sk_test_1234567890abcdef").unwrap_err().status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            check_key(&HeaderMap::new(), KEY).unwrap_err().status,
            StatusCode::UNAUTHORIZED
        );
    }
}
