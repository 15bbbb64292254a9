//! Orders a business can ship and reconcile: the shopper gives the address,
//! picks the shipping and types a promotion code at Stripe, Stripe adds the tax,
//! and the order records every figure, which must add up against Stripe's
//! session to the cent.

use serde_json::Value;

use crate::helpers::{session_id_of, spawn_app, spawn_app_with, TestApp};
use crate::stripe_schema;

const CARD: &str = "4242424242424242";

/// A shopper in San Francisco (7.25% in the stand-in's tax table).
const CALIFORNIA: [(&str, &str); 3] = [
    ("shipping_city", "San Francisco"),
    ("shipping_state", "CA"),
    ("shipping_postal_code", "94103"),
];

/// Stripe's id for the rate `name` that the open checkout offered.
async fn offered(app: &TestApp, name: &str) -> String {
    app.text(&format!(
        "SELECT stripe_shipping_rate_id FROM checkout_shipping_options WHERE name = '{name}' \
         ORDER BY id DESC LIMIT 1"
    ))
    .await
}

async fn order_figure(app: &TestApp, column: &str) -> i64 {
    app.number(&format!("SELECT CAST({column} AS BIGINT) FROM orders"))
        .await
}

#[tokio::test]
async fn an_order_with_an_address_express_shipping_tax_and_a_code_adds_up_against_stripe() {
    let app = spawn_app().await;
    app.promotion_code("SAVE20", "20", &[]).await;
    app.add("stoneware-mug", "2").await;
    app.add("ceramic-dripper", "1").await;
    let url = app.checkout_url().await;
    let id = session_id_of(&url);

    // What the store asked of Checkout.
    let session = app.stripe_session(&id).await;
    let countries = session["shipping_address_collection"]["allowed_countries"]
        .as_array()
        .unwrap();
    for country in ["US", "CA", "GB", "DE", "FR"] {
        assert!(countries.iter().any(|c| c == country), "ships to {country}");
    }
    let amounts: Vec<&Value> = session["shipping_options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|option| &option["shipping_amount"])
        .collect();
    assert_eq!(amounts, [500, 1500], "Standard then Express, under $75");
    assert_eq!(session["automatic_tax"]["enabled"], true);
    assert_eq!(session["allow_promotion_codes"], true);
    assert_eq!(session["phone_number_collection"]["enabled"], false);
    let lines = app
        .stripe_api(&format!("checkout/sessions/{id}/line_items"))
        .await;
    assert_eq!(lines["data"][0]["price"]["tax_behavior"], "exclusive");

    // The shopper fills the address, picks Express and applies the code: the
    // page shows the new total before anything is charged.
    let express = offered(&app, "Express").await;
    let mut choices = CALIFORNIA.to_vec();
    choices.extend([
        ("shipping_rate", express.as_str()),
        ("promotion_code", "save20"),
    ]);
    let mut applying = choices.clone();
    applying.push(("apply", "code"));
    let applied = app.pay_with(&url, CARD, &applying).await;
    assert_eq!(applied.status(), 200);
    let page = applied.text().await.unwrap();
    assert!(page.contains("SAVE20 applied"), "{page}");
    assert!(page.contains("$71.00"), "the new total is shown: {page}");
    assert_eq!(app.orders().await, 0, "applying a code charges nothing");

    choices.push(("shown_total", "7100"));
    let paid = app.pay_with(&url, CARD, &choices).await;
    assert_eq!(paid.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders", 1).await;

    // $64.00 of goods, 20% off ($12.80), Express $15.00, and 7.25% tax on each
    // line after its share of the discount and on the shipping:
    // $2.09 + $1.62 + $1.09 = $4.80. Total $71.00.
    let session = app
        .stripe_api(&format!(
            "checkout/sessions/{id}?expand%5B%5D=total_details.breakdown"
        ))
        .await;
    let totals = &session["total_details"];
    assert_eq!(order_figure(&app, "amount_subtotal").await, 6400);
    assert_eq!(session["amount_subtotal"], 6400);
    assert_eq!(order_figure(&app, "amount_discount").await, 1280);
    assert_eq!(totals["amount_discount"], 1280);
    assert_eq!(order_figure(&app, "amount_shipping").await, 1500);
    assert_eq!(session["shipping_cost"]["amount_subtotal"], 1500);
    assert_eq!(totals["amount_shipping"], 1500);
    assert_eq!(order_figure(&app, "amount_tax").await, 480);
    assert_eq!(totals["amount_tax"], 480);
    assert_eq!(order_figure(&app, "amount_total").await, 7100);
    assert_eq!(session["amount_total"], 7100);
    assert_eq!(order_figure(&app, "stripe_amount_total").await, 7100);
    assert_eq!(totals["breakdown"]["taxes"][0]["rate"]["percentage"], 7.25);
    // Stripe's schema still holds for the session and for the event that paid it.
    let schema = stripe_schema::session_validator();
    stripe_schema::assert_valid(&schema, &session);
    let completed: Value =
        serde_json::from_str(&app.stored_event("checkout.session.completed", &id).await).unwrap();
    stripe_schema::assert_valid(&schema, &completed["data"]["object"]);
    let rate = app
        .stripe_api(&format!(
            "checkout/sessions/{id}?expand%5B%5D=shipping_cost.shipping_rate"
        ))
        .await;
    stripe_schema::assert_valid(
        &stripe_schema::object_validator("shipping_rate"),
        &rate["shipping_cost"]["shipping_rate"],
    );
    assert_eq!(
        rate["shipping_cost"]["shipping_rate"]["display_name"],
        "Express"
    );
    stripe_schema::assert_valid(
        &stripe_schema::object_validator("tax_rate"),
        &totals["breakdown"]["taxes"][0]["rate"],
    );
    assert_eq!(
        completed["data"]["object"]["collected_information"]["shipping_details"]["address"]
            ["state"],
        "CA"
    );
    assert_eq!(totals["breakdown"]["discounts"][0]["amount"], 1280);
    let intent = app
        .stripe_api(&format!(
            "payment_intents/{}",
            session["payment_intent"].as_str().unwrap()
        ))
        .await;
    assert_eq!(intent["amount"], 7100, "the card was charged the total");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1,
        "the figures add up, so the order ships"
    );
    assert_eq!(
        app.text("SELECT shipping_rate_name FROM orders").await,
        "Express"
    );
    assert_eq!(
        app.text("SELECT promotion_code FROM orders").await,
        "SAVE20"
    );
    assert_eq!(
        app.text("SELECT shipping_city || ', ' || shipping_state || ' ' || shipping_postal_code || ' ' || shipping_country FROM orders").await,
        "San Francisco, CA 94103 US"
    );
    let codes = app.stripe_api("promotion_codes?code=SAVE20").await;
    assert_eq!(codes["data"][0]["times_redeemed"], 1);
    stripe_schema::assert_valid(
        &stripe_schema::object_validator("promotion_code"),
        &codes["data"][0],
    );
    stripe_schema::assert_valid(
        &stripe_schema::object_validator("coupon"),
        &codes["data"][0]["coupon"],
    );

    // The shopper sees every figure and the address, on the page and in the email.
    let number = app.text("SELECT number FROM orders").await;
    let page = app
        .page(&app.url(&format!("/checkout/success?session_id={id}")))
        .await;
    for text in [
        "Subtotal",
        "$64.00",
        "SAVE20",
        "$12.80",
        "Express",
        "$15.00",
        "Tax",
        "$4.80",
        "$71.00",
        "Shipping to",
        "Ada Lovelace",
        "12 Analytical Way",
        "San Francisco CA 94103",
    ] {
        assert!(page.contains(text), "the success page shows {text}");
    }
    let email = app.email_of(&number, 1).await;
    for text in [
        "Subtotal: $64.00",
        "Discount (SAVE20): -$12.80",
        "Shipping (Express): $15.00",
        "Tax: $4.80",
        "Total paid: $71.00",
        "San Francisco CA 94103",
    ] {
        assert!(email.contains(text), "the email says {text}: {email}");
    }
}

#[tokio::test]
async fn standard_shipping_is_free_from_75_dollars_of_goods() {
    let app = spawn_app().await;
    app.add("walnut-cutting-board", "1").await;
    app.add("stoneware-mug", "1").await;
    let url = app.checkout_url().await;
    let session = app.stripe_session(&session_id_of(&url)).await;
    assert_eq!(session["shipping_options"][0]["shipping_amount"], 0);
    assert_eq!(session["shipping_options"][1]["shipping_amount"], 1500);

    assert_eq!(app.pay(&url, CARD).await.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders WHERE status = 'paid'", 1)
        .await;
    assert_eq!(order_figure(&app, "amount_shipping").await, 0);
    assert_eq!(order_figure(&app, "amount_total").await, 9000);
    assert_eq!(
        app.text("SELECT shipping_rate_name FROM orders").await,
        "Standard"
    );
    let number = app.text("SELECT number FROM orders").await;
    let email = app.email_of(&number, 1).await;
    assert!(email.contains("Shipping (Standard): Free"), "{email}");
}

#[tokio::test]
async fn an_unknown_or_used_up_code_is_refused_and_nothing_is_charged() {
    let app = spawn_app().await;
    app.promotion_code("ONCE", "10", &[("max_redemptions", "1")])
        .await;

    let first = app.other_shopper();
    first.add("beeswax-candle", "1").await;
    let url = first.checkout_url().await;
    let paid = first
        .pay_with(&url, CARD, &[("promotion_code", "ONCE")])
        .await;
    assert_eq!(paid.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders", 1).await;

    let second = app.other_shopper();
    second.add("beeswax-candle", "1").await;
    let url = second.checkout_url().await;
    for code in ["ONCE", "NOPE"] {
        let refused = second
            .pay_with(&url, CARD, &[("promotion_code", code)])
            .await;
        assert_eq!(refused.status(), 400, "{code}");
        let page = refused.text().await.unwrap();
        assert!(page.contains("This code is invalid."), "{code}: {page}");
    }
    let session = app.stripe_session(&session_id_of(&url)).await;
    assert_eq!(session["status"], "open", "nothing was charged");
    assert_eq!(session["payment_intent"], Value::Null);
    assert_eq!(app.orders().await, 1);

    // Without the code the same shopper pays full price.
    assert_eq!(second.pay(&url, CARD).await.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders", 2).await;
    assert_eq!(
        app.number(
            "SELECT COUNT(*) FROM orders WHERE amount_discount = 0 AND promotion_code IS NULL"
        )
        .await,
        1
    );

    // Stripe's API answers for codes and coupons that are not there.
    let missing = app.stripe_api("promotion_codes/promo_nope").await;
    assert_eq!(missing["error"]["code"], "resource_missing");
    let (status, refused) = app.stripe_post("coupons", &[("duration", "once")]).await;
    assert_eq!(status, 400, "{refused}");
    let (status, taken) = app
        .stripe_post(
            "promotion_codes",
            &[
                ("promotion[type]", "coupon"),
                ("promotion[coupon]", "NOPE"),
                ("code", "X"),
            ],
        )
        .await;
    assert_eq!(status, 404, "{taken}");
    assert_eq!(taken["error"]["param"], "promotion[coupon]");
}

#[tokio::test]
async fn with_collect_phone_on_the_phone_is_asked_for_and_kept_for_delivery() {
    let app = spawn_app_with(&[("COLLECT_PHONE", "on")]).await;
    app.add("beeswax-candle", "1").await;
    let url = app.checkout_url().await;
    let session = app.stripe_session(&session_id_of(&url)).await;
    assert_eq!(session["phone_number_collection"]["enabled"], true);

    let refused = app.pay(&url, CARD).await;
    assert_eq!(refused.status(), 400);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Your phone number is incomplete."), "{page}");
    assert_eq!(app.orders().await, 0);

    let paid = app
        .pay_with(&url, CARD, &[("phone", "+1 503 555 0142")])
        .await;
    assert_eq!(paid.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders WHERE status = 'paid'", 1)
        .await;
    assert_eq!(
        app.text("SELECT phone FROM orders").await,
        "+1 503 555 0142"
    );
    let number = app.text("SELECT number FROM orders").await;
    let email = app.email_of(&number, 1).await;
    assert!(email.contains("+1 503 555 0142"), "{email}");
}

#[tokio::test]
async fn an_amount_off_code_applies_and_an_expired_or_inactive_one_does_not() {
    let app = spawn_app().await;
    let (status, coupon) = app
        .stripe_post(
            "coupons",
            &[
                ("amount_off", "500"),
                ("currency", "usd"),
                ("duration", "once"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{coupon}");
    let coupon_id = coupon["id"].as_str().unwrap().to_owned();
    let soon = (chrono::Utc::now().timestamp() + 60).to_string();
    for (code, extra) in [
        ("FIVEOFF", None),
        ("SOONGONE", Some(("expires_at", soon.as_str()))),
        ("PAUSED", Some(("active", "false"))),
    ] {
        let mut form = vec![
            ("promotion[type]", "coupon"),
            ("promotion[coupon]", coupon_id.as_str()),
            ("code", code),
        ];
        form.extend(extra);
        let (status, created) = app.stripe_post("promotion_codes", &form).await;
        assert_eq!(status, 200, "{created}");
    }
    app.add("beeswax-candle", "1").await;
    let url = app.checkout_url().await;
    // A minute on, the dated code has run out (the session has not).
    app.stripe
        .as_ref()
        .unwrap()
        .advance_clock(std::time::Duration::from_secs(61));
    for code in ["SOONGONE", "PAUSED"] {
        let refused = app.pay_with(&url, CARD, &[("promotion_code", code)]).await;
        assert_eq!(refused.status(), 400, "{code}");
    }
    let paid = app
        .pay_with(&url, CARD, &[("promotion_code", "fiveoff")])
        .await;
    assert_eq!(paid.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders WHERE status = 'paid'", 1)
        .await;
    // $22.00 - $5.00 + $5.00 Standard, no tax in Oregon.
    assert_eq!(order_figure(&app, "amount_discount").await, 500);
    assert_eq!(order_figure(&app, "amount_total").await, 2200);
    assert_eq!(
        app.text("SELECT promotion_code FROM orders").await,
        "FIVEOFF"
    );
}
