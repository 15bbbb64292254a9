use leptos::prelude::*;

use crate::error::AppError;
use crate::types::CheckoutResult;

/// Sends the shopper to pay for their cart: checks the cart is theirs and can be
/// bought as it stands, freezes it at today's prices with its stock reserved,
/// and answers with the Stripe page's address. The cart's Checkout form, a
/// browser's post, gets a redirect there.
#[server(endpoint = "create_stripe_checkout_session")]
pub async fn create_stripe_checkout_session(cart_id: String) -> Result<String, AppError> {
    use crate::ssr::{form_outcome, shopper};
    use leptos::server_fn::ServerFn;
    let outcome = start_checkout(&cart_id).await;
    match &outcome {
        // A browser's form post goes on to the payment page.
        Ok(url) if shopper::wants_html() => leptos_axum::redirect(url),
        Ok(_) => {}
        Err(_) => form_outcome::answer(CreateStripeCheckoutSession::PATH, None, &outcome),
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn start_checkout(cart_id: &str) -> Result<String, AppError> {
    use crate::ssr::services::{accounts, cart, checkout};
    use crate::ssr::{shopper, RequestContext};
    use tracing::Instrument;

    let request = RequestContext::read().await?;
    let not_found = || AppError::not_found("That cart was not found.");
    let owner = request.require_owner(not_found)?;
    let requested: i32 = cart_id.trim().parse().map_err(|_| not_found())?;
    let view = cart::view(request.db(), Some(&owner)).await?;
    if view.cart_id != Some(requested) {
        return Err(not_found());
    }
    let wanted = cart::wanted(request.db(), requested).await?;
    let email = match request.user_id() {
        Some(id) => accounts::email_of(request.db(), id).await?,
        None => None,
    };
    // Run to the end even if the shopper's connection drops meanwhile. Cut off
    // between reserving the stock and recording Stripe's session, the checkout
    // would be left half-made, and the next click would wait for it and be
    // refused until it went stale.
    let client = shopper::client_address(&request.state);
    let RequestContext { state, now, .. } = request;
    let started = tokio::spawn(
        async move {
            let payer = checkout::Payer {
                owner: &owner,
                email: email.as_deref(),
                client: &client,
                limits: state.limits,
            };
            let gateway = checkout::Gateway {
                payments: &state.payments,
                base_url: &state.public_base_url,
                options: &state.checkout,
            };
            checkout::start(&state.db, &gateway, payer, requested, &wanted, now).await
        }
        .in_current_span(),
    );
    started.await.map_err(|err| {
        tracing::error!(error = %err, "the checkout could not be prepared");
        AppError::Internal
    })?
}

/// The success page's question: has the Checkout Session `session_id` been paid?
/// Asks Stripe (nothing from the browser is trusted), and if it is paid makes
/// the order through the same fulfilment as the webhook. Only the shopper who
/// started that checkout gets an answer; anyone else gets a 404.
#[server(endpoint = "create_order")]
pub async fn create_order(session_id: String) -> Result<CheckoutResult, AppError> {
    use crate::ssr::services::fulfilment::{self, Fulfilment, SessionFacts};
    use crate::ssr::services::{checkout, orders};
    use crate::ssr::RequestContext;
    use stripe_shared::CheckoutSessionStatus;

    let request = RequestContext::read().await?;
    let owner = request.owner();
    let checkout_session_id = session_id.trim();
    let not_found = || AppError::not_found("We could not find that payment.");
    if checkout_session_id.is_empty() || checkout_session_id.len() > 255 {
        return Err(not_found());
    }
    let checkout = checkout::by_stripe_session(request.db(), checkout_session_id)
        .await?
        .filter(|checkout| {
            owner.as_ref().is_some_and(|owner| {
                owner.owns(checkout.user_id, checkout.guest_session_id.as_deref())
            })
        })
        .ok_or_else(not_found)?;
    if let Some(order) =
        orders::order_for_session(request.db(), owner.as_ref(), checkout_session_id).await?
    {
        return Ok(CheckoutResult::Placed(Box::new(order)));
    }

    let state = &request.state;
    let session = checkout::retrieve_session(&state.payments, checkout_session_id)
        .await
        .map_err(|err| {
            tracing::warn!(checkout = checkout.id, error = %err, "could not ask Stripe about a session");
            AppError::Unavailable
        })?;
    if session.status == Some(CheckoutSessionStatus::Expired) {
        return Err(AppError::Conflict(
            "This checkout expired before it was paid, so nothing was charged. Your cart is still here."
                .to_owned(),
        ));
    }
    let facts = SessionFacts::from(&session);
    match fulfilment::fulfil_and_confirm(&state.db, &state.emails, &facts, request.now).await? {
        Fulfilment::Placed { .. } => {
            let order = orders::order_for_session(&state.db, owner.as_ref(), checkout_session_id)
                .await?
                .ok_or(AppError::Internal)?;
            Ok(CheckoutResult::Placed(Box::new(order)))
        }
        Fulfilment::NotPaid => Ok(CheckoutResult::Processing),
        Fulfilment::Unknown => Err(not_found()),
    }
}
