//! The hosted payment page, the events it sends and their delivery: cards
//! that pay, decline or ask for 3-D Secure; expiry; retries, giving up, and
//! deliveries that outlive a restart.

use super::*;

fn verify(delivery: &Delivery) -> stripe_webhook::Event {
    stripe_webhook::Webhook::construct_event(&delivery.body, &delivery.signature, SECRET)
        .expect("async-stripe verifies and parses the stand-in's event")
}

#[tokio::test]
async fn paying_with_4242_completes_the_session_and_sends_signed_events() {
    let (endpoint, url) = Endpoint::start(0).await;
    let stand = start(Some(url)).await;
    let session = stand.create(SDK_BODY.trim_end()).await;
    let id = session["id"].as_str().unwrap();

    let page = stand
        .http
        .get(format!("{}/local-stripe/pay/{id}", stand.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for text in [
        "Shopfront",
        "Test mode",
        "Mug",
        "Qty 2",
        "$39.98",
        "Card number",
        "Expiry",
        "CVC",
        "Email",
    ] {
        assert!(html.contains(text), "the pay page shows {text}");
    }

    let response = stand.pay(id, "4242 4242 4242 4242").await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("http://localhost:8080/success?session_id={id}").as_str()
    );
    let paid = stand
        .get(&format!(
            "/v1/checkout/sessions/{id}?expand[]=payment_intent"
        ))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(paid["status"], "complete");
    assert_eq!(paid["payment_status"], "paid");
    assert_eq!(paid["url"], Value::Null);
    assert_eq!(paid["payment_intent"]["status"], "succeeded");
    assert_eq!(paid["customer_details"]["email"], "shopper@example.com");

    let completed = endpoint.wait_for("checkout.session.completed", 1).await;
    endpoint.wait_for("payment_intent.succeeded", 1).await;
    let event = &completed[0];
    assert!(event["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(event["object"], "event");
    assert_eq!(event["livemode"], false);
    assert_eq!(event["data"]["object"]["id"], id);
    assert_eq!(event["data"]["object"]["payment_status"], "paid");
    assert_eq!(event["data"]["object"]["amount_total"], 3998);

    // Every delivery is signed so that async-stripe's verifier takes it.
    for delivery in endpoint.deliveries() {
        assert!(
            delivery.signature.starts_with("t="),
            "{}",
            delivery.signature
        );
        let parsed = verify(&delivery);
        if parsed.type_.as_str() == "checkout.session.completed" {
            match parsed.data.object {
                stripe_webhook::EventObject::CheckoutSessionCompleted(s) => {
                    assert_eq!(s.id.as_str(), id);
                    assert_eq!(s.amount_total, Some(3998));
                    assert_eq!(s.metadata.unwrap()["cart_id"], "cart_abc");
                }
                other => panic!("wrong object: {other:?}"),
            }
        }
        // The same body under another secret is refused.
        assert!(stripe_webhook::Webhook::construct_event(
            &delivery.body,
            &delivery.signature,
            "whsec_other"
        )
        .is_err());
    }

    // Paying again: the page says so and nothing is charged.
    let again = stand.pay(id, "4242424242424242").await;
    assert_eq!(again.status(), 409);
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("This payment is complete"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(endpoint.events("checkout.session.completed").len(), 1);
}

#[tokio::test]
async fn each_declining_card_says_why_keeps_the_session_open_and_can_be_retried() {
    let (endpoint, url) = Endpoint::start(0).await;
    let stand = start(Some(url)).await;
    let session = stand.create(SDK_BODY.trim_end()).await;
    let id = session["id"].as_str().unwrap();

    let cards = [
        (
            "4000000000000002",
            "card_declined",
            Some("generic_decline"),
            "Your card was declined.",
        ),
        (
            "4000000000009995",
            "card_declined",
            Some("insufficient_funds"),
            "Your card has insufficient funds.",
        ),
        (
            "4000000000000069",
            "expired_card",
            Some("expired_card"),
            "Your card has expired.",
        ),
        (
            "4000000000000127",
            "incorrect_cvc",
            Some("incorrect_cvc"),
            "Your card's security code is incorrect.",
        ),
    ];
    for (number, code, decline_code, message) in cards {
        let response = stand.pay(id, number).await;
        assert_eq!(response.status(), 200, "{number}: the page is drawn again");
        let html = response.text().await.unwrap();
        // Text content needs no escaping of `'` (maud leaves it as it is).
        assert!(html.contains(message), "{number}: the page says why");
        let now = stand.session(id).await;
        assert_eq!(now["status"], "open", "{number}");
        assert_eq!(now["payment_status"], "unpaid", "{number}");
        let intent = stand
            .get(&format!(
                "/v1/payment_intents/{}",
                now["payment_intent"].as_str().unwrap()
            ))
            .await
            .json::<Value>()
            .await
            .unwrap();
        assert_eq!(intent["status"], "requires_payment_method");
        assert_eq!(intent["last_payment_error"]["code"], code);
        assert_eq!(
            intent["last_payment_error"]["decline_code"].as_str(),
            decline_code
        );
        assert_eq!(intent["last_payment_error"]["message"], message);
    }
    let failed = endpoint.wait_for("payment_intent.payment_failed", 4).await;
    let codes: Vec<&str> = failed
        .iter()
        .map(|e| {
            e["data"]["object"]["last_payment_error"]["code"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        codes,
        [
            "card_declined",
            "card_declined",
            "expired_card",
            "incorrect_cvc"
        ]
    );
    for delivery in endpoint.deliveries() {
        let event = verify(&delivery);
        assert_eq!(event.type_.as_str(), "payment_intent.payment_failed");
    }

    // The same session then pays, with one PaymentIntent throughout.
    let before = stand.session(id).await["payment_intent"].clone();
    assert_eq!(stand.pay(id, "4242424242424242").await.status(), 303);
    let after = stand.session(id).await;
    assert_eq!(after["payment_intent"], before);
    assert_eq!(after["payment_status"], "paid");
    assert_eq!(
        endpoint
            .wait_for("checkout.session.completed", 1)
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn a_number_that_fails_luhn_is_refused_on_the_page_and_nothing_happens() {
    let (endpoint, url) = Endpoint::start(0).await;
    let stand = start(Some(url)).await;
    let session = stand.create(SDK_BODY.trim_end()).await;
    let id = session["id"].as_str().unwrap();
    let response = stand.pay(id, "4242 4242 4242 4241").await;
    assert_eq!(response.status(), 400);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Your card number is invalid."));
    let now = stand.session(id).await;
    assert_eq!(now["status"], "open");
    assert_eq!(now["payment_intent"], Value::Null);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(endpoint.deliveries().is_empty());
    assert_eq!(count_rows(&stand.stripe, "ls_events").await, 0);
}

#[tokio::test]
async fn a_card_asking_for_3d_secure_pays_once_approved() {
    let stand = start(None).await;
    let id = stand.create(SDK_BODY.trim_end()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let asked = stand.pay(&id, "4000002500003155").await;
    assert_eq!(asked.status(), 200);
    assert!(asked
        .text()
        .await
        .unwrap()
        .contains("Complete authentication"));
    let failed = stand.authenticate(&id, "fail").await;
    assert_eq!(failed.status(), 200);
    assert_eq!(stand.session(&id).await["status"], "open");
    assert_eq!(stand.pay(&id, "4000002500003155").await.status(), 200);
    let approved = stand.authenticate(&id, "complete").await;
    assert_eq!(approved.status(), 303);
    assert_eq!(stand.session(&id).await["payment_status"], "paid");
}

#[tokio::test]
async fn sessions_expire_through_the_api_and_at_expires_at_and_send_expired() {
    let (endpoint, url) = Endpoint::start(0).await;
    let stand = start(Some(url)).await;
    let by_api = stand.create(SDK_BODY.trim_end()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_clock = stand
        .create(&format!(
            "{}&expires_at={}",
            SDK_BODY.trim_end(),
            stand.stripe.now() + 3600
        ))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let expired: Value = stand
        .post(&format!("/v1/checkout/sessions/{by_api}/expire"), "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(expired["status"], "expired");
    let again = stand
        .post(&format!("/v1/checkout/sessions/{by_api}/expire"), "")
        .await;
    assert_eq!(
        again.status(),
        400,
        "an expired session cannot expire twice"
    );

    // Past its expires_at, the worker expires it without being asked.
    assert_eq!(stand.session(&by_clock).await["status"], "open");
    stand.stripe.advance_clock(Duration::from_secs(3601));
    let events = endpoint.wait_for("checkout.session.expired", 2).await;
    let ids: Vec<&str> = events
        .iter()
        .map(|e| e["data"]["object"]["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&by_api.as_str()) && ids.contains(&by_clock.as_str()),
        "{ids:?}"
    );
    assert_eq!(stand.session(&by_clock).await["status"], "expired");

    // The pages say so and take no payment.
    let page = stand
        .http
        .get(format!("{}/local-stripe/pay/{by_clock}", stand.base))
        .send()
        .await
        .unwrap();
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("This checkout has expired"));
    let pay = stand.pay(&by_clock, "4242424242424242").await;
    assert_eq!(pay.status(), 409);
    assert_eq!(stand.session(&by_clock).await["payment_status"], "unpaid");
    assert!(endpoint.events("checkout.session.completed").is_empty());

    // expires_at must be 30 minutes to 24 hours away, as at Stripe.
    let too_soon = stand
        .post(
            "/v1/checkout/sessions",
            &format!(
                "{}&expires_at={}",
                SDK_BODY.trim_end(),
                stand.stripe.now() + 60
            ),
        )
        .await;
    assert_eq!(too_soon.status(), 400);
}

#[tokio::test]
async fn a_failing_endpoint_gets_the_event_again_with_backoff_until_it_answers_2xx() {
    let (endpoint, url) = Endpoint::start(2).await;
    let stand = start(Some(url)).await;
    let id = stand.create(SDK_BODY.trim_end()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    stand
        .post(&format!("/v1/checkout/sessions/{id}/expire"), "")
        .await;
    let events = endpoint.wait_for("checkout.session.expired", 1).await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        endpoint.calls.load(Ordering::SeqCst),
        3,
        "two refusals, then delivered"
    );

    let log = stand.events_page_showing("Delivered").await;
    assert!(log.contains("checkout.session.expired"));
    assert_eq!(
        log.matches(r#"<span class="bad">500</span>"#).count(),
        2,
        "both refusals are listed"
    );
    assert!(log.contains(r#"<span class="ok">200</span>"#));

    // Resend from the log: delivered once more.
    let event_id = events[0]["id"].as_str().unwrap();
    let resent = stand
        .http
        .post(format!(
            "{}/local-stripe/events/{event_id}/resend",
            stand.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resent.status(), 303);
    assert_eq!(
        endpoint.wait_for("checkout.session.expired", 2).await.len(),
        2
    );
}

#[tokio::test]
async fn an_endpoint_that_never_answers_2xx_is_given_up_on_after_the_last_attempt() {
    let (endpoint, url) = Endpoint::start(usize::MAX).await;
    let stand = start(Some(url)).await;
    let id = stand.create(SDK_BODY.trim_end()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    stand
        .post(&format!("/v1/checkout/sessions/{id}/expire"), "")
        .await;
    for _ in 0..200 {
        if endpoint.calls.load(Ordering::SeqCst) >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        endpoint.calls.load(Ordering::SeqCst),
        5,
        "max_attempts, then no more"
    );
    stand.events_page_showing("Failed").await;
}

#[tokio::test]
async fn pending_deliveries_survive_a_restart() {
    let database_url = temp_database();
    // First run: the endpoint is down, so the event stays pending.
    let down = "http://127.0.0.1:9/hook".to_owned();
    let first = start_with(config(database_url.clone(), Some(down))).await;
    let id = first.create(SDK_BODY.trim_end()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    first
        .post(&format!("/v1/checkout/sessions/{id}/expire"), "")
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(first);

    // Second run on the same file, endpoint up: the event arrives.
    let (endpoint, url) = Endpoint::start(0).await;
    let second = start_with(config(database_url, Some(url))).await;
    let events = endpoint.wait_for("checkout.session.expired", 1).await;
    assert_eq!(events[0]["data"]["object"]["id"], id.as_str());
    assert_eq!(second.session(&id).await["status"], "expired");
}
