use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

use crate::error::AppError;

/// Everything a request needs, built once at start-up and shared by every handler.
/// One pointer: axum and leptos clone the state dozens of times a request (once
/// for each route's service, each layer and each context lookup), and a clone of
/// the fields themselves was a dozen reference counts and a copy of the Leptos
/// settings each time.
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

impl AppState {
    pub fn new(inner: AppStateInner) -> Self {
        Self(Arc::new(inner))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateInner;
    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

impl axum::extract::FromRef<AppState> for DatabaseConnection {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The fields of [`AppState`].
pub struct AppStateInner {
    pub db: DatabaseConnection,
    /// How many statements `db` has run (see `/metrics`).
    pub queries: crate::ssr::db::QueryCount,
    pub leptos_options: LeptosOptions,
    /// The address shoppers reach the store at, e.g. `https://shop.example.com`.
    pub public_base_url: Arc<str>,
    /// The Stripe client (Stripe itself, or the local stand-in).
    pub payments: crate::ssr::payments::Payments,
    /// Delivers the emails the store owes; woken when a transaction owes one.
    pub emails: crate::ssr::services::email_sender::EmailSender,
    /// Proxies whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`).
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// How much one client may do (see [`crate::ssr::services::throttle`]).
    pub limits: crate::ssr::services::throttle::Limits,
    /// What Stripe Checkout collects: address countries, phone, tax.
    pub checkout: crate::ssr::services::checkout::options::CheckoutOptions,
    /// The products on sale, as the grid and the product pages show them.
    pub catalogue: crate::ssr::services::catalogue_cache::CatalogueCache,
    /// Who the store is, for the footer, and where its policies are kept.
    pub store: StoreInfo,
}

/// The store's name, contact email and postal address (`STORE_NAME`,
/// `STORE_EMAIL`, `STORE_ADDRESS`), and the folder of its policy files.
#[derive(Clone, Debug)]
pub struct StoreInfo {
    pub name: Arc<str>,
    pub email: Arc<str>,
    pub address: Option<Arc<str>>,
    pub policies_dir: Arc<std::path::Path>,
    /// The currency every price is in (`STORE_CURRENCY`).
    pub currency: crate::types::Currency,
    /// Where uploaded product images are kept (`<data dir>/uploads`).
    pub uploads_dir: Arc<std::path::Path>,
}

/// The [`AppState`] that the server placed in the request's context.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the request context");
        AppError::Internal
    })
}
