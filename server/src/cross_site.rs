//! Refuses what another site makes a shopper's browser send.
//!
//! `SameSite=Lax` keeps the session cookie off cross-site posts, but a post
//! without it still mints a guest session (replacing the victim's), and a
//! sign-in post needs no cookie at all (login CSRF: the victim's later orders
//! would go to the attacker's account). So every unsafe method must come from
//! the store's own pages: `Sec-Fetch-Site` says so in every current browser, and
//! `Origin` in older ones. A request with neither is not a browser's (curl, an
//! SDK, the tests) and cannot carry a victim's cookies, so it passes.
//! `/api/stripe` is exempt: Stripe signs its posts.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Paths whose posts are authenticated another way.
const EXEMPT: &[&str] = &["/api/stripe"];

pub const REFUSED: &str =
    "This request came from another website, so the store refused it. Nothing was changed; open the store itself and try again.";

/// The store's own origin (`https://shop.example.com`), from its public address.
pub fn origin_of(public_base_url: &str) -> Arc<str> {
    let after_scheme = public_base_url.find("://").map_or(0, |i| i + 3);
    let end = public_base_url[after_scheme..]
        .find('/')
        .map_or(public_base_url.len(), |i| after_scheme + i);
    public_base_url[..end].to_ascii_lowercase().into()
}

/// Whether a request with these headers may change anything.
pub fn allowed(method: &Method, path: &str, headers: &HeaderMap, origin: &str) -> bool {
    if matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) || EXEMPT.contains(&path)
    {
        return true;
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        // `none`: the shopper's own action (typed address, bookmark).
        return matches!(site, "same-origin" | "none");
    }
    match header("origin") {
        Some(sent) => sent.eq_ignore_ascii_case(origin),
        None => !headers.contains_key("origin"),
    }
}

pub async fn same_origin_only(
    State(origin): State<Arc<str>>,
    request: Request,
    next: Next,
) -> Response {
    if allowed(
        request.method(),
        request.uri().path(),
        request.headers(),
        &origin,
    ) {
        return next.run(request).await;
    }
    tracing::warn!(
        path = %request.uri().path(),
        origin = ?request.headers().get("origin"),
        fetch_site = ?request.headers().get("sec-fetch-site"),
        "refused a cross-site request"
    );
    (StatusCode::FORBIDDEN, REFUSED).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const STORE: &str = "https://shop.example.com";

    fn with(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn the_stores_origin_is_its_address_without_a_path() {
        assert_eq!(&*origin_of("https://Shop.example.com"), STORE);
        assert_eq!(
            &*origin_of("http://127.0.0.1:3000/"),
            "http://127.0.0.1:3000"
        );
    }

    #[test]
    fn only_the_stores_own_pages_may_post() {
        let post = |pairs: &[(&'static str, &'static str)]| {
            allowed(&Method::POST, "/api/add_to_cart", &with(pairs), STORE)
        };
        assert!(post(&[("sec-fetch-site", "same-origin")]));
        assert!(post(&[("sec-fetch-site", "none")]));
        assert!(post(&[("origin", "https://shop.example.com")]));
        assert!(post(&[]), "no browser, no cookies to abuse");

        assert!(!post(&[("sec-fetch-site", "cross-site")]));
        assert!(
            !post(&[("sec-fetch-site", "same-site")]),
            "a sibling subdomain or port"
        );
        assert!(!post(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://shop.example.com")
        ]));
        assert!(!post(&[("origin", "https://evil.example")]));
        assert!(
            !post(&[("origin", "null")]),
            "a sandboxed frame or a data: page"
        );
        assert!(!post(&[(
            "origin",
            "https://shop.example.com.evil.example"
        )]));
    }

    #[test]
    fn reading_and_stripes_signed_posts_pass() {
        let evil = with(&[("sec-fetch-site", "cross-site")]);
        assert!(allowed(&Method::GET, "/cart", &evil, STORE));
        assert!(allowed(&Method::POST, "/api/stripe", &evil, STORE));
        assert!(!allowed(&Method::DELETE, "/api/cart", &evil, STORE));
    }
}
