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
