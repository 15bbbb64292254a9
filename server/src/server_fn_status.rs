//! Gives server fn errors their real HTTP status, and keeps them out of the
//! addresses form posts are sent back to.
//!
//! server_fn answers every error with 500 and the serialised error in the body,
//! including errors that are the caller's (a missing field). The body is our
//! [`AppError`], which knows its status, so it is read back here, once, for every
//! server fn. A form posted without JavaScript is answered with a redirect instead,
//! which passes through untouched.

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderValue, Response, StatusCode};
use std::sync::Arc;

use app::error::AppError;
use app::ssr::form_outcome;

/// The header server_fn puts on error responses.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

/// Errors are a short JSON sentence; anything longer is not ours to rewrite.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn fix_status(response: Response<Body>) -> Response<Body> {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A server fn that refused a browser's plain form post before its own code ran
/// (a field it could not read) is answered by Leptos with a redirect whose
/// address carries the error (`__err`), which a page would show. The error goes
/// into the store's outcome cookie instead, the address loses it, and the form's
/// page shows the store's sentence once.
pub async fn move_form_errors_out_of_the_address(
    State(base): State<Arc<str>>,
    mut response: Response<Body>,
) -> Response<Body> {
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .filter(|location| location.contains("__err=") || location.contains("__path="))
        .map(str::to_owned)
    else {
        return response;
    };
    let (back, cookie) = form_outcome::rewrite_redirect(&location, &base);
    if let Ok(back) = HeaderValue::from_str(&back) {
        response.headers_mut().insert(header::LOCATION, back);
    }
    if let Some(cookie) = cookie.and_then(|cookie| HeaderValue::from_str(&cookie).ok()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
