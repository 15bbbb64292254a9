//! A paid session whose figures do not add up against the frozen checkout (its
//! subtotal, currency, offered shipping, or subtotal − discount + shipping + tax)
//! is held, not shipped: the shopper reads that the payment is being checked.

use serde_json::{json, Value};

use crate::helpers::{event, session_id_of, spawn_app_with};

/// One way a forged or broken session differs from what was frozen.
type Tampering = (&'static str, fn(&mut Value));

const DEAD_ENDPOINT: (&str, &str) = ("LOCAL_STRIPE_WEBHOOK_URL", "http://127.0.0.1:9/api/stripe");

/// A tampered amount, another currency, or none at all: each order is on hold.
#[tokio::test]
async fn a_payment_that_differs_from_the_checkout_is_held_not_shipped() {
    let app = spawn_app_with(&[DEAD_ENDPOINT]).await;
    let tamperings: [Tampering; 7] = [
        ("less money", |s| s["amount_total"] = json!(1)),
        ("another currency", |s| s["currency"] = json!("eur")),
        ("no currency", |s| s["currency"] = Value::Null),
        ("a smaller subtotal", |s| {
            s["amount_subtotal"] = json!(100);
            s["amount_total"] = json!(600);
        }),
        ("a shipping rate the checkout never offered", |s| {
            s["shipping_cost"]["shipping_rate"] = json!("shr_forged");
        }),
        ("free shipping the checkout did not offer", |s| {
            s["total_details"]["amount_shipping"] = json!(0);
            s["shipping_cost"]["amount_subtotal"] = json!(0);
            s["shipping_cost"]["amount_total"] = json!(0);
            s["amount_total"] = s["amount_subtotal"].clone();
        }),
        (
            "a total that is not subtotal - discount + shipping + tax",
            |s| {
                s["total_details"]["amount_tax"] = json!(100);
            },
        ),
    ];
    for (held, (what, tamper)) in (1..).zip(tamperings) {
        let shopper = app.other_shopper();
        shopper.add("stoneware-mug", "1").await;
        let id = session_id_of(&shopper.checkout_url().await);
        let mut session = shopper.stripe_session(&id).await;
        session["status"] = json!("complete");
        session["payment_status"] = json!("paid");
        tamper(&mut session);
        let completed = event("checkout.session.completed", session);
        let answer = app.post_signed(&completed).await;
        assert_eq!(answer.status(), 200, "{what}");
        assert_eq!(
            app.number(
                "SELECT COUNT(*) FROM orders WHERE status = 'on_hold' AND hold_reason = 'amount_mismatch'"
            )
            .await,
            held,
            "{what}"
        );
        let page = shopper
            .page(&shopper.url(&format!("/checkout/success?session_id={id}")))
            .await;
        assert!(
            page.contains("We are checking your payment before this order ships."),
            "{what}: the shopper is told"
        );
    }
    assert_eq!(
        app.number("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        0
    );
}
