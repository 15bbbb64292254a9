//! An order's history: each status it took, when, and what brought it.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use crate::error::AppError;
use crate::ssr::entities::order::OrderStatus;
use crate::ssr::entities::{dispute, order_status_change};

/// Adds a step to the order's history.
pub async fn record(
    txn: &impl ConnectionTrait,
    order_id: i32,
    status: OrderStatus,
    note: Option<String>,
    stripe_event_id: Option<&str>,
    at: i64,
) -> Result<(), AppError> {
    order_status_change::Entity::insert(order_status_change::ActiveModel {
        order_id: Set(order_id),
        status: Set(status),
        note: Set(note),
        stripe_event_id: Set(stripe_event_id.map(str::to_owned)),
        at: Set(at),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// What the step means, for the owner reading the history.
pub fn note(
    status: OrderStatus,
    refunded: i64,
    charged: i64,
    currency: &str,
    dispute: Option<&dispute::Model>,
) -> String {
    let money = |minor: i64| {
        money::Amount {
            minor,
            code: currency,
        }
        .to_string()
    };
    match (status, dispute) {
        (OrderStatus::Refunded, _) => format!("Refunded in full: {}.", money(refunded)),
        (OrderStatus::PartiallyRefunded, _) => {
            format!("Refunded {} of {}.", money(refunded), money(charged))
        }
        (OrderStatus::Disputed, Some(d)) => format!(
            "The card's holder disputed {} ({}).",
            money(d.amount),
            d.reason.replace('_', " ")
        ),
        (OrderStatus::DisputeWon, _) => "The dispute was decided in the store's favour.".to_owned(),
        (OrderStatus::DisputeLost, Some(d)) => {
            format!(
                "The dispute was lost: {} went back to the card's holder.",
                money(d.amount)
            )
        }
        (OrderStatus::OnHold, _) => "On hold until the payment is checked.".to_owned(),
        _ => "Paid.".to_owned(),
    }
}
