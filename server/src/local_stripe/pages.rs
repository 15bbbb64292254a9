//! The hosted payment page (`/local-stripe/pay/{id}`) and the developer's event
//! log (`/local-stripe/events`). Plain forms: they work without JavaScript.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Datelike, TimeZone};
use std::collections::BTreeMap;

use super::cards::{self, Field, FieldError};
use super::form::{self, Param};
use super::html::{esc, page};
use super::objects::{looks_like_email, SessionRecord, SessionStatus};
use super::{store, LocalStripe, PayOutcome};
use app::types::format_iso_amount;

pub fn router<S: Clone + Send + Sync + 'static>(stripe: LocalStripe) -> Router<S> {
    Router::new()
        .route("/local-stripe/pay/{id}", get(show).post(pay))
        .route("/local-stripe/pay/{id}/authenticate", post(authenticate))
        .route("/local-stripe/events", get(events))
        .route("/local-stripe/events/{id}", get(event))
        .route("/local-stripe/events/{id}/resend", post(resend))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
        .with_state(stripe)
}

/// What the shopper typed, kept so a declined card need not be typed again.
#[derive(Default)]
struct Entered {
    email: String,
    number: String,
    expiry: String,
    cvc: String,
    name: String,
}

impl Entered {
    fn from_form(params: &BTreeMap<String, Param>) -> Self {
        let get = |key: &str| {
            params
                .get(key)
                .and_then(Param::as_str)
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        Self {
            email: get("email"),
            number: get("card_number"),
            expiry: get("card_expiry"),
            cvc: get("card_cvc"),
            name: get("cardholder_name"),
        }
    }
}

/// A problem to show on the page: on one field, or about the payment as a whole.
enum Problem {
    Field(FieldError),
    Declined(&'static str),
}

fn missing_page() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Payment page not found",
        None,
        r#"<main class="page"><section class="card"><h1>This payment page does not exist</h1><p>Check the link, or go back to the store and start checkout again. Nothing was charged.</p></section></main>"#,
    )
}

fn storage_error() -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        None,
        r#"<main class="page"><section class="card"><h1>Something went wrong</h1><p>The test payment page could not load. Nothing was charged; try again in a moment.</p></section></main>"#,
    )
}

fn store_back<'a>(stripe: &LocalStripe, session: &'a SessionRecord) -> Option<(&'a str, String)> {
    session
        .cancel_url
        .as_deref()
        .map(|url| (url, format!("Back to {}", stripe.config().store_name)))
}

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
    let link = link
        .map(|(href, label)| {
            format!(
                r#"<p><a class="btn btn-secondary" href="{}">{label}</a></p>"#,
                esc(&href)
            )
        })
        .unwrap_or_default();
    let back = store_back(stripe, session);
    page(
        status,
        title,
        back.as_ref().map(|(u, l)| (*u, l.as_str())),
        &format!(
            r#"<main class="page"><section class="card" data-status="{status}"><h1>{title}</h1><p>{message}</p>{link}</section></main>"#,
            status = session.status.as_str()
        ),
    )
}

fn summary(stripe: &LocalStripe, session: &SessionRecord) -> String {
    let items: String = session
        .line_items
        .iter()
        .map(|line| {
            let image = match line.images.first() {
                Some(src) => format!(r#"<img src="{}" alt="">"#, esc(src)),
                None => r#"<span class="ph" aria-hidden="true"></span>"#.to_owned(),
            };
            format!(
                r#"<li class="item">{image}<div><p>{name}</p><p class="caption">Qty {qty} · {unit} each</p></div><p class="num">{amount}</p></li>"#,
                name = esc(&line.name),
                qty = line.quantity,
                unit = format_iso_amount(line.unit_amount, &session.currency),
                amount = format_iso_amount(line.amount(), &session.currency),
            )
        })
        .collect();
    let total = format_iso_amount(session.amount_total, &session.currency);
    format!(
        r#"<section class="card" aria-label="Order summary"><p class="caption">Pay {store}</p><p class="total" data-testid="pay-total">{total}</p><ul class="items">{items}</ul><p class="sum"><span>Total due</span><span class="num">{total}</span></p></section>"#,
        store = esc(&stripe.config().store_name),
    )
}

fn field(
    id: &str,
    label: &str,
    value: &str,
    attrs: &str,
    problem: Option<&Problem>,
    which: Field,
) -> String {
    let error = match problem {
        Some(Problem::Field(err)) if err.field == which => Some(err.message),
        _ => None,
    };
    let (invalid, described, message) = match error {
        Some(message) => (
            r#" aria-invalid="true""#.to_owned(),
            format!(r#" aria-describedby="{id}-error""#),
            format!(
                r#"<p class="field-error" id="{id}-error">{}</p>"#,
                esc(message)
            ),
        ),
        None => (String::new(), String::new(), String::new()),
    };
    format!(
        r#"<div><label for="{id}">{label}</label><input id="{id}" name="{id}" value="{value}" {attrs}{invalid}{described}>{message}</div>"#,
        value = esc(value)
    )
}

fn pay_page(
    stripe: &LocalStripe,
    session: &SessionRecord,
    entered: &Entered,
    problem: Option<&Problem>,
    status: StatusCode,
) -> Response {
    let total = format_iso_amount(session.amount_total, &session.currency);
    let alert = match problem {
        Some(Problem::Declined(message)) => format!(
            r#"<p class="alert danger" role="alert" data-testid="pay-error"><svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="12" cy="12" r="10"/><line x1="12" x2="12" y1="8" y2="12"/><line x1="12" x2="12.01" y1="16" y2="16"/></svg><span>{}</span></p>"#,
            esc(message)
        ),
        _ => String::new(),
    };
    let (email_value, email_attrs) = match &session.customer_email {
        Some(email) => (
            email.as_str(),
            r#"type="email" autocomplete="email" readonly"#,
        ),
        None => (
            entered.email.as_str(),
            r#"type="email" autocomplete="email" required"#,
        ),
    };
    let cards: String = cards::TEST_CARDS
        .iter()
        .map(|(number, what, _)| format!("<li><code>{number}</code>: {what}</li>"))
        .collect();
    let name = format!(
        r#"<div><label for="cardholder_name">Name on card</label><input id="cardholder_name" name="cardholder_name" autocomplete="cc-name" value="{}"></div>"#,
        esc(&entered.name)
    );
    let form = format!(
        r#"<section class="card"><h1>Pay with card</h1><form method="post" action="/local-stripe/pay/{id}" novalidate>{email}<fieldset><legend>Card information</legend>{number}<div class="row">{expiry}{cvc}</div></fieldset>{name}{alert}<button class="btn btn-primary" type="submit">Pay {total}</button></form><details><summary>Test cards</summary><p>Any future expiry date and any 3-digit CVC (4 digits for American Express).</p><ul>{cards}</ul></details></section>"#,
        id = esc(&session.id),
        email = field(
            "email",
            "Email",
            email_value,
            email_attrs,
            problem,
            Field::Email
        ),
        number = field(
            "card_number",
            "Card number",
            &entered.number,
            r#"inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" required"#,
            problem,
            Field::Number
        ),
        expiry = field(
            "card_expiry",
            "Expiry",
            &entered.expiry,
            r#"autocomplete="cc-exp" placeholder="MM / YY" required"#,
            problem,
            Field::Expiry
        ),
        cvc = field(
            "card_cvc",
            "CVC",
            &entered.cvc,
            r#"inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" required"#,
            problem,
            Field::Cvc
        ),
    );
    let back = store_back(stripe, session);
    page(
        status,
        &format!("Pay {}", stripe.config().store_name),
        back.as_ref().map(|(u, l)| (*u, l.as_str())),
        &format!(
            r#"<main class="page two">{}{form}</main>"#,
            summary(stripe, session)
        ),
    )
}

async fn show(State(stripe): State<LocalStripe>, Path(id): Path<String>) -> Response {
    match stripe.session(&id).await {
        Ok(Some(session)) if session.status == SessionStatus::Open => {
            if session.pending_authentication.is_some() {
                return authentication_page(&stripe, &session);
            }
            pay_page(&stripe, &session, &Entered::default(), None, StatusCode::OK)
        }
        Ok(Some(session)) => closed_page(&stripe, &session, StatusCode::OK),
        Ok(None) => missing_page(),
        Err(err) => {
            tracing::error!(error = %err, "local Stripe: cannot read a session");
            storage_error()
        }
    }
}

fn today(stripe: &LocalStripe) -> (i32, u32) {
    let now = chrono::Utc
        .timestamp_opt(stripe.now(), 0)
        .single()
        .unwrap_or_else(chrono::Utc::now);
    (now.year(), now.month())
}

async fn pay(State(stripe): State<LocalStripe>, Path(id): Path<String>, body: Bytes) -> Response {
    let session = match stripe.session(&id).await {
        Ok(Some(session)) => session,
        Ok(None) => return missing_page(),
        Err(err) => {
            tracing::error!(error = %err, "local Stripe: cannot read a session");
            return storage_error();
        }
    };
    if session.status != SessionStatus::Open {
        return closed_page(&stripe, &session, StatusCode::CONFLICT);
    }
    let entered = match form::decode(&body) {
        Ok(params) => Entered::from_form(&params),
        Err(_) => Entered::default(),
    };
    let email = session
        .customer_email
        .clone()
        .unwrap_or_else(|| entered.email.clone());
    if !looks_like_email(&email) {
        let problem = Problem::Field(FieldError {
            field: Field::Email,
            message: "Your email address is invalid.",
        });
        return pay_page(
            &stripe,
            &session,
            &entered,
            Some(&problem),
            StatusCode::BAD_REQUEST,
        );
    }
    let outcome = match cards::check(
        &entered.number,
        &entered.expiry,
        &entered.cvc,
        today(&stripe),
    ) {
        Ok(outcome) => outcome,
        Err(err) => {
            return pay_page(
                &stripe,
                &session,
                &entered,
                Some(&Problem::Field(err)),
                StatusCode::BAD_REQUEST,
            )
        }
    };
    let name = Some(entered.name.as_str()).filter(|n| !n.is_empty());
    let writing = stripe.lock().await;
    let result = stripe
        .pay(
            &writing,
            &id,
            &email,
            name,
            outcome,
            &cards::last4(&entered.number),
        )
        .await;
    drop(writing);
    finish(&stripe, &id, &entered, result).await
}

async fn finish(
    stripe: &LocalStripe,
    id: &str,
    entered: &Entered,
    result: Result<Option<PayOutcome>, sea_orm::DbErr>,
) -> Response {
    let outcome = match result {
        Ok(Some(outcome)) => outcome,
        Ok(None) => return missing_page(),
        Err(err) => {
            tracing::error!(error = %err, "local Stripe: payment could not be stored");
            return storage_error();
        }
    };
    let session = match stripe.session(id).await {
        Ok(Some(session)) => session,
        Ok(None) => return missing_page(),
        Err(_) => return storage_error(),
    };
    match outcome {
        PayOutcome::Paid { redirect } => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, redirect)]).into_response()
        }
        PayOutcome::Declined(decline) => pay_page(
            stripe,
            &session,
            entered,
            Some(&Problem::Declined(decline.message)),
            StatusCode::PAYMENT_REQUIRED,
        ),
        PayOutcome::NeedsAuthentication => authentication_page(stripe, &session),
        PayOutcome::NotOpen(_) => closed_page(stripe, &session, StatusCode::CONFLICT),
    }
}

fn authentication_page(stripe: &LocalStripe, session: &SessionRecord) -> Response {
    let last4 = session
        .pending_authentication
        .as_ref()
        .map(|p| p.last4.clone())
        .unwrap_or_default();
    let total = format_iso_amount(session.amount_total, &session.currency);
    let body = format!(
        r#"<main class="page two">{summary}<section class="card"><h1>Confirm this payment</h1><p>Your bank asks you to approve a payment of {total} with the card ending in {last4}. This is a test authentication: choose what the bank says.</p><form method="post" action="/local-stripe/pay/{id}/authenticate"><button class="btn btn-primary" type="submit" name="outcome" value="complete">Complete authentication</button><button class="btn btn-secondary" type="submit" name="outcome" value="fail">Fail authentication</button></form></section></main>"#,
        summary = summary(stripe, session),
        last4 = esc(&last4),
        id = esc(&session.id),
    );
    let back = store_back(stripe, session);
    page(
        StatusCode::OK,
        "Confirm this payment",
        back.as_ref().map(|(u, l)| (*u, l.as_str())),
        &body,
    )
}

async fn authenticate(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let approve = form::decode(&body)
        .ok()
        .and_then(|params| {
            params
                .get("outcome")
                .and_then(Param::as_str)
                .map(|o| o == "complete")
        })
        .unwrap_or(false);
    let writing = stripe.lock().await;
    let result = stripe.authenticate(&writing, &id, approve).await;
    drop(writing);
    finish(&stripe, &id, &Entered::default(), result).await
}

fn time(ms: i64) -> String {
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

async fn events(State(stripe): State<LocalStripe>) -> Response {
    let rows = match store::recent_events(stripe.db(), 200).await {
        Ok(rows) => rows,
        Err(err) => {
            tracing::error!(error = %err, "local Stripe: cannot read events");
            return storage_error();
        }
    };
    let endpoint = match &stripe.config().webhook_url {
        Some(url) => format!("Events are posted to <code>{}</code>, signed with the configured <code>whsec_</code> secret.", esc(url)),
        None => "No webhook endpoint is configured, so events are kept here only.".to_owned(),
    };
    let body: String = rows
        .iter()
        .map(|event| {
            let state = match event.state.as_str() {
                "delivered" => r#"<span class="ok">Delivered</span>"#,
                "pending" if event.attempts.is_empty() => r#"<span class="wait">Pending</span>"#,
                "pending" => r#"<span class="wait">Retrying</span>"#,
                "failed" => r#"<span class="bad">Failed</span>"#,
                _ => "Not sent",
            };
            let attempts: String = event
                .attempts
                .iter()
                .map(|a| {
                    let result = match (a.status, &a.error) {
                        (Some(code), _) if (200..300).contains(&code) => format!(r#"<span class="ok">{code}</span>"#),
                        (Some(code), _) => format!(r#"<span class="bad">{code}</span>"#),
                        (None, Some(error)) => format!(r#"<span class="bad">{}</span>"#, esc(error)),
                        (None, None) => "?".to_owned(),
                    };
                    format!("<li>{result} in {} ms, {}</li>", a.duration_ms, time(a.at_ms))
                })
                .collect();
            format!(
                r#"<tr data-event="{id}" data-type="{kind}"><td><a href="/local-stripe/events/{id}"><code>{kind}</code></a><br><span class="caption">{id}</span></td><td><code>{object}</code></td><td>{created}</td><td>{state}<ul>{attempts}</ul></td><td><form method="post" action="/local-stripe/events/{id}/resend"><button class="btn btn-secondary" type="submit">Resend</button></form></td></tr>"#,
                id = esc(&event.id),
                kind = esc(&event.kind),
                object = esc(&event.object_id),
                created = time(event.created * 1000),
            )
        })
        .collect();
    let table = if rows.is_empty() {
        r#"<p class="caption">No events yet. Pay or expire a checkout session and they appear here.</p>"#.to_owned()
    } else {
        format!(
            r#"<div class="scroll"><table><thead><tr><th>Event</th><th>Object</th><th>Created</th><th>Deliveries</th><th><span class="caption">Action</span></th></tr></thead><tbody>{body}</tbody></table></div>"#
        )
    };
    page(
        StatusCode::OK,
        "Local Stripe events",
        None,
        &format!(
            r#"<main class="page"><section class="card"><h1>Events</h1><p class="caption">{endpoint}</p>{table}</section></main>"#
        ),
    )
}

async fn event(State(stripe): State<LocalStripe>, Path(id): Path<String>) -> Response {
    match store::event_body(stripe.db(), &id).await {
        Ok(Some(body)) => {
            let pretty = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|value| serde_json::to_string_pretty(&value).ok())
                .unwrap_or(body);
            page(
                StatusCode::OK,
                "Event",
                Some(("/local-stripe/events", "All events")),
                &format!(
                    r#"<main class="page"><section class="card"><h1><code>{}</code></h1><div class="scroll"><pre>{}</pre></div></section></main>"#,
                    esc(&id),
                    esc(&pretty)
                ),
            )
        }
        Ok(None) => page(
            StatusCode::NOT_FOUND,
            "Event not found",
            Some(("/local-stripe/events", "All events")),
            r#"<main class="page"><section class="card"><h1>No such event</h1></section></main>"#,
        ),
        Err(_) => storage_error(),
    }
}

async fn resend(State(stripe): State<LocalStripe>, Path(id): Path<String>) -> Response {
    match stripe.resend(&id).await {
        Ok(true) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, "/local-stripe/events")],
        )
            .into_response(),
        Ok(false) => page(
            StatusCode::NOT_FOUND,
            "Event not found",
            Some(("/local-stripe/events", "All events")),
            r#"<main class="page"><section class="card"><h1>That event cannot be resent</h1><p>It does not exist, or no webhook endpoint is configured.</p></section></main>"#,
        ),
        Err(_) => storage_error(),
    }
}
