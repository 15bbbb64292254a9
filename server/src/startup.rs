//! Builds the whole application: database, routes, middleware, listener.

use axum::body::Body;
use axum::http::StatusCode;
use axum::http::{HeaderName, Method, Request};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos::prelude::use_context;
use leptos_axum::{
    file_and_error_handler_with_context, generate_route_list, AxumRouteListing, LeptosRoutes,
};
use sea_orm::DatabaseConnection;
use std::io;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

use app::ssr::AppState;
use app::{shell, App};

use crate::config::{Secret, Settings, Timeouts};
use crate::cross_site;
use crate::headers::{self, CspNonce, HeaderPolicy};
use crate::local_stripe::{self, LocalStripe, LocalStripeConfig, RetryPolicy};
use crate::webhook::{self, WebhookState};
use crate::{health, server_fn_status};
use app::ssr::mail::Mailer;
use app::ssr::payments::Payments;
use app::ssr::services::email_sender::EmailSender;
use std::sync::{Arc, OnceLock};

/// The largest body a form or server fn may send. Stripe's events and the
/// stand-in's API set their own, larger limits on their routes.
pub const MAX_FORM_BODY: usize = 64 * 1024;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("could not prepare the data folder {path}: {source}")]
    DataDir { path: String, source: io::Error },
    #[error("could not open the database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("could not set up email: {0}")]
    Mail(#[from] app::ssr::mail::MailError),
    #[error("could not set up the Stripe client: {0}")]
    Stripe(#[from] stripe::StripeError),
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: String, source: io::Error },
    #[error("{0}")]
    Currency(String),
}

/// A built server, bound to its port and ready to serve.
pub struct Application {
    port: u16,
    listener: TcpListener,
    router: Router,
    header_read_timeout: std::time::Duration,
    emails: EmailSender,
    db: DatabaseConnection,
    queries: app::ssr::db::QueryCount,
    local_stripe: Option<LocalStripe>,
}

impl Application {
    /// Opens and migrates the database and binds the listener (port 0 picks a free
    /// one, which [`Application::port`] reports).
    pub async fn build(
        settings: &Settings,
        mut leptos_options: LeptosOptions,
    ) -> Result<Self, StartupError> {
        let uses_local_stripe = settings.stripe.secret_key.is_none();
        if settings.uses_default_sqlite() || uses_local_stripe {
            std::fs::create_dir_all(&settings.data_dir).map_err(|source| {
                StartupError::DataDir {
                    path: settings.data_dir.display().to_string(),
                    source,
                }
            })?;
        }
        let mut db = app::ssr::db::connect(settings.database_url.expose()).await?;
        let queries = app::ssr::db::QueryCount::attach(&mut db);
        app::ssr::db::migrate(&db).await?;
        if let Err(conflict) =
            app::ssr::services::store_currency::settle(&db, settings.store_currency).await?
        {
            return Err(StartupError::Currency(conflict.0));
        }

        let listener = TcpListener::bind(settings.site_addr)
            .await
            .map_err(|source| StartupError::Bind {
                addr: settings.site_addr.to_string(),
                source,
            })?;
        let local = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: settings.site_addr.to_string(),
            source,
        })?;
        leptos_options.site_addr = local;
        let reachable = reachable_address(local);
        // With no PUBLIC_BASE_URL the store is reached where it listens, which is
        // only known once the port is bound.
        let public_base_url =
            if settings.public_base_url == format!("http://{}", settings.site_addr) {
                format!("http://{reachable}")
            } else {
                settings.public_base_url.clone()
            };

        let local_stripe = if uses_local_stripe {
            let config = local_stripe_config(
                settings,
                public_base_url.clone(),
                Some(
                    settings
                        .local_stripe
                        .webhook_url
                        .clone()
                        .unwrap_or_else(|| format!("http://{reachable}/api/stripe")),
                ),
            );
            tracing::warn!(
                "STRIPE_SECRET_KEY is not set: payments go to the local Stripe stand-in, no real money moves, and every page says Test mode"
            );
            Some(LocalStripe::open(config).await?)
        } else {
            None
        };

        let payments = match &settings.stripe.secret_key {
            Some(key) => Payments::new(key.expose(), None),
            // async-stripe appends `v1/...` to the base as text, so a base with a
            // path needs its trailing slash.
            None => Payments::new(
                settings.local_stripe.api_key.expose(),
                Some(&format!("http://{reachable}/local-stripe/")),
            ),
        }?;
        // The store verifies events with the configured secrets, or with the one
        // the local stand-in signs with.
        let mut secrets = settings.stripe.webhook_secrets.clone();
        if let Some(local) = &local_stripe {
            if secrets.is_empty() {
                secrets.push(local.webhook_secret().clone());
            }
        }
        if secrets.is_empty() {
            tracing::warn!(
                "STRIPE_WEBHOOK_SECRET is not set: Stripe's events will be refused until it is"
            );
        }
        let mailer = Mailer::new(
            settings.smtp_url.as_ref().map(Secret::expose),
            settings.data_dir.join("outbox"),
            &settings.mail_from,
        )?;
        let emails = EmailSender::new(
            db.clone(),
            mailer,
            settings.mail_retry,
            public_base_url.clone().into(),
        );

        let webhook = WebhookState {
            db: db.clone(),
            secrets: Arc::new(secrets),
            emails: emails.clone(),
            payments: payments.clone(),
        };
        let state = AppState::new(app::ssr::AppStateInner {
            db: db.clone(),
            queries: queries.clone(),
            leptos_options,
            public_base_url: public_base_url.into(),
            payments,
            emails: emails.clone(),
            trusted_proxies: settings.trusted_proxies.clone().into(),
            limits: settings.limits,
            checkout: settings.checkout.clone(),
            catalogue: Default::default(),
            store: app::ssr::state::StoreInfo {
                name: settings.store_name.as_str().into(),
                email: settings.store_email.as_str().into(),
                address: settings.store_address.as_deref().map(Into::into),
                policies_dir: settings.data_dir.join("policies").into(),
                currency: settings.store_currency,
                uploads_dir: settings.data_dir.join("uploads").into(),
            },
        });
        let guards = Guards {
            origin: crate::cross_site::origin_of(&state.public_base_url),
            headers: HeaderPolicy {
                https: state.public_base_url.starts_with("https://"),
                reload_socket: std::env::var_os("LEPTOS_WATCH").map(|_| {
                    format!(
                        "ws://{}:{}",
                        reachable.ip(),
                        state.leptos_options.reload_port
                    )
                }),
            },
            timeouts: settings.timeouts,
        };
        Ok(Self {
            port: local.port(),
            listener,
            header_read_timeout: settings.timeouts.header_read,
            emails,
            router: router(state, local_stripe.as_ref(), webhook, guards),
            db,
            queries,
            local_stripe,
        })
    }

    /// The local Stripe stand-in, when the store runs without Stripe keys.
    pub fn local_stripe(&self) -> Option<&LocalStripe> {
        self.local_stripe.as_ref()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// How many statements the application has sent to its database.
    pub fn queries(&self) -> &app::ssr::db::QueryCount {
        &self.queries
    }

    /// The database pool the application serves from.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Serves until the process is asked to stop, finishing requests in flight.
    /// Expired sessions and old sign-in failures are purged every hour meanwhile.
    pub async fn run_until_stopped(self) -> io::Result<()> {
        let housekeeping = tokio::spawn(housekeeping(self.db.clone()));
        // Emails owed before a restart go out now.
        let sender = tokio::spawn(self.emails.run());
        let deliveries = self.local_stripe.as_ref().map(LocalStripe::spawn_worker);
        crate::serve::serve(
            self.listener,
            self.router,
            self.header_read_timeout,
            shutdown_signal(),
        )
        .await;
        housekeeping.abort();
        sender.abort();
        if let Some(deliveries) = deliveries {
            deliveries.abort();
        }
        Ok(())
    }
}

/// What every request passes before the store sees it.
#[derive(Clone, Debug)]
pub struct Guards {
    /// The store's own origin: unsafe methods from any other are refused.
    pub origin: Arc<str>,
    pub headers: HeaderPolicy,
    pub timeouts: Timeouts,
}

/// Whatever a request needs in its reactive context: the state, and the CSP
/// nonce the headers layer made for it (so the hydration scripts carry it).
fn request_context(state: AppState) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(state.clone());
        let parts = use_context::<axum::http::request::Parts>();
        if parts
            .as_ref()
            .is_some_and(|parts| parts.method == Method::GET)
        {
            provide_context(app::ssr::context::ReadOnce::default());
        }
        let nonce = parts.and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
        if let Some(CspNonce(nonce)) = nonce {
            provide_context(leptos::nonce::Nonce::from_value(nonce));
        }
    }
}

/// Every route of the store: pages, server fns, health, static files, behind
/// the same guards: the Origin check, the body limit, the timeouts, the
/// security headers and the server's own request id.
pub fn router(
    state: AppState,
    local_stripe: Option<&LocalStripe>,
    webhook: WebhookState,
    guards: Guards,
) -> Router {
    let routes = routes();
    let options = state.leptos_options.clone();
    let request_id = HeaderName::from_static("x-request-id");

    let mut base = Router::new()
        .merge(health::router())
        .merge(crate::admin::router())
        .merge(crate::uploads::router())
        .merge(webhook::router(webhook));
    if let Some(local_stripe) = local_stripe {
        base = base.merge(local_stripe.mounted_router());
    }
    base
        .leptos_routes_with_context(
            &state,
            routes,
            request_context(state.clone()),
            move || shell(options.clone()),
        )
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            request_context(state.clone()),
            shell,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::admin::owners_only,
        ))
        .layer(axum::middleware::map_response(server_fn_status::fix_status))
        .layer(axum::middleware::map_response_with_state(
            state.public_base_url.clone(),
            server_fn_status::move_form_errors_out_of_the_address,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_FORM_BODY))
        .layer(axum::middleware::from_fn_with_state(
            guards.origin,
            cross_site::same_origin_only,
        ))
        .layer(axum::middleware::from_fn_with_state(
            guards.headers,
            headers::security_headers,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(headers::own_request_id))
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
                }))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    guards.timeouts.request,
                ))
                .layer(RequestBodyTimeoutLayer::new(guards.timeouts.body))
                // gzip's fastest level: the home page is 5.3 KB rather than
                // 4.0 KB at the default level, in under half the time; the
                // default level was two fifths of a page's instructions.
                .layer(CompressionLayer::new().quality(CompressionLevel::Fastest)),
        )
        .with_state(state)
}

/// Leptos settings for this run: those cargo-leptos passes in, with the defaults
/// of `Cargo.toml` when the binary runs on its own.
pub fn leptos_options(
    settings: &Settings,
) -> Result<LeptosOptions, leptos::config::errors::LeptosConfigError> {
    let mut options = leptos::config::get_configuration(None)?.leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "shopfront".into();
    }
    options.site_addr = settings.site_addr;
    Ok(options)
}

/// An address other processes on this machine can reach: a server listening on
/// every interface is reached through the loopback one.
pub fn reachable_address(local: std::net::SocketAddr) -> std::net::SocketAddr {
    if local.ip().is_unspecified() {
        let loopback: std::net::IpAddr = if local.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        };
        std::net::SocketAddr::new(loopback, local.port())
    } else {
        local
    }
}

/// The stand-in's settings: its own SQLite file beside the store's data, the
/// first configured webhook secret (or a fresh one), and the retry policy.
pub fn local_stripe_config(
    settings: &Settings,
    pay_base_url: String,
    webhook_url: Option<String>,
) -> LocalStripeConfig {
    LocalStripeConfig {
        database_url: format!(
            "sqlite://{}?mode=rwc",
            settings.data_dir.join("local-stripe.db").display()
        ),
        pay_base_url,
        webhook_url,
        webhook_secret: settings
            .stripe
            .webhook_secrets
            .first()
            .cloned()
            .unwrap_or_else(|| Secret::new(local_stripe::ids::webhook_secret())),
        store_name: "Shopfront".to_owned(),
        api_key: settings.local_stripe.api_key.clone(),
        tax_rates: settings.local_stripe.tax_rates.clone(),
        retry: RetryPolicy {
            first_delay: settings.local_stripe.retry_first_delay,
            max_attempts: settings.local_stripe.retry_max_attempts,
            ..RetryPolicy::default()
        },
    }
}

async fn housekeeping(db: DatabaseConnection) {
    use app::ssr::services::throttle;
    use app::ssr::sessions;
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
    loop {
        every_hour.tick().await;
        let now = app::ssr::clock::now();
        match sessions::purge_expired(&db, now).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "purged expired sessions"),
            Err(err) => tracing::warn!(error = %err, "could not purge expired sessions"),
        }
        match app::ssr::services::checkout::release_lapsed(&db, now).await {
            Ok(0) => {}
            Ok(count) => tracing::warn!(
                count,
                "released the stock of checkouts whose expiry never arrived"
            ),
            Err(err) => tracing::warn!(error = %err, "could not release lapsed checkouts"),
        }
        if let Err(err) = throttle::purge(&db, now).await {
            tracing::warn!(error = %err, "could not purge old throttling records");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// The app's routes, worked out once per process.
///
/// Working them out renders the app with resource loading switched off for the
/// whole process (leptos's `SuppressResourceLoad`), so a page that another
/// instance in the same process starts rendering meanwhile would wait for its
/// data forever. Every instance after the first reuses the list instead.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}
