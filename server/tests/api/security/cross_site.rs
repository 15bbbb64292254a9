//! Another site cannot make a shopper's browser act at the store: sign them in
//! to the attacker's account, fill or empty their cart, or sign them out.
//! (The same attempts from a real page on another origin run in Chromium, in
//! `end2end/tests/cross-site.spec.ts`.)

use crate::helpers::{spawn_app, TestApp};

/// What browsers send with a post from a page on another site.
const FROM_ELSEWHERE: [&[(&str, &str)]; 3] = [
    &[
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ],
    &[
        ("sec-fetch-site", "same-site"),
        ("origin", "http://127.0.0.1:1"),
    ],
    // A browser too old for Sec-Fetch-Site still names the origin.
    &[("origin", "https://evil.example")],
];

async fn post_from_elsewhere(
    app: &TestApp,
    name: &str,
    form: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/{name}")))
        .header("accept", "text/html")
        .form(form);
    for (header, value) in headers {
        request = request.header(*header, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_form_on_another_site_cannot_sign_in_add_to_cart_or_sign_out() {
    let app = spawn_app().await;
    let attacker = app.other_shopper();
    attacker
        .form_post(
            "sign_up",
            &[
                ("email", "mallory@example.com"),
                ("password", "correct horse battery"),
            ],
            "/account/sign-up",
        )
        .await;
    app.add("stoneware-mug", "2").await;
    let cart_before = app.cart().await;
    let sessions_before = app.number("SELECT COUNT(*) FROM sessions").await;

    for headers in FROM_ELSEWHERE {
        for (name, form) in [
            (
                "sign_in",
                &[
                    ("email", "mallory@example.com"),
                    ("password", "correct horse battery"),
                ][..],
            ),
            (
                "add_to_cart",
                &[("slug", "glass-carafe"), ("quantity", "1")],
            ),
            ("sign_out", &[]),
        ] {
            let answer = post_from_elsewhere(&app, name, form, headers).await;
            assert_eq!(answer.status(), 403, "{name} from {headers:?}");
            assert!(
                answer.headers().get("set-cookie").is_none(),
                "{name}: no cookie"
            );
            let text = answer.text().await.unwrap();
            assert!(text.contains("came from another website"), "{text}");
        }
    }
    assert_eq!(app.cart().await, cart_before, "the cart is untouched");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM sessions").await,
        sessions_before,
        "no session was minted, none was signed in"
    );
    let header = app.get("/").await.text().await.unwrap();
    assert!(!header.contains("mallory@example.com"), "still the guest");
}

/// The store's own pages, and clients that are not browsers, still work; and
/// Stripe's signed posts are not refused for coming from elsewhere.
#[tokio::test]
async fn the_stores_own_pages_and_stripe_still_get_through() {
    let app = spawn_app().await;
    for headers in [
        &[
            ("sec-fetch-site", "same-origin"),
            ("origin", app.address.as_str()),
        ][..],
        &[("origin", app.address.as_str())],
        &[],
    ] {
        let answer = post_from_elsewhere(
            &app,
            "add_to_cart",
            &[("slug", "stoneware-mug"), ("quantity", "1")],
            headers,
        )
        .await;
        assert!(
            answer.status().is_redirection(),
            "{headers:?}: {}",
            answer.status()
        );
    }
    let stripe = app
        .client
        .post(app.url("/api/stripe"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://stripe.com")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        stripe.status(),
        400,
        "judged by its signature, not its origin"
    );
}
