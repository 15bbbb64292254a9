use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

use crate::error::AppError;

/// Everything a request needs, built once at start-up and shared by every handler.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub leptos_options: LeptosOptions,
    /// The address shoppers reach the store at, e.g. `https://shop.example.com`.
    pub public_base_url: Arc<str>,
    /// The Stripe client (Stripe itself, or the local stand-in).
    pub payments: crate::ssr::payments::Payments,
    /// Where order confirmations go: an SMTP server, or the local outbox.
    pub mailer: crate::ssr::mail::Mailer,
}

/// The [`AppState`] that the server placed in the request's context.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the request context");
        AppError::Internal
    })
}
