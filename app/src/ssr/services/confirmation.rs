//! The order confirmation email.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::AppError;
use crate::ssr::entities::order;
use crate::ssr::mail::Mailer;
use crate::ssr::services::orders;
use crate::types::{OrderView, TEST_ORDER};

/// Sends the order confirmation once: the claim is a conditional update, so a
/// second caller (a redelivered event, the success page) sends nothing. Runs
/// after the order's transaction committed. A failure is logged; the order stands.
pub async fn send(
    db: &DatabaseConnection,
    mailer: &Mailer,
    order_id: i32,
    now: i64,
) -> Result<bool, AppError> {
    let claimed = order::Entity::update_many()
        .col_expr(order::Column::ConfirmationSentAt, Expr::value(Some(now)))
        .filter(order::Column::Id.eq(order_id))
        .filter(order::Column::ConfirmationSentAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    if claimed == 0 {
        return Ok(false);
    }
    let order = orders::by_id(db, order_id)
        .await?
        .ok_or(AppError::Internal)?;
    let Some(to) = order.email.clone() else {
        tracing::warn!(order = %order.number, "no email address for the order confirmation");
        return Ok(false);
    };
    let number = order.number.clone();
    let view = orders::view_of(db, order).await?;
    let subject = if view.test_order {
        format!("[Test] Your Shopfront order {number}")
    } else {
        format!("Your Shopfront order {number}")
    };
    match mailer.send(&number, &to, &subject, text(&view)).await {
        Ok(how) => {
            tracing::info!(order = %number, to = %to, "order confirmation {how}");
            Ok(true)
        }
        Err(why) => {
            tracing::error!(order = %number, "the order confirmation was not sent: {why}");
            Ok(false)
        }
    }
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
    body.push_str(&format!("\nTotal paid: {}\n", order.total));
    body
}
