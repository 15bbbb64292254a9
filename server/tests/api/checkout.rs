//! Checkout end to end over HTTP, against the local Stripe: the server fn, the
//! hosted page, the signed webhook, fulfilment, and the order pages. Every test
//! runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

use crate::helpers::{event, now, session_id_of, sign, spawn_app, spawn_app_with, TestApp};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use std::time::Duration;

const DEAD_ENDPOINT: (&str, &str) = ("LOCAL_STRIPE_WEBHOOK_URL", "http://127.0.0.1:9/api/stripe");

// ------------------------------------------------------------ the happy path

#[tokio::test]
async fn a_guest_pays_and_gets_one_order_its_page_and_one_email() {
    let app = spawn_app().await;
    app.add("stoneware-mug", "2").await;
    app.add("linen-tea-towel", "1").await;
    let url = app.checkout_url().await;
    assert!(
        url.starts_with(&app.url("/local-stripe/pay/cs_test_")),
        "{url}"
    );
    assert_eq!(app.stock("stoneware-mug").await, 38, "two mugs reserved");

    // What Stripe was asked for: today's prices, ids in metadata, our URLs.
    let id = session_id_of(&url);
    let session = app.stripe_session(&id).await;
    // $50.50 of goods, and Standard shipping ($5.00 under $75) until the shopper
    // picks another.
    assert_eq!(session["amount_subtotal"], 5050);
    assert_eq!(session["amount_total"], 5550);
    assert_eq!(session["currency"], "usd");
    assert_eq!(session["mode"], "payment");
    let checkout_id = app.number("SELECT CAST(id AS BIGINT) FROM checkouts").await;
    assert_eq!(
        session["client_reference_id"],
        checkout_id.to_string().as_str()
    );
    assert_eq!(
        session["metadata"]["checkout_id"],
        checkout_id.to_string().as_str()
    );
    assert!(
        session["metadata"].get("user_id").is_none(),
        "a guest has no user id"
    );
    assert_eq!(session["customer_email"], Value::Null, "Stripe asks guests");
    assert_eq!(session["cancel_url"], app.url("/cart").as_str());
    assert_eq!(
        session["success_url"],
        app.url("/checkout/success?session_id={CHECKOUT_SESSION_ID}")
            .as_str()
    );

    let paid = app.pay(&url, "4242424242424242").await;
    assert_eq!(paid.status(), 303);
    let landing = paid.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        landing,
        app.url(&format!("/checkout/success?session_id={id}"))
    );

    let page = app.client.get(&landing).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for text in [
        "Thank you, your order is placed",
        "SF-",
        "Stoneware Mug",
        "Linen Tea Towel",
        "$50.50",
        "$55.50",
        "ada@example.com",
        "Continue shopping",
    ] {
        assert!(html.contains(text), "the success page shows {text}");
    }
    assert!(
        !html.contains("View your orders"),
        "a guest has no order history"
    );

    app.eventually(
        "SELECT COUNT(*) FROM stripe_events WHERE type = 'checkout.session.completed'",
        1,
    )
    .await;
    assert_eq!(app.orders().await, 1);
    assert_eq!(app.number("SELECT COUNT(*) FROM order_items").await, 2);
    assert_eq!(
        app.number("SELECT CAST(amount_total AS BIGINT) FROM orders")
            .await,
        5550
    );
    assert_eq!(app.stock("stoneware-mug").await, 38, "sold, not released");
    assert_eq!(
        app.cart().await["lines"].as_array().unwrap().len(),
        0,
        "bought items leave the cart"
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM orders WHERE status = 'paid' AND hold_reason IS NULL")
            .await,
        1
    );

    // get_order serves the owner; the email went out once.
    let order_number = format!("SF-{checkout_id:06}");
    let order: Value = app
        .server_fn("get_order", &[("number", &order_number)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order["items"][0]["quantity"], 2);
    assert_eq!(order["total"]["minor"], 5550);
    assert_eq!(
        app.outbox_after(1).await,
        1,
        "one confirmation for one order"
    );
    let email = std::fs::read_to_string(
        app.data_dir
            .join("outbox")
            .join(format!("{order_number}.eml")),
    )
    .unwrap();
    assert!(
        email.contains("To: ada@example.com") && email.contains("Total paid: $55.50"),
        "{email}"
    );

    // Reloading the success page changes nothing.
    assert_eq!(app.client.get(&landing).send().await.unwrap().status(), 200);
    assert_eq!(app.orders().await, 1);
    assert_eq!(app.outbox_after(1).await, 1);
}

#[tokio::test]
async fn a_signed_in_shopper_pays_with_their_email_and_sees_the_order_in_their_history() {
    let app = spawn_app().await;
    let response = app
        .server_fn(
            "sign_up",
            &[
                ("email", "grace@example.com"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert!(response.status().is_success() || response.status().is_redirection());
    app.add("ceramic-dripper", "1").await;
    let url = app.checkout_url().await;
    let session = app.stripe_session(&session_id_of(&url)).await;
    assert_eq!(session["customer_email"], "grace@example.com");
    assert!(session["metadata"]["user_id"].as_str().is_some());
    assert_eq!(app.pay(&url, "4242 4242 4242 4242").await.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders", 1).await;
    let listed: Value = app
        .server_fn("list_orders", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["items"][0]["name"], "Ceramic Pour-Over Dripper");
    let page = app.get("/account/orders").await.text().await.unwrap();
    assert!(page.contains("SF-"), "the orders page lists it");
}

#[tokio::test]
async fn a_guests_orders_become_the_accounts_at_sign_up() {
    let app = spawn_app().await;
    app.add("beeswax-candle", "1").await;
    let url = app.checkout_url().await;
    assert_eq!(app.pay(&url, "4242424242424242").await.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders", 1).await;
    let refused = app.server_fn("list_orders", &[]).await;
    assert_eq!(refused.status(), 401, "guests have no order history");

    app.server_fn(
        "sign_up",
        &[
            ("email", "new@example.com"),
            ("password", "long enough pass"),
        ],
    )
    .await;
    let listed: Value = app
        .server_fn("list_orders", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "the guest order is the account's now"
    );
}

#[tokio::test]
async fn a_decline_then_4242_on_the_same_session_makes_one_order_and_the_cart_says_why() {
    let app = spawn_app().await;
    app.add("glass-carafe", "1").await;
    let url = app.checkout_url().await;
    // The page is drawn again with the bank's reason (200, so the browser
    // reports no failed request).
    let declined = app.pay(&url, "4000000000009995").await;
    assert_eq!(declined.status(), 200);
    assert!(declined
        .text()
        .await
        .unwrap()
        .contains("Your card has insufficient funds."));
    app.eventually(
        "SELECT COUNT(*) FROM stripe_events WHERE type = 'payment_intent.payment_failed'",
        1,
    )
    .await;
    let cart_now = app.cart().await;
    assert_eq!(
        cart_now["payment_error"],
        "Your card has insufficient funds."
    );
    let page = app.get("/cart").await.text().await.unwrap();
    assert!(
        page.contains("Your card has insufficient funds."),
        "the cart page shows the reason"
    );
    assert_eq!(app.orders().await, 0);

    assert_eq!(app.pay(&url, "4242424242424242").await.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders", 1).await;
    assert_eq!(
        app.number("SELECT COUNT(*) FROM checkouts").await,
        1,
        "one checkout throughout"
    );
}

#[tokio::test]
async fn checkout_without_javascript_is_answered_with_a_redirect_to_the_pay_page() {
    let app = spawn_app().await;
    app.add("stoneware-mug", "1").await;
    let id = app.cart_id().await;
    let response = app
        .form_post(
            "create_stripe_checkout_session",
            &[("cart_id", &id)],
            "/cart",
        )
        .await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(&app.url("/local-stripe/pay/cs_test_")),
        "{location}"
    );
}

// ------------------------------------------------- sessions and reservations

#[tokio::test]
async fn a_double_click_reuses_the_open_session_and_a_changed_cart_replaces_it() {
    let app = spawn_app().await;
    app.add("stoneware-mug", "1").await;
    let (a, b) = tokio::join!(app.checkout(), app.checkout());
    let a: String = a.json().await.unwrap();
    let b: String = b.json().await.unwrap();
    assert_eq!(a, b, "two clicks, one session");
    assert_eq!(app.number("SELECT COUNT(*) FROM checkouts").await, 1);
    assert_eq!(app.stock("stoneware-mug").await, 39);
    assert_eq!(app.checkout_url().await, a, "a retry reuses it too");

    app.add("stoneware-mug", "1").await;
    let c = app.checkout_url().await;
    assert_ne!(c, a, "new contents, new session");
    assert_eq!(
        app.stripe_session(&session_id_of(&a)).await["status"],
        "expired",
        "the old one can no longer be paid"
    );
    assert_eq!(
        app.stock("stoneware-mug").await,
        38,
        "only the new reservation holds"
    );
    // Closed once: by the store ('canceled') or by Stripe's expired event,
    // whichever lands first; the other finds it closed and changes nothing.
    assert_eq!(
        app.number("SELECT COUNT(*) FROM checkouts WHERE status IN ('canceled', 'expired')")
            .await,
        1
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM checkouts WHERE status = 'open'")
            .await,
        1,
        "the new session is the one open checkout"
    );
}

#[tokio::test]
async fn a_shopper_who_leaves_while_stripe_answers_finds_the_session_on_the_next_click() {
    let app = spawn_app().await;
    app.add("stoneware-mug", "1").await;
    let id = app.cart_id().await;

    // Stripe is slow to answer; the shopper's connection drops meanwhile.
    let stripe = app.stripe.clone().expect("tests pay through the stand-in");
    let held = stripe.lock().await;
    let gone = app
        .client
        .post(app.url("/api/create_stripe_checkout_session"))
        .header("accept", "application/json")
        .form(&[("cart_id", id.as_str())])
        .timeout(Duration::from_millis(500))
        .send()
        .await;
    assert!(gone.is_err(), "the shopper left before the answer");
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(held);

    // The store finishes what it started: no checkout is left half-made...
    app.eventually(
        "SELECT COUNT(*) FROM checkouts WHERE status = 'open' AND stripe_session_id IS NOT NULL",
        1,
    )
    .await;
    // ...so the next click is answered at once with that session.
    let started = std::time::Instant::now();
    let url = app.checkout_url().await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the next click waited {:?}",
        started.elapsed()
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM checkouts").await,
        1,
        "one checkout, reused"
    );
    assert_eq!(
        app.stripe_session(&session_id_of(&url)).await["status"],
        "open"
    );
    assert_eq!(app.stock("stoneware-mug").await, 39, "reserved once");
}

#[tokio::test]
async fn the_last_units_checked_out_by_two_shoppers_at_once_are_reserved_once() {
    let app = spawn_app().await;
    let other = app.other_shopper();
    // Three totes are left; both shoppers want all three.
    app.add("canvas-tote", "3").await;
    other.add("canvas-tote", "3").await;
    let (a, b) = tokio::join!(app.checkout(), other.checkout());
    let statuses = [a.status().as_u16(), b.status().as_u16()];
    assert!(
        statuses.contains(&200) && statuses.contains(&409),
        "{statuses:?}"
    );
    assert_eq!(app.stock("canvas-tote").await, 0);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM checkouts WHERE status = 'open'")
            .await,
        1
    );
    let loser = if a.status() == 409 { a } else { b };
    let body: Value = loser.json().await.unwrap();
    assert!(
        body.to_string().contains("Canvas Market Tote"),
        "the sentence names it: {body}"
    );
}

#[tokio::test]
async fn expiry_releases_the_stock_and_leaves_the_cart_as_it_was() {
    let app = spawn_app().await;
    app.add("cast-iron-skillet", "2").await;
    let url = app.checkout_url().await;
    assert_eq!(app.stock("cast-iron-skillet").await, 13);
    let expired = app
        .client
        .post(app.url(&format!(
            "/local-stripe/v1/checkout/sessions/{}/expire",
            session_id_of(&url)
        )))
        .bearer_auth(server::local_stripe::DEFAULT_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 200);
    app.eventually("SELECT COUNT(*) FROM checkouts WHERE status = 'expired'", 1)
        .await;
    assert_eq!(app.stock("cast-iron-skillet").await, 15);
    assert_eq!(
        app.cart().await["lines"][0]["quantity"],
        2,
        "the cart is intact"
    );
    // And it can be checked out again.
    let again = app.checkout_url().await;
    assert_ne!(again, url);
}

#[tokio::test]
async fn a_cart_that_cannot_be_bought_is_refused_with_a_sentence_and_nothing_reserved() {
    let app = spawn_app().await;
    // Empty.
    app.server_fn(
        "add_to_cart",
        &[("slug", "stoneware-mug"), ("quantity", "1")],
    )
    .await;
    let line = app.cart().await["lines"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    app.server_fn("remove_cart_line", &[("line_id", &line)])
        .await;
    let empty = app.checkout().await;
    assert_eq!(empty.status(), 400);
    assert!(empty.text().await.unwrap().contains("Your cart is empty"));

    // A product withdrawn after it was added.
    app.add("stoneware-mug", "1").await;
    app.db
        .execute_unprepared("UPDATE products SET active = false WHERE slug = 'stoneware-mug'")
        .await
        .unwrap();
    let withdrawn = app.checkout().await;
    assert_eq!(withdrawn.status(), 409);
    assert!(withdrawn
        .text()
        .await
        .unwrap()
        .contains("Stoneware Mug is no longer sold"));
    assert_eq!(app.number("SELECT COUNT(*) FROM checkouts").await, 0);

    // Stripe refusing the session (a product with no name) leaves nothing reserved.
    app.db
        .execute_unprepared(
            "UPDATE products SET active = true, name = '' WHERE slug = 'stoneware-mug'",
        )
        .await
        .unwrap();
    let refused = app.checkout().await;
    assert_eq!(refused.status(), 409);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("Nothing was charged"));
    assert_eq!(
        app.stock("stoneware-mug").await,
        40,
        "the reservation was undone"
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM checkouts WHERE status = 'failed'")
            .await,
        1
    );
}

#[tokio::test]
async fn more_than_100_different_products_are_refused() {
    let app = spawn_app().await;
    app.add("stoneware-mug", "1").await;
    let cart_id = app.cart_id().await;
    for i in 0..100 {
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO products (slug, name, description, price_minor, currency, image_path, stock, active) \
                 VALUES ('extra-{i}', 'Extra {i}', 'x', 100, 'USD', '/images/x.svg', 5, true)"
            ))
            .await
            .unwrap();
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO cart_lines (cart_id, product_id, quantity, created_at) \
                 SELECT {cart_id}, id, 1, 0 FROM products WHERE slug = 'extra-{i}'"
            ))
            .await
            .unwrap();
    }
    let response = app.checkout().await;
    assert_eq!(response.status(), 400);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("at most 100 different products"));
}

// ----------------------------------------------------------- authorization

#[tokio::test]
async fn foreign_carts_sessions_and_orders_are_404_and_leak_nothing() {
    let app = spawn_app().await;
    let stranger = app.other_shopper();
    app.add("stoneware-mug", "1").await;
    stranger.add("beeswax-candle", "1").await;
    let mine = app.cart_id().await;

    let foreign_cart = stranger
        .server_fn("create_stripe_checkout_session", &[("cart_id", &mine)])
        .await;
    assert_eq!(foreign_cart.status(), 404);
    let unknown_cart = stranger
        .server_fn("create_stripe_checkout_session", &[("cart_id", "999999")])
        .await;
    assert_eq!(unknown_cart.status(), 404);
    assert_eq!(
        foreign_cart.text().await.unwrap(),
        unknown_cart.text().await.unwrap(),
        "same answer"
    );

    let url = app.checkout_url().await;
    let id = session_id_of(&url);
    assert_eq!(app.pay(&url, "4242424242424242").await.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders", 1).await;

    let page = stranger
        .get(&format!("/checkout/success?session_id={id}"))
        .await;
    assert_eq!(page.status(), 404);
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("Stoneware Mug") && !html.contains("SF-"),
        "nothing leaks"
    );
    let foreign = stranger
        .server_fn("create_order", &[("session_id", &id)])
        .await;
    assert_eq!(foreign.status(), 404);
    let made_up = stranger
        .server_fn("create_order", &[("session_id", "cs_test_nope")])
        .await;
    assert_eq!(made_up.status(), 404);

    let order_number = app
        .number("SELECT CAST(checkout_id AS BIGINT) FROM orders")
        .await;
    let order_number = format!("SF-{order_number:06}");
    let foreign_order = stranger
        .server_fn("get_order", &[("number", &order_number)])
        .await;
    assert_eq!(foreign_order.status(), 404);
    let page = stranger
        .get(&format!("/account/orders/{order_number}"))
        .await;
    assert_eq!(page.status(), 404);
    assert_eq!(
        app.server_fn("get_order", &[("number", &order_number)])
            .await
            .status(),
        200
    );
}

// ------------------------------------------------------------ the webhook

/// A paid session whose events the stand-in could not deliver (its endpoint is
/// dead), so the test delivers them itself.
async fn paid_but_undelivered() -> (TestApp, String) {
    let app = spawn_app_with(&[DEAD_ENDPOINT]).await;
    app.add("stoneware-mug", "1").await;
    let url = app.checkout_url().await;
    assert_eq!(app.pay(&url, "4242424242424242").await.status(), 303);
    (app, session_id_of(&url))
}

#[tokio::test]
async fn the_same_completed_event_three_times_at_once_makes_one_order() {
    let (app, id) = paid_but_undelivered().await;
    let body = app.stored_event("checkout.session.completed", &id).await;
    let signature = sign(&app.secret(), now(), &body);
    let (a, b, c) = tokio::join!(
        app.post_event(&body, Some(signature.clone())),
        app.post_event(&body, Some(signature.clone())),
        app.post_event(&body, Some(signature.clone())),
    );
    for response in [a, b, c] {
        assert_eq!(response.status(), 200);
    }
    assert_eq!(app.orders().await, 1);
    assert_eq!(app.number("SELECT COUNT(*) FROM order_items").await, 1);
    assert_eq!(app.number("SELECT COUNT(*) FROM stripe_events").await, 1);
    assert_eq!(app.outbox_after(1).await, 1);
    // A fourth, later: acknowledged as already processed, still one.
    let later = app.post_signed(&body).await;
    assert_eq!(later.status(), 200);
    assert_eq!(later.text().await.unwrap(), "Already processed.");
    assert_eq!(app.orders().await, 1);
}

/// With Stripe's events never arriving, the success page alone asks Stripe, makes
/// the order once, and sends one confirmation.
#[tokio::test]
async fn with_the_webhook_unreachable_the_success_page_alone_makes_the_order() {
    let (app, id) = paid_but_undelivered().await;
    assert_eq!(app.orders().await, 0, "no event has reached the store");
    let path = format!("/checkout/success?session_id={id}");
    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert_eq!(app.orders().await, 1);
    let number = app
        .number("SELECT CAST(checkout_id AS BIGINT) FROM orders")
        .await;
    assert!(html.contains(&format!("SF-{number:06}")), "{html}");
    let again = app.get(&path).await.text().await.unwrap();
    assert!(again.contains(&format!("SF-{number:06}")));
    assert_eq!(app.orders().await, 1, "a reload makes no second order");
    assert_eq!(app.outbox_after(1).await, 1, "one confirmation");
}

/// Stripe answers a repeated call with the same Idempotency-Key with the first
/// session; the store must send one, naming the checkout record and its contents.
#[tokio::test]
async fn every_checkout_session_is_created_with_an_idempotency_key_for_its_record() {
    let app = spawn_app().await;
    app.add("stoneware-mug", "2").await;
    app.checkout_url().await;
    let checkout = app
        .number("SELECT CAST(MAX(id) AS BIGINT) FROM checkouts")
        .await;
    let keys = app.stand_in_texts("SELECT key FROM ls_idempotency").await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        keys[0].starts_with(&format!("shopfront-checkout-{checkout}-")),
        "{keys:?}"
    );
}

#[tokio::test]
async fn the_webhook_and_the_success_page_racing_make_one_order() {
    let (app, id) = paid_but_undelivered().await;
    let body = app.stored_event("checkout.session.completed", &id).await;
    let signature = sign(&app.secret(), now(), &body);
    let path = format!("/checkout/success?session_id={id}");
    let form = [("session_id", id.as_str())];
    let (hook, page, fn_call) = tokio::join!(
        app.post_event(&body, Some(signature)),
        app.get(&path),
        app.server_fn("create_order", &form),
    );
    assert_eq!(hook.status(), 200);
    assert_eq!(page.status(), 200);
    assert_eq!(fn_call.status(), 200);
    assert_eq!(app.orders().await, 1);
    let html = page.text().await.unwrap();
    let placed: Value = fn_call.json().await.unwrap();
    let number = placed["Placed"]["number"].as_str().unwrap().to_owned();
    assert!(html.contains(&number), "both show the same order");
}

#[tokio::test]
async fn a_payment_failure_after_completion_changes_nothing() {
    let (app, id) = paid_but_undelivered().await;
    let body = app.stored_event("checkout.session.completed", &id).await;
    app.post_signed(&body).await;
    let intent_id = app.stripe_session(&id).await["payment_intent"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut intent = app
        .stripe_api(&format!("payment_intents/{intent_id}"))
        .await;
    intent["status"] = json!("requires_payment_method");
    intent["last_payment_error"] = json!({"type": "card_error", "code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined."});
    let failed = event("payment_intent.payment_failed", intent);
    let response = app.post_signed(&failed).await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.orders().await, 1);
    assert_eq!(
        app.number(
            "SELECT COUNT(*) FROM checkouts WHERE status = 'paid' AND last_payment_error IS NULL"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn completed_but_unpaid_waits_for_async_payment_succeeded() {
    let app = spawn_app_with(&[DEAD_ENDPOINT]).await;
    app.add("enamel-bowl-set", "1").await;
    let url = app.checkout_url().await;
    let id = session_id_of(&url);
    let mut session = app.stripe_session(&id).await;
    session["status"] = json!("complete");
    session["payment_status"] = json!("unpaid");
    let completed = event("checkout.session.completed", session.clone());
    assert_eq!(app.post_signed(&completed).await.status(), 200);
    assert_eq!(app.orders().await, 0, "no order before the money arrives");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM checkouts WHERE status = 'processing'")
            .await,
        1
    );
    let page = app.get(&format!("/checkout/success?session_id={id}")).await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains("We are confirming your payment"),
        "the page waits"
    );
    // Without JavaScript it refreshes itself; with, the island asks instead.
    assert!(
        html.contains("<noscript><meta http-equiv=\"refresh\" content=\"3\">"),
        "{html}"
    );
    assert!(html.contains("data-await-order"));

    session["payment_status"] = json!("paid");
    let succeeded = event("checkout.session.async_payment_succeeded", session);
    assert_eq!(app.post_signed(&succeeded).await.status(), 200);
    assert_eq!(app.orders().await, 1);
}

#[tokio::test]
async fn an_async_payment_failure_releases_the_stock() {
    let app = spawn_app_with(&[DEAD_ENDPOINT]).await;
    app.add("enamel-bowl-set", "2").await;
    let id = session_id_of(&app.checkout_url().await);
    assert_eq!(app.stock("enamel-bowl-set").await, 18);
    let session = app.stripe_session(&id).await;
    let failed = event("checkout.session.async_payment_failed", session);
    assert_eq!(app.post_signed(&failed).await.status(), 200);
    assert_eq!(app.stock("enamel-bowl-set").await, 20);
    assert_eq!(app.orders().await, 0);
}

#[tokio::test]
async fn events_for_sessions_this_store_did_not_create_are_acknowledged_and_ignored() {
    let app = spawn_app_with(&[DEAD_ENDPOINT]).await;
    let fixture: Value = serde_json::from_str(include_str!(
        "../fixtures/stripe/fixture_checkout_session.json"
    ))
    .unwrap();
    let mut session = fixture;
    session["status"] = json!("complete");
    session["payment_status"] = json!("paid");
    let body = event("checkout.session.completed", session);
    assert_eq!(app.post_signed(&body).await.status(), 200);
    assert_eq!(app.orders().await, 0);
    let other = event(
        "customer.created",
        json!({"id": "cus_1", "object": "customer"}),
    );
    assert_eq!(app.post_signed(&other).await.status(), 200);
}

#[tokio::test]
async fn only_a_good_signature_on_the_exact_bytes_is_accepted() {
    let (app, id) = paid_but_undelivered().await;
    let body = app.stored_event("checkout.session.completed", &id).await;
    let key = app.secret();
    let t = now();
    let good = server::local_stripe::signature::v1(&key, t, body.as_bytes());
    let other = server::local_stripe::signature::v1("whsec_someone_else", t, body.as_bytes());
    let refused: Vec<(&str, Option<String>, String)> = vec![
        ("missing header", None, body.clone()),
        ("empty header", Some(String::new()), body.clone()),
        ("malformed", Some("nonsense".to_owned()), body.clone()),
        ("no timestamp", Some(format!("v1={good}")), body.clone()),
        ("v0 only", Some(format!("t={t},v0={good}")), body.clone()),
        (
            "wrong secret",
            Some(format!("t={t},v1={other}")),
            body.clone(),
        ),
        ("stale", Some(sign(&key, t - 301, &body)), body.clone()),
        // Well past the 300 s tolerance: a slow run may check a second or
        // two after `t` was taken, and 301 s ahead would then be within it.
        (
            "from the future",
            Some(sign(&key, t + 360, &body)),
            body.clone(),
        ),
        (
            "one byte changed",
            Some(format!("t={t},v1={good}")),
            body.replacen("complete", "complefe", 1),
        ),
        (
            "re-serialised",
            Some(format!("t={t},v1={good}")),
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(&body).unwrap()).unwrap(),
        ),
    ];
    for (case, signature, payload) in refused {
        let response = app.post_event(&payload, signature).await;
        assert_eq!(response.status(), 400, "{case}");
        assert!(
            !response.text().await.unwrap().is_empty(),
            "{case}: a sentence"
        );
    }
    let not_utf8 = app
        .client
        .post(app.url("/api/stripe"))
        .header("stripe-signature", format!("t={t},v1={good}"))
        .body(vec![0xff_u8, 0xfe, 0x7b])
        .send()
        .await
        .unwrap();
    assert_eq!(not_utf8.status(), 400);
    let huge = "x".repeat(1024 * 1024 + 1);
    let too_big = app.post_event(&huge, Some(sign(&key, t, &huge))).await;
    assert_eq!(too_big.status(), 413);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM stripe_events").await,
        0,
        "refusals write nothing"
    );
    assert_eq!(app.orders().await, 0);

    // Two v1 values, the good one first or second: accepted.
    let both = app
        .post_event(&body, Some(format!("t={t},v1={other},v1={good}")))
        .await;
    assert_eq!(both.status(), 200);
    assert_eq!(app.orders().await, 1);
    let reversed = app
        .post_event(&body, Some(format!("t={t},v1={good},v1={other}")))
        .await;
    assert_eq!(reversed.status(), 200, "a redelivery, also accepted");
}

#[tokio::test]
async fn while_a_secret_is_rolled_events_signed_with_either_are_accepted() {
    let app = spawn_app_with(&[
        DEAD_ENDPOINT,
        (
            "STRIPE_WEBHOOK_SECRET",
            "whsec_new_secret_1,whsec_old_secret_0",
        ),
    ])
    .await;
    app.add("stoneware-mug", "1").await;
    let url = app.checkout_url().await;
    let id = session_id_of(&url);
    app.pay(&url, "4242424242424242").await;
    let body = app.stored_event("checkout.session.completed", &id).await;
    let old = app
        .post_event(&body, Some(sign("whsec_old_secret_0", now(), &body)))
        .await;
    assert_eq!(
        old.status(),
        200,
        "the old secret still works during the roll"
    );
    assert_eq!(app.orders().await, 1);
    let unknown = app
        .post_event(&body, Some(sign("whsec_retired_secret", now(), &body)))
        .await;
    assert_eq!(unknown.status(), 400);
}

#[tokio::test]
async fn with_smtp_configured_the_confirmation_is_mailed_once_and_not_written_locally() {
    let (url, received) = crate::helpers::fake_smtp_server(0);
    let app = spawn_app_with(&[("SMTP_URL", url.as_str())]).await;
    app.add("beeswax-candle", "2").await;
    let checkout_url = app.checkout_url().await;
    assert_eq!(
        app.pay(&checkout_url, "4242424242424242").await.status(),
        303
    );
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE confirmation_sent_at IS NOT NULL",
        1,
    )
    .await;
    for _ in 0..100 {
        if !received.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The success page afterwards sends nothing more.
    app.get(&format!(
        "/checkout/success?session_id={}",
        session_id_of(&checkout_url)
    ))
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("To: ada@example.com"),
        "{}",
        messages[0]
    );
    assert!(
        messages[0].contains("2 x Beeswax Candle  $44.00"),
        "{}",
        messages[0]
    );
    assert!(
        !app.data_dir.join("outbox").exists(),
        "nothing written locally"
    );
}

#[tokio::test]
async fn a_failure_while_applying_an_event_rolls_it_back_and_asks_stripe_to_retry() {
    let (app, id) = paid_but_undelivered().await;
    let body = app.stored_event("checkout.session.completed", &id).await;
    // Break the order items table, so fulfilment fails half-way.
    app.db
        .execute_unprepared("ALTER TABLE order_items RENAME TO order_items_away")
        .await
        .unwrap();
    let failed = app.post_signed(&body).await;
    assert_eq!(failed.status(), 500, "Stripe will deliver it again");
    assert_eq!(app.orders().await, 0, "the order insert was rolled back");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM stripe_events").await,
        0,
        "the event is not marked as handled"
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM checkouts WHERE status = 'open'")
            .await,
        1
    );

    app.db
        .execute_unprepared("ALTER TABLE order_items_away RENAME TO order_items")
        .await
        .unwrap();
    let retried = app.post_signed(&body).await;
    assert_eq!(retried.status(), 200);
    assert_eq!(app.orders().await, 1);
    assert_eq!(app.number("SELECT COUNT(*) FROM order_items").await, 1);
}
