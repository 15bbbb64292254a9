use leptos::prelude::*;

use crate::error::AppError;

/// Where to go after signing in: a path on this site, or the home page.
#[cfg(feature = "ssr")]
fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Creates an account and signs in, bringing the guest cart along.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::{app_state, clock, shopper};
    use leptos::server_fn::ServerFn;
    let outcome = async {
        let state = app_state()?;
        let client = shopper::client_address(&state);
        let limit = state.limits.sign_ups;
        let user =
            accounts::sign_up(&state.db, &email, &password, &client, limit, clock::now()).await?;
        tracing::info!(user = user.id, "account created");
        shopper::sign_in_as(&state, user.id).await
    }
    .await;
    finish(SignUp::PATH, next.as_deref(), outcome)
}

/// Goes on to `next` once signed in; a refusal goes back to the form.
#[cfg(feature = "ssr")]
fn finish(form: &str, next: Option<&str>, outcome: Result<(), AppError>) -> Result<(), AppError> {
    match &outcome {
        Ok(()) => leptos_axum::redirect(&safe_next(next)),
        Err(_) => crate::ssr::form_outcome::answer(form, None, &outcome),
    }
    outcome
}

/// Signs in, bringing the guest cart along.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::{app_state, clock, shopper};
    use leptos::server_fn::ServerFn;
    let outcome = async {
        let state = app_state()?;
        let client = shopper::client_address(&state);
        let user = accounts::sign_in(&state.db, &email, &password, &client, clock::now()).await?;
        shopper::sign_in_as(&state, user.id).await
    }
    .await;
    finish(SignIn::PATH, next.as_deref(), outcome)
}

/// A guest who has just paid makes an account with the order's own email and
/// the password they choose, and is signed in: the account adopts that order and
/// the guest's other orders and cart from this browser. When the email has an
/// account already, the shopper is sent to sign in instead, and the orders join
/// it then. Answers with where to go next (a browser's form post goes there).
#[server(endpoint = "create_account_for_order")]
pub async fn create_account_for_order(
    session_id: String,
    password: String,
) -> Result<String, AppError> {
    use crate::ssr::{form_outcome, shopper};
    use leptos::server_fn::ServerFn;
    let outcome = account_for_order(&session_id, &password).await;
    match &outcome {
        Ok(path) if shopper::wants_html() => leptos_axum::redirect(path),
        Ok(_) => {}
        Err(_) => form_outcome::answer(CreateAccountForOrder::PATH, None, &outcome),
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn account_for_order(session_id: &str, password: &str) -> Result<String, AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::services::orders::{self, ORDER_NOT_FOUND};
    use crate::ssr::{shopper, RequestContext};
    let request = RequestContext::read().await?;
    if request.user_id().is_some() {
        return Err(AppError::Conflict(
            "You are signed in, so this order is in your account already.".to_owned(),
        ));
    }
    // Only the guest browser that paid gets this far: anyone else's is a 404.
    let order = orders::order_for_session(request.db(), request.owner().as_ref(), session_id)
        .await?
        .ok_or_else(|| AppError::not_found(ORDER_NOT_FOUND))?;
    let email = order.email.as_deref().ok_or_else(|| {
        AppError::bad_request("This order has no email address to make an account with.")
    })?;
    let order_page = format!("/account/orders/{}", order.number);
    let sign_in_first = format!("/account/sign-in?next={order_page}&order={}", order.number);
    if accounts::exists(request.db(), email).await? {
        return Ok(sign_in_first);
    }
    let state = &request.state;
    let client = shopper::client_address(state);
    let made = accounts::sign_up(
        request.db(),
        email,
        password,
        &client,
        state.limits.sign_ups,
        request.now,
    )
    .await;
    match made {
        Ok(user) => {
            tracing::info!(user = user.id, order = %order.number, "account created for an order");
            shopper::sign_in_as(state, user.id).await?;
            Ok(order_page)
        }
        // Made a moment ago, by another tab or device.
        Err(AppError::Conflict(_)) => Ok(sign_in_first),
        Err(error) => Err(error),
    }
}

/// Signs out; the account's cart stays with the account.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::{app_state, shopper};
    let state = app_state()?;
    shopper::sign_out(&state).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/cart")), "/cart");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
