//! The local Stripe against Stripe's own artifacts: the official checkout.session
//! schema, the SDK request body, the webhook signature vector, and the
//! async-stripe client and webhook parser the store uses.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{json, Value};
use server::config::Secret;
use server::local_stripe::{LocalStripe, LocalStripeConfig, RetryPolicy};

use crate::stripe_schema;

mod async_stripe;
mod idempotency;
mod pay_page;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "sk_test_shopfront_local_0001";
const SECRET: &str = "whsec_local_test_secret";
const SDK_BODY: &str = include_str!("../../fixtures/stripe/sdk_create_session_body.txt");

/// One webhook delivery as the endpoint received it.
#[derive(Clone, Debug)]
struct Delivery {
    signature: String,
    body: String,
}

/// A webhook endpoint that records what it receives and refuses the first
/// `fail_first` deliveries with a 500.
#[derive(Clone, Default)]
struct Endpoint {
    received: Arc<Mutex<Vec<Delivery>>>,
    fail_first: Arc<AtomicUsize>,
    calls: Arc<AtomicUsize>,
}

impl Endpoint {
    async fn start(fail_first: usize) -> (Self, String) {
        let endpoint = Endpoint {
            fail_first: Arc::new(AtomicUsize::new(fail_first)),
            ..Default::default()
        };
        let app = axum::Router::new()
            .route("/hook", post(receive))
            .with_state(endpoint.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (endpoint, url)
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.received.lock().unwrap().clone()
    }

    /// The accepted events of one type, parsed.
    fn events(&self, kind: &str) -> Vec<Value> {
        self.deliveries()
            .iter()
            .map(|d| serde_json::from_str::<Value>(&d.body).unwrap())
            .filter(|e| e["type"] == kind)
            .collect()
    }

    /// Waits until `count` deliveries of `kind` were accepted.
    async fn wait_for(&self, kind: &str, count: usize) -> Vec<Value> {
        for _ in 0..200 {
            let events = self.events(kind);
            if events.len() >= count {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "no {count} {kind} event(s) arrived; got {:?}",
            self.deliveries()
                .iter()
                .map(|d| d.body.chars().take(80).collect::<String>())
                .collect::<Vec<_>>()
        );
    }
}

async fn receive(State(endpoint): State<Endpoint>, headers: HeaderMap, body: String) -> StatusCode {
    endpoint.calls.fetch_add(1, Ordering::SeqCst);
    let refuse = endpoint
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if refuse {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    endpoint.received.lock().unwrap().push(Delivery {
        signature: headers
            .get("stripe-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body,
    });
    StatusCode::OK
}

struct Stand {
    stripe: LocalStripe,
    base: String,
    http: reqwest::Client,
    /// The worker and the listener, stopped when the stand-in is dropped, as
    /// they would be when its process exits.
    tasks: Vec<tokio::task::AbortHandle>,
}

impl Drop for Stand {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn config(database_url: String, webhook_url: Option<String>) -> LocalStripeConfig {
    LocalStripeConfig {
        database_url,
        pay_base_url: String::new(),
        webhook_url,
        webhook_secret: Secret::new(SECRET),
        store_name: "Shopfront".into(),
        tax_rates: Default::default(),
        api_key: Secret::new(KEY),
        retry: RetryPolicy {
            first_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(400),
            max_attempts: 5,
            timeout: Duration::from_secs(2),
        },
    }
}

fn temp_database() -> String {
    let path = crate::helpers::fresh_data_dir().with_extension("db");
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Starts a stand-in alone on a free port, like `server local-stripe`.
async fn start(webhook_url: Option<String>) -> Stand {
    start_with(config(temp_database(), webhook_url)).await
}

async fn start_with(mut config: LocalStripeConfig) -> Stand {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    config.pay_base_url = base.clone();
    let stripe = LocalStripe::open(config).await.unwrap();
    let worker = stripe.spawn_worker().abort_handle();
    let router = stripe
        .standalone_router::<()>()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let listener = tokio::spawn(async move { axum::serve(listener, router).await }).abort_handle();
    Stand {
        stripe,
        base,
        http: crate::helpers::browser(),
        tasks: vec![worker, listener],
    }
}

impl Stand {
    /// The developer's event log, as a browser on this machine sees it.
    async fn events_page(&self) -> String {
        self.http
            .get(format!("{}/local-stripe/events", self.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The event log once it says `shown`: the worker records an attempt just
    /// after the endpoint has answered it.
    async fn events_page_showing(&self, shown: &str) -> String {
        for _ in 0..200 {
            let log = self.events_page().await;
            if log.contains(shown) {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the event log never showed {shown:?}");
    }

    async fn post(&self, path: &str, body: &str) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(KEY)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(KEY)
            .send()
            .await
            .unwrap()
    }

    async fn create(&self, body: &str) -> Value {
        let response = self.post("/v1/checkout/sessions", body).await;
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
        response.json().await.unwrap()
    }

    async fn session(&self, id: &str) -> Value {
        self.get(&format!("/v1/checkout/sessions/{id}"))
            .await
            .json()
            .await
            .unwrap()
    }

    /// Submits the hosted page's form, as a browser without JavaScript does.
    async fn pay(&self, id: &str, card: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/local-stripe/pay/{id}", self.base))
            .form(&[
                ("email", "shopper@example.com"),
                ("card_number", card),
                ("card_expiry", "12 / 34"),
                ("card_cvc", "123"),
                ("cardholder_name", "Ada Shopper"),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Answers the card's authentication challenge with `outcome`
    /// (`complete` or `fail`), as the shopper's button does.
    async fn authenticate(&self, id: &str, outcome: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/local-stripe/pay/{id}/authenticate", self.base))
            .form(&[("outcome", outcome)])
            .send()
            .await
            .unwrap()
    }
}

// ---------------------------------------------------------------- the schema

#[tokio::test]
async fn every_session_the_stand_in_returns_validates_against_stripes_schema() {
    let validator = stripe_schema::session_validator();
    // The control: Stripe's own fixture passes, and a broken copy does not.
    let fixture: Value = serde_json::from_str(include_str!(
        "../../fixtures/stripe/fixture_checkout_session.json"
    ))
    .unwrap();
    stripe_schema::assert_valid(&validator, &fixture);
    let mut broken = fixture.clone();
    broken.as_object_mut().unwrap().remove("payment_status");
    broken["livemode"] = json!("no");
    assert!(
        !validator.is_valid(&broken),
        "the schema must catch a broken session"
    );

    let (endpoint, url) = Endpoint::start(0).await;
    let stand = start(Some(url)).await;
    let created = stand.create(SDK_BODY.trim_end()).await;
    stripe_schema::assert_valid(&validator, &created);

    let expanded = stand
        .get(&format!(
            "/v1/checkout/sessions/{}?expand%5B0%5D=line_items&expand%5B1%5D=payment_intent",
            created["id"].as_str().unwrap()
        ))
        .await
        .json::<Value>()
        .await
        .unwrap();
    stripe_schema::assert_valid(&validator, &expanded);

    let id = created["id"].as_str().unwrap();
    assert_eq!(stand.pay(id, "4000000000000002").await.status(), 200);
    stripe_schema::assert_valid(&validator, &stand.session(id).await);
    assert_eq!(stand.pay(id, "4242424242424242").await.status(), 303);
    let paid = stand
        .get(&format!(
            "/v1/checkout/sessions/{id}?expand[]=payment_intent&expand[]=line_items"
        ))
        .await
        .json::<Value>()
        .await
        .unwrap();
    stripe_schema::assert_valid(&validator, &paid);
    let completed = endpoint.wait_for("checkout.session.completed", 1).await;
    stripe_schema::assert_valid(&validator, &completed[0]["data"]["object"]);

    let other = stand.create(SDK_BODY.trim_end()).await;
    let expired = stand
        .post(
            &format!(
                "/v1/checkout/sessions/{}/expire",
                other["id"].as_str().unwrap()
            ),
            "",
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    stripe_schema::assert_valid(&validator, &expired);
}

// ----------------------------------------------------- the API, by raw HTTP

#[tokio::test]
async fn the_sdk_request_body_becomes_the_session_it_describes() {
    let stand = start(None).await;
    let session = stand.create(SDK_BODY.trim_end()).await;
    let id = session["id"].as_str().unwrap();
    assert!(id.starts_with("cs_test_"), "{id}");
    assert_eq!(session["object"], "checkout.session");
    assert_eq!(session["mode"], "payment");
    assert_eq!(session["status"], "open");
    assert_eq!(session["payment_status"], "unpaid");
    assert_eq!(session["amount_subtotal"], 3998);
    assert_eq!(session["amount_total"], 3998);
    assert_eq!(session["currency"], "usd");
    assert_eq!(session["livemode"], false);
    assert_eq!(session["client_reference_id"], "order_42");
    assert_eq!(session["metadata"], json!({"cart_id": "cart_abc"}));
    assert_eq!(session["cancel_url"], "http://localhost:8080/cart");
    assert_eq!(
        session["url"],
        format!("{}/local-stripe/pay/{id}", stand.base).as_str()
    );
    let created = session["created"].as_i64().unwrap();
    assert_eq!(
        session["expires_at"].as_i64().unwrap() - created,
        24 * 60 * 60
    );

    let items = stand
        .get(&format!("/v1/checkout/sessions/{id}/line_items?limit=10"))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(items["object"], "list");
    assert_eq!(items["has_more"], false);
    assert_eq!(items["data"][0]["description"], "Mug");
    assert_eq!(items["data"][0]["quantity"], 2);
    assert_eq!(items["data"][0]["amount_total"], 3998);
    assert_eq!(items["data"][0]["price"]["unit_amount"], 1999);
}

#[tokio::test]
async fn percent_encoded_and_raw_brackets_are_the_same_request() {
    let stand = start(None).await;
    let encoded = SDK_BODY.trim_end().replace('[', "%5B").replace(']', "%5D");
    let a = stand.create(SDK_BODY.trim_end()).await;
    let b = stand.create(&encoded).await;
    for field in [
        "amount_total",
        "metadata",
        "client_reference_id",
        "success_url",
    ] {
        assert_eq!(a[field], b[field], "{field}");
    }
}

#[tokio::test]
async fn errors_have_stripes_shape_status_and_a_request_id() {
    let stand = start(None).await;
    let base = "mode=payment&success_url=https%3A%2F%2Fshop.example%2Fok";
    let line = |amount: &str, quantity: &str, currency: &str| {
        format!("line_items[0][price_data][currency]={currency}&line_items[0][price_data][unit_amount]={amount}&line_items[0][price_data][product_data][name]=Mug&line_items[0][quantity]={quantity}")
    };
    let too_many: String = (0..101)
        .map(|i| format!("line_items[{i}][price_data][currency]=usd&line_items[{i}][price_data][unit_amount]=100&line_items[{i}][price_data][product_data][name]=Item&line_items[{i}][quantity]=1"))
        .collect::<Vec<_>>()
        .join("&");
    let cases: Vec<(String, &str, Option<&str>)> = vec![
        (base.to_owned(), "line_items", Some("parameter_missing")),
        (
            format!("{}&{}", "mode=payment", line("100", "1", "usd")),
            "success_url",
            Some("parameter_missing"),
        ),
        (
            format!("{base}&{}", line("100", "0", "usd")),
            "line_items[0][quantity]",
            Some("parameter_invalid_integer"),
        ),
        (
            format!("{base}&{}", line("-1", "1", "usd")),
            "line_items[0][price_data][unit_amount]",
            Some("parameter_invalid_integer"),
        ),
        (
            format!("{base}&{}", line("abc", "1", "usd")),
            "line_items[0][price_data][unit_amount]",
            Some("parameter_invalid_integer"),
        ),
        (
            format!("{base}&{}", line("100", "1", "xyz")),
            "line_items[0][price_data][currency]",
            Some("parameter_invalid_string"),
        ),
        (
            format!("{base}&{too_many}"),
            "line_items",
            Some("parameter_invalid_string"),
        ),
        (
            format!("{base}&{}&surprise=1", line("100", "1", "usd")),
            "surprise",
            Some("parameter_unknown"),
        ),
    ];
    for (body, param, code) in cases {
        let response = stand.post("/v1/checkout/sessions", &body).await;
        assert_eq!(response.status(), 400, "{param}");
        assert!(
            response.headers()["request-id"]
                .to_str()
                .unwrap()
                .starts_with("req_"),
            "every answer names its request"
        );
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["type"], "invalid_request_error", "{error}");
        assert_eq!(error["error"]["param"], param, "{error}");
        assert_eq!(error["error"]["code"].as_str(), code, "{error}");
        assert!(
            error["error"]["message"].as_str().unwrap().len() > 10,
            "{error}"
        );
    }

    let missing = stand.get("/v1/checkout/sessions/cs_test_nope").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().contains_key("request-id"));
    let error: Value = missing.json().await.unwrap();
    assert_eq!(error["error"]["code"], "resource_missing");
    assert_eq!(
        error["error"]["message"],
        "No such checkout.session: 'cs_test_nope'"
    );
    assert_eq!(stand.get("/v1/payment_intents/pi_nope").await.status(), 404);
    assert_eq!(stand.get("/v1/customers").await.status(), 404);

    // No key, a malformed key, a live key: 401, and nothing is created.
    let plain = reqwest::Client::new();
    for auth in [
        None,
        Some("Bearer nonsense"),
        Some("Bearer sk_live_1234567890abcd"),
        Some("Basic abc"),
    ] {
        let mut request = plain
            .post(format!("{}/v1/checkout/sessions", stand.base))
            .body(SDK_BODY.trim_end());
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{auth:?}");
        assert!(response.headers().contains_key("request-id"));
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["type"], "invalid_request_error");
    }
    let count: i64 = count_rows(&stand.stripe, "ls_checkout_sessions").await;
    assert_eq!(count, 0, "refused requests create nothing");
}

async fn count_rows(stripe: &LocalStripe, table: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = stripe
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn futures_join(
    requests: Vec<impl std::future::Future<Output = reqwest::Response> + Send + 'static>,
) -> Vec<reqwest::Response> {
    let handles: Vec<_> = requests.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn many_requests_share_kept_alive_connections() {
    let stand = start(None).await;
    let body = SDK_BODY.trim_end().to_owned();
    let requests = (0..40)
        .map(|_| {
            let http = stand.http.clone();
            let url = format!("{}/v1/checkout/sessions", stand.base);
            let body = body.clone();
            async move {
                http.post(url)
                    .bearer_auth(KEY)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
            }
        })
        .collect();
    for response in futures_join(requests).await {
        assert_eq!(response.status(), 200);
    }
    assert_eq!(count_rows(&stand.stripe, "ls_checkout_sessions").await, 40);
}

// ----------------------------------------------------- mounted in the store

#[tokio::test]
async fn the_store_without_keys_mounts_the_stand_in_on_its_own_address() {
    let app = crate::helpers::spawn_app().await;
    let stripe = app.stripe.clone().expect("no key: the stand-in is on");
    let response = app
        .client
        .post(app.url("/local-stripe/v1/checkout/sessions"))
        .bearer_auth(server::local_stripe::DEFAULT_API_KEY)
        .body(SDK_BODY.trim_end())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let session: Value = response.json().await.unwrap();
    let pay_url = session["url"].as_str().unwrap();
    assert!(
        pay_url.starts_with(&app.address),
        "{pay_url} is on the store's own address"
    );
    let page = app.client.get(pay_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(
        stripe.config().webhook_url.as_deref(),
        Some(app.url("/api/stripe").as_str()),
        "events go to the store's own webhook"
    );
    assert!(stripe.webhook_secret().expose().starts_with("whsec_"));
}
