//! "Your order is on its way": owed when the owner marks an order shipped, in
//! the same transaction, and delivered by the background sender.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::ssr::entities::{email, order};
use crate::ssr::mail::Mailer;
use crate::ssr::services::order_links;

/// The email's text: where the order went, with what, and its status link.
pub fn text(order: &order::Model, status_url: &str) -> String {
    let mut body = String::new();
    if !order.livemode {
        body.push_str(crate::types::TEST_ORDER);
        body.push_str("\n\n");
    }
    body.push_str(&format!("Your order {} is on its way.\n\n", order.number));
    if let Some(carrier) = &order.shipping_carrier {
        body.push_str(&format!("Carrier: {carrier}\n"));
    }
    if let Some(tracking) = &order.tracking_number {
        body.push_str(&format!("Tracking number: {tracking}\n"));
    }
    if let Some(name) = &order.shipping_name {
        body.push_str(&format!("Shipping to: {name}\n"));
    }
    body.push_str(&format!(
        "\nSee your order and where it is at any time:\n{status_url}\n"
    ));
    body
}

/// Sends the notice `row` owes, with a new link to the order's status page.
pub async fn deliver(
    db: &DatabaseConnection,
    mailer: &Mailer,
    row: &email::Model,
    base_url: &str,
) -> Result<String, String> {
    let order = order::Entity::find()
        .filter(order::Column::Number.eq(row.key.as_str()))
        .one(db)
        .await
        .map_err(|err| format!("the order could not be read: {err}"))?
        .ok_or_else(|| format!("order {} does not exist", row.key))?;
    let link = order_links::fresh_url(db, order.id, base_url).await?;
    let subject = if order.livemode {
        format!("Your Shopfront order {} has shipped", order.number)
    } else {
        format!("[Test] Your Shopfront order {} has shipped", order.number)
    };
    let name = format!("{}-shipped", order.number);
    let message_id = mailer.message_id(row.kind.as_str(), &order.number);
    let body = text(&order, &link);
    mailer
        .send(&name, &row.to_address, &subject, body, &message_id)
        .await
        .map_err(|err| err.to_string())
}
