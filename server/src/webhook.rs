//! `POST /api/stripe`: Stripe's events, verified on the raw bytes before anything
//! is parsed, then applied exactly once.
//!
//! The signature is checked by async-stripe's `Webhook::construct_event` (every
//! `v1` value, constant-time comparison, 300 s tolerance), once per configured
//! secret, so a secret can be rolled by listing the new one beside the old.
//! The event's id is inserted into `stripe_events` in the same transaction as its
//! effects: a redelivery finds the row and changes nothing, and a failure rolls
//! both back and answers 500, so Stripe tries again.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use std::sync::Arc;
use stripe_webhook::{Event, EventObject};

use app::error::AppError;
use app::ssr::services::orders::{self, Fulfilment, SessionFacts};

use crate::config::Secret;
use crate::verify::{verify, Rejection};

/// Stripe's events are a few kilobytes; anything over this is refused with 413.
pub const MAX_BODY: usize = 1024 * 1024;

/// The event types the store acts on.
pub const HANDLED: &[&str] = &[
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "payment_intent.payment_failed",
];

/// What the webhook needs: the database, the signing secrets, the mailer.
#[derive(Clone)]
pub struct WebhookState {
    pub db: DatabaseConnection,
    pub secrets: Arc<Vec<Secret>>,
    pub mailer: app::ssr::mail::Mailer,
}

pub fn router<S: Clone + Send + Sync + 'static>(state: WebhookState) -> Router<S> {
    Router::new()
        .route("/api/stripe", post(receive))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

fn refuse(status: StatusCode, why: &'static str) -> Response {
    (status, why).into_response()
}

async fn receive(State(hook): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(signature) = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok())
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The Stripe-Signature header is missing.",
        );
    };
    let Ok(payload) = std::str::from_utf8(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "The body is not UTF-8 text.");
    };
    let event = match verify(payload, signature, hook.secrets.iter().map(Secret::expose)) {
        Ok(event) => event,
        Err(Rejection::NoSecret) => {
            tracing::error!("a webhook arrived but no STRIPE_WEBHOOK_SECRET is configured");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The store cannot verify events: no signing secret is configured.",
            );
        }
        Err(Rejection::Signature) => {
            tracing::warn!("a webhook with a missing, stale or wrong signature was refused");
            return refuse(
                StatusCode::BAD_REQUEST,
                "The Stripe-Signature header does not match this body.",
            );
        }
        Err(Rejection::Unreadable) => {
            // Signed by Stripe, so safe to look inside: an event type the store
            // does not act on is acknowledged even when async-stripe cannot read
            // its object (a newer type or shape); one it acts on is refused.
            let kind = serde_json::from_str::<serde_json::Value>(payload)
                .ok()
                .and_then(|event| event.get("type")?.as_str().map(str::to_owned));
            if let Some(kind) = kind.filter(|kind| !HANDLED.contains(&kind.as_str())) {
                tracing::info!(kind = %kind, "an event type the store does not act on, acknowledged");
                return (StatusCode::OK, "Ignored.").into_response();
            }
            tracing::error!("a correctly signed webhook could not be read as a Stripe event");
            return refuse(StatusCode::BAD_REQUEST, "The event could not be read.");
        }
    };
    let id = event.id.as_str().to_owned();
    let kind = event.type_.as_str().to_owned();
    match apply(&hook, event).await {
        Ok(Applied::Duplicate) => {
            tracing::debug!(event = %id, kind = %kind, "event already processed");
            (StatusCode::OK, "Already processed.").into_response()
        }
        Ok(Applied::Done { confirm }) => {
            if let Some(order_id) = confirm {
                let now = chrono::Utc::now().timestamp();
                if let Err(err) =
                    orders::send_confirmation(&hook.db, &hook.mailer, order_id, now).await
                {
                    tracing::error!(order = order_id, error = %err, "the order confirmation was not sent");
                }
            }
            (StatusCode::OK, "Received.").into_response()
        }
        Err(err) => {
            tracing::error!(event = %id, kind = %kind, error = %err, "the event could not be applied; Stripe will retry");
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The event could not be applied; please retry.",
            )
        }
    }
}

enum Applied {
    Duplicate,
    /// Applied; `confirm` names an order just made, whose email is now due.
    Done {
        confirm: Option<i32>,
    },
}

async fn apply(hook: &WebhookState, event: Event) -> Result<Applied, AppError> {
    let now = chrono::Utc::now().timestamp();
    let txn = hook.db.begin().await?;
    let fresh = txn
        .execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
            vec![
                event.id.as_str().into(),
                event.type_.as_str().into(),
                now.into(),
            ],
        ))
        .await?
        .rows_affected();
    if fresh == 0 {
        txn.rollback().await?;
        return Ok(Applied::Duplicate);
    }

    let mut confirm = None;
    match &event.data.object {
        EventObject::CheckoutSessionCompleted(session) => {
            let facts = SessionFacts::from(session.as_ref());
            if facts.paid {
                confirm = placed(orders::fulfil(&txn, &facts, now).await?);
            } else {
                orders::mark_processing(&txn, &facts.id, now).await?;
                tracing::info!(stripe_session = %facts.id, "checkout complete, payment still processing");
            }
        }
        EventObject::CheckoutSessionAsyncPaymentSucceeded(session) => {
            confirm =
                placed(orders::fulfil(&txn, &SessionFacts::from(session.as_ref()), now).await?);
        }
        EventObject::CheckoutSessionAsyncPaymentFailed(session) => {
            orders::close_unpaid(&txn, session.id.as_str(), "failed", now).await?;
        }
        EventObject::CheckoutSessionExpired(session) => {
            orders::close_unpaid(&txn, session.id.as_str(), "expired", now).await?;
        }
        EventObject::PaymentIntentPaymentFailed(intent) => {
            let checkout_id = intent
                .metadata
                .get("checkout_id")
                .and_then(|id| id.parse::<i32>().ok());
            let error = intent.last_payment_error.as_ref();
            let message = error
                .and_then(|e| e.message.clone())
                .unwrap_or_else(|| "The payment was declined.".to_owned());
            let decline_code = error.and_then(|e| e.decline_code.clone());
            tracing::info!(checkout = ?checkout_id, payment_intent = %intent.id.as_str(), decline_code = ?decline_code, "a payment attempt was declined");
            match checkout_id {
                Some(checkout_id) => {
                    orders::record_payment_failure(&txn, checkout_id, &message, now).await?;
                }
                None => tracing::info!("a declined payment this store did not start"),
            }
        }
        _ => tracing::debug!(kind = %event.type_.as_str(), "event type ignored"),
    }
    txn.commit().await?;
    Ok(Applied::Done { confirm })
}

/// The order to confirm by email, when this call made it.
fn placed(outcome: Fulfilment) -> Option<i32> {
    match outcome {
        Fulfilment::Placed {
            order_id,
            created: true,
            ..
        } => Some(order_id),
        _ => None,
    }
}
