//! Slow clients, oversized bodies, and the headers every answer carries.

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{spawn_app, spawn_app_with, TestApp};

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Whether the server closed `stream` (or answered and closed) within `limit`.
async fn closed_within(
    stream: &mut (impl AsyncReadExt + Unpin),
    limit: Duration,
) -> (bool, String) {
    let mut seen = Vec::new();
    let mut buffer = [0_u8; 1024];
    let outcome = tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    (outcome.is_ok(), String::from_utf8_lossy(&seen).into_owned())
}

/// One header byte every 200 ms would hold a connection (and its memory) for
/// ever. The server cuts it off after the header-read timeout, and meanwhile
/// answers everyone else.
#[tokio::test]
async fn a_slowloris_client_is_cut_off_while_the_store_keeps_answering() {
    let app = spawn_app_with(&[("HEADER_READ_TIMEOUT_SECS", "1")]).await;
    let (mut read, mut write) = connect(&app).await.into_split();
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        for byte in b"GET / HTTP/1.1\r\nHost: shop\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
            if write.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    assert_eq!(
        app.get("/").await.status(),
        200,
        "others are served meanwhile"
    );
    let (closed, answer) = closed_within(&mut read, Duration::from_secs(3)).await;
    trickle.abort();
    assert!(
        closed,
        "the slow connection was still open after {:?}",
        started.elapsed()
    );
    assert!(!answer.contains("200 OK"), "{answer}");
}

/// Headers sent promptly, then a body that never comes.
#[tokio::test]
async fn a_client_that_never_sends_its_body_is_cut_off() {
    let app = spawn_app_with(&[("BODY_TIMEOUT_SECS", "1")]).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(
            b"POST /api/add_to_cart HTTP/1.1\r\nHost: shop\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 40\r\n\r\nslug=",
        )
        .await
        .unwrap();
    let (closed, answer) = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(closed || answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(!answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(app.get("/").await.status(), 200);
}

#[tokio::test]
async fn an_oversized_form_is_refused_without_being_read_whole() {
    let app = spawn_app().await;
    let huge = "a".repeat(200 * 1024);
    let answer = app
        .server_fn("add_to_cart", &[("slug", &huge), ("quantity", "1")])
        .await;
    assert!(answer.status().is_client_error(), "{}", answer.status());
}

/// The island's scripts run by the page's own nonce; nothing else inline does,
/// no other site may frame the store, and pages about one shopper are never cached.
#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = spawn_app().await;
    let home = app.get("/").await;
    let headers = home.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = home.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 22, "{nonce}");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the scripts carry it"
    );
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert!(
        headers.get("strict-transport-security").is_none(),
        "not over http"
    );
    assert!(headers.get("cache-control").is_none_or(|v| v != "no-store"));

    let again = app.get("/").await;
    assert!(
        !again.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(nonce),
        "a fresh nonce each time"
    );
    for page in [
        "/cart",
        "/account/sign-in",
        "/checkout/success?session_id=cs_test_x",
    ] {
        let answer = app.get(page).await;
        assert_eq!(answer.headers()["cache-control"], "no-store", "{page}");
        assert!(
            answer.headers().contains_key("content-security-policy"),
            "{page}"
        );
    }

    let https = spawn_app_with(&[
        ("PUBLIC_BASE_URL", "https://shop.example.com"),
        ("LOCAL_STRIPE", "on"),
    ])
    .await;
    let answer = https.get("/").await;
    assert!(answer.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}

/// A client cannot choose the id its request is logged under.
#[tokio::test]
async fn a_client_supplied_request_id_is_never_the_requests_id() {
    let app = spawn_app().await;
    let answer = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "forged-0001")
        .send()
        .await
        .unwrap();
    let id = answer.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(id, "forged-0001");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

/// Over https the session cookie is `__Host-` prefixed and `Secure`, so no
/// sibling subdomain or plain-http page can plant or read one; a planted plain
/// `shopfront_session` cookie is not a session there.
#[tokio::test]
async fn over_https_the_session_cookie_cannot_be_planted_by_a_sibling_site() {
    let app = spawn_app_with(&[
        ("PUBLIC_BASE_URL", "https://shop.example.com"),
        ("LOCAL_STRIPE", "on"),
    ])
    .await;
    let added = app.try_add("stoneware-mug", "1").await;
    assert_eq!(added.status(), 200);
    let cookie = added.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-shopfront_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");

    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("__Host-shopfront_session=")
        .to_owned();
    let cart_with = |name: &str| {
        crate::helpers::browser()
            .post(app.url("/api/get_cart"))
            .header("accept", "application/json")
            .header("cookie", format!("{name}={token}"))
            .send()
    };
    let real = crate::helpers::json(cart_with("__Host-shopfront_session").await.unwrap()).await;
    assert_eq!(real["item_count"], 1);
    let planted = crate::helpers::json(cart_with("shopfront_session").await.unwrap()).await;
    assert_eq!(
        planted["item_count"], 0,
        "a plain-named cookie is nobody's session"
    );
}

/// A request stuck behind a slow Stripe is answered 408 when the request
/// timeout runs out, instead of holding the connection; the checkout it
/// started still finishes once Stripe answers, and the next click finds it.
#[tokio::test]
async fn a_request_that_runs_past_the_request_timeout_is_answered_408() {
    let app = spawn_app_with(&[("REQUEST_TIMEOUT_SECS", "1")]).await;
    app.add("stoneware-mug", "1").await;
    let stripe = app.stripe.clone().unwrap();
    let stalled = stripe.lock().await;
    let started = Instant::now();
    let answer = app.checkout().await;
    assert_eq!(answer.status(), 408);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    drop(stalled);
    // The checkout runs on to its end: opened, or undone when Stripe's answer
    // (from the stand-in, under the same timeout) came too late too. It is
    // never left half-made, and the shopper's next click opens it.
    app.eventually(
        "SELECT COUNT(*) FROM checkouts WHERE status = 'creating'",
        0,
    )
    .await;
    assert_eq!(app.checkout().await.status(), 200);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM checkouts WHERE status = 'open'")
            .await,
        1
    );
}
