//! The local Stripe can never take a real shopper's money: it runs only on a
//! developer's machine, takes only its own key, shows its event log only on
//! that machine, and every order made through it says no money was taken.

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode};
use serde_json::json;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tower::ServiceExt;

use crate::helpers::{event, json, now, session_id_of, sign, spawn_app, spawn_app_with};
use server::local_stripe::{LocalStripe, LocalStripeConfig, RetryPolicy, Secret};

/// Starts the real server binary with `vars` and waits for it to stop on its
/// own; its exit code and what it printed.
fn start_and_wait(vars: &[(&str, &str)]) -> (Option<i32>, String) {
    let data_dir = crate::helpers::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .current_dir(&data_dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SHOPFRONT_DATA_DIR", &data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in vars {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the server binary starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server kept running with {vars:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let printed = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    (output.status.code(), printed)
}

/// A secret injection that failed leaves `STRIPE_SECRET_KEY=` empty. On an
/// address the internet can reach, the store must not quietly take 4242
/// "payments" and ship real orders: it refuses to start, in one line.
#[test]
fn a_server_on_a_public_address_with_an_empty_stripe_key_refuses_to_start() {
    for vars in [
        &[("STRIPE_SECRET_KEY", ""), ("LEPTOS_SITE_ADDR", "0.0.0.0:0")][..],
        &[
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0"),
            ("PUBLIC_BASE_URL", "https://shop.example.com"),
        ],
        &[
            ("STRIPE_SECRET_KEY", "sk_test_real_account_key"),
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0"),
        ],
    ] {
        let (code, printed) = start_and_wait(vars);
        assert_eq!(code, Some(2), "{vars:?}: {printed}");
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(lines.len(), 1, "one line: {printed}");
        assert!(
            lines[0].contains("LOCAL_STRIPE=on") || lines[0].contains("STRIPE_WEBHOOK_SECRET"),
            "says what to set: {printed}"
        );
    }
}

/// Anyone who can reach the stand-in could make up a test key; it takes only
/// the one the store was given, and answers any other as Stripe does.
#[tokio::test]
async fn a_made_up_test_key_gets_stripes_401_from_the_stand_in() {
    let app = spawn_app().await;
    let ask = |key: &'static str| {
        app.client
            .get(app.url("/local-stripe/v1/checkout/sessions/cs_test_nothing_here"))
            .bearer_auth(key)
            .send()
    };
    let refused = ask("sk_test_made_up_by_a_stranger").await.unwrap();
    assert_eq!(refused.status(), 401);
    let body = json(refused).await;
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid API Key provided: sk_test_"),
        "{body}"
    );
    let own = ask(server::local_stripe::DEFAULT_API_KEY).await.unwrap();
    assert_eq!(own.status(), 404, "the store's own key gets past the door");
}

fn stand_in_config() -> LocalStripeConfig {
    LocalStripeConfig {
        database_url: "sqlite::memory:".into(),
        pay_base_url: "http://127.0.0.1:1".into(),
        webhook_url: None,
        webhook_secret: Secret::new("whsec_this_machine_only"),
        store_name: "Shopfront".into(),
        tax_rates: Default::default(),
        api_key: Secret::new(server::local_stripe::DEFAULT_API_KEY),
        retry: RetryPolicy::default(),
    }
}

/// The event log shows every session's customer details and its Resend button
/// replays events at the store: neither answers another machine, nor a request
/// a proxy on this machine forwarded for one.
#[tokio::test]
async fn another_machine_cannot_read_the_stand_ins_event_log_or_resend_events() {
    let stripe = LocalStripe::open(stand_in_config()).await.unwrap();
    let from = |peer: &str| {
        let peer: SocketAddr = peer.parse().unwrap();
        stripe
            .standalone_router::<()>()
            .layer(MockConnectInfo(peer))
    };
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    let resend = || {
        Request::post("/local-stripe/events/evt_1/resend")
            .body(Body::empty())
            .unwrap()
    };

    for peer in ["203.0.113.7:40000", "[2001:db8::7]:40000", "10.0.0.2:5000"] {
        for request in [
            get("/local-stripe/events"),
            get("/local-stripe/events/evt_1"),
            resend(),
        ] {
            let path = request.uri().to_string();
            let answer = from(peer).oneshot(request).await.unwrap();
            assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{peer} {path}");
        }
    }
    let forwarded = Request::get("/local-stripe/events")
        .header("x-forwarded-for", "203.0.113.7")
        .body(Body::empty())
        .unwrap();
    let answer = from("127.0.0.1:40000").oneshot(forwarded).await.unwrap();
    assert_eq!(
        answer.status(),
        StatusCode::FORBIDDEN,
        "forwarded by a proxy"
    );

    for peer in ["127.0.0.1:40000", "[::1]:40000", "[::ffff:127.0.0.1]:40000"] {
        let answer = from(peer)
            .oneshot(get("/local-stripe/events"))
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{peer}");
    }
}

/// While the store runs on test keys or the stand-in, every page says so, and a
/// test order says no money was taken on its page and in its email. Whether an
/// order is a test comes from Stripe's own `livemode`.
#[tokio::test]
async fn a_test_payment_is_never_presented_as_money_taken() {
    let app = spawn_app().await;
    for page in ["/", "/cart", "/account/sign-in", "/products/stoneware-mug"] {
        let html = app.get(page).await.text().await.unwrap();
        assert!(html.contains(r#"data-testid="test-mode-banner""#), "{page}");
    }

    app.add("stoneware-mug", "1").await;
    let url = app.checkout_url().await;
    let landing = app.pay(&url, "4242424242424242").await.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let success = app.page(&landing).await;
    assert!(
        success.contains("Test order: no money was taken."),
        "success page"
    );
    app.eventually("SELECT COUNT(*) FROM orders WHERE NOT livemode", 1)
        .await;
    let number = format!(
        "SF-{:06}",
        app.number("SELECT CAST(checkout_id AS BIGINT) FROM orders")
            .await
    );
    let order = json(app.server_fn("get_order", &[("number", &number)]).await).await;
    assert_eq!(app.outbox_after(1).await, 1);
    assert_eq!(order["test_order"], true);
    let order_page = app
        .page(&app.url(&format!("/account/orders/{number}")))
        .await;
    assert!(
        order_page.contains("Test order: no money was taken."),
        "the order page"
    );
    let email =
        std::fs::read_to_string(app.data_dir.join("outbox").join(format!("{number}.eml"))).unwrap();
    assert!(email.contains("Test order: no money was taken."), "{email}");
    assert!(email.contains("[Test] Your Shopfront order"), "{email}");

    // The same store, told by Stripe that a session was live: no test notice.
    let live_shopper =
        spawn_app_with(&[("LOCAL_STRIPE_WEBHOOK_URL", "http://127.0.0.1:9/api/stripe")]).await;
    live_shopper.add("stoneware-mug", "1").await;
    let id = session_id_of(&live_shopper.checkout_url().await);
    let mut session = live_shopper.stripe_session(&id).await;
    session["status"] = json!("complete");
    session["payment_status"] = json!("paid");
    session["livemode"] = json!(true);
    let completed = event("checkout.session.completed", session);
    let secret = live_shopper.secret();
    live_shopper
        .post_event(&completed, Some(sign(&secret, now(), &completed)))
        .await;
    assert_eq!(
        live_shopper
            .number("SELECT COUNT(*) FROM orders WHERE livemode")
            .await,
        1
    );
    let page = live_shopper
        .page(&live_shopper.url(&format!("/checkout/success?session_id={id}")))
        .await;
    assert!(page.contains(r#"data-testid="order-success""#), "{page}");
    assert!(
        !page.contains("Test order"),
        "a live order is not called a test"
    );
}
