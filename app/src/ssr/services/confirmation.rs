//! The order confirmation email: owed in the order's own transaction (see
//! [`emails`]) and delivered by the background sender.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::ssr::entities::email::{self, EmailKind};
use crate::ssr::entities::order;
use crate::ssr::mail::Mailer;
use crate::ssr::services::{emails, order_links, orders};
use crate::types::{OrderView, TEST_ORDER};

/// Owes the order's buyer its confirmation, in the fulfilment's transaction.
pub async fn owe(
    txn: &impl ConnectionTrait,
    order_number: &str,
    to: Option<&str>,
    now_ms: i64,
) -> Result<(), crate::error::AppError> {
    match to {
        Some(to) => emails::owe(txn, EmailKind::OrderConfirmation, order_number, to, now_ms).await,
        None => {
            tracing::warn!(order = %order_number, "no email address for the order confirmation");
            Ok(())
        }
    }
}

/// The outbox key of a confirmation the owner sends again: the order number,
/// then the start of the form's key, so each resend is an email of its own
/// (and the key fits the outbox's 64 characters).
pub fn resend_key(number: &str, form_key: &str) -> String {
    let form_key: String = form_key.chars().take(16).collect();
    format!("{number}{RESENT}{form_key}")
}

const RESENT: &str = "-resent-";

/// The order an outbox key is about: `SF-000042` or `SF-000042-resent-…`.
pub fn order_number_of(key: &str) -> &str {
    key.split(RESENT).next().unwrap_or(key)
}

/// Sends the confirmation `row` owes, with a new link to the order's status
/// page on the store at `base_url`, and records it on the order; how it went, or
/// why it did not.
pub async fn deliver(
    db: &DatabaseConnection,
    mailer: &Mailer,
    row: &email::Model,
    base_url: &str,
) -> Result<String, String> {
    let order = order::Entity::find()
        .filter(order::Column::Number.eq(order_number_of(&row.key)))
        .one(db)
        .await
        .map_err(|err| format!("the order could not be read: {err}"))?
        .ok_or_else(|| format!("order {} does not exist", row.key))?;
    let (id, number) = (order.id, order.number.clone());
    let view = orders::view_of(db, order)
        .await
        .map_err(|err| format!("the order could not be read: {err}"))?;
    let subject = if view.test_order {
        format!("[Test] Your Shopfront order {number}")
    } else {
        format!("Your Shopfront order {number}")
    };
    // A resend's new link works as well as the first.
    let link = order_links::fresh_url(db, id, base_url).await?;
    let body = format!(
        "{}\nSee your order and where it is at any time:\n{link}\n",
        text(&view)
    );
    let message_id = mailer.message_id(row.kind.as_str(), &row.key);
    let how = mailer
        .send(&row.key, &row.to_address, &subject, body, &message_id)
        .await
        .map_err(|err| err.to_string())?;
    order::Entity::update_many()
        .col_expr(
            order::Column::ConfirmationSentAt,
            Expr::value(Some(crate::ssr::clock::now())),
        )
        .filter(order::Column::Id.eq(id))
        .filter(order::Column::ConfirmationSentAt.is_null())
        .exec(db)
        .await
        .map_err(|err| format!("sent, but not recorded on the order: {err}"))?;
    Ok(how)
}

/// The confirmation's text: the order number, each line, the total.
pub fn text(order: &OrderView) -> String {
    let mut body = String::new();
    if order.test_order {
        body.push_str(TEST_ORDER);
        body.push_str("\n\n");
    }
    body.push_str(&format!(
        "Thank you for your order.\n\nOrder {}\n\n",
        order.number
    ));
    if let Some(hold) = order.hold {
        body.push_str(hold.sentence());
        body.push_str("\n\n");
    }
    for item in &order.items {
        body.push_str(&format!(
            "{} x {}  {}\n",
            item.quantity, item.name, item.line_total
        ));
    }
    let figures = &order.figures;
    body.push_str(&format!("\nSubtotal: {}\n", figures.subtotal));
    if let Some(discount) = figures.discount {
        match &figures.promotion_code {
            Some(code) => body.push_str(&format!("Discount ({code}): -{discount}\n")),
            None => body.push_str(&format!("Discount: -{discount}\n")),
        }
    }
    if let Some((name, amount)) = &figures.shipping {
        if amount.minor == 0 {
            body.push_str(&format!("Shipping ({name}): Free\n"));
        } else {
            body.push_str(&format!("Shipping ({name}): {amount}\n"));
        }
    }
    if let Some(tax) = figures.tax {
        body.push_str(&format!("Tax: {tax}\n"));
    }
    body.push_str(&format!("Total paid: {}\n", order.total));
    if let Some(ship_to) = &order.ship_to {
        body.push_str("\nShipping to:\n");
        body.push_str(&ship_to.name);
        body.push('\n');
        for line in &ship_to.lines {
            body.push_str(line);
            body.push('\n');
        }
        if let Some(phone) = &ship_to.phone {
            body.push_str(phone);
            body.push('\n');
        }
    }
    body
}
