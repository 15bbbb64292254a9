//! The headers every answer carries: a Content-Security-Policy whose only
//! inline scripts are the store's own (by a per-request nonce), no framing, HSTS
//! over https, a strict referrer policy, `no-store` on pages about one shopper,
//! and a request id the server made itself.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// A request's CSP nonce, made here and read by the page renderer (see
/// [`crate::startup`]), which puts it on the hydration scripts.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// What the headers depend on, fixed at start-up.
#[derive(Clone, Debug)]
pub struct HeaderPolicy {
    /// Served over https: send HSTS.
    pub https: bool,
    /// cargo-leptos' live reload socket, in development only.
    pub reload_socket: Option<String>,
}

/// Pages about one shopper (their cart, checkout, account, orders) and every
/// server fn answer: never kept by a shared cache or the back button's store.
fn private(path: &str) -> bool {
    path == "/cart"
        || ["/checkout/", "/account/", "/api/", "/orders/"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// The policy for a page whose inline scripts carry `nonce`. `wasm-unsafe-eval`
/// lets the island's WebAssembly compile; nothing else runs but the store's own
/// files.
pub fn content_security_policy(nonce: &str, reload_socket: Option<&str>) -> String {
    let connect = match reload_socket {
        Some(socket) => format!("'self' {socket}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src {connect}; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'"
    )
}

/// Replaces any client-sent `x-request-id`: the id in the logs is always the
/// server's own, so nobody can make two requests look like one.
pub async fn own_request_id(mut request: Request, next: Next) -> Response {
    request.headers_mut().remove("x-request-id");
    next.run(request).await
}

pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // The stand-in's pages are Stripe's, not the store's; they set their own.
    if is_html && !path.starts_with("/local-stripe/") {
        let csp = content_security_policy(&nonce, policy.reload_socket.as_deref());
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if policy.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if private(&path) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_nonce_and_the_stores_files_may_run() {
        let csp = content_security_policy("abc123", None);
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn a_shoppers_own_pages_are_private() {
        for path in [
            "/cart",
            "/checkout/success",
            "/account/orders/SF-000001",
            "/api/get_cart",
        ] {
            assert!(private(path), "{path}");
        }
        for path in [
            "/",
            "/products/stoneware-mug",
            "/pkg/shopfront.css",
            "/cartography",
        ] {
            assert!(!private(path), "{path}");
        }
    }
}
