//! The background sender: delivers what the outbox owes (see [`emails`]), with
//! retries that back off, and wakes at once when a transaction that owes an
//! email commits.

use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

use crate::ssr::clock;
use crate::ssr::entities::email::{self, EmailKind};
use crate::ssr::mail::Mailer;
use crate::ssr::services::{confirmation, emails, password_resets, reconcile, shipping_notice};

/// How failed deliveries are retried: `first`, doubling up to `max`, for ever
/// (an email the store owes is never dropped; each failure is logged).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailRetry {
    pub first: Duration,
    pub max: Duration,
}

impl Default for MailRetry {
    fn default() -> Self {
        Self {
            first: Duration::from_secs(30),
            max: Duration::from_secs(60 * 60),
        }
    }
}

impl MailRetry {
    /// The wait after the `attempts`-th failed attempt.
    pub fn delay_after(self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        self.first
            .saturating_mul(2_u32.saturating_pow(doublings))
            .min(self.max)
    }
}

/// The longest the sender sleeps without looking (other instances may owe too).
const IDLE: Duration = Duration::from_secs(30);

/// The sender: cheap to clone; every clone wakes the same task.
#[derive(Clone)]
pub struct EmailSender {
    db: DatabaseConnection,
    mailer: Mailer,
    retry: MailRetry,
    /// The store's address, for links in emails.
    base_url: Arc<str>,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for EmailSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailSender")
            .field("mailer", &self.mailer)
            .field("retry", &self.retry)
            .finish()
    }
}

impl EmailSender {
    pub fn new(
        db: DatabaseConnection,
        mailer: Mailer,
        retry: MailRetry,
        base_url: Arc<str>,
    ) -> Self {
        Self {
            db,
            mailer,
            retry,
            base_url,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Call after committing a transaction that owes an email.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Delivers what is due, then sleeps until the next email is due or it is
    /// woken; for ever.
    pub async fn run(self) {
        match emails::due_now(&self.db, clock::now_ms()).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "emails owed from before the restart are due now"),
            Err(err) => tracing::warn!(error = %err, "could not read the email outbox"),
        }
        loop {
            let now_ms = clock::now_ms();
            match emails::due(&self.db, now_ms, 20).await {
                Ok(rows) => {
                    for row in rows {
                        self.deliver(row, now_ms).await;
                    }
                }
                Err(err) => tracing::warn!(error = %err, "could not read the email outbox"),
            }
            let wait = match emails::next_due(&self.db, clock::now_ms()).await {
                Ok(Some(due)) => {
                    Duration::from_millis(u64::try_from(due - clock::now_ms()).unwrap_or(0))
                        .min(IDLE)
                }
                Ok(None) | Err(_) => IDLE,
            };
            if !wait.is_zero() {
                tokio::select! {
                    () = self.wake.notified() => {}
                    () = tokio::time::sleep(wait) => {}
                }
            }
        }
    }

    async fn deliver(&self, row: email::Model, now_ms: i64) {
        match emails::claim(&self.db, &row, now_ms).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(err) => {
                tracing::warn!(email = row.id, error = %err, "could not claim an email");
                return;
            }
        }
        let attempts = row.attempts + 1;
        let sent = match row.kind {
            EmailKind::OrderConfirmation => {
                confirmation::deliver(&self.db, &self.mailer, &row, &self.base_url).await
            }
            EmailKind::PasswordReset => {
                password_resets::deliver(&self.db, &self.mailer, &row, &self.base_url).await
            }
            EmailKind::RefundNotice => {
                reconcile::notice::deliver(&self.db, &self.mailer, &row).await
            }
            EmailKind::ShippingNotice => {
                shipping_notice::deliver(&self.db, &self.mailer, &row, &self.base_url).await
            }
        };
        let recorded = match sent {
            Ok(how) => {
                tracing::info!(kind = row.kind.as_str(), key = %row.key, attempts, "email {how}");
                emails::mark_sent(&self.db, row.id, now_ms / 1000).await
            }
            Err(why) => {
                let retry = self.retry.delay_after(attempts);
                tracing::error!(kind = row.kind.as_str(), key = %row.key, attempts, retry_in = ?retry, "email not sent: {why}");
                let retry_ms = i64::try_from(retry.as_millis()).unwrap_or(i64::MAX / 2);
                emails::mark_failed(&self.db, row.id, &why, clock::now_ms() + retry_ms).await
            }
        };
        if let Err(err) = recorded {
            // The lease runs out and the email is tried again: a repeat at worst,
            // under the same Message-ID.
            tracing::warn!(email = row.id, error = %err, "could not record an email's delivery");
        }
    }
}
