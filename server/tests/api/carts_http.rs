//! Carts and accounts over HTTP, each shopper with a cookie-keeping client.

use crate::helpers::{json, message, spawn_app, TestApp};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;

/// A request the store must refuse: server fn, form, status, sentence.
type Refusal<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16, &'a str);

/// Every row of the tables a cart change could touch, to prove a refusal changed nothing.
async fn snapshot(app: &TestApp) -> String {
    let backend = app.db.get_database_backend();
    let mut out = String::new();
    for sql in [
        "SELECT id, cart_id, product_id, quantity FROM cart_lines ORDER BY id",
        "SELECT id, open_key, status FROM carts ORDER BY id",
        "SELECT id, stock, active FROM products ORDER BY id",
        "SELECT COUNT(*) AS n FROM sessions",
        "SELECT COUNT(*) AS n FROM users",
    ] {
        for row in app
            .db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
        {
            out.push_str(&format!("{row:?}\n"));
        }
    }
    out
}

#[tokio::test]
async fn a_guest_cart_lives_behind_an_http_only_cookie_and_survives_visits() {
    let app = spawn_app().await;
    let response = app.try_add("stoneware-mug", "2").await;
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("shopfront_session="))
        .expect("the first write starts a session");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Secure"), "plain http in tests");
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("shopfront_session=");
    assert!(token.len() >= 32, "at least 128 bits");

    let second = app.try_add("pour-over-kettle", "1").await;
    assert_eq!(
        json(second).await,
        3,
        "an add answers with the cart's new item count, for the header's badge"
    );
    let view = app.cart().await;
    assert_eq!(view["item_count"], 3);
    assert_eq!(view["subtotal"]["minor"], 2 * 1800 + 6400);
    assert_eq!(view["lines"][0]["slug"], "stoneware-mug");
    assert_eq!(view["lines"][0]["line_total"]["minor"], 3600);

    // The token is not what the database stores.
    let stored: Vec<String> = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT id FROM sessions",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get::<String>("", "id").unwrap())
        .collect();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);

    // The page shows it too, and a new browser has an empty cart of its own.
    let html = app.get("/cart").await.text().await.unwrap();
    assert!(
        html.contains("Stoneware Mug") && html.contains("$100.00"),
        "{html}"
    );
    let stranger = app.other_shopper();
    assert_eq!(stranger.cart().await["item_count"], 0);
    assert!(stranger
        .get("/cart")
        .await
        .text()
        .await
        .unwrap()
        .contains("Your cart is empty"));
}

#[tokio::test]
async fn reading_never_starts_a_session() {
    let app = spawn_app().await;
    for path in ["/", "/cart", "/products/stoneware-mug"] {
        let response = app.get(path).await;
        assert!(response.headers().get("set-cookie").is_none(), "{path}");
    }
    assert_eq!(app.cart().await["item_count"], 0);
}

#[tokio::test]
async fn one_shopper_cannot_read_or_change_another_shoppers_lines() {
    let app = spawn_app().await;
    let alice = &app;
    let bob = app.other_shopper();
    alice.try_add("walnut-cutting-board", "1").await;
    bob.try_add("beeswax-candle", "1").await;
    let alice_line = alice.cart().await["lines"][0]["id"].to_string();
    let before = snapshot(&app).await;

    let response = bob
        .server_fn(
            "update_cart_line",
            &[("line_id", &alice_line), ("quantity", "5")],
        )
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(message(response).await, "That item is not in your cart.");
    let response = bob
        .server_fn("remove_cart_line", &[("line_id", &alice_line)])
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(message(response).await, "That item is not in your cart.");
    // A line that does not exist gets the very same answer.
    let response = bob
        .server_fn("remove_cart_line", &[("line_id", "999999")])
        .await;
    assert_eq!(message(response).await, "That item is not in your cart.");

    assert_eq!(snapshot(&app).await, before, "nothing changed");
    let bobs = bob.cart().await;
    assert_eq!(bobs["lines"].as_array().unwrap().len(), 1);
    assert_eq!(bobs["lines"][0]["slug"], "beeswax-candle");
}

#[tokio::test]
async fn bad_cart_input_is_refused_with_a_sentence_and_changes_nothing() {
    let app = spawn_app().await;
    app.try_add("stoneware-mug", "39").await;
    let line = app.cart().await["lines"][0]["id"].to_string();
    app.db
        .execute_unprepared("UPDATE products SET active = false WHERE slug = 'glass-carafe'")
        .await
        .unwrap();
    let before = snapshot(&app).await;

    // (server fn, form, status, sentence)
    let cases: Vec<Refusal> = vec![
        (
            "add_to_cart",
            vec![("slug", "stoneware-mug"), ("quantity", "0")],
            400,
            "Choose a quantity from 1 to 40.",
        ),
        (
            "add_to_cart",
            vec![("slug", "stoneware-mug"), ("quantity", "-2")],
            400,
            "Choose a quantity from 1 to 40.",
        ),
        (
            "add_to_cart",
            vec![("slug", "stoneware-mug"), ("quantity", "lots")],
            400,
            "The quantity must be a whole number. Choose a quantity from 1 to 40.",
        ),
        (
            "add_to_cart",
            vec![("slug", "linen-tea-towel"), ("quantity", "100")],
            400,
            "Only 60 left in stock. Choose a quantity from 1 to 60.",
        ),
        (
            "add_to_cart",
            vec![("slug", "canvas-tote"), ("quantity", "4")],
            400,
            "Only 3 left in stock. Choose a quantity from 1 to 3.",
        ),
        (
            "add_to_cart",
            vec![("slug", "stoneware-mug"), ("quantity", "2")],
            400,
            "Your cart already holds 39 of Stoneware Mug; you can add up to 1 more.",
        ),
        (
            "add_to_cart",
            vec![("slug", "no-such-product"), ("quantity", "1")],
            404,
            "That product is not in our catalog.",
        ),
        (
            "add_to_cart",
            vec![("slug", "glass-carafe"), ("quantity", "1")],
            404,
            "That product is not in our catalog.",
        ),
        (
            "add_to_cart",
            vec![("slug", "brass-bottle-opener"), ("quantity", "1")],
            409,
            "Brass Bottle Opener is sold out.",
        ),
        (
            "update_cart_line",
            vec![("line_id", &line), ("quantity", "41")],
            400,
            "Only 40 left in stock. Choose a quantity from 1 to 40.",
        ),
        (
            "update_cart_line",
            vec![("line_id", &line), ("quantity", "1"), ("step", "-1")],
            400,
            "Choose a quantity from 1 to 40.",
        ),
        (
            "update_cart_line",
            vec![("line_id", &line), ("quantity", "3"), ("step", "7")],
            400,
            "A quantity can only step up or down by one.",
        ),
        (
            "update_cart_line",
            vec![("line_id", "abc"), ("quantity", "3")],
            404,
            "That item is not in your cart.",
        ),
        (
            "remove_cart_line",
            vec![("line_id", "' OR 1=1 --")],
            404,
            "That item is not in your cart.",
        ),
    ];
    for (server_fn, form, status, sentence) in cases {
        let response = app.server_fn(server_fn, &form).await;
        assert_eq!(response.status(), status, "{server_fn} {form:?}");
        assert_eq!(message(response).await, sentence, "{server_fn} {form:?}");
    }
    // Fields that are missing altogether are the sender's mistake too.
    let response = app
        .server_fn("update_cart_line", &[("quantity", "1")])
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(snapshot(&app).await, before, "no refusal changed anything");
}

#[tokio::test]
async fn the_stepper_moves_by_one_and_a_typed_number_is_taken_as_is() {
    let app = spawn_app().await;
    app.try_add("stoneware-mug", "2").await;
    let line = app.cart().await["lines"][0]["id"].to_string();
    for (form, expected) in [
        (
            vec![("line_id", line.as_str()), ("quantity", "2"), ("step", "1")],
            3,
        ),
        (
            vec![
                ("line_id", line.as_str()),
                ("quantity", "3"),
                ("step", "-1"),
            ],
            2,
        ),
        (
            vec![("line_id", line.as_str()), ("quantity", "7"), ("step", "0")],
            7,
        ),
        (vec![("line_id", line.as_str()), ("quantity", "5")], 5),
    ] {
        let answer = app.server_fn("update_cart_line", &form).await;
        assert_eq!(answer.status(), 200);
        let answered = json(answer).await;
        assert_eq!(answered["lines"][0]["quantity"], expected);
        assert_eq!(answered["item_count"], expected);
        assert_eq!(
            answered,
            app.cart().await,
            "the answer is the cart as stored"
        );
    }
    let answer = app
        .server_fn("remove_cart_line", &[("line_id", &line)])
        .await;
    assert_eq!(answer.status(), 200);
    let answered = json(answer).await;
    assert_eq!(answered["lines"].as_array().unwrap().len(), 0);
    assert_eq!(answered["item_count"], 0);
    assert_eq!(app.cart().await["lines"].as_array().unwrap().len(), 0);
}

async fn sign_up(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.server_fn(
        "sign_up",
        &[("email", email), ("password", password), ("next", "/cart")],
    )
    .await
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.server_fn(
        "sign_in",
        &[("email", email), ("password", password), ("next", "/cart")],
    )
    .await
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("shopfront_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn signing_up_rotates_the_session_and_keeps_the_guest_cart() {
    let app = spawn_app().await;
    let first = app.try_add("stoneware-mug", "2").await;
    let guest_cookie = session_cookie(&first).unwrap();
    app.try_add("beeswax-candle", "1").await;

    let response = sign_up(&app, "  Ada@Example.com ", "correct horse").await;
    assert_eq!(response.status(), 200, "{:?}", response.headers());
    let account_cookie = session_cookie(&response).expect("a new session");
    assert_ne!(account_cookie, guest_cookie, "no session fixation");

    let view = app.cart().await;
    assert_eq!(view["item_count"], 3);
    let shopper = json(app.server_fn("get_shopper", &[]).await).await;
    assert_eq!(shopper["email"], "ada@example.com");

    // The guest token is dead: a browser still holding it is a stranger.
    let replayed: Value = crate::helpers::browser()
        .post(app.url("/api/get_cart"))
        .header("accept", "application/json")
        .header("cookie", &guest_cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(replayed["item_count"], 0);

    // The same email in other letters is the same account.
    let other = app.other_shopper();
    let response = sign_up(&other, "ADA@example.com", "another password").await;
    assert_eq!(response.status(), 409);
}

#[tokio::test]
async fn sign_in_failures_say_one_thing_and_are_slowed_down() {
    let app = spawn_app().await;
    assert_eq!(
        sign_up(&app, "grace@example.com", "hopper1906")
            .await
            .status(),
        200
    );
    let visitor = app.other_shopper();

    let wrong = sign_in(&visitor, "grace@example.com", "not her password").await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(message(wrong).await, "Email or password is incorrect.");
    let unknown = sign_in(&visitor, "nobody@example.com", "whatever123").await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(message(unknown).await, "Email or password is incorrect.");

    for _ in 0..3 {
        assert_eq!(
            sign_in(&visitor, "grace@example.com", "guess again")
                .await
                .status(),
            401
        );
    }
    // Five failures from this client: the sixth attempt is refused, even with the right password.
    let throttled = sign_in(&visitor, "grace@example.com", "hopper1906").await;
    assert_eq!(throttled.status(), 429);
    assert!(message(throttled).await.contains("wait five minutes"));
}

#[tokio::test]
async fn short_passwords_and_odd_emails_are_refused() {
    let app = spawn_app().await;
    let response = sign_up(&app, "ok@example.com", "short").await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        message(response).await,
        "Choose a password of 8 to 128 characters."
    );
    let response = sign_up(&app, "not-an-email", "long enough").await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        message(response).await,
        "Enter an email address like name@example.com."
    );
    let response = sign_up(&app, "ok@example.com", &"x".repeat(129)).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn signing_out_leaves_the_cart_with_the_account() {
    let app = spawn_app().await;
    assert_eq!(
        sign_up(&app, "linus@example.com", "penguins!")
            .await
            .status(),
        200
    );
    app.try_add("cast-iron-skillet", "1").await;
    assert_eq!(app.server_fn("sign_out", &[]).await.status(), 200);

    let shopper = json(app.server_fn("get_shopper", &[]).await).await;
    assert_eq!(shopper["email"], Value::Null);
    assert_eq!(shopper["cart_count"], 0, "a fresh, empty guest cart");

    assert_eq!(
        sign_in(&app, "linus@example.com", "penguins!")
            .await
            .status(),
        200
    );
    let view = app.cart().await;
    assert_eq!(view["lines"][0]["slug"], "cast-iron-skillet");
}

#[tokio::test]
async fn signing_in_without_javascript_redirects_to_the_cart() {
    let app = spawn_app().await;
    assert_eq!(
        sign_up(&app, "nojs@example.com", "no scripts here")
            .await
            .status(),
        200
    );
    let visitor = app.other_shopper();
    visitor
        .form_post(
            "add_to_cart",
            &[("slug", "glass-carafe"), ("quantity", "2")],
            "/products/glass-carafe",
        )
        .await;
    let response = visitor
        .form_post(
            "sign_in",
            &[
                ("email", "nojs@example.com"),
                ("password", "no scripts here"),
                ("next", "/cart"),
            ],
            "/account/sign-in",
        )
        .await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/cart");
    let html = visitor.get("/cart").await.text().await.unwrap();
    assert!(
        html.contains("Glass Water Carafe"),
        "the guest cart came along"
    );
    assert!(
        html.contains("nojs@example.com"),
        "the header names the account"
    );
}
