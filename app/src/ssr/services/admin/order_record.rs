//! One order as the owner sees it: everything the shopper sees, plus who
//! bought it, Stripe's ids, its whole history, the events and the emails.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::audit::{self, order_subject};
use super::order_actions::order_by_number;
use crate::error::AppError;
use crate::ssr::entities::{audit_entry, dispute, email, order, order_status_change, refund};
use crate::ssr::services::{accounts, checkout, orders, stripe_events};
use crate::types::admin::{AdminOrder, HistoryLine, StripeLink};
use crate::types::{Currency, Money};

fn at(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// Where a Stripe object is in the Dashboard: test mode's under `/test/`.
fn dashboard(livemode: bool, path: &str) -> String {
    let mode = if livemode { "" } else { "test/" };
    format!("https://dashboard.stripe.com/{mode}{path}")
}

/// What an audited action says in the history; amounts in `currency`.
fn action_text(entry: &audit_entry::Model, currency: Currency) -> String {
    let after: serde_json::Value = entry
        .after
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    let text = |key: &str| after[key].as_str().unwrap_or_default().to_owned();
    let what = match entry.action.as_str() {
        "order.ship" => format!(
            "Marked shipped: {}, tracking {}",
            text("carrier"),
            text("tracking_number")
        ),
        "order.refund" => match after.get("refused") {
            Some(why) => format!(
                "Refund of {} refused by Stripe: {}",
                Money::new(after["requested"].as_i64().unwrap_or_default(), currency),
                why.as_str().unwrap_or_default()
            ),
            None => format!(
                "Refund of {} asked of Stripe{}",
                Money::new(after["requested"].as_i64().unwrap_or_default(), currency),
                after["refund"]
                    .as_str()
                    .map(|id| format!(" ({id})"))
                    .unwrap_or_default()
            ),
        },
        "order.restock" => "Units put back in stock".to_owned(),
        "order.resend_confirmation" => format!("Confirmation sent again to {}", text("to")),
        "order.release" => "Released from hold".to_owned(),
        other => other.to_owned(),
    };
    format!("{what}, by {}", entry.actor)
}

fn email_line(row: &email::Model) -> HistoryLine {
    let kind = match row.kind {
        email::EmailKind::OrderConfirmation => "Confirmation",
        email::EmailKind::RefundNotice => "Refund notice",
        email::EmailKind::ShippingNotice => "Shipping notice",
        email::EmailKind::PasswordReset => "Password reset",
    };
    let state = match (row.sent_at, &row.last_error) {
        (Some(_), _) => "sent".to_owned(),
        (None, Some(error)) => format!("not sent yet after {} tries: {error}", row.attempts),
        (None, None) => "waiting to be sent".to_owned(),
    };
    HistoryLine {
        at: at(row.sent_at.unwrap_or(row.created_at)),
        text: format!("{kind} to {}: {state}", row.to_address),
    }
}

/// The order with `number`, as the back office shows it, with a fresh key
/// for its forms.
pub async fn order_record(db: &impl ConnectionTrait, number: &str) -> Result<AdminOrder, AppError> {
    let row = order_by_number(db, number).await?;
    let currency = Currency::from_code(&row.currency).ok_or(AppError::Internal)?;
    let buyer = match row.user_id {
        Some(user_id) => match accounts::email_of(db, user_id).await? {
            Some(email) => format!("Account {email}"),
            None => "Account (closed)".to_owned(),
        },
        None => "Guest".to_owned(),
    };
    let stripe = stripe_links(db, &row).await?;
    let history = history(db, &row, currency).await?;
    let events = stripe_events::of_order(db, row.id)
        .await?
        .into_iter()
        .map(|event| HistoryLine {
            at: at(event.received_at),
            text: format!("{} {}", event.kind, event.id),
        })
        .collect();
    let emails = email::Entity::find()
        .filter(email::Column::Key.starts_with(&row.number))
        .filter(email::Column::Kind.ne(email::EmailKind::PasswordReset))
        .order_by_asc(email::Column::Id)
        .all(db)
        .await?
        .iter()
        .filter(|email| {
            email.key == row.number || email.key.starts_with(&format!("{}-", row.number))
        })
        .map(email_line)
        .collect();
    let charged = row.stripe_amount_total.unwrap_or(row.amount_total);
    let refundable = Money::new((charged - row.amount_refunded).max(0), currency);
    let on_hold = row.status == order::OrderStatus::OnHold;
    let restocked = row.restocked_at.is_some();
    Ok(AdminOrder {
        buyer,
        stripe,
        history,
        events,
        emails,
        refundable,
        on_hold,
        restocked,
        form_key: crate::ssr::sessions::new_token(),
        order: orders::view_of(db, row).await?,
    })
}

async fn stripe_links(
    db: &impl ConnectionTrait,
    row: &order::Model,
) -> Result<Vec<StripeLink>, AppError> {
    let live = row.livemode;
    let mut links = vec![StripeLink {
        label: "Checkout Session".to_owned(),
        id: row.stripe_session_id.clone(),
        url: Some(dashboard(
            live,
            &format!("checkout/sessions/{}", row.stripe_session_id),
        )),
    }];
    if let Some(intent) = checkout::payment_intent_of(db, row.checkout_id).await? {
        links.push(StripeLink {
            label: "Payment".to_owned(),
            url: Some(dashboard(live, &format!("payments/{intent}"))),
            id: intent,
        });
    }
    for refund in refund::Entity::find()
        .filter(refund::Column::OrderId.eq(row.id))
        .order_by_asc(refund::Column::Id)
        .all(db)
        .await?
    {
        links.push(StripeLink {
            label: format!(
                "Refund, {} ({})",
                Money::new(
                    refund.amount,
                    Currency::from_code(&refund.currency).ok_or(AppError::Internal)?
                ),
                refund.status
            ),
            url: Some(dashboard(
                live,
                &format!("refunds/{}", refund.stripe_refund_id),
            )),
            id: refund.stripe_refund_id,
        });
    }
    for dispute in dispute::Entity::find()
        .filter(dispute::Column::OrderId.eq(row.id))
        .order_by_asc(dispute::Column::Id)
        .all(db)
        .await?
    {
        links.push(StripeLink {
            label: format!("Dispute ({})", dispute.status),
            url: Some(dashboard(
                live,
                &format!("disputes/{}", dispute.stripe_dispute_id),
            )),
            id: dispute.stripe_dispute_id,
        });
    }
    Ok(links)
}

/// Status changes and owner actions, oldest first.
async fn history(
    db: &impl ConnectionTrait,
    row: &order::Model,
    currency: Currency,
) -> Result<Vec<HistoryLine>, AppError> {
    let mut lines: Vec<(i64, i32, HistoryLine)> = order_status_change::Entity::find()
        .filter(order_status_change::Column::OrderId.eq(row.id))
        .order_by_asc(order_status_change::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|change| {
            let label = orders::status_label(change.status, false);
            let text = match change.note {
                Some(note) if note.trim_end_matches('.') != label => format!("{label}: {note}"),
                _ => label.to_owned(),
            };
            (
                change.at,
                0,
                HistoryLine {
                    at: at(change.at),
                    text,
                },
            )
        })
        .collect();
    for entry in audit::about(db, &order_subject(&row.number)).await? {
        lines.push((
            entry.at,
            1,
            HistoryLine {
                at: at(entry.at),
                text: action_text(&entry, currency),
            },
        ));
    }
    lines.sort_by_key(|(at, kind, _)| (*at, *kind));
    Ok(lines.into_iter().map(|(_, _, line)| line).collect())
}
