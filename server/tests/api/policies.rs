//! What every real store shows: a footer with its name, how to reach it and
//! its policies; policy pages the owner can rewrite without a rebuild; the
//! terms a shopper must accept at Checkout when the owner asks.

use crate::helpers::{session_id_of, spawn_app, spawn_app_with};

const CARD: &str = "4242424242424242";

#[tokio::test]
async fn every_page_has_a_footer_with_the_store_and_its_policies() {
    let app = spawn_app_with(&[
        ("STORE_NAME", "Kettle & Co"),
        ("STORE_EMAIL", "hello@kettle.example"),
        ("STORE_ADDRESS", "1 Harbour Street, Bristol BS1 4QA"),
    ])
    .await;
    for path in [
        "/",
        "/cart",
        "/products/stoneware-mug",
        "/account/sign-in",
        "/no-such-page",
    ] {
        let page = app.page(&app.url(path)).await;
        for text in [
            "data-testid=\"footer\"",
            "Kettle &amp; Co",
            "mailto:hello@kettle.example",
            "1 Harbour Street, Bristol BS1 4QA",
            "href=\"/policies/shipping\"",
            "href=\"/policies/returns\"",
            "href=\"/policies/privacy\"",
            "href=\"/policies/terms\"",
        ] {
            assert!(page.contains(text), "{path} shows {text}");
        }
    }
}

#[tokio::test]
async fn the_owner_replaces_a_policy_with_a_file_and_no_rebuild() {
    let app = spawn_app().await;
    for (name, title) in [
        ("shipping", "Shipping"),
        ("returns", "Returns and refunds"),
        ("privacy", "Privacy"),
        ("terms", "Terms of service"),
    ] {
        let response = app.get(&format!("/policies/{name}")).await;
        assert_eq!(response.status(), 200, "{name}");
        let page = response.text().await.unwrap();
        assert!(page.contains(title), "{name}");
    }
    let missing = app.get("/policies/secrets").await;
    assert_eq!(missing.status(), 404);

    let dir = app.data_dir.join("policies");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("returns.md"),
        "## Returns\nWithin 60 days, <script>alert(1)</script> no questions asked.\n\n- Free return label\n",
    )
    .unwrap();
    let page = app.page(&app.url("/policies/returns")).await;
    assert!(page.contains("Within 60 days"), "{page}");
    assert!(page.contains("Free return label"));
    assert!(
        !page.contains("<script>alert(1)"),
        "the owner's text is text, never HTML"
    );
    assert!(page.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn when_the_owner_requires_it_the_terms_must_be_accepted_to_pay() {
    let app = spawn_app_with(&[("TERMS_OF_SERVICE", "required")]).await;
    app.add("beeswax-candle", "1").await;
    let url = app.checkout_url().await;
    let id = session_id_of(&url);
    let session = app.stripe_session(&id).await;
    assert_eq!(
        session["consent_collection"]["terms_of_service"],
        "required"
    );
    let form = app.page(&url).await;
    assert!(
        form.contains("/policies/terms"),
        "the checkbox links the store's terms"
    );

    let refused = app.pay(&url, CARD).await;
    assert_eq!(refused.status(), 400);
    let page = refused.text().await.unwrap();
    assert!(page.contains("agree to the terms"), "{page}");
    assert_eq!(app.stripe_session(&id).await["status"], "open");

    let paid = app
        .pay_with(&url, CARD, &[("terms_of_service", "accepted")])
        .await;
    assert_eq!(paid.status(), 303);
    let session = app.stripe_session(&id).await;
    assert_eq!(session["consent"]["terms_of_service"], "accepted");
    app.eventually("SELECT COUNT(*) FROM orders", 1).await;

    let plain = spawn_app().await;
    plain.add("beeswax-candle", "1").await;
    let url = plain.checkout_url().await;
    let session = plain.stripe_session(&session_id_of(&url)).await;
    assert_eq!(session["consent_collection"], serde_json::Value::Null);
}
