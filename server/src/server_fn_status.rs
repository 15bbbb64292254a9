//! Gives server fn errors their real HTTP status.
//!
//! server_fn answers every error with 500 and the serialised error in the body,
//! including errors that are the caller's (a missing field). The body is our
//! [`AppError`], which knows its status, so it is read back here, once, for every
//! server fn. A form posted without JavaScript is answered with a redirect instead,
//! which passes through untouched.

use axum::body::{to_bytes, Body};
use axum::http::{Response, StatusCode};

use app::error::AppError;

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
