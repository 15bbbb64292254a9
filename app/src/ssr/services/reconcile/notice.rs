//! The refund email: owed in the transaction that saw more refunded, sent by
//! the background sender. Its key names the order and the refunded amount
//! before and after, so a repeated event never owes it twice.

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::AppError;
use crate::ssr::entities::email::{self, EmailKind};
use crate::ssr::entities::order;
use crate::ssr::mail::Mailer;
use crate::ssr::services::emails;
use crate::types::TEST_ORDER;

/// `SF-000042-refunded-0-1280`: the order, and its refunded amount before and after.
fn key(number: &str, before: i64, after: i64) -> String {
    format!("{number}-refunded-{before}-{after}")
}

fn parse(key: &str) -> Option<(&str, i64, i64)> {
    let (number, amounts) = key.split_once("-refunded-")?;
    let (before, after) = amounts.split_once('-')?;
    Some((number, before.parse().ok()?, after.parse().ok()?))
}

pub async fn owe(
    txn: &impl ConnectionTrait,
    order: &order::Model,
    before: i64,
    after: i64,
    now: i64,
) -> Result<(), AppError> {
    match &order.email {
        Some(to) => {
            emails::owe(
                txn,
                EmailKind::RefundNotice,
                &key(&order.number, before, after),
                to,
                now.saturating_mul(1000),
            )
            .await
        }
        None => {
            tracing::warn!(order = %order.number, "no email address for the refund notice");
            Ok(())
        }
    }
}

/// The email's text.
pub fn text(order: &order::Model, before: i64, after: i64) -> String {
    let money = |minor: i64| {
        money::Amount {
            minor,
            code: &order.currency,
        }
        .to_string()
    };
    let charged = order.stripe_amount_total.unwrap_or(order.amount_total);
    let mut body = String::new();
    if !order.livemode {
        body.push_str(TEST_ORDER);
        body.push_str("\n\n");
    }
    body.push_str(&format!(
        "We have refunded {} to your card for order {}.\n\n",
        money(after - before),
        order.number
    ));
    if after >= charged {
        body.push_str(&format!(
            "The whole {} you paid has now been refunded.\n",
            money(charged)
        ));
    } else {
        body.push_str(&format!(
            "In all, {} of the {} you paid has been refunded.\n",
            money(after),
            money(charged)
        ));
    }
    body.push_str("\nRefunds usually reach your card within 5 to 10 business days.\n");
    body
}

/// Sends the notice `row` owes; how it went, or why it did not.
pub async fn deliver(
    db: &DatabaseConnection,
    mailer: &Mailer,
    row: &email::Model,
) -> Result<String, String> {
    let (number, before, after) =
        parse(&row.key).ok_or_else(|| format!("{} is not a refund notice's key", row.key))?;
    let order = order::Entity::find()
        .filter(order::Column::Number.eq(number))
        .one(db)
        .await
        .map_err(|err| format!("the order could not be read: {err}"))?
        .ok_or_else(|| format!("order {number} does not exist"))?;
    let subject = if order.livemode {
        format!("A refund for your Shopfront order {number}")
    } else {
        format!("[Test] A refund for your Shopfront order {number}")
    };
    let message_id = mailer.message_id(row.kind.as_str(), &row.key);
    mailer
        .send(
            &row.key,
            &row.to_address,
            &subject,
            text(&order, before, after),
            &message_id,
        )
        .await
        .map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_key_reads_back() {
        let key = super::key("SF-000042", 0, 1280);
        assert_eq!(key, "SF-000042-refunded-0-1280");
        assert_eq!(super::parse(&key), Some(("SF-000042", 0, 1280)));
    }
}
