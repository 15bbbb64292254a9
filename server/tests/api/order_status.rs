//! A guest's order from any device: the confirmation email's link, a lookup by
//! number and email (throttled), and an account made from the success page that
//! keeps the order.

use serde_json::Value;

use crate::helpers::{browser, json, message, session_id_of, spawn_app, TestApp};

const CARD: &str = "4242424242424242";

/// A guest buys two mugs as ada@example.com: the Checkout Session's id and the
/// order's number.
async fn guest_order(app: &TestApp) -> (String, String) {
    app.add("stoneware-mug", "2").await;
    let url = app.checkout_url().await;
    assert_eq!(app.pay(&url, CARD).await.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders", 1).await;
    let number = app.text("SELECT number FROM orders").await;
    (session_id_of(&url), number)
}

/// The status link in order `number`'s confirmation email: its path and token.
fn status_link(email: &str) -> (String, String) {
    let start = email
        .find("/orders/status?token=")
        .expect("the confirmation links to the order's status");
    let path: String = email[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let token = path.trim_start_matches("/orders/status?token=").to_owned();
    (path, token)
}

#[tokio::test]
async fn the_confirmation_email_links_to_the_order_on_any_device_and_keeps_only_a_hash() {
    let app = spawn_app().await;
    let (_, number) = guest_order(&app).await;
    let email = app.email_of(&number, 1).await;
    let (path, token) = status_link(&email);
    assert_eq!(token.len(), 64, "{token}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));

    // Only the token's hash is stored.
    let stored = app.text("SELECT token_hash FROM order_links").await;
    assert_ne!(stored, token);
    assert_eq!(
        stored,
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()))
    );

    // Another device, no cookie, no account: the order, its figures and status.
    let phone = app.other_shopper();
    let page = phone.get(&path).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains(&number), "{html:.400}");
    assert!(html.contains("Stoneware Mug"));
    assert!(html.contains("$41.00"), "the total, with shipping");
    assert!(html.contains("data-testid=\"order-status\""));
    assert!(html.contains("Status: "), "the status");
    assert!(html.contains("Ada Lovelace") && html.contains("12 Analytical Way"));
    assert!(
        !html.contains("Create an account"),
        "the status page offers nothing but the order"
    );
    let view: Value = json(
        phone
            .server_fn("get_order_status", &[("token", &token)])
            .await,
    )
    .await;
    assert_eq!(view["number"], number.as_str());
    assert_eq!(view["status"], "Paid");

    // That device still cannot reach the order by number: the link is the key.
    let by_number = phone.server_fn("get_order", &[("number", &number)]).await;
    assert_eq!(by_number.status(), 404);

    // A wrong or altered token shows nothing, with a way to look the order up.
    let mut altered = token.clone();
    altered.replace_range(0..1, if token.starts_with('0') { "1" } else { "0" });
    for bad in [altered.as_str(), "", "not-a-token", &"f".repeat(500)] {
        let response = phone.get(&format!("/orders/status?token={bad}")).await;
        assert_eq!(response.status(), 404, "{bad:.20}");
        let html = response.text().await.unwrap();
        assert!(html.contains("This order link does not work."), "{bad:.20}");
        assert!(html.contains("Find your order"));
        assert!(!html.contains(&number));
    }
}

#[tokio::test]
async fn an_order_is_found_by_its_number_and_email_and_guessing_is_throttled() {
    let app = spawn_app().await;
    let (_, number) = guest_order(&app).await;
    let stranger = app.other_shopper();

    // Typed as people type: lower case, spaces, capitals in the email.
    let found = stranger
        .server_fn(
            "find_order",
            &[
                ("number", &format!(" {} ", number.to_lowercase())),
                ("email", "Ada@Example.com "),
            ],
        )
        .await;
    assert_eq!(found.status(), 200);
    let path: String = found.json().await.unwrap();
    assert!(path.starts_with("/orders/status?token="), "{path}");
    let html = stranger.get(&path).await.text().await.unwrap();
    assert!(html.contains(&number));

    // Without JavaScript the form goes on to the status page.
    let posted = stranger
        .form_post(
            "find_order",
            &[("number", &number), ("email", "ada@example.com")],
            "/orders/find",
        )
        .await;
    assert!(posted.status().is_redirection());
    let location = posted.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/orders/status?token="), "{location}");

    // A wrong email and an unknown number get the same sentence.
    for (number, email) in [
        (number.as_str(), "grace@example.com"),
        ("SF-999999", "ada@example.com"),
    ] {
        let refused = stranger
            .server_fn("find_order", &[("number", number), ("email", email)])
            .await;
        assert_eq!(refused.status(), 404);
        assert_eq!(
            message(refused).await,
            "We could not find an order with that number and email. Check both against your confirmation email."
        );
    }

    // Guessing: fired at once, ten failures an hour per client, then 429,
    // and then even the right pair waits.
    let guesser = app.other_shopper();
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..14 {
        let (client, url, number) = (
            guesser.client.clone(),
            guesser.url("/api/find_order"),
            number.clone(),
        );
        guesses.spawn(async move {
            let email = format!("guess{n}@example.com");
            let form = [("number", number.as_str()), ("email", email.as_str())];
            let sent = client
                .post(url)
                .header("accept", "application/json")
                .form(&form)
                .send();
            sent.await.unwrap().status().as_u16()
        });
    }
    let mut answers = guesses.join_all().await;
    answers.sort_unstable();
    let refused = answers.iter().filter(|s| **s == 404).count();
    let throttled = answers.iter().filter(|s| **s == 429).count();
    // Two earlier misses from this address already count: at most eight more
    // are answered, however the racing requests interleave.
    assert_eq!(refused + throttled, 14, "{answers:?}");
    assert!(refused <= 8 && throttled >= 6, "{answers:?}");
    let right = guesser
        .server_fn(
            "find_order",
            &[("number", &number), ("email", "ada@example.com")],
        )
        .await;
    assert_eq!(right.status(), 429);
    assert!(message(right).await.contains("Too many order lookups"));
    assert_eq!(
        app.number("SELECT COUNT(*) FROM order_links").await,
        3,
        "the email's link and the two lookups that matched"
    );
}

#[tokio::test]
async fn a_guest_makes_an_account_from_the_success_page_and_it_keeps_the_order() {
    let app = spawn_app().await;
    let (session_id, number) = guest_order(&app).await;
    let success = format!("/checkout/success?session_id={session_id}");
    let html = app.get(&success).await.text().await.unwrap();
    assert!(html.contains("Create an account to track this order"));
    assert!(html.contains("ada@example.com"));

    // Someone else's browser cannot claim it.
    let thief = app.other_shopper();
    let stolen = thief
        .server_fn(
            "create_account_for_order",
            &[
                ("session_id", &session_id),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(stolen.status(), 404);

    // A password too short is refused, back on the success page.
    let short = app
        .form_post(
            "create_account_for_order",
            &[("session_id", &session_id), ("password", "short")],
            &success,
        )
        .await;
    assert!(short.status().is_redirection());
    assert!(short.headers()["location"]
        .to_str()
        .unwrap()
        .contains("/checkout/success"));
    assert_eq!(app.number("SELECT COUNT(*) FROM users").await, 0);

    // Without JavaScript: an account with the order's email, signed in, and
    // on to the order's page.
    let made = app
        .form_post(
            "create_account_for_order",
            &[
                ("session_id", &session_id),
                ("password", "correct horse battery"),
            ],
            &success,
        )
        .await;
    assert!(made.status().is_redirection());
    assert_eq!(
        made.headers()["location"].to_str().unwrap(),
        format!("/account/orders/{number}")
    );
    assert_eq!(app.text("SELECT email FROM users").await, "ada@example.com");
    let orders: Value = json(app.server_fn("list_orders", &[]).await).await;
    assert_eq!(orders[0]["number"], number.as_str());
    let page = app.get(&format!("/account/orders/{number}")).await;
    assert_eq!(page.status(), 200);
    // Signed in now: no second offer.
    let html = app.get(&success).await.text().await.unwrap();
    assert!(!html.contains("Create an account to track this order"));

    // From another device, signing in with that password shows the order.
    let laptop = browser();
    let signed_in = laptop
        .post(app.url("/api/sign_in"))
        .header("accept", "application/json")
        .form(&[
            ("email", "ada@example.com"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert!(signed_in.status().is_success());
    let listed: Value = laptop
        .post(app.url("/api/list_orders"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["number"], number.as_str());
}

#[tokio::test]
async fn an_email_that_has_an_account_signs_in_and_the_order_joins_it() {
    let app = spawn_app().await;
    let earlier = app.other_shopper();
    let made = earlier
        .server_fn(
            "sign_up",
            &[
                ("email", "ada@example.com"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert!(made.status().is_success());

    let (session_id, number) = guest_order(&app).await;
    let answer = app
        .server_fn(
            "create_account_for_order",
            &[
                ("session_id", &session_id),
                ("password", "another password"),
            ],
        )
        .await;
    assert_eq!(answer.status(), 200);
    let next: String = answer.json().await.unwrap();
    assert_eq!(
        next,
        format!("/account/sign-in?next=/account/orders/{number}&order={number}")
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM users").await,
        1,
        "no second account"
    );
    let html = app.get(&next).await.text().await.unwrap();
    assert!(
        html.contains(&format!("You already have an account with the email on order {number}. Sign in, and the order joins it.")),
        "{html:.300}"
    );
    // Words that are not an order number are not shown.
    let html = app
        .get("/account/sign-in?order=Your%20account%20is%20locked")
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("locked"));

    let signed_in = app
        .server_fn(
            "sign_in",
            &[
                ("email", "ada@example.com"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert!(signed_in.status().is_success());
    let orders: Value = json(app.server_fn("list_orders", &[]).await).await;
    assert_eq!(orders[0]["number"], number.as_str());
}
