//! Refund and dispute events: Stripe's objects read into the store's facts and
//! applied to the order they paid for.

use sea_orm::ConnectionTrait;
use stripe_webhook::EventObject;

use app::error::AppError;
use app::ssr::services::reconcile::{
    self, Applied, ChargeFacts, DisputeFacts, EventRef, RefundFacts,
};

fn refund_facts(refund: &stripe_shared::Refund) -> RefundFacts {
    RefundFacts {
        id: refund.id.as_str().to_owned(),
        amount: refund.amount,
        currency: refund.currency.to_string(),
        status: refund
            .status
            .clone()
            .unwrap_or_else(|| "pending".to_owned()),
        reason: refund.reason.as_ref().map(|r| r.as_str().to_owned()),
        payment_intent: refund
            .payment_intent
            .as_ref()
            .map(|intent| intent.id().as_str().to_owned()),
        created: refund.created,
    }
}

fn dispute_facts(dispute: &stripe_shared::Dispute, funds_withdrawn: bool) -> DisputeFacts {
    DisputeFacts {
        id: dispute.id.as_str().to_owned(),
        amount: dispute.amount,
        currency: dispute.currency.to_string(),
        status: dispute.status.as_str().to_owned(),
        reason: dispute.reason.clone(),
        payment_intent: dispute
            .payment_intent
            .as_ref()
            .map(|intent| intent.id().as_str().to_owned()),
        created: dispute.created,
        funds_withdrawn,
    }
}

/// Applies a refund or dispute event; `None` for any other kind of event.
pub async fn apply(
    txn: &impl ConnectionTrait,
    object: &EventObject,
    event: EventRef<'_>,
    now: i64,
) -> Result<Option<Applied>, AppError> {
    let applied = match object {
        EventObject::RefundCreated(refund)
        | EventObject::RefundUpdated(refund)
        | EventObject::RefundFailed(refund)
        | EventObject::ChargeRefundUpdated(refund) => {
            reconcile::apply_refund(txn, &refund_facts(refund), event, now).await?
        }
        EventObject::ChargeRefunded(charge) => {
            let facts = ChargeFacts {
                payment_intent: charge
                    .payment_intent
                    .as_ref()
                    .map(|intent| intent.id().as_str().to_owned()),
                amount_refunded: charge.amount_refunded,
                refunds: charge
                    .refunds
                    .iter()
                    .flat_map(|list| list.data.iter().map(refund_facts))
                    .collect(),
            };
            reconcile::apply_charge(txn, &facts, event, now).await?
        }
        EventObject::ChargeDisputeCreated(dispute) | EventObject::ChargeDisputeClosed(dispute) => {
            reconcile::apply_dispute(txn, &dispute_facts(dispute, false), event, now).await?
        }
        EventObject::ChargeDisputeFundsWithdrawn(dispute) => {
            reconcile::apply_dispute(txn, &dispute_facts(dispute, true), event, now).await?
        }
        _ => return Ok(None),
    };
    if applied == Applied::NoOrder {
        tracing::info!(event = %event.id, "a refund or dispute of no order of this store");
    }
    Ok(Some(applied))
}

/// The PaymentIntent a refund or dispute event is about.
pub fn payment_intent_of(object: &EventObject) -> Option<String> {
    let intent = match object {
        EventObject::RefundCreated(refund)
        | EventObject::RefundUpdated(refund)
        | EventObject::RefundFailed(refund)
        | EventObject::ChargeRefundUpdated(refund) => refund.payment_intent.as_ref(),
        EventObject::ChargeRefunded(charge) => charge.payment_intent.as_ref(),
        EventObject::ChargeDisputeCreated(dispute)
        | EventObject::ChargeDisputeClosed(dispute)
        | EventObject::ChargeDisputeFundsWithdrawn(dispute) => dispute.payment_intent.as_ref(),
        _ => None,
    };
    intent.map(|intent| intent.id().as_str().to_owned())
}

/// Whether a payment with no order yet is one of this store's checkouts, whose
/// order is still to come (its `checkout.session.completed` is late): the
/// event is then refused, and Stripe sends it again.
pub async fn order_still_to_come(
    db: &sea_orm::DatabaseConnection,
    payments: &app::ssr::payments::Payments,
    payment_intent: &str,
) -> Result<bool, AppError> {
    use app::ssr::services::checkout;
    if checkout::by_payment_intent(db, payment_intent)
        .await?
        .is_some()
    {
        return Ok(true);
    }
    let session = checkout::session_for_payment_intent(payments, payment_intent)
        .await
        .map_err(|err| {
            tracing::warn!(payment_intent, error = %err, "could not ask Stripe which session a refunded or disputed payment came from");
            AppError::Internal
        })?;
    match session {
        Some(session) => Ok(checkout::by_stripe_session(db, &session).await?.is_some()),
        None => Ok(false),
    }
}
