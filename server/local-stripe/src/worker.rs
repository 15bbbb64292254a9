//! Delivers queued events to the webhook endpoint, at least once, and expires
//! sessions that pass `expires_at`. Everything it needs is in the database, so a
//! restart picks up where the last run stopped.

use std::time::{Duration, Instant};

use super::{now_ms, signature, store, LocalStripe};

/// How often the worker looks for expired sessions when nothing wakes it.
const TICK: Duration = Duration::from_millis(500);

/// How often answers kept past their 24 hours are deleted (they are never
/// replayed once past them, deleted or not).
const FORGET_EVERY: Duration = Duration::from_secs(60);

pub async fn run(stripe: LocalStripe) {
    let mut forgot: Option<Instant> = None;
    loop {
        if let Err(err) = stripe.expire_due_sessions().await {
            tracing::warn!(error = %err, "local Stripe: could not expire sessions");
        }
        if forgot.is_none_or(|at| at.elapsed() >= FORGET_EVERY) {
            forgot = Some(Instant::now());
            if let Err(err) = forget_old_keys(&stripe).await {
                tracing::warn!(error = %err, "local Stripe: could not forget old idempotency keys");
            }
        }
        if let Err(err) = deliver_due(&stripe).await {
            tracing::warn!(error = %err, "local Stripe: could not deliver events");
        }
        let wait = match store::next_due_ms(stripe.db()).await {
            Ok(Some(at)) => {
                Duration::from_millis(u64::try_from(at - now_ms()).unwrap_or(0)).min(TICK)
            }
            _ => TICK,
        };
        if wait.is_zero() {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stripe.inner.wake.notified() => {}
        }
    }
}

/// Stripe forgets an idempotency key's answer after 24 hours.
async fn forget_old_keys(stripe: &LocalStripe) -> Result<u64, sea_orm::DbErr> {
    store::forget_old_keys(stripe.db(), stripe.now() - crate::idempotency::KEPT_FOR).await
}

/// Posts every event that is due, one after another, oldest first.
async fn deliver_due(stripe: &LocalStripe) -> Result<(), sea_orm::DbErr> {
    let Some(url) = stripe.config().webhook_url.clone() else {
        return Ok(());
    };
    loop {
        let due = store::due_events(stripe.db(), now_ms()).await?;
        if due.is_empty() {
            return Ok(());
        }
        for event in due {
            let timestamp = chrono::Utc::now().timestamp();
            let header = signature::header(
                stripe.webhook_secret().expose(),
                timestamp,
                event.body.as_bytes(),
            );
            let started_ms = now_ms();
            let started = Instant::now();
            let answer = stripe
                .inner
                .http
                .post(&url)
                .header("content-type", "application/json; charset=utf-8")
                .header("stripe-signature", header)
                .body(event.body.clone())
                .send()
                .await;
            let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            let (status, error) = match answer {
                Ok(response) => (Some(response.status().as_u16()), None),
                Err(err) if err.is_timeout() => (None, Some("timed out".to_owned())),
                Err(err) => (None, Some(connection_error(&err))),
            };
            let delivered = status.is_some_and(|s| (200..300).contains(&s));
            let attempts = u32::try_from(event.attempts + 1).unwrap_or(u32::MAX);
            let next =
                if delivered {
                    None
                } else {
                    stripe.config().retry.delay_after(attempts).map(|delay| {
                        now_ms() + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)
                    })
                };
            // The attempt and the event's new state together: the log never
            // shows one without the other.
            let txn = store::begin(stripe.db()).await?;
            store::record_attempt(
                &txn,
                store::Attempt {
                    event_id: &event.id,
                    at_ms: started_ms,
                    status,
                    error: error.as_deref(),
                    duration_ms,
                },
                next,
                delivered,
            )
            .await?;
            txn.commit().await?;
            if delivered {
                tracing::debug!(event = %event.id, status, "local Stripe: event delivered");
            } else {
                tracing::info!(event = %event.id, status, error, attempts, retry = next.is_some(), "local Stripe: event not accepted");
            }
        }
    }
}

fn connection_error(err: &reqwest::Error) -> String {
    if err.is_connect() {
        "could not connect".to_owned()
    } else {
        "the connection failed".to_owned()
    }
}
