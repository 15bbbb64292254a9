//! A declined PaymentIntent is matched to a checkout by Stripe's ids, never by
//! its metadata, which any integration on the same Stripe account can set.

use serde_json::{json, Value};

use crate::helpers::{event, spawn_app, TestApp};

/// The payment_intent.payment_failed of shopper `app`'s own declined attempt.
async fn declined_intent(app: &TestApp) -> Value {
    let url = app.checkout_url().await;
    assert_eq!(app.pay(&url, "4000000000000002").await.status(), 200);
    let session = app
        .stripe_session(&crate::helpers::session_id_of(&url))
        .await;
    let intent_id = session["payment_intent"].as_str().unwrap().to_owned();
    let found = app
        .stripe_api(&format!("checkout/sessions?payment_intent={intent_id}"))
        .await;
    assert_eq!(found["data"][0]["id"], session["id"], "Stripe's own link");
    app.stripe_api(&format!("payment_intents/{intent_id}"))
        .await
}

async fn victims_error(app: &TestApp, checkout_id: i64) -> i64 {
    app.number(&format!(
        "SELECT COUNT(*) FROM checkouts WHERE id = {checkout_id} AND last_payment_error IS NOT NULL"
    ))
    .await
}

/// Another integration's PaymentIntent, or the attacker's own, carrying
/// `metadata[checkout_id]` of someone else's open checkout: that checkout and
/// its cart stay untouched.
#[tokio::test]
async fn a_decline_naming_another_shoppers_checkout_in_its_metadata_changes_nothing() {
    let app = spawn_app().await;
    let victim = app.other_shopper();
    victim.add("stoneware-mug", "1").await;
    victim.checkout_url().await;
    let victim_checkout = app
        .number("SELECT CAST(MAX(id) AS BIGINT) FROM checkouts")
        .await;

    let attacker = app.other_shopper();
    attacker.add("glass-carafe", "1").await;
    let own = declined_intent(&attacker).await;
    app.eventually(
        "SELECT COUNT(*) FROM stripe_events WHERE type = 'payment_intent.payment_failed'",
        1,
    )
    .await;

    let mut stranger = own.clone();
    stranger["id"] = json!("pi_from_another_integration_0001");
    let mut relabelled = own;
    for intent in [&mut stranger, &mut relabelled] {
        intent["metadata"] = json!({ "checkout_id": victim_checkout.to_string() });
        let failed = event("payment_intent.payment_failed", intent.clone());
        let response = app.post_signed(&failed).await;
        assert_eq!(response.status(), 200, "acknowledged, so Stripe stops");
    }

    assert_eq!(victims_error(&app, victim_checkout).await, 0);
    assert_eq!(victim.cart().await["payment_error"], Value::Null);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM checkouts WHERE last_payment_error IS NOT NULL")
            .await,
        1,
        "only the attacker's own checkout knows of its decline"
    );
}
