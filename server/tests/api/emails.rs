//! The outbox: a confirmation is owed in the order's own transaction and
//! delivered in the background until the mail server takes it, exactly once,
//! under one Message-ID. (A server killed before it could send: `faults.rs`.)

use std::time::Duration;

use crate::helpers::{fake_smtp_server, spawn_app_with};

/// Waits until `received` holds `count` messages; what it holds then.
pub async fn messages(received: &std::sync::Mutex<Vec<String>>, count: usize) -> Vec<String> {
    for _ in 0..400 {
        if received.lock().unwrap().len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    received.lock().unwrap().clone()
}

#[tokio::test]
async fn a_mail_server_that_refuses_three_times_still_gets_exactly_one_confirmation() {
    let (url, received) = fake_smtp_server(3);
    let app = spawn_app_with(&[("SMTP_URL", url.as_str()), ("MAIL_RETRY_FIRST_MS", "50")]).await;
    app.add("beeswax-candle", "1").await;
    let checkout = app.checkout_url().await;
    assert_eq!(app.pay(&checkout, "4242424242424242").await.status(), 303);

    let delivered = messages(&received, 1).await;
    assert_eq!(delivered.len(), 1, "delivered after three refusals");
    app.eventually(
        "SELECT COUNT(*) FROM emails WHERE sent_at IS NOT NULL AND attempts = 4",
        1,
    )
    .await;
    assert!(
        delivered[0].contains("Message-ID: <confirmation.SF-"),
        "{}",
        delivered[0]
    );
    // The success page, a redelivered event, a later wake: nothing more.
    app.get(&format!(
        "/checkout/success?session_id={}",
        crate::helpers::session_id_of(&checkout)
    ))
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received.lock().unwrap().len(), 1);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM orders WHERE confirmation_sent_at IS NOT NULL")
            .await,
        1
    );
}
