//! A price that changed after a line was added is told, never slipped in: the
//! cart says "was, now" before checkout, and Stripe is asked for today's price.

use serde_json::Value;

use crate::helpers::{session_id_of, spawn_app, TestApp};

async fn set_price(app: &TestApp, slug: &str, minor: i64) {
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(&format!(
            "UPDATE products SET price_minor = {minor} WHERE slug = '{slug}'"
        ))
        .await
        .unwrap();
}

fn line<'a>(cart: &'a Value, slug: &str) -> &'a Value {
    cart["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["slug"] == slug)
        .unwrap()
}

#[tokio::test]
async fn a_rise_and_a_drop_are_shown_in_the_cart_and_checkout_charges_todays_prices() {
    let app = spawn_app().await;
    app.add("stoneware-mug", "2").await; // $18.00
    app.add("beeswax-candle", "1").await; // $22.00
    let html = app.get("/cart").await.text().await.unwrap();
    assert!(!html.contains("price-changed"), "nothing changed yet");

    set_price(&app, "stoneware-mug", 2000).await;
    set_price(&app, "beeswax-candle", 1950).await;

    let cart = app.cart().await;
    let mug = line(&cart, "stoneware-mug");
    assert_eq!(mug["was_price"]["minor"], 1800);
    assert_eq!(mug["unit_price"]["minor"], 2000);
    assert_eq!(mug["line_total"]["minor"], 4000);
    assert_eq!(line(&cart, "beeswax-candle")["was_price"]["minor"], 2200);
    assert_eq!(cart["subtotal"]["minor"], 5950, "today's prices");

    let html = app.get("/cart").await.text().await.unwrap();
    assert!(
        html.contains("The price has changed since you added it: was $18.00, now $20.00."),
        "a rise"
    );
    assert!(
        html.contains("The price has changed since you added it: was $22.00, now $19.50."),
        "a drop"
    );

    // Stripe is asked for today's prices, whatever the line remembers.
    let url = app.checkout_url().await;
    let session = app.stripe_session(&session_id_of(&url)).await;
    assert_eq!(session["amount_subtotal"], 5950);
    let items = app
        .stripe_api(&format!(
            "checkout/sessions/{}/line_items",
            session_id_of(&url)
        ))
        .await;
    let amounts: Vec<i64> = items["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["price"]["unit_amount"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, vec![2000, 1950]);

    // Adding more at the price now on the product page is agreeing to it.
    app.add("stoneware-mug", "1").await;
    let cart = app.cart().await;
    assert_eq!(line(&cart, "stoneware-mug")["was_price"], Value::Null);
    assert_eq!(line(&cart, "beeswax-candle")["was_price"]["minor"], 2200);
}

#[tokio::test]
async fn a_line_keeps_its_price_through_the_merge_at_sign_in() {
    let app = spawn_app().await;
    app.add("linen-tea-towel", "1").await;
    set_price(&app, "linen-tea-towel", 1600).await;
    let made = app
        .server_fn(
            "sign_up",
            &[
                ("email", "grace@example.com"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert!(made.status().is_success());
    let cart = app.cart().await;
    let towel = line(&cart, "linen-tea-towel");
    assert_eq!(towel["unit_price"]["minor"], 1600);
    assert!(
        towel["was_price"]["minor"]
            .as_i64()
            .is_some_and(|was| was != 1600),
        "{towel}"
    );
}
