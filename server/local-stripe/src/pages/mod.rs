//! The hosted payment page (`/local-stripe/pay/{id}`) and the developer's event
//! log (`/local-stripe/events`). Plain forms: they work without JavaScript.

mod choices;
mod events;
mod pay;
mod payments;

use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use std::net::SocketAddr;

use super::html::{message_page, page};
use super::objects::{SessionRecord, SessionStatus};
use super::LocalStripe;

pub fn router<S: Clone + Send + Sync + 'static>(stripe: LocalStripe) -> Router<S> {
    Router::new()
        .route("/local-stripe/pay/{id}", get(pay::show).post(pay::pay))
        .route(
            "/local-stripe/pay/{id}/authenticate",
            post(pay::authenticate),
        )
        .merge(
            Router::new()
                .route("/local-stripe/events", get(events::list))
                .route("/local-stripe/events/{id}", get(events::one))
                .route("/local-stripe/events/{id}/resend", post(events::resend))
                .route("/local-stripe/charges/{id}/refund", post(payments::refund))
                .route(
                    "/local-stripe/disputes/{id}/close",
                    post(payments::close_dispute),
                )
                .layer(middleware::from_fn(this_machine_only)),
        )
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
        .with_state(stripe)
}

/// The event log shows every session's details and can replay events at the
/// store: it answers only a browser on the machine the stand-in runs on. A
/// request a proxy forwarded is not one, even though the proxy connects from
/// loopback. Without the peer's address (no `ConnectInfo`) it answers nobody.
async fn this_machine_only(request: Request, next: Next) -> Response {
    let extensions = request.extensions();
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| *peer)
        .or_else(|| {
            extensions
                .get::<MockConnectInfo<SocketAddr>>()
                .map(|MockConnectInfo(peer)| *peer)
        })
        .map(|peer| peer.ip().to_canonical());
    let forwarded = ["forwarded", "x-forwarded-for", "x-real-ip"]
        .iter()
        .any(|name| request.headers().contains_key(*name));
    if peer.is_some_and(|ip| ip.is_loopback()) && !forwarded {
        return next.run(request).await;
    }
    tracing::warn!(peer = ?peer, forwarded, "local Stripe: the event log was asked for from another machine");
    message_page(
        StatusCode::FORBIDDEN,
        "Only on this computer",
        None,
        "The local Stripe's event log opens only in a browser on the computer it runs on.",
    )
}

/// `minor` units of the ISO currency `code`, as the pages show them.
fn money_text(minor: i64, code: &str) -> String {
    money::Amount { minor, code }.to_string()
}

fn missing_page() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "This payment page does not exist",
        None,
        "Check the link, or go back to the store and start checkout again. Nothing was charged.",
    )
}

fn storage_error() -> Response {
    message_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        None,
        "The test payment page could not load. Nothing was charged; try again in a moment.",
    )
}

/// The bar's link back to the store, and its label.
fn store_back(stripe: &LocalStripe, session: &SessionRecord) -> Option<(String, String)> {
    session
        .cancel_url
        .clone()
        .map(|url| (url, format!("Back to {}", stripe.config().store_name)))
}

/// A page for a session that can no longer be paid.
fn closed_page(stripe: &LocalStripe, session: &SessionRecord, status: StatusCode) -> Response {
    let (title, message, link) = match session.status {
        SessionStatus::Complete => (
            "This payment is complete",
            "You have already paid for this order. Nothing more will be charged.",
            Some((session.success_url.replace("{CHECKOUT_SESSION_ID}", &session.id), "See your order")),
        ),
        _ => (
            "This checkout has expired",
            "The time to pay has run out. Nothing was charged; return to the store to check out again.",
            session.cancel_url.clone().map(|url| (url, "Return to the store")),
        ),
    };
    let back = store_back(stripe, session);
    page(
        status,
        title,
        back.as_ref().map(|(u, l)| (u.as_str(), l.as_str())),
        html! {
            main.page {
                section.card data-status=(session.status.as_str()) {
                    h1 { (title) }
                    p { (message) }
                    @if let Some((href, label)) = link {
                        p { a.btn.btn-secondary href=(href) { (label) } }
                    }
                }
            }
        },
    )
}

/// What is being paid for: each line, the discount, shipping and tax, and the total.
fn summary(
    stripe: &LocalStripe,
    session: &SessionRecord,
    quote: &crate::pricing::Quote,
    tax_pending: bool,
) -> Markup {
    let money = |minor: i64| money_text(minor, &session.currency);
    let total = money(quote.amount_total);
    html! {
        section.card aria-label="Order summary" {
            p.caption { "Pay " (stripe.config().store_name) }
            p.total data-testid="pay-total" { (total) }
            ul.items {
                @for line in &session.line_items {
                    li.item {
                        @if let Some(src) = line.images.first() {
                            img src=(src) alt="";
                        } @else {
                            span.ph aria-hidden="true" {}
                        }
                        div {
                            p { (line.name) }
                            p.caption {
                                "Qty " (line.quantity) " · " (money(line.unit_amount)) " each"
                            }
                        }
                        p.num { (money(line.amount())) }
                    }
                }
            }
            dl.figures {
                div { dt { "Subtotal" } dd.num data-testid="pay-subtotal" { (money(quote.amount_subtotal)) } }
                @if quote.amount_discount > 0 {
                    div { dt { "Discount" } dd.num data-testid="pay-discount" { "−" (money(quote.amount_discount)) } }
                }
                @if !session.shipping_options.is_empty() {
                    div { dt { "Shipping" } dd.num data-testid="pay-shipping" {
                        @if quote.amount_shipping == 0 { "Free" } @else { (money(quote.amount_shipping)) }
                    } }
                }
                @if session.collect.automatic_tax {
                    div { dt { "Tax" } dd.num data-testid="pay-tax" {
                        @if tax_pending { "Calculated from your address" } @else { (money(quote.amount_tax)) }
                    } }
                }
            }
            p.sum { span { "Total due" } span.num { (total) } }
        }
    }
}
