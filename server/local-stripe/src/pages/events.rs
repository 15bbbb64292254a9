//! The developer's event log: every event the stand-in made, its deliveries, and
//! a Resend button.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::TimeZone;
use maud::html;

use super::storage_error;
use crate::html::{message_page, page};
use crate::{store, LocalStripe};

const ALL_EVENTS: Option<(&str, &str)> = Some(("/local-stripe/events", "All events"));

fn time(ms: i64) -> String {
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

pub async fn list(State(stripe): State<LocalStripe>) -> Response {
    let rows = match store::recent_events(stripe.db(), 200).await {
        Ok(rows) => rows,
        Err(err) => {
            tracing::error!(error = %err, "local Stripe: cannot read events");
            return storage_error();
        }
    };
    let payments = match super::payments::section(&stripe).await {
        Ok(section) => section,
        Err(err) => {
            tracing::error!(error = %err, "local Stripe: cannot read payments");
            return storage_error();
        }
    };
    let body = html! {
        main.page {
            section.card {
                h1 { "Events" }
                p.caption {
                    @if let Some(url) = &stripe.config().webhook_url {
                        "Events are posted to " code { (url) } ", signed with the configured " code { "whsec_" } " secret."
                    } @else {
                        "No webhook endpoint is configured, so events are kept here only."
                    }
                }
                @if rows.is_empty() {
                    p.caption { "No events yet. Pay or expire a checkout session and they appear here." }
                } @else {
                    div.scroll {
                        table {
                            thead { tr { th { "Event" } th { "Object" } th { "Created" } th { "Deliveries" } th { span.caption { "Action" } } } }
                            tbody {
                                @for event in &rows {
                                    tr data-event=(event.id) data-type=(event.kind) {
                                        td {
                                            a href={ "/local-stripe/events/" (event.id) } { code { (event.kind) } }
                                            br;
                                            span.caption { (event.id) }
                                        }
                                        td { code { (event.object_id) } }
                                        td { (time(event.created * 1000)) }
                                        td {
                                            @match (event.state.as_str(), event.attempts.is_empty()) {
                                                ("delivered", _) => span.ok { "Delivered" },
                                                ("pending", true) => span.wait { "Pending" },
                                                ("pending", false) => span.wait { "Retrying" },
                                                ("failed", _) => span.bad { "Failed" },
                                                _ => "Not sent",
                                            }
                                            ul {
                                                @for attempt in &event.attempts {
                                                    li {
                                                        @match (attempt.status, &attempt.error) {
                                                            (Some(code), _) if (200..300).contains(&code) => span.ok { (code) },
                                                            (Some(code), _) => span.bad { (code) },
                                                            (None, Some(error)) => span.bad { (error) },
                                                            (None, None) => "?",
                                                        }
                                                        " in " (attempt.duration_ms) " ms, " (time(attempt.at_ms))
                                                    }
                                                }
                                            }
                                        }
                                        td {
                                            form method="post" action={ "/local-stripe/events/" (event.id) "/resend" } {
                                                button.btn.btn-secondary type="submit" { "Resend" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (payments)
        }
    };
    page(StatusCode::OK, "Local Stripe events", None, body)
}

pub async fn one(State(stripe): State<LocalStripe>, Path(id): Path<String>) -> Response {
    match store::event_body(stripe.db(), &id).await {
        Ok(Some(body)) => {
            let pretty = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|value| serde_json::to_string_pretty(&value).ok())
                .unwrap_or(body);
            page(
                StatusCode::OK,
                "Event",
                ALL_EVENTS,
                html! { main.page { section.card { h1 { code { (id) } } div.scroll { pre { (pretty) } } } } },
            )
        }
        Ok(None) => message_page(StatusCode::NOT_FOUND, "No such event", ALL_EVENTS, ""),
        Err(_) => storage_error(),
    }
}

pub async fn resend(State(stripe): State<LocalStripe>, Path(id): Path<String>) -> Response {
    match stripe.resend(&id).await {
        Ok(true) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, "/local-stripe/events")],
        )
            .into_response(),
        Ok(false) => message_page(
            StatusCode::NOT_FOUND,
            "That event cannot be resent",
            ALL_EVENTS,
            "It does not exist, or no webhook endpoint is configured.",
        ),
        Err(_) => storage_error(),
    }
}
