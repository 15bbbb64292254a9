//! `POST /api/stripe`: Stripe's events, verified on the raw bytes before anything
//! is parsed, then applied exactly once.
//!
//! The signature is checked by async-stripe's `Webhook::construct_event` (every
//! `v1` value, constant-time comparison, 300 s tolerance), once per configured
//! secret, so a secret can be rolled by listing the new one beside the old.
//! The event's id is inserted into `stripe_events` in the same transaction as its
//! effects: a redelivery finds the row and changes nothing, and a failure rolls
//! both back and answers 500, so Stripe tries again. A redelivery is known before
//! the event is parsed, by its signed id and one lookup.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use stripe_webhook::{Event, EventObject};

use app::error::AppError;
use app::ssr::clock;
use app::ssr::entities::checkout::CheckoutStatus;
use app::ssr::services::checkout::IntentOwner;
use app::ssr::services::fulfilment::{self, Fulfilment, SessionFacts};
use app::ssr::services::reconcile::{Applied as Reconciled, EventRef};
use app::ssr::services::{checkout, stripe_events};

use crate::after_payment;

use crate::config::Secret;
use crate::verify::{signed_event_id, verify, Rejection};

/// Stripe's events are a few kilobytes; anything over this is refused with 413.
pub const MAX_BODY: usize = 1024 * 1024;

/// The event types the store acts on.
pub const HANDLED: &[&str] = &[
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "payment_intent.payment_failed",
    "charge.refunded",
    "charge.refund.updated",
    "refund.created",
    "refund.updated",
    "refund.failed",
    "charge.dispute.created",
    "charge.dispute.closed",
    "charge.dispute.funds_withdrawn",
];

/// What the webhook needs: the database, the signing secrets, the email sender,
/// and Stripe itself (to ask which session made a PaymentIntent).
#[derive(Clone)]
pub struct WebhookState {
    pub db: DatabaseConnection,
    pub secrets: Arc<Vec<Secret>>,
    pub emails: app::ssr::services::email_sender::EmailSender,
    pub payments: app::ssr::payments::Payments,
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
    // A redelivery (Stripe sends an event until it hears 2xx) is answered from
    // its signed id alone; only a new event is read whole.
    let secrets = || hook.secrets.iter().map(Secret::expose);
    if let Some(id) = signed_event_id(payload, signature, secrets(), clock::now()) {
        match stripe_events::is_recorded(&hook.db, &id).await {
            Ok(true) => {
                tracing::debug!(event = %id, "event already processed");
                return (StatusCode::OK, "Already processed.").into_response();
            }
            Ok(false) => {}
            // The insert below decides anyway.
            Err(err) => tracing::warn!(event = %id, error = %err, "could not look up an event"),
        }
    }
    let event = match verify(payload, signature, secrets()) {
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
        Ok(Applied::Done {
            fulfilled,
            notice_owed,
        }) => {
            if let Some(outcome) = fulfilled {
                fulfilment::confirm_after_commit(&hook.emails, &outcome);
            }
            if notice_owed {
                hook.emails.wake();
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
    /// Applied and committed; `fulfilled` is what a fulfilment did, whose
    /// confirmation may now be due; `notice_owed` when a refund email is.
    Done {
        fulfilled: Option<Fulfilment>,
        notice_owed: bool,
    },
}

/// Whose checkout a declined PaymentIntent is, by Stripe's ids alone.
enum Declined {
    /// A checkout has recorded this PaymentIntent.
    Recorded,
    /// Stripe says this Checkout Session made it.
    Session(String),
    /// No Checkout Session made it: another integration's payment.
    Stranger,
}

/// Asked before the event's transaction opens, so no lock waits on Stripe.
async fn declined_owner(hook: &WebhookState, intent_id: &str) -> Result<Declined, AppError> {
    if checkout::by_payment_intent(&hook.db, intent_id)
        .await?
        .is_some()
    {
        return Ok(Declined::Recorded);
    }
    match checkout::session_for_payment_intent(&hook.payments, intent_id).await {
        Ok(Some(session)) => Ok(Declined::Session(session)),
        Ok(None) => Ok(Declined::Stranger),
        Err(err) => {
            tracing::warn!(payment_intent = %intent_id, error = %err, "could not ask Stripe which session made a declined PaymentIntent");
            Err(AppError::Internal)
        }
    }
}

/// A paid session's facts. An event names the promotion code by id only;
/// Stripe is asked for its text before the event's transaction opens.
async fn paid_facts(
    hook: &WebhookState,
    session: &stripe_shared::CheckoutSession,
) -> Result<SessionFacts, AppError> {
    let facts = SessionFacts::from(session);
    if !facts.needs_promotion_code() {
        return Ok(facts);
    }
    match checkout::retrieve_session(&hook.payments, &facts.id).await {
        Ok(session) => Ok(SessionFacts::from(&session)),
        Err(err) => {
            tracing::warn!(stripe_session = %facts.id, error = %err, "could not ask Stripe for a session's promotion code");
            Err(AppError::Internal)
        }
    }
}

async fn apply(hook: &WebhookState, event: Event) -> Result<Applied, AppError> {
    let now = clock::now();
    let declined = match &event.data.object {
        EventObject::PaymentIntentPaymentFailed(intent) => {
            Some(declined_owner(hook, intent.id.as_str()).await?)
        }
        _ => None,
    };
    let paid = match &event.data.object {
        EventObject::CheckoutSessionCompleted(session)
        | EventObject::CheckoutSessionAsyncPaymentSucceeded(session) => {
            Some(paid_facts(hook, session).await?)
        }
        _ => None,
    };
    let (_turn, txn) = app::ssr::db::begin_write(&hook.db).await?;
    if !stripe_events::record(&txn, event.id.as_str(), event.type_.as_str(), now).await? {
        txn.rollback().await?;
        return Ok(Applied::Duplicate);
    }

    let applied = after_payment::apply(
        &txn,
        &event.data.object,
        EventRef {
            id: event.id.as_str(),
            created: event.created,
        },
        now,
    )
    .await?;
    match applied {
        Some(Reconciled::Order { notice_owed }) => {
            txn.commit().await?;
            return Ok(Applied::Done {
                fulfilled: None,
                notice_owed,
            });
        }
        Some(Reconciled::NoOrder) => {
            txn.rollback().await?;
            let intent = after_payment::payment_intent_of(&event.data.object);
            if let Some(intent) = intent {
                if after_payment::order_still_to_come(&hook.db, &hook.payments, &intent).await? {
                    tracing::info!(payment_intent = %intent, "a refund or dispute before its order; Stripe will send it again");
                    return Err(AppError::Unavailable);
                }
            }
            return Ok(Applied::Done {
                fulfilled: None,
                notice_owed: false,
            });
        }
        None => {}
    }

    let mut fulfilled = None;
    match &event.data.object {
        EventObject::CheckoutSessionCompleted(session) => {
            let facts = paid.unwrap_or_else(|| SessionFacts::from(session.as_ref()));
            if facts.paid {
                fulfilled = Some(fulfilment::fulfil(&txn, &facts, now).await?);
            } else {
                checkout::mark_processing(&txn, &facts.id, now).await?;
                tracing::info!(stripe_session = %facts.id, "checkout complete, payment still processing");
            }
        }
        EventObject::CheckoutSessionAsyncPaymentSucceeded(session) => {
            let facts = paid.unwrap_or_else(|| SessionFacts::from(session.as_ref()));
            fulfilled = Some(fulfilment::fulfil(&txn, &facts, now).await?);
        }
        EventObject::CheckoutSessionAsyncPaymentFailed(session) => {
            checkout::close_unpaid(&txn, session.id.as_str(), CheckoutStatus::Failed, now).await?;
        }
        EventObject::CheckoutSessionExpired(session) => {
            checkout::close_unpaid(&txn, session.id.as_str(), CheckoutStatus::Expired, now).await?;
        }
        EventObject::PaymentIntentPaymentFailed(intent) => {
            let intent_id = intent.id.as_str();
            let error = intent.last_payment_error.as_ref();
            let message = error
                .and_then(|e| e.message.clone())
                .unwrap_or_else(|| "The payment was declined.".to_owned());
            let decline_code = error.and_then(|e| e.decline_code.clone());
            tracing::info!(payment_intent = %intent_id, decline_code = ?decline_code, "a payment attempt was declined");
            let owner = match &declined {
                Some(Declined::Recorded) => Some(IntentOwner::Recorded),
                Some(Declined::Session(session)) => Some(IntentOwner::Session(session)),
                Some(Declined::Stranger) | None => None,
            };
            let recorded = match owner {
                Some(owner) => {
                    checkout::record_payment_failure(&txn, intent_id, owner, &message, now).await?
                }
                None => false,
            };
            if !recorded {
                tracing::info!(payment_intent = %intent_id, "a declined payment of no open checkout of this store");
            }
        }
        _ => tracing::debug!(kind = %event.type_.as_str(), "event type ignored"),
    }
    if let Some(Fulfilment::Placed { order_id, .. }) = &fulfilled {
        stripe_events::link(&txn, event.id.as_str(), *order_id).await?;
    }
    txn.commit().await?;
    Ok(Applied::Done {
        fulfilled,
        notice_owed: false,
    })
}

#[cfg(test)]
mod tests {
    /// The store's Stripe client and the local Stripe speak the same pinned version,
    /// so the objects and events the stand-in makes are the ones the store reads.
    #[test]
    fn the_store_and_the_local_stripe_pin_one_api_version() {
        assert_eq!(
            stripe_shared::version::VERSION.as_str(),
            local_stripe::API_VERSION
        );
    }
}
