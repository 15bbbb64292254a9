//! The hosted payment page: the card form, the test 3-D Secure step, and what
//! paying does.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, TimeZone};
use maud::{html, Markup};
use std::collections::BTreeMap;

use super::choices::{self, Choices, Priced};
use super::{closed_page, missing_page, money_text, storage_error, store_back, summary};
use crate::cards::{self, Field, FieldError};
use crate::form::{self, Param};
use crate::html::{alert_icon, page};
use crate::objects::{looks_like_email, SessionRecord, SessionStatus};
use crate::{LocalStripe, PayOutcome};

/// What the shopper typed, kept so a declined card need not be typed again.
#[derive(Default)]
struct Entered {
    email: String,
    number: String,
    expiry: String,
    cvc: String,
    name: String,
    choices: Choices,
    /// "Apply" was pressed: price the code, do not pay.
    apply: bool,
}

impl Entered {
    fn from_form(params: &BTreeMap<String, Param>) -> Self {
        let get = |key: &str| crate::form::text(params, key);
        Self {
            email: get("email"),
            number: get("card_number"),
            expiry: get("card_expiry"),
            cvc: get("card_cvc"),
            name: get("cardholder_name"),
            choices: Choices::from_form(params),
            apply: params.contains_key("apply"),
        }
    }
}

/// A problem to show on the page: on one field, or about the payment as a whole.
enum Problem {
    Field(FieldError),
    Declined(&'static str),
    /// The total changed since the page was shown (a new address or option).
    TotalChanged(String),
}

/// How one input of the card form is drawn.
struct Input<'a> {
    id: &'static str,
    label: &'static str,
    value: &'a str,
    kind: &'static str,
    inputmode: Option<&'static str>,
    autocomplete: &'static str,
    placeholder: Option<&'static str>,
    readonly: bool,
    which: Field,
}

impl<'a> Input<'a> {
    /// A required text input.
    fn text(
        id: &'static str,
        label: &'static str,
        value: &'a str,
        inputmode: Option<&'static str>,
        autocomplete: &'static str,
        placeholder: Option<&'static str>,
        which: Field,
    ) -> Self {
        Self {
            id,
            label,
            value,
            kind: "text",
            inputmode,
            autocomplete,
            placeholder,
            readonly: false,
            which,
        }
    }
}

fn input(input: Input<'_>, problem: Option<&Problem>, required: bool) -> Markup {
    let error = match problem {
        Some(Problem::Field(err)) if err.field == input.which => Some(err.message),
        _ => None,
    };
    let error_id = format!("{}-error", input.id);
    html! {
        div {
            label for=(input.id) { (input.label) }
            input id=(input.id) name=(input.id) value=(input.value) type=(input.kind)
                inputmode=[input.inputmode] autocomplete=(input.autocomplete)
                placeholder=[input.placeholder] readonly[input.readonly] required[required && !input.readonly]
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| error_id.as_str())];
            @if let Some(message) = error {
                p.field-error id=(error_id) { (message) }
            }
        }
    }
}

fn pay_page(
    stripe: &LocalStripe,
    session: &SessionRecord,
    entered: &Entered,
    priced: &Priced,
    problem: Option<&Problem>,
    status: StatusCode,
) -> Response {
    let total = money_text(priced.quote.amount_total, &session.currency);
    let error_for = |field: Field| match problem {
        Some(Problem::Field(err)) if err.field == field => Some(err.message),
        _ => None,
    };
    let text_input = |id: &'static str,
                      label: &'static str,
                      value: &str,
                      autocomplete: &'static str,
                      which: Field,
                      required: bool| {
        input(
            Input {
                readonly: false,
                ..Input::text(id, label, value, None, autocomplete, None, which)
            },
            problem,
            required,
        )
    };
    let applied = priced.discount.as_ref().map(|(code, _)| code.code.as_str());
    let (email, email_readonly) = match &session.customer_email {
        Some(email) => (email.as_str(), true),
        None => (entered.email.as_str(), false),
    };
    let field = Input::text;
    let form = html! {
        section.card {
            h1 { "Pay with card" }
            form method="post" action={ "/local-stripe/pay/" (session.id) } novalidate {
                input type="hidden" name="shown_total" value=(priced.quote.amount_total);
                (input(Input { kind: "email", readonly: email_readonly, ..field("email", "Email", email, None, "email", None, Field::Email) }, problem, true))
                (choices::fields(session, &entered.choices, applied, &text_input, &error_for))
                fieldset {
                    legend { "Card information" }
                    (input(field("card_number", "Card number", &entered.number, Some("numeric"), "cc-number", Some("1234 1234 1234 1234"), Field::Number), problem, true))
                    div.row {
                        (input(field("card_expiry", "Expiry", &entered.expiry, None, "cc-exp", Some("MM / YY"), Field::Expiry), problem, true))
                        (input(field("card_cvc", "CVC", &entered.cvc, Some("numeric"), "cc-csc", Some("CVC"), Field::Cvc), problem, true))
                    }
                }
                div {
                    label for="cardholder_name" { "Name on card" }
                    input id="cardholder_name" name="cardholder_name" autocomplete="cc-name" value=(entered.name);
                }
                (choices::terms(session, &entered.choices, error_for(Field::Terms)))
                @if let Some(Problem::Declined(message)) = problem {
                    p.alert.danger role="alert" data-testid="pay-error" { (alert_icon()) span { (message) } }
                }
                @if let Some(Problem::TotalChanged(message)) = problem {
                    p.alert.warning role="alert" data-testid="pay-total-changed" { (alert_icon()) span { (message) } }
                }
                button.btn.btn-primary type="submit" { "Pay " (total) }
            }
            details {
                summary { "Test cards" }
                p { "Any future expiry date and any 3-digit CVC (4 digits for American Express)." }
                ul {
                    @for (number, what, _) in cards::TEST_CARDS {
                        li { code { (number) } ": " (what) }
                    }
                }
            }
        }
    };
    let back = store_back(stripe, session);
    page(
        status,
        &format!("Pay {}", stripe.config().store_name),
        back.as_ref().map(|(u, l)| (u.as_str(), l.as_str())),
        html! { main.page.two { (summary(stripe, session, &priced.quote, priced.tax_pending)) (form) } },
    )
}

pub async fn show(State(stripe): State<LocalStripe>, Path(id): Path<String>) -> Response {
    match stripe.session(&id).await {
        Ok(Some(session)) if session.status == SessionStatus::Open => {
            if session.pending_authentication.is_some() {
                return authentication_page(&stripe, &session);
            }
            let entered = Entered::default();
            match choices::price(&stripe, &session, &entered.choices).await {
                Ok((priced, _)) => {
                    pay_page(&stripe, &session, &entered, &priced, None, StatusCode::OK)
                }
                Err(err) => {
                    tracing::error!(error = %err, "local Stripe: cannot price a session");
                    storage_error()
                }
            }
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

pub async fn pay(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
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
    // One writer at a time: a code's last redemption cannot go to two payments.
    let writing = stripe.lock().await;
    let (priced, choice_problem) = match choices::price(&stripe, &session, &entered.choices).await {
        Ok(priced) => priced,
        Err(err) => {
            tracing::error!(error = %err, "local Stripe: cannot price a session");
            return storage_error();
        }
    };
    let again = |problem: Problem, status: StatusCode| {
        pay_page(&stripe, &session, &entered, &priced, Some(&problem), status)
    };
    if let Some(problem) = choice_problem {
        return again(Problem::Field(problem), StatusCode::BAD_REQUEST);
    }
    if entered.apply {
        return pay_page(&stripe, &session, &entered, &priced, None, StatusCode::OK);
    }
    let address = match entered.choices.checked_address(&session) {
        Ok(address) => address,
        Err(problem) => return again(Problem::Field(problem), StatusCode::BAD_REQUEST),
    };
    if session.collect.terms_of_service && !entered.choices.terms {
        let problem = FieldError {
            field: Field::Terms,
            message: "To pay, agree to the terms of service.",
        };
        return again(Problem::Field(problem), StatusCode::BAD_REQUEST);
    }
    let email = session
        .customer_email
        .clone()
        .unwrap_or_else(|| entered.email.clone());
    if !looks_like_email(&email) {
        let problem = FieldError {
            field: Field::Email,
            message: "Your email address is invalid.",
        };
        return again(Problem::Field(problem), StatusCode::BAD_REQUEST);
    }
    let outcome = match cards::check(
        &entered.number,
        &entered.expiry,
        &entered.cvc,
        today(&stripe),
    ) {
        Ok(outcome) => outcome,
        Err(err) => return again(Problem::Field(err), StatusCode::BAD_REQUEST),
    };
    // The page showed one total; a new address or option may make another. The
    // shopper sees the new one before anything is charged.
    if entered
        .choices
        .shown_total
        .is_some_and(|shown| shown != priced.quote.amount_total)
    {
        let total = money_text(priced.quote.amount_total, &session.currency);
        return again(
            Problem::TotalChanged(format!(
                "With your address and choices the total is {total}. Check it and pay again."
            )),
            StatusCode::OK,
        );
    }
    let name = Some(entered.name.as_str()).filter(|n| !n.is_empty());
    let settled = choices::settle(&session, &entered.choices, address, priced);
    let result = stripe
        .pay(
            &writing,
            crate::Payment {
                id: &id,
                email: &email,
                name,
                outcome,
                last4: &cards::last4(&entered.number),
                settled,
            },
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
        PayOutcome::Declined(decline) => {
            match choices::price(stripe, &session, &entered.choices).await {
                Ok((priced, _)) => pay_page(
                    stripe,
                    &session,
                    entered,
                    &priced,
                    Some(&Problem::Declined(decline.message)),
                    StatusCode::OK,
                ),
                Err(_) => storage_error(),
            }
        }
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
    let quote = session
        .pending_authentication
        .as_ref()
        .and_then(|p| p.settled.as_ref())
        .map_or_else(|| session.quote(), |settled| settled.quote.clone());
    let total = money_text(quote.amount_total, &session.currency);
    let back = store_back(stripe, session);
    page(
        StatusCode::OK,
        "Confirm this payment",
        back.as_ref().map(|(u, l)| (u.as_str(), l.as_str())),
        html! {
            main.page.two {
                (summary(stripe, session, &quote, false))
                section.card {
                    h1 { "Confirm this payment" }
                    p {
                        "Your bank asks you to approve a payment of " (total) " with the card ending in "
                        (last4) ". This is a test authentication: choose what the bank says."
                    }
                    form method="post" action={ "/local-stripe/pay/" (session.id) "/authenticate" } {
                        button.btn.btn-primary type="submit" name="outcome" value="complete" { "Complete authentication" }
                        button.btn.btn-secondary type="submit" name="outcome" value="fail" { "Fail authentication" }
                    }
                }
            }
        },
    )
}

pub async fn authenticate(
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
