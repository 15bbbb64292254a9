//! Refunds and disputes, made at Stripe from anywhere, reach the order through
//! Stripe's events: its refunded amount, its status and history, and an email
//! to the shopper. Events arrive in any order and more than once.

use serde_json::{json, Value};

use crate::helpers::{event, session_id_of, spawn_app, spawn_app_with, TestApp};
use crate::stripe_schema::{assert_valid, object_validator};

const CARD: &str = "4242424242424242";
const DISPUTE_CARD: &str = "4000000000000259";
const DEAD_ENDPOINT: (&str, &str) = ("LOCAL_STRIPE_WEBHOOK_URL", "http://127.0.0.1:9/api/stripe");

/// The order's history, oldest first.
async fn history(app: &TestApp) -> Vec<String> {
    use sea_orm::ConnectionTrait;
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT status FROM order_status_changes ORDER BY id",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect()
}

/// Two mugs ($36.00) and Standard shipping ($5.00), paid: the session's id
/// and its PaymentIntent.
async fn paid_order(app: &TestApp, card: &str) -> (String, String) {
    app.add("stoneware-mug", "2").await;
    let url = app.checkout_url().await;
    assert_eq!(app.pay(&url, card).await.status(), 303);
    let id = session_id_of(&url);
    let intent = app.stripe_session(&id).await["payment_intent"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, intent)
}

#[tokio::test]
async fn a_partial_then_a_full_refund_reach_the_order_its_history_and_the_shopper() {
    let app = spawn_app().await;
    let (id, intent) = paid_order(&app, CARD).await;
    app.eventually("SELECT COUNT(*) FROM orders WHERE status = 'paid'", 1)
        .await;
    let stock = app.stock("stoneware-mug").await;

    // $10.00 back, submitted twice with one Idempotency-Key: one refund.
    let (status, first) = app
        .stripe_refund(&intent, Some("1000"), "refund-order-1")
        .await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = app
        .stripe_refund(&intent, Some("1000"), "refund-order-1")
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(first["id"], again["id"], "a double submit refunds once");
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE status = 'partially_refunded' AND amount_refunded = 1000",
        1,
    )
    .await;

    // The rest, as from Stripe's Dashboard: no amount refunds what is left.
    let (status, rest) = app.stripe_refund(&intent, None, "refund-order-2").await;
    assert_eq!(status, 200, "{rest}");
    assert_eq!(rest["amount"], 3100);
    assert_valid(&object_validator("refund"), &rest);
    let charge = app
        .stripe_api(&format!("charges/{}", rest["charge"].as_str().unwrap()))
        .await;
    assert_valid(&object_validator("charge"), &charge);
    assert_eq!(charge["amount_refunded"], 4100);
    assert_eq!(charge["refunded"], true);
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE status = 'refunded' AND amount_refunded = 4100",
        1,
    )
    .await;
    assert_eq!(app.number("SELECT COUNT(*) FROM refunds").await, 2);
    assert_eq!(
        history(&app).await,
        ["paid", "partially_refunded", "refunded"]
    );
    assert_eq!(
        app.stock("stoneware-mug").await,
        stock,
        "a refund never restocks by itself"
    );

    // Nothing is left to refund, and Stripe says so.
    let (status, refused) = app
        .stripe_refund(&intent, Some("100"), "refund-order-3")
        .await;
    assert_eq!(status, 400);
    assert_eq!(refused["error"]["code"], "charge_already_refunded");

    // The shopper reads it on the order page, and in two emails.
    let page = app
        .page(&app.url(&format!("/checkout/success?session_id={id}")))
        .await;
    assert!(page.contains("Refunded"), "{page}");
    assert!(page.contains("$41.00 has been refunded"), "{page}");
    let number = app.text("SELECT number FROM orders").await;
    app.outbox_after(3).await;
    let first_email = app.outbox_file(&format!("{number}-refunded-0-1000"));
    assert!(
        first_email.contains("We have refunded $10.00"),
        "{first_email}"
    );
    assert!(
        first_email.contains("In all, $10.00 of the $41.00 you paid"),
        "{first_email}"
    );
    let second_email = app.outbox_file(&format!("{number}-refunded-1000-4100"));
    assert!(
        second_email.contains("We have refunded $31.00"),
        "{second_email}"
    );
    assert!(
        second_email.contains("The whole $41.00 you paid"),
        "{second_email}"
    );
}

#[tokio::test]
async fn a_disputed_payment_is_marked_disputed_and_then_lost() {
    let app = spawn_app().await;
    let (id, intent) = paid_order(&app, DISPUTE_CARD).await;
    app.eventually("SELECT COUNT(*) FROM orders WHERE status = 'disputed'", 1)
        .await;
    app.eventually("SELECT COUNT(*) FROM disputes WHERE funds_withdrawn", 1)
        .await;
    let (status, refused) = app.stripe_refund(&intent, None, "refund-disputed").await;
    assert_eq!(status, 400, "a disputed charge cannot be refunded");
    assert_eq!(refused["error"]["code"], "charge_disputed");

    // The developer closes it as lost on the stand-in's event page.
    let dispute = app.stand_in_texts("SELECT id FROM ls_disputes").await;
    assert_eq!(dispute.len(), 1);
    assert!(dispute[0].starts_with("dp_"));
    let object = app.stripe_api(&format!("disputes/{}", dispute[0])).await;
    assert_valid(&object_validator("dispute"), &object);
    assert_eq!(object["status"], "needs_response");
    let events = app.page(&app.url("/local-stripe/events")).await;
    assert!(events.contains("Close as lost"), "{events}");
    let closed = app
        .client
        .post(app.url(&format!("/local-stripe/disputes/{}/close", dispute[0])))
        .form(&[("outcome", "lost")])
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 303);
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE status = 'dispute_lost'",
        1,
    )
    .await;
    assert_eq!(history(&app).await, ["paid", "disputed", "dispute_lost"]);
    let page = app
        .page(&app.url(&format!("/checkout/success?session_id={id}")))
        .await;
    assert!(page.contains("dispute"), "{page}");
}

/// The stored event of `kind` about `object`, given a new id and `changes`, as
/// Stripe would send a later event about the same object.
fn variant(body: &str, kind: &str, change: impl Fn(&mut Value)) -> String {
    let mut stored: Value = serde_json::from_str(body).unwrap();
    let mut object = stored["data"]["object"].take();
    change(&mut object);
    event(kind, object)
}

#[tokio::test]
async fn refund_events_in_any_order_and_more_than_once_end_in_stripes_state() {
    let app = spawn_app_with(&[DEAD_ENDPOINT]).await;
    let (id, intent) = paid_order(&app, CARD).await;
    let (_, first) = app.stripe_refund(&intent, Some("1000"), "r-1").await;
    let (_, rest) = app.stripe_refund(&intent, None, "r-2").await;
    let first_created = app
        .stored_event("refund.created", first["id"].as_str().unwrap())
        .await;
    let charge_events = app
        .stand_in_texts("SELECT body FROM ls_events WHERE type = 'charge.refunded' ORDER BY seq")
        .await;
    assert_eq!(charge_events.len(), 2);

    // Stripe's refund event about an order the store has not made yet is
    // refused, so Stripe sends it again later.
    assert_eq!(app.post_signed(&first_created).await.status(), 500);
    let success = app.url(&format!("/checkout/success?session_id={id}"));
    app.page(&success).await;
    assert_eq!(app.orders().await, 1);

    // The last word first, then the older ones, each twice.
    for body in [&charge_events[1], &first_created, &charge_events[0]] {
        for _ in 0..2 {
            assert_eq!(app.post_signed(body).await.status(), 200);
        }
        assert_eq!(
            app.number("SELECT CAST(amount_refunded AS BIGINT) FROM orders")
                .await,
            4100,
            "fully refunded whatever came after"
        );
    }
    assert_eq!(app.number("SELECT COUNT(*) FROM refunds").await, 2);
    assert_eq!(history(&app).await, ["paid", "refunded"]);

    // An old state of a refund never moves it back...
    let stale = variant(&first_created, "refund.updated", |r| {
        r["id"] = rest["id"].clone();
        r["amount"] = json!(3100);
        r["status"] = json!("pending");
    });
    assert_eq!(app.post_signed(&stale).await.status(), 200);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM refunds WHERE status = 'succeeded'")
            .await,
        2
    );
    // ...but a refund that failed gives the money back to the order's total.
    let failed = variant(&first_created, "refund.failed", |r| {
        r["id"] = rest["id"].clone();
        r["amount"] = json!(3100);
        r["status"] = json!("failed");
    });
    assert_eq!(app.post_signed(&failed).await.status(), 200);
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE status = 'partially_refunded' AND amount_refunded = 1000",
        1,
    )
    .await;
    assert_eq!(
        history(&app).await,
        ["paid", "refunded", "partially_refunded"]
    );
    let number = app.text("SELECT number FROM orders").await;
    assert_eq!(
        app.number(&format!(
            "SELECT COUNT(*) FROM emails WHERE kind = 'refund_notice' AND key LIKE '{number}-%'"
        ))
        .await,
        1,
        "one notice for the one rise in what was refunded"
    );
}
