//! The event page's payments: each successful charge with a Refund form, and
//! each open dispute with buttons to close it as the card network would.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

use super::{money_text, storage_error};
use crate::charges::{self, ChargeRecord, DisputeRecord, RefundRequest};
use crate::form::{self, Param};
use crate::html::message_page;
use crate::LocalStripe;

const BACK: Option<(&str, &str)> = Some(("/local-stripe/events", "All events"));

/// The charges, newest first, with their disputes.
pub async fn section(stripe: &LocalStripe) -> Result<Markup, sea_orm::DbErr> {
    let charges = charges::recent_charges(stripe.db()).await?;
    let mut rows: Vec<(ChargeRecord, Vec<DisputeRecord>)> = Vec::with_capacity(charges.len());
    for charge in charges {
        let disputes = charges::disputes_of(stripe.db(), &charge.id).await?;
        rows.push((charge, disputes));
    }
    Ok(html! {
        section.card aria-labelledby="payments" {
            h2 #payments { "Payments" }
            @if rows.is_empty() {
                p.caption { "No payments yet." }
            } @else {
                div.scroll {
                    table {
                        thead { tr { th { "Charge" } th { "Paid" } th { "Refunded" } th { "Dispute" } th { span.caption { "Action" } } } }
                        tbody {
                            @for (charge, disputes) in &rows {
                                tr data-charge=(charge.id) data-payment-intent=(charge.payment_intent) {
                                    td { code { (charge.id) } br; span.caption { (charge.email) } }
                                    td.num { (money_text(charge.amount, &charge.currency)) }
                                    td.num { (money_text(charge.amount_refunded, &charge.currency)) }
                                    td {
                                        @for dispute in disputes {
                                            span data-dispute=(dispute.id) { (dispute.status.replace('_', " ")) }
                                            @if dispute.open() {
                                                form method="post" action={ "/local-stripe/disputes/" (dispute.id) "/close" } {
                                                    button.btn.btn-secondary type="submit" name="outcome" value="won" { "Close as won" }
                                                    button.btn.btn-secondary type="submit" name="outcome" value="lost" { "Close as lost" }
                                                }
                                            }
                                        }
                                    }
                                    td {
                                        @if charge.refundable() > 0 && !charge.disputed {
                                            form method="post" action={ "/local-stripe/charges/" (charge.id) "/refund" } {
                                                label for={ "amount-" (charge.id) } { "Amount (minor units; empty refunds the rest)" }
                                                input id={ "amount-" (charge.id) } name="amount" inputmode="numeric" autocomplete="off";
                                                button.btn.btn-secondary type="submit" { "Refund" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

fn back_to_events() -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/local-stripe/events")],
    )
        .into_response()
}

/// The Refund button: refunds the amount typed, or what is left.
pub async fn refund(
    State(stripe): State<LocalStripe>,
    Path(charge): Path<String>,
    body: Bytes,
) -> Response {
    let amount_text = form::decode(&body)
        .ok()
        .and_then(|params| {
            params
                .get("amount")
                .and_then(Param::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let amount = match amount_text.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(amount) => Some(amount),
            Err(_) => {
                return message_page(
                    StatusCode::BAD_REQUEST,
                    "Not an amount",
                    BACK,
                    "Type the amount in the currency's smallest unit (cents for USD), or leave it empty to refund the rest.",
                )
            }
        },
    };
    let writing = stripe.lock().await;
    let result = stripe
        .create_refund(
            &writing,
            RefundRequest {
                payment_intent: None,
                charge: Some(charge),
                amount,
                reason: Some("requested_by_customer".to_owned()),
                metadata: Default::default(),
            },
            None,
        )
        .await;
    drop(writing);
    match result {
        Ok(_) => back_to_events(),
        Err(err) if err.status.is_client_error() => message_page(
            StatusCode::BAD_REQUEST,
            "No refund made",
            BACK,
            &err.message,
        ),
        Err(err) => {
            tracing::error!(error = %err.message, "local Stripe: a refund could not be made");
            storage_error()
        }
    }
}

/// Closes a dispute as won or lost.
pub async fn close_dispute(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let won = form::decode(&body)
        .ok()
        .and_then(|params| {
            params
                .get("outcome")
                .and_then(Param::as_str)
                .map(|o| o == "won")
        })
        .unwrap_or(false);
    let writing = stripe.lock().await;
    let result = stripe.close_dispute(&writing, &id, won).await;
    drop(writing);
    match result {
        Ok(Some(_)) => back_to_events(),
        Ok(None) => message_page(
            StatusCode::NOT_FOUND,
            "No such dispute",
            BACK,
            "It may belong to another local Stripe.",
        ),
        Err(err) => {
            tracing::error!(error = %err, "local Stripe: a dispute could not be closed");
            storage_error()
        }
    }
}
