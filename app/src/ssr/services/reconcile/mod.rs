//! After payment: refunds and disputes, from wherever they were made (the back
//! office, Stripe's Dashboard, the card network), reach the order through
//! Stripe's events.
//!
//! Events come in any order and more than once. Each refund and dispute is one
//! row, unique by Stripe's id; an event only moves it forward (a refund from
//! pending to succeeded to failed, a dispute from open to closed). The order's
//! refunded amount and status are then worked out from the rows, never added
//! to, so replaying any event in any order ends in the same state. A refund
//! never puts stock back: that is the owner's decision.

mod history;
pub mod notice;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};

pub use history::record as record_status;

use crate::error::AppError;
use crate::ssr::entities::order::OrderStatus;
use crate::ssr::entities::{checkout, dispute, order, refund};
use crate::ssr::services::stripe_events;

/// A Refund object's facts, from `refund.*` or inside `charge.refunded`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundFacts {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub reason: Option<String>,
    pub payment_intent: Option<String>,
    pub created: i64,
}

/// A Charge's refund facts, from `charge.refunded`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeFacts {
    pub payment_intent: Option<String>,
    /// Stripe's running total of what was refunded on the charge.
    pub amount_refunded: i64,
    /// The refunds the event lists, when it lists them.
    pub refunds: Vec<RefundFacts>,
}

/// A Dispute object's facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisputeFacts {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub reason: String,
    pub payment_intent: Option<String>,
    pub created: i64,
    /// `charge.dispute.funds_withdrawn`: the amount left the balance.
    pub funds_withdrawn: bool,
}

/// The event being applied: its id and Stripe's `created`.
#[derive(Clone, Copy, Debug)]
pub struct EventRef<'a> {
    pub id: &'a str,
    pub created: i64,
}

/// What applying an event did to the order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The order was brought up to date; `notice_owed` when its refunded amount
    /// grew and the shopper is owed an email.
    Order { notice_owed: bool },
    /// No order of this store was paid by this payment.
    NoOrder,
}

/// The order a PaymentIntent paid for, locked for this transaction: a write
/// comes first, so racing events about one order take turns.
async fn lock_order_paid_by(
    txn: &impl ConnectionTrait,
    payment_intent: Option<&str>,
) -> Result<Option<order::Model>, AppError> {
    let Some(intent) = payment_intent else {
        return Ok(None);
    };
    let paid = checkout::Entity::find()
        .select_only()
        .column(checkout::Column::Id)
        .filter(checkout::Column::StripePaymentIntentId.eq(intent))
        .into_query();
    let touched = order::Entity::update_many()
        .col_expr(
            order::Column::AmountRefunded,
            Expr::col(order::Column::AmountRefunded),
        )
        .filter(order::Column::CheckoutId.in_subquery(paid.clone()))
        .exec(txn)
        .await?;
    if touched.rows_affected == 0 {
        return Ok(None);
    }
    Ok(order::Entity::find()
        .filter(order::Column::CheckoutId.in_subquery(paid))
        .one(txn)
        .await?)
}

/// Records one refund, moving it only forward. Whether it now counts less than
/// before (it failed or was canceled).
async fn upsert_refund(
    txn: &impl ConnectionTrait,
    order_id: i32,
    facts: &RefundFacts,
    now: i64,
) -> Result<bool, AppError> {
    let existing = refund::Entity::find()
        .filter(refund::Column::StripeRefundId.eq(&facts.id))
        .one(txn)
        .await?;
    match existing {
        None => {
            refund::Entity::insert(refund::ActiveModel {
                stripe_refund_id: Set(facts.id.clone()),
                order_id: Set(order_id),
                amount: Set(facts.amount),
                currency: Set(facts.currency.clone()),
                status: Set(facts.status.clone()),
                reason: Set(facts.reason.clone()),
                created_at: Set(facts.created),
                updated_at: Set(now),
                ..Default::default()
            })
            .on_conflict_do_nothing_on([refund::Column::StripeRefundId])
            .exec_without_returning(txn)
            .await?;
            Ok(false)
        }
        Some(row) if refund::rank(&facts.status) > refund::rank(&row.status) => {
            let stopped_counting = refund::counts(&row.status) && !refund::counts(&facts.status);
            refund::Entity::update_many()
                .col_expr(refund::Column::Status, Expr::value(facts.status.clone()))
                .col_expr(refund::Column::UpdatedAt, Expr::value(now))
                .filter(refund::Column::Id.eq(row.id))
                .exec(txn)
                .await?;
            Ok(stopped_counting)
        }
        Some(_) => Ok(false),
    }
}

/// `refund.created`, `refund.updated`, `refund.failed`, `charge.refund.updated`.
pub async fn apply_refund(
    txn: &impl ConnectionTrait,
    facts: &RefundFacts,
    event: EventRef<'_>,
    now: i64,
) -> Result<Applied, AppError> {
    let Some(order) = lock_order_paid_by(txn, facts.payment_intent.as_deref()).await? else {
        return Ok(Applied::NoOrder);
    };
    let stopped_counting = upsert_refund(txn, order.id, facts, now).await?;
    if stopped_counting || !refund::counts(&facts.status) {
        // The Charge's last report included it; it no longer holds.
        let counted = counted_refunds(txn, order.id).await?;
        if order.charge_amount_refunded > counted {
            order::Entity::update_many()
                .col_expr(order::Column::ChargeAmountRefunded, Expr::value(counted))
                .filter(order::Column::Id.eq(order.id))
                .exec(txn)
                .await?;
        }
    }
    bring_up_to_date(txn, order.id, event, now).await
}

/// `charge.refunded`: the Charge's running total, and any refunds it lists.
pub async fn apply_charge(
    txn: &impl ConnectionTrait,
    facts: &ChargeFacts,
    event: EventRef<'_>,
    now: i64,
) -> Result<Applied, AppError> {
    let Some(order) = lock_order_paid_by(txn, facts.payment_intent.as_deref()).await? else {
        return Ok(Applied::NoOrder);
    };
    for refund in &facts.refunds {
        upsert_refund(txn, order.id, refund, now).await?;
    }
    if event.created >= order.charge_reported_at {
        order::Entity::update_many()
            .col_expr(
                order::Column::ChargeAmountRefunded,
                Expr::value(facts.amount_refunded),
            )
            .col_expr(order::Column::ChargeReportedAt, Expr::value(event.created))
            .filter(order::Column::Id.eq(order.id))
            .exec(txn)
            .await?;
    }
    bring_up_to_date(txn, order.id, event, now).await
}

/// `charge.dispute.created`, `.closed` and `.funds_withdrawn`.
pub async fn apply_dispute(
    txn: &impl ConnectionTrait,
    facts: &DisputeFacts,
    event: EventRef<'_>,
    now: i64,
) -> Result<Applied, AppError> {
    let Some(order) = lock_order_paid_by(txn, facts.payment_intent.as_deref()).await? else {
        return Ok(Applied::NoOrder);
    };
    let existing = dispute::Entity::find()
        .filter(dispute::Column::StripeDisputeId.eq(&facts.id))
        .one(txn)
        .await?;
    match existing {
        None => {
            dispute::Entity::insert(dispute::ActiveModel {
                stripe_dispute_id: Set(facts.id.clone()),
                order_id: Set(order.id),
                amount: Set(facts.amount),
                currency: Set(facts.currency.clone()),
                status: Set(facts.status.clone()),
                reason: Set(facts.reason.clone()),
                funds_withdrawn: Set(facts.funds_withdrawn),
                created_at: Set(facts.created),
                updated_at: Set(now),
                ..Default::default()
            })
            .on_conflict_do_nothing_on([dispute::Column::StripeDisputeId])
            .exec_without_returning(txn)
            .await?;
        }
        Some(row) => {
            let status = if dispute::rank(&facts.status) >= dispute::rank(&row.status) {
                facts.status.clone()
            } else {
                row.status.clone()
            };
            dispute::Entity::update_many()
                .col_expr(dispute::Column::Status, Expr::value(status))
                .col_expr(
                    dispute::Column::FundsWithdrawn,
                    Expr::value(row.funds_withdrawn || facts.funds_withdrawn),
                )
                .col_expr(dispute::Column::UpdatedAt, Expr::value(now))
                .filter(dispute::Column::Id.eq(row.id))
                .exec(txn)
                .await?;
        }
    }
    bring_up_to_date(txn, order.id, event, now).await
}

async fn counted_refunds(txn: &impl ConnectionTrait, order_id: i32) -> Result<i64, AppError> {
    let rows = refund::Entity::find()
        .filter(refund::Column::OrderId.eq(order_id))
        .all(txn)
        .await?;
    Ok(rows
        .iter()
        .filter(|r| refund::counts(&r.status))
        .map(|r| r.amount)
        .sum())
}

/// The status the order's payment is in now.
fn status_of(order: &order::Model, refunded: i64, dispute: Option<&dispute::Model>) -> OrderStatus {
    if let Some(dispute) = dispute {
        return match dispute.status.as_str() {
            "won" => OrderStatus::DisputeWon,
            "lost" => OrderStatus::DisputeLost,
            _ => OrderStatus::Disputed,
        };
    }
    let charged = order.stripe_amount_total.unwrap_or(order.amount_total);
    if refunded > 0 && refunded >= charged {
        OrderStatus::Refunded
    } else if refunded > 0 {
        OrderStatus::PartiallyRefunded
    } else if order.hold_reason.is_some() {
        OrderStatus::OnHold
    } else {
        OrderStatus::Paid
    }
}

/// Works out the order's refunded amount and status from its refunds and
/// disputes, records a change of status in its history, and owes the shopper
/// an email when more has been refunded.
async fn bring_up_to_date(
    txn: &impl ConnectionTrait,
    order_id: i32,
    event: EventRef<'_>,
    now: i64,
) -> Result<Applied, AppError> {
    let order = order::Entity::find_by_id(order_id)
        .one(txn)
        .await?
        .ok_or(AppError::Internal)?;
    stripe_events::link(txn, event.id, order.id).await?;
    let charged = order.stripe_amount_total.unwrap_or(order.amount_total);
    let refunded = counted_refunds(txn, order.id)
        .await?
        .max(order.charge_amount_refunded)
        .min(charged);
    let dispute = dispute::Entity::find()
        .filter(dispute::Column::OrderId.eq(order.id))
        .order_by_desc(dispute::Column::CreatedAt)
        .order_by_desc(dispute::Column::Id)
        .one(txn)
        .await?;
    let status = status_of(&order, refunded, dispute.as_ref());
    if refunded != order.amount_refunded || status != order.status {
        order::Entity::update_many()
            .col_expr(order::Column::AmountRefunded, Expr::value(refunded))
            .col_expr(order::Column::Status, Expr::value(status))
            .filter(order::Column::Id.eq(order.id))
            .exec(txn)
            .await?;
    }
    if status != order.status {
        let note = history::note(status, refunded, charged, &order.currency, dispute.as_ref());
        history::record(txn, order.id, status, Some(note), Some(event.id), now).await?;
        tracing::info!(order = %order.number, from = ?order.status, to = ?status, event = %event.id, "order status changed");
    }
    let notice_owed = refunded > order.amount_refunded;
    if notice_owed {
        notice::owe(txn, &order, order.amount_refunded, refunded, now).await?;
    }
    Ok(Applied::Order { notice_owed })
}
