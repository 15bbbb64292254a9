//! Fulfilment: the one path from "Stripe says paid" to an order, used by the
//! webhook and by the success page alike.
//!
//! [`fulfil`] runs inside the caller's transaction. The order's unique Stripe
//! session id makes any number of racing fulfilments of one session produce one
//! order; everything else (items, stock, cart) happens only for the one that
//! inserted it. [`fulfil_and_confirm`] is the whole sequence: fulfil, commit, then
//! send the confirmation.

use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, TryInsertResult,
};

use crate::error::AppError;
use crate::ssr::db::begin_write;
use crate::ssr::entities::order::{HoldReason, OrderStatus};
use crate::ssr::entities::{checkout_line, order, order_item};
use crate::ssr::services::email_sender::EmailSender;
use crate::ssr::services::{cart, checkout as checkouts, confirmation, orders, reconcile};

mod facts;
mod figures;
pub use facts::{PromotionCodeRef, SessionFacts, ShippingFacts};

/// What fulfilling a session did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fulfilment {
    /// The order exists; `created` is true for the call that made it.
    Placed {
        order_id: i32,
        number: String,
        created: bool,
    },
    /// Stripe does not (yet) say the session is complete and paid.
    NotPaid,
    /// No checkout of this store made this session.
    Unknown,
}

impl Fulfilment {
    /// The order whose confirmation is now due: one this call made.
    pub fn just_placed(&self) -> Option<i32> {
        match self {
            Self::Placed {
                order_id,
                created: true,
                ..
            } => Some(*order_id),
            _ => None,
        }
    }
}

/// The order number for a checkout: readable, and never reused because checkout
/// ids are not.
pub fn order_number(checkout_id: i32) -> String {
    format!("SF-{checkout_id:06}")
}

/// Fulfils `facts` in a transaction of its own, commits, and then wakes the
/// email sender for the confirmation an order this call made owes. The success
/// page's path; the webhook runs the same steps around its own event record
/// (see [`confirm_after_commit`]).
pub async fn fulfil_and_confirm(
    db: &DatabaseConnection,
    emails: &EmailSender,
    facts: &SessionFacts,
    now: i64,
) -> Result<Fulfilment, AppError> {
    let (_turn, txn) = begin_write(db).await?;
    let outcome = fulfil(&txn, facts, now).await?;
    txn.commit().await?;
    confirm_after_commit(emails, &outcome);
    Ok(outcome)
}

/// After a fulfilment committed: an order it made owes its confirmation, which
/// the outbox now holds; the sender delivers it at once.
pub fn confirm_after_commit(emails: &EmailSender, outcome: &Fulfilment) {
    if outcome.just_placed().is_some() {
        emails.wake();
    }
}

/// Turns a complete, paid session into its order, in the caller's transaction.
pub async fn fulfil(
    txn: &impl ConnectionTrait,
    facts: &SessionFacts,
    now: i64,
) -> Result<Fulfilment, AppError> {
    // Write first, so racing fulfilments of one session take turns.
    checkouts::lock_by_stripe_session(txn, &facts.id).await?;
    let Some(checkout) = checkouts::by_stripe_session(txn, &facts.id).await? else {
        tracing::warn!(stripe_session = %facts.id, "a paid session this store did not create; no order made");
        return Ok(Fulfilment::Unknown);
    };
    if !(facts.complete && facts.paid) {
        return Ok(Fulfilment::NotPaid);
    }
    // A figure that does not add up is a mismatch: the order is held, not shipped.
    let figures::Checked {
        figures,
        adds_up: amount_matches,
    } = figures::check(txn, &checkout, facts).await?;
    let stock_was_released = checkout.status.released_stock();
    let hold = if !amount_matches {
        Some(HoldReason::AmountMismatch)
    } else if stock_was_released {
        Some(HoldReason::StockReleased)
    } else {
        None
    };
    let status = match hold {
        Some(_) => OrderStatus::OnHold,
        None => OrderStatus::Paid,
    };
    let number = order_number(checkout.id);
    let shipping = facts.shipping.as_ref();

    let inserted = order::Entity::insert(order::ActiveModel {
        number: Set(number.clone()),
        checkout_id: Set(checkout.id),
        stripe_session_id: Set(facts.id.clone()),
        user_id: Set(checkout.user_id),
        guest_session_id: Set(checkout.guest_session_id.clone()),
        email: Set(facts.email.clone().or_else(|| checkout.email.clone())),
        currency: Set(checkout.currency.clone()),
        amount_subtotal: Set(figures.subtotal),
        amount_discount: Set(figures.discount),
        amount_shipping: Set(figures.shipping),
        amount_tax: Set(figures.tax),
        amount_total: Set(figures.total),
        stripe_amount_total: Set(facts.amount_total),
        shipping_rate_name: Set(figures.shipping_rate_name.clone()),
        shipping_name: Set(shipping.map(|s| s.name.clone())),
        shipping_line1: Set(shipping.and_then(|s| s.line1.clone())),
        shipping_line2: Set(shipping.and_then(|s| s.line2.clone())),
        shipping_city: Set(shipping.and_then(|s| s.city.clone())),
        shipping_state: Set(shipping.and_then(|s| s.state.clone())),
        shipping_postal_code: Set(shipping.and_then(|s| s.postal_code.clone())),
        shipping_country: Set(shipping.and_then(|s| s.country.clone())),
        phone: Set(facts.phone.clone()),
        promotion_code: Set(facts.promotion_code.as_ref().map(|code| match code {
            PromotionCodeRef::Code(code) | PromotionCodeRef::Id(code) => code.clone(),
        })),
        status: Set(status),
        hold_reason: Set(hold),
        livemode: Set(facts.livemode),
        confirmation_sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([order::Column::StripeSessionId])
    .exec(txn)
    .await?;
    let TryInsertResult::Inserted(inserted) = inserted else {
        let existing = orders::by_stripe_session(txn, &facts.id)
            .await?
            .ok_or(AppError::Internal)?;
        return Ok(Fulfilment::Placed {
            order_id: existing.id,
            number,
            created: false,
        });
    };
    let order_id = inserted.last_insert_id;

    copy_lines(txn, checkout.id, order_id).await?;
    let note = match hold {
        Some(HoldReason::AmountMismatch) => {
            "On hold: Stripe's figures do not add up against the checkout."
        }
        Some(HoldReason::StockReleased) => "On hold: paid after the reserved stock was released.",
        None => "Paid.",
    };
    reconcile::record_status(txn, order_id, status, Some(note.to_owned()), None, now).await?;
    let buyer = facts.email.as_deref().or(checkout.email.as_deref());
    confirmation::owe(txn, &number, buyer, now.saturating_mul(1000)).await?;

    checkouts::mark_paid(txn, checkout.id, facts.payment_intent.as_deref(), now).await?;
    if stock_was_released {
        checkouts::sell_released_stock(txn, checkout.id).await?;
        tracing::error!(order = %number, checkout = checkout.id, status = ?checkout.status, "paid after its stock was released; the order is on hold");
    }
    cart::remove_bought_units(txn, &checkout).await?;

    if !amount_matches {
        tracing::error!(
            order = %number,
            expected_subtotal = checkout.amount_total,
            expected_currency = %checkout.currency,
            figures = ?figures,
            stripe_subtotal = ?facts.amount_subtotal,
            stripe_total = ?facts.amount_total,
            stripe_shipping_rate = ?facts.shipping_rate,
            stripe_currency = ?facts.currency,
            "Stripe's figures do not add up against the checkout; the order is on hold"
        );
    }
    tracing::info!(order = %number, checkout = checkout.id, total = figures.total, "order placed");
    Ok(Fulfilment::Placed {
        order_id,
        number,
        created: true,
    })
}

/// The order's items: the checkout's frozen lines, copied in one statement.
async fn copy_lines(
    txn: &impl ConnectionTrait,
    checkout_id: i32,
    order_id: i32,
) -> Result<(), AppError> {
    use sea_orm::sea_query::{Expr, Order, Query};
    use sea_orm::ColumnTrait;
    let lines = Query::select()
        .expr(Expr::value(order_id))
        .columns([
            checkout_line::Column::ProductId,
            checkout_line::Column::Name,
            checkout_line::Column::UnitAmount,
            checkout_line::Column::Quantity,
            checkout_line::Column::LineTotal,
        ])
        .from(checkout_line::Entity)
        .and_where(checkout_line::Column::CheckoutId.eq(checkout_id))
        .order_by(checkout_line::Column::Id, Order::Asc)
        .to_owned();
    let copy = Query::insert()
        .into_table(order_item::Entity)
        .columns([
            order_item::Column::OrderId,
            order_item::Column::ProductId,
            order_item::Column::Name,
            order_item::Column::UnitAmount,
            order_item::Column::Quantity,
            order_item::Column::LineTotal,
        ])
        .select_from(lines)
        .map_err(|err| {
            tracing::error!(error = %err, "the order items copy could not be built");
            AppError::Internal
        })?
        .to_owned();
    txn.execute(&copy).await?;
    Ok(())
}
