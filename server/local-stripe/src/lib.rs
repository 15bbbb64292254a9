//! A local Stripe: the part of Stripe's API, hosted payment page and webhooks that
//! Shopfront uses, spoken as Stripe speaks it, so the store runs and is tested with
//! no network and no keys. The store switches it on only when `STRIPE_SECRET_KEY`
//! is unset; with real keys the same store code talks to Stripe. It depends on
//! nothing of the store's.
//!
//! Mounted in the store, the API lives under `/local-stripe/v1/...` (the store's
//! Stripe client uses `{base}/local-stripe` as its API base); started alone
//! (`server local-stripe`), it answers at `/v1/...` like api.stripe.com, which is
//! what Stripe's Node SDK (`host`/`port` options) expects. Pages are at
//! `/local-stripe/pay/{id}` and `/local-stripe/events` either way.

// Stripe's checkout.session object is one large `json!` literal.
#![recursion_limit = "256"]

pub mod api;
pub mod cards;
pub mod charges;
pub mod discounts;
pub mod error;
pub mod form;
mod html;
mod idempotency;
pub mod ids;
pub mod objects;
pub mod pages;
pub mod params;
mod payment;
pub use payment::Payment;
pub mod pricing;
pub mod render;
mod secret;
pub mod signature;
pub mod store;
mod worker;

pub use secret::Secret;

use axum::Router;
use sea_orm::{DatabaseConnection, DbErr};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, RwLock, RwLockReadGuard, RwLockWriteGuard};

use error::ApiError;
use objects::{PaymentIntentRecord, SessionRecord, SessionStatus};

/// The Stripe API version the stand-in speaks: the one async-stripe is built for.
/// Its objects and events have this version's shape, whatever `Stripe-Version`
/// a request names.
pub const API_VERSION: &str = "2026-09-30.endive";

/// The one secret key the stand-in accepts unless `LOCAL_STRIPE_KEY` names
/// another: a documented test-mode constant, so the store and Stripe's SDKs can
/// be pointed at it with no account.
pub const DEFAULT_API_KEY: &str = "sk_test_shopfront_local_stand_in";

/// How undelivered webhooks are retried: `first_delay`, doubling each time up to
/// `max_delay`, `max_attempts` in all; each attempt waits `timeout` for an answer.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub max_attempts: u32,
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(10 * 60),
            max_attempts: 12,
            timeout: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait after `attempts` failed attempts, or `None` once they are used up.
    pub fn delay_after(&self, attempts: u32) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let factor = 2_u32.saturating_pow(attempts.saturating_sub(1));
        Some(self.first_delay.saturating_mul(factor).min(self.max_delay))
    }
}

/// Everything the stand-in needs to know.
#[derive(Clone, Debug)]
pub struct LocalStripeConfig {
    /// Its own SQLite database (`sqlite::memory:` keeps nothing across restarts).
    pub database_url: String,
    /// Where shoppers reach `/local-stripe/pay/...`, without a trailing slash.
    pub pay_base_url: String,
    /// Where events are posted; `None` keeps them in the log only.
    pub webhook_url: Option<String>,
    /// The `whsec_...` secret events are signed with.
    pub webhook_secret: Secret,
    /// The business name the payment page shows.
    pub store_name: String,
    /// The only `sk_test_...` key the API accepts; any other gets Stripe's 401.
    pub api_key: Secret,
    pub retry: RetryPolicy,
    /// The rates it charges as tax when a session asks for `automatic_tax`.
    pub tax_rates: pricing::TaxTable,
}

/// The stand-in: cheap to clone, shared by its routes and its delivery worker.
#[derive(Clone)]
pub struct LocalStripe {
    inner: Arc<Inner>,
}

struct Inner {
    config: LocalStripeConfig,
    db: DatabaseConnection,
    /// Payments, refunds, disputes and expiry read an object and then change
    /// it; they take this lock whole, so they never interleave. Creating a
    /// session changes nothing that exists, so creations share it and run side
    /// by side, waiting only while one of those changes is made.
    writer: RwLock<()>,
    /// The idempotency keys whose first request is still being answered.
    in_flight: std::sync::Mutex<HashSet<String>>,
    wake: Notify,
    clock_offset: AtomicI64,
    http: reqwest::Client,
}

/// Proof that the caller holds the stand-in's write lock whole.
pub type Writing<'a> = RwLockWriteGuard<'a, ()>;

/// Proof that the caller shares the write lock with other session creations.
pub type Creating<'a> = RwLockReadGuard<'a, ()>;

/// The result of paying on the hosted page.
#[derive(Debug)]
pub enum PayOutcome {
    /// Paid: send the shopper here (303).
    Paid {
        redirect: String,
    },
    Declined(cards::Decline),
    /// The card asks for 3-D Secure; show the authentication step.
    NeedsAuthentication,
    /// The session is complete or expired: nothing was charged.
    NotOpen(SessionStatus),
}

impl LocalStripe {
    /// Opens the stand-in's database. Call [`LocalStripe::spawn_worker`] to start
    /// delivering events.
    pub async fn open(config: LocalStripeConfig) -> Result<Self, DbErr> {
        let db = store::open(&config.database_url).await?;
        let http = reqwest::Client::builder()
            .timeout(config.retry.timeout)
            .user_agent("Stripe/1.0 (+https://stripe.com/docs/webhooks)")
            .build()
            .map_err(|err| DbErr::Custom(format!("cannot build the webhook client: {err}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                db,
                writer: RwLock::new(()),
                in_flight: std::sync::Mutex::default(),
                wake: Notify::new(),
                clock_offset: AtomicI64::new(0),
                http,
            }),
        })
    }

    /// Starts the background task that delivers events and expires sessions.
    pub fn spawn_worker(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(worker::run(self.clone()))
    }

    pub fn config(&self) -> &LocalStripeConfig {
        &self.inner.config
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    /// The signing secret the store must verify events with.
    pub fn webhook_secret(&self) -> &Secret {
        &self.inner.config.webhook_secret
    }

    /// The stand-in's clock, in Unix seconds.
    pub fn now(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.inner.clock_offset.load(Ordering::Relaxed)
    }

    /// Moves the stand-in's clock forward, so tests can pass `expires_at`.
    pub fn advance_clock(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.inner.clock_offset.fetch_add(secs, Ordering::Relaxed);
        self.inner.wake.notify_one();
    }

    /// Holds every change the stand-in makes until the guard drops: its calls
    /// wait meanwhile, as a slow Stripe's would (tests use it to stall Stripe).
    pub async fn lock(&self) -> Writing<'_> {
        self.inner.writer.write().await
    }

    /// Marks `key` as being answered; false when it already is.
    pub(crate) fn hold_key(&self, key: &str) -> bool {
        self.in_flight().insert(key.to_owned())
    }

    pub(crate) fn release_key(&self, key: &str) {
        self.in_flight().remove(key);
    }

    fn in_flight(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.inner
            .in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Shares the write lock with other session creations.
    pub(crate) async fn creating(&self) -> Creating<'_> {
        self.inner.writer.read().await
    }

    /// The routes for mounting in the store: the API under `/local-stripe/v1`.
    pub fn mounted_router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        Router::new()
            .nest("/local-stripe", api::router(self.clone()))
            .merge(pages::router(self.clone()))
    }

    /// The routes for running alone, like api.stripe.com: the API under `/v1`.
    pub fn standalone_router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        api::router(self.clone()).merge(pages::router(self.clone()))
    }

    /// A session as it is now: one past `expires_at` is expired first (and the
    /// `checkout.session.expired` event queued).
    pub async fn session(&self, id: &str) -> Result<Option<SessionRecord>, DbErr> {
        let session = store::session(self.db(), id).await?;
        match session {
            Some(s) if s.status == SessionStatus::Open && s.expires_at <= self.now() => {
                let writing = self.lock().await;
                self.expire_if_due(&writing, id).await?;
                drop(writing);
                store::session(self.db(), id).await
            }
            other => Ok(other),
        }
    }

    pub async fn payment_intent(&self, id: &str) -> Result<Option<PaymentIntentRecord>, DbErr> {
        store::payment_intent(self.db(), id).await
    }

    /// Creates a Checkout Session from a request's parameters, and keeps the
    /// answer, `render`ed from it, under the request's idempotency key in the
    /// same transaction.
    pub(crate) async fn create_session(
        &self,
        _creating: &Creating<'_>,
        request: &idempotency::Idempotent,
        render: impl FnOnce(&SessionRecord) -> Value,
    ) -> Result<(SessionRecord, Value), ApiError> {
        let session = params::session::new_session(&request.params, self.now())?;
        let body = render(&session);
        let txn = store::begin(self.db()).await?;
        store::save_session(&txn, &session).await?;
        request.remember_in(&txn, self.now(), &body).await?;
        txn.commit().await?;
        tracing::info!(session = %session.id, amount = session.amount_subtotal, currency = %session.currency, "local Stripe: checkout session created");
        Ok((session, body))
    }

    /// Expires an open session through the API.
    pub(crate) async fn expire_session(
        &self,
        _writing: &Writing<'_>,
        id: &str,
        request: Option<(&str, Option<&str>)>,
    ) -> Result<SessionRecord, ApiError> {
        let mut session = store::session(self.db(), id)
            .await?
            .ok_or_else(|| ApiError::no_such("checkout.session", id, "session"))?;
        if session.status != SessionStatus::Open {
            return Err(ApiError::state(format!(
                "Only Checkout Sessions with a status in [\"open\"] can be expired. This session has a status of \"{}\".",
                session.status.as_str()
            )));
        }
        self.mark_expired(&mut session, request).await?;
        Ok(session)
    }

    async fn expire_if_due(&self, _writing: &Writing<'_>, id: &str) -> Result<(), DbErr> {
        if let Some(mut session) = store::session(self.db(), id).await? {
            if session.status == SessionStatus::Open && session.expires_at <= self.now() {
                self.mark_expired(&mut session, None).await?;
            }
        }
        Ok(())
    }

    /// Expires every open session past its `expires_at`; returns how many.
    pub async fn expire_due_sessions(&self) -> Result<usize, DbErr> {
        let due = store::due_sessions(self.db(), self.now()).await?;
        if due.is_empty() {
            return Ok(0);
        }
        let writing = self.lock().await;
        for id in &due {
            self.expire_if_due(&writing, id).await?;
        }
        Ok(due.len())
    }

    async fn mark_expired(
        &self,
        session: &mut SessionRecord,
        request: Option<(&str, Option<&str>)>,
    ) -> Result<(), DbErr> {
        session.status = SessionStatus::Expired;
        session.pending_authentication = None;
        let txn = store::begin(self.db()).await?;
        if let Some(intent_id) = &session.payment_intent {
            if let Some(mut intent) = store::payment_intent(&txn, intent_id).await? {
                if intent.status != "succeeded" {
                    intent.status = "canceled".into();
                    intent.canceled_at = Some(self.now());
                    store::save_payment_intent(&txn, &intent).await?;
                }
            }
        }
        store::save_session(&txn, session).await?;
        let object = self.render_session(session, params::Expand::default(), None);
        self.emit(
            &txn,
            "checkout.session.expired",
            &session.id,
            object,
            request,
        )
        .await?;
        txn.commit().await?;
        self.inner.wake.notify_one();
        tracing::info!(session = %session.id, "local Stripe: checkout session expired");
        Ok(())
    }

    /// The session's JSON, with its PaymentIntent when asked to expand it.
    pub fn render_session(
        &self,
        session: &SessionRecord,
        expand: params::Expand,
        intent: Option<&PaymentIntentRecord>,
    ) -> Value {
        render::session_json(session, &self.config().pay_base_url, expand, intent)
    }

    /// Queues an event in the same transaction as the change it reports.
    async fn emit(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        kind: &str,
        object_id: &str,
        object: Value,
        request: Option<(&str, Option<&str>)>,
    ) -> Result<(), DbErr> {
        let id = ids::event();
        let created = self.now();
        let body = render::event_json(&id, kind, created, object, request).to_string();
        store::insert_event(
            txn,
            store::NewEvent {
                id: &id,
                kind,
                object_id,
                created,
                body: &body,
                deliver: self.config().webhook_url.is_some(),
            },
            now_ms(),
        )
        .await
    }

    /// Queues an event for another delivery now.
    pub async fn resend(&self, event_id: &str) -> Result<bool, DbErr> {
        if self.config().webhook_url.is_none() {
            return Ok(false);
        }
        let queued = store::resend(self.db(), event_id, now_ms()).await?;
        self.inner.wake.notify_one();
        Ok(queued)
    }
}

/// Wall-clock milliseconds, for delivery scheduling.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
