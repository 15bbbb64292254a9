//! "Forgot your password?": asking for a link, and spending it.

use leptos::prelude::*;

use crate::error::AppError;

/// Emails a single-use link to choose a new password, if the email has an
/// account; the answer is the same either way.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::ssr::entities::attempt::Action;
    use crate::ssr::services::{password_resets, throttle};
    use crate::ssr::{app_state, clock, form_outcome, shopper};
    use leptos::server_fn::ServerFn;
    let outcome = async {
        let state = app_state()?;
        let now = clock::now();
        throttle::admit(
            &state.db,
            Action::PasswordReset,
            &shopper::client_address(&state),
            None,
            state.limits.sign_ups,
            now,
            "Too many reset links have been asked for from your network. Please try again in an hour.",
        )
        .await?;
        password_resets::request(&state.db, &email, now).await?;
        state.emails.wake();
        Ok(())
    }
    .await;
    form_outcome::answer(RequestPasswordReset::PATH, None, &outcome);
    outcome
}

/// Sets a new password with the emailed link's token, ends every session of the
/// account, and signs this browser in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::ssr::services::password_resets;
    use crate::ssr::{app_state, clock, form_outcome, shopper};
    use leptos::server_fn::ServerFn;
    let outcome = async {
        let state = app_state()?;
        let user_id = password_resets::reset(&state.db, &token, &password, clock::now()).await?;
        shopper::sign_in_as(&state, user_id).await
    }
    .await;
    match &outcome {
        Ok(()) => leptos_axum::redirect("/account/orders"),
        Err(_) => form_outcome::answer(ResetPassword::PATH, None, &outcome),
    }
    outcome
}
