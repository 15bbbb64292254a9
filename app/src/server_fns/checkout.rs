use leptos::prelude::*;

use crate::error::AppError;
use crate::types::CheckoutResult;

/// Sends the shopper to pay for their cart: checks the cart is theirs and can be
/// bought as it stands, freezes it at today's prices with its stock reserved,
/// and answers with the Stripe page's address. The cart's Checkout form, a
/// browser's post, gets a redirect there.
#[server(endpoint = "create_stripe_checkout_session")]
pub async fn create_stripe_checkout_session(cart_id: String) -> Result<String, AppError> {
    use crate::ssr::entities::user;
    use crate::ssr::services::{cart, checkout};
    use crate::ssr::{app_state, sessions, shopper};
    use sea_orm::EntityTrait;
    use tracing::Instrument;

    let state = app_state()?;
    let current = shopper::current(&state).await?;
    let not_found = || AppError::not_found("That cart was not found.");
    let owner = current.owner().ok_or_else(not_found)?;
    let requested: i32 = cart_id.trim().parse().map_err(|_| not_found())?;
    let view = cart::view(&state.db, Some(&owner)).await?;
    if view.cart_id != Some(requested) {
        return Err(not_found());
    }
    let email = match current.user_id() {
        Some(id) => user::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .map(|user| user.email),
        None => None,
    };
    // Run to the end even if the shopper's connection drops meanwhile. Cut off
    // between reserving the stock and recording Stripe's session, the checkout
    // would be left half-made, and the next click would wait for it and be
    // refused until it went stale.
    let (db, payments, base_url) = (
        state.db.clone(),
        state.payments.clone(),
        state.public_base_url.clone(),
    );
    let now = sessions::now();
    let started = tokio::spawn(
        async move {
            let payer = checkout::Payer {
                owner: &owner,
                email: email.as_deref(),
            };
            checkout::start(&db, &payments, &base_url, payer, requested, now).await
        }
        .in_current_span(),
    );
    let url = started.await.map_err(|err| {
        tracing::error!(error = %err, "the checkout could not be prepared");
        AppError::Internal
    })??;
    if shopper::wants_html() {
        leptos_axum::redirect(&url);
    }
    Ok(url)
}

/// The success page's question: has the Checkout Session `session_id` been paid?
/// Asks Stripe (nothing from the browser is trusted), and if it is paid makes
/// the order through the same fulfilment as the webhook. Only the shopper who
/// started that checkout gets an answer; anyone else gets a 404.
#[server(endpoint = "create_order")]
pub async fn create_order(session_id: String) -> Result<CheckoutResult, AppError> {
    use crate::ssr::services::orders::{self, Fulfilment, SessionFacts};
    use crate::ssr::{app_state, sessions, shopper};
    use sea_orm::TransactionTrait;
    use stripe_checkout::checkout_session::RetrieveCheckoutSession;
    use stripe_shared::CheckoutSessionStatus;

    let state = app_state()?;
    let owner = shopper::current(&state).await?.owner();
    let session_id = session_id.trim();
    let not_found = || AppError::not_found("We could not find that payment.");
    if session_id.is_empty() || session_id.len() > 255 {
        return Err(not_found());
    }
    let checkout = orders::checkout_by_session(&state.db, session_id)
        .await?
        .filter(|checkout| checkout.belongs_to(owner.as_ref()))
        .ok_or_else(not_found)?;
    if let Some(order) = orders::order_for_session(&state.db, owner.as_ref(), session_id).await? {
        return Ok(CheckoutResult::Placed(order));
    }

    let session = RetrieveCheckoutSession::new(session_id)
        .send(state.payments.client())
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
    let now = sessions::now();
    let txn = state.db.begin().await?;
    let outcome = orders::fulfil(&txn, &facts, now).await?;
    txn.commit().await?;
    match outcome {
        Fulfilment::Placed { order_id, .. } => {
            orders::send_confirmation(&state.db, &state.mailer, order_id, now).await?;
            let order = orders::order_for_session(&state.db, owner.as_ref(), session_id)
                .await?
                .ok_or(AppError::Internal)?;
            Ok(CheckoutResult::Placed(order))
        }
        Fulfilment::NotPaid => Ok(CheckoutResult::Processing),
        Fulfilment::Unknown => Err(not_found()),
    }
}
