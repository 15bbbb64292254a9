//! One currency per store (`STORE_CURRENCY`). Yen have no minor unit and
//! Kuwaiti dinars three, which Stripe takes only in multiples of 10 fils: both
//! are exact from the catalogue through Stripe to the order, the email and a
//! refund, and the amount check holds to the last yen or fils.

use serde_json::json;

use crate::helpers::{event, session_id_of, spawn_app_with, TestApp};

const CARD: &str = "4242424242424242";
/// San Francisco: 7.25% in the stand-in's tax table.
const CALIFORNIA: [(&str, &str); 3] = [
    ("shipping_city", "San Francisco"),
    ("shipping_state", "CA"),
    ("shipping_postal_code", "94103"),
];

/// Buys `quantity` mugs, shipped to California, and waits for the order.
async fn buy_mugs(app: &TestApp, quantity: &str) -> (String, String) {
    app.add("stoneware-mug", quantity).await;
    let url = app.checkout_url().await;
    assert_eq!(app.pay_with(&url, CARD, &CALIFORNIA).await.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders WHERE status = 'paid'", 1)
        .await;
    let id = session_id_of(&url);
    let intent = app.stripe_session(&id).await["payment_intent"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, intent)
}

#[tokio::test]
async fn a_store_in_yen_sells_and_refunds_to_the_yen() {
    let app = spawn_app_with(&[("STORE_CURRENCY", "JPY")]).await;
    let product = app.page(&app.url("/products/stoneware-mug")).await;
    assert!(
        product.contains("¥2,700"),
        "the opening catalogue is priced in yen"
    );

    let (id, intent) = buy_mugs(&app, "2").await;
    let session = app.stripe_session(&id).await;
    assert_eq!(session["currency"], "jpy");
    assert_eq!(session["amount_subtotal"], 5400);
    assert_eq!(session["shipping_options"][0]["shipping_amount"], 750);
    // ¥5,400 + ¥750 Standard + 7.25% tax: ¥392 on the mugs, ¥54 on shipping.
    assert_eq!(session["total_details"]["amount_tax"], 446);
    assert_eq!(session["amount_total"], 6596);
    assert_eq!(
        app.number("SELECT CAST(amount_total AS BIGINT) FROM orders WHERE currency = 'JPY'")
            .await,
        6596
    );
    let number = app.text("SELECT number FROM orders").await;
    let email = app.email_of(&number, 1).await;
    assert!(email.contains("Total paid: ¥6,596"), "{email}");
    assert!(email.contains("Tax: ¥446"), "{email}");

    let (status, refunded) = app
        .stripe_refund(&intent, Some("1000"), "refund-1000")
        .await;
    assert_eq!(status, 200, "{refunded}");
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE status = 'partially_refunded' AND amount_refunded = 1000",
        1,
    )
    .await;
    app.outbox_after(2).await;
    let notice = app.outbox_file(&format!("{number}-refunded-0-1000"));
    assert!(notice.contains("We have refunded ¥1,000"), "{notice}");
    assert!(notice.contains("of the ¥6,596 you paid"), "{notice}");
}

#[tokio::test]
async fn a_store_in_dinars_keeps_every_amount_a_multiple_of_ten_fils() {
    let app = spawn_app_with(&[("STORE_CURRENCY", "KWD")]).await;
    let product = app.page(&app.url("/products/stoneware-mug")).await;
    assert!(
        product.contains("KWD 5.550"),
        "the opening catalogue is priced in dinars"
    );

    let (id, intent) = buy_mugs(&app, "1").await;
    let session = app.stripe_session(&id).await;
    assert_eq!(session["currency"], "kwd");
    assert_eq!(session["amount_subtotal"], 5550);
    assert_eq!(session["shipping_options"][0]["shipping_amount"], 1550);
    // 7.25% of 5.550 is 0.402375 and of 1.550 is 0.112375: each rounds to 10 fils.
    assert_eq!(session["total_details"]["amount_tax"], 510);
    assert_eq!(session["amount_total"], 7610);
    assert_eq!(
        app.number("SELECT CAST(amount_total AS BIGINT) FROM orders WHERE currency = 'KWD'")
            .await,
        7610
    );
    let page = app
        .page(&app.url(&format!("/checkout/success?session_id={id}")))
        .await;
    assert!(page.contains("KWD 7.610"), "{page}");

    let (status, refused) = app
        .stripe_refund(&intent, Some("1005"), "refund-1005")
        .await;
    assert_eq!(
        status, 400,
        "Stripe takes dinars in tens of fils: {refused}"
    );
    let (status, refunded) = app
        .stripe_refund(&intent, Some("1000"), "refund-1000")
        .await;
    assert_eq!(status, 200, "{refunded}");
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE status = 'partially_refunded' AND amount_refunded = 1000",
        1,
    )
    .await;
}

#[tokio::test]
async fn the_amount_check_holds_to_the_last_yen_and_fils() {
    for currency in ["JPY", "KWD"] {
        let app = spawn_app_with(&[
            ("STORE_CURRENCY", currency),
            ("LOCAL_STRIPE_WEBHOOK_URL", "http://127.0.0.1:9/api/stripe"),
        ])
        .await;
        app.add("stoneware-mug", "1").await;
        let id = session_id_of(&app.checkout_url().await);
        let mut session = app.stripe_session(&id).await;
        session["status"] = json!("complete");
        session["payment_status"] = json!("paid");
        let total = session["amount_total"].as_i64().unwrap();
        session["amount_total"] = json!(total - 10);
        assert_eq!(
            app.post_signed(&event("checkout.session.completed", session))
                .await
                .status(),
            200
        );
        assert_eq!(
            app.number("SELECT COUNT(*) FROM orders WHERE status = 'on_hold'")
                .await,
            1,
            "{currency}: ten fils or yen short is held"
        );
    }
}

#[tokio::test]
async fn a_store_with_checkouts_will_not_start_in_another_currency() {
    let database_url = crate::helpers::fresh_database_url().await;
    let app = crate::helpers::spawn_app_on(database_url.clone(), &[]).await;
    app.add("stoneware-mug", "1").await;
    app.checkout_url().await;

    let data_dir = crate::helpers::fresh_data_dir();
    let settings = server::config::Settings::from_lookup(|name| match name {
        "DATABASE_URL" => Some(database_url.clone()),
        "SHOPFRONT_DATA_DIR" => Some(data_dir.display().to_string()),
        "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".to_owned()),
        "STORE_CURRENCY" => Some("JPY".to_owned()),
        _ => None,
    })
    .unwrap();
    let options = leptos::config::LeptosOptions::builder()
        .output_name("shopfront")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(settings.site_addr)
        .build();
    let refused = server::startup::Application::build(&settings, options)
        .await
        .err()
        .expect("the store refuses to start");
    assert_eq!(
        refused.to_string(),
        "STORE_CURRENCY is JPY but 12 products are priced in USD; set STORE_CURRENCY=USD or reprice them first"
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM products WHERE currency = 'USD'")
            .await,
        12,
        "nothing was repriced"
    );
}
