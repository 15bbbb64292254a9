//! Idempotency keys as Stripe keeps them: one answer per key, replayed; a 400
//! for other parameters; a 409 while the first request is still answering; and
//! forgotten after 24 hours. Creations run side by side with payments, expiry
//! and refunds without a request being refused.

use serde_json::Value;
use std::time::Duration;

use super::{count_rows, futures_join, start, Stand, KEY, SDK_BODY};

/// Creates a session from `body`, under `key` when given.
fn send(
    stand: &Stand,
    key: Option<String>,
    body: String,
) -> impl std::future::Future<Output = reqwest::Response> + Send + 'static {
    let http = stand.http.clone();
    let url = format!("{}/v1/checkout/sessions", stand.base);
    async move {
        let mut request = http.post(url).bearer_auth(KEY).body(body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send().await.unwrap()
    }
}

fn key(name: &str) -> Option<String> {
    Some(name.to_owned())
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer_and_refuses_other_parameters() {
    let stand = start(None).await;
    let body = SDK_BODY.trim_end().to_owned();
    // Five at once with one key: one session. One sent while the first is
    // still being answered is told so with a 409, as Stripe does.
    let answers = futures_join(
        (0..5)
            .map(|_| send(&stand, key("checkout-cart-1"), body.clone()))
            .collect(),
    )
    .await;
    let mut ids = Vec::new();
    for response in answers {
        match response.status().as_u16() {
            200 => {
                let session: Value = response.json().await.unwrap();
                ids.push(session["id"].as_str().unwrap().to_owned());
            }
            409 => {
                let error: Value = response.json().await.unwrap();
                assert_eq!(error["error"]["type"], "idempotency_error");
                assert_eq!(error["error"]["code"], "idempotency_key_in_use");
                assert!(error["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("checkout-cart-1"));
            }
            other => panic!("{other}: {}", response.text().await.unwrap()),
        }
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one key, one session: {ids:?}");
    assert_eq!(count_rows(&stand.stripe, "ls_checkout_sessions").await, 1);

    // Once answered, the key replays that answer.
    let again = send(&stand, key("checkout-cart-1"), body.clone()).await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.headers().get("idempotent-replayed").unwrap(),
        "true",
        "a replay says so"
    );
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], ids[0].as_str());

    let changed = send(
        &stand,
        key("checkout-cart-1"),
        body.replace("quantity]=2", "quantity]=3"),
    )
    .await;
    assert_eq!(changed.status(), 400);
    let error: Value = changed.json().await.unwrap();
    assert_eq!(error["error"]["type"], "idempotency_error");
    assert_eq!(count_rows(&stand.stripe, "ls_checkout_sessions").await, 1);

    // A new key makes a new session.
    let fresh: Value = send(&stand, key("checkout-cart-2"), body)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(fresh["id"].as_str().unwrap(), ids[0]);
}

#[tokio::test]
async fn a_key_is_forgotten_after_24_hours() {
    let stand = start(None).await;
    let body = SDK_BODY.trim_end().to_owned();
    let other = body.replace("quantity]=2", "quantity]=3");
    let first: Value = send(&stand, key("cart-7"), body.clone())
        .await
        .json()
        .await
        .unwrap();

    stand
        .stripe
        .advance_clock(Duration::from_secs(24 * 60 * 60 - 60));
    let within = send(&stand, key("cart-7"), other.clone()).await;
    assert_eq!(within.status(), 400, "still kept a minute before 24 hours");

    stand.stripe.advance_clock(Duration::from_secs(120));
    let after = send(&stand, key("cart-7"), other.clone()).await;
    assert_eq!(after.status(), 200, "forgotten after 24 hours");
    assert!(after.headers().get("idempotent-replayed").is_none());
    let after: Value = after.json().await.unwrap();
    assert_ne!(after["id"], first["id"], "a new request, a new session");
    assert_eq!(count_rows(&stand.stripe, "ls_checkout_sessions").await, 2);

    // The new answer is the one kept now.
    let replayed = send(&stand, key("cart-7"), other).await;
    assert_eq!(replayed.status(), 200);
    let replayed: Value = replayed.json().await.unwrap();
    assert_eq!(replayed["id"], after["id"]);
}

/// Sessions are created while others expire: every request is answered, none
/// is refused because another wrote to the stand-in's database at that moment.
#[tokio::test]
async fn creations_run_beside_expiry_and_each_other_without_a_refusal() {
    let stand = start(None).await;
    let body = SDK_BODY.trim_end().to_owned();
    let mut open = Vec::new();
    for _ in 0..10 {
        open.push(stand.create(&body).await["id"].as_str().unwrap().to_owned());
    }
    let mut requests: Vec<
        std::pin::Pin<Box<dyn std::future::Future<Output = reqwest::Response> + Send>>,
    > = (0..40)
        .map(|n| Box::pin(send(&stand, key(&format!("burst-{n}")), body.clone())) as _)
        .collect();
    for id in &open {
        let http = stand.http.clone();
        let url = format!("{}/v1/checkout/sessions/{id}/expire", stand.base);
        requests.push(Box::pin(async move {
            http.post(url).bearer_auth(KEY).send().await.unwrap()
        }));
    }
    for response in futures_join(requests).await {
        let status = response.status();
        assert_eq!(status, 200, "{}", response.text().await.unwrap());
    }
    assert_eq!(count_rows(&stand.stripe, "ls_checkout_sessions").await, 50);
    assert_eq!(count_rows(&stand.stripe, "ls_idempotency").await, 40);
    for id in &open {
        assert_eq!(stand.session(id).await["status"], "expired");
    }
    assert_eq!(
        count_rows(&stand.stripe, "ls_events").await,
        10,
        "one checkout.session.expired each"
    );
}
