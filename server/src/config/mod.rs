//! Shopfront's settings: one typed struct, read once from the environment.
//!
//! `.env.example` lists every variable. A malformed value stops start-up with one
//! line that names the variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A secret value (an API key, a signing secret) that never prints itself: the
/// local Stripe's type, which the store's settings use too.
pub use local_stripe::Secret;

mod stripe;
pub use stripe::{LocalStripeSettings, StripeSettings};

mod checkout;

/// Everything the server reads from its environment.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the data lives: PostgreSQL or SQLite. Defaults to a SQLite file in
    /// `data_dir`. A secret: a PostgreSQL address carries its password.
    pub database_url: Secret,
    pub data_dir: PathBuf,
    /// The address the server listens on.
    pub site_addr: SocketAddr,
    /// The address shoppers use, without a trailing slash.
    pub public_base_url: String,
    pub stripe: StripeSettings,
    pub local_stripe: LocalStripeSettings,
    /// The SMTP server order emails go through; unset writes them to the outbox.
    pub smtp_url: Option<Secret>,
    /// The sender of order emails.
    pub mail_from: String,
    /// How an email the mail server refused is retried.
    pub mail_retry: app::ssr::services::email_sender::MailRetry,
    pub timeouts: Timeouts,
    /// Proxies whose `X-Forwarded-For`/`Forwarded` name the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How much one client may do.
    pub limits: app::ssr::services::throttle::Limits,
    /// What Stripe Checkout collects and calculates.
    pub checkout: app::ssr::services::checkout::options::CheckoutOptions,
    /// The one currency the store sells in.
    pub store_currency: app::types::Currency,
    /// Who the store is: `STORE_NAME`, `STORE_EMAIL`, `STORE_ADDRESS`.
    pub store_name: String,
    pub store_email: String,
    pub store_address: Option<String>,
    pub log_filter: String,
}

/// How long a client may take: to send its headers (slowloris), to send its
/// body, and for the whole request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub header_read: Duration,
    pub body: Duration,
    pub request: Duration,
}

/// A variable with a value the store cannot use.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{variable} {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn invalid(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, which answers a variable's value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let data_dir =
            PathBuf::from(var("SHOPFRONT_DATA_DIR").unwrap_or_else(|| "data".to_owned()));
        let database_url = match var("DATABASE_URL") {
            Some(url) if ["sqlite:", "postgres://", "postgresql://"].iter().any(|p| url.starts_with(p)) => url,
            Some(_) => {
                return Err(invalid(
                    "DATABASE_URL",
                    "must start with postgres://, postgresql:// or sqlite: (or be unset for the built-in SQLite file)",
                ))
            }
            None => format!("sqlite://{}?mode=rwc", data_dir.join("shopfront.db").display()),
        };

        let site_addr: SocketAddr = var("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".to_owned())
            .parse()
            .map_err(|_| {
                invalid(
                    "LEPTOS_SITE_ADDR",
                    "must be an address and port, like 127.0.0.1:3000",
                )
            })?;

        let public_base_url = match var("PUBLIC_BASE_URL") {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                url.trim_end_matches('/').to_owned()
            }
            Some(_) => {
                return Err(invalid(
                    "PUBLIC_BASE_URL",
                    "must start with http:// or https://, like https://shop.example.com",
                ))
            }
            None => format!("http://{site_addr}"),
        };

        let (stripe, local_stripe) = stripe::read(&var, site_addr, &public_base_url)?;
        let checkout = checkout::read(&var, stripe.secret_key.is_none())?;
        let store_currency = checkout::store_currency(&var)?;
        let store_name = var("STORE_NAME").unwrap_or_else(|| "Shopfront".to_owned());
        let store_address = var("STORE_ADDRESS");

        let smtp_url = match var("SMTP_URL") {
            Some(url) if url.starts_with("smtp://") || url.starts_with("smtps://") => {
                Some(Secret::new(url))
            }
            Some(_) => return Err(invalid(
                "SMTP_URL",
                "must start with smtp:// or smtps://, like smtps://user:password@mail.example.com",
            )),
            None => None,
        };
        let mail_from =
            var("MAIL_FROM").unwrap_or_else(|| "Shopfront <orders@shopfront.invalid>".to_owned());
        // Where shoppers write to: STORE_EMAIL, or the address orders are sent from.
        let store_email = var("STORE_EMAIL").unwrap_or_else(|| {
            mail_from
                .rsplit_once('<')
                .map(|(_, address)| address.trim_end_matches('>').trim().to_owned())
                .unwrap_or_else(|| mail_from.clone())
        });

        let seconds = |variable: &'static str, default: u64| match var(variable) {
            Some(text) => text
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=3600).contains(s))
                .map(Duration::from_secs)
                .ok_or_else(|| invalid(variable, "must be a whole number of seconds, 1 to 3600")),
            None => Ok(Duration::from_secs(default)),
        };
        let timeouts = Timeouts {
            header_read: seconds("HEADER_READ_TIMEOUT_SECS", 10)?,
            body: seconds("BODY_TIMEOUT_SECS", 30)?,
            request: seconds("REQUEST_TIMEOUT_SECS", 60)?,
        };

        let mail_retry = app::ssr::services::email_sender::MailRetry {
            first: match var("MAIL_RETRY_FIRST_MS") {
                Some(ms) => ms
                    .parse::<u64>()
                    .ok()
                    .filter(|ms| *ms >= 1)
                    .map(Duration::from_millis)
                    .ok_or_else(|| {
                        invalid(
                            "MAIL_RETRY_FIRST_MS",
                            "must be a whole number of milliseconds, 1 or more",
                        )
                    })?,
                None => Duration::from_secs(30),
            },
            ..Default::default()
        };

        let trusted_proxies = match var("TRUSTED_PROXIES") {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| {
                    item.parse::<ipnet::IpNet>()
                        .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| {
                            invalid(
                                "TRUSTED_PROXIES",
                                "must be addresses or CIDR blocks separated by commas, like 10.0.0.0/8, 127.0.0.1",
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let count = |variable: &'static str, default: u64| match var(variable) {
            Some(text) => text
                .parse::<u64>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| invalid(variable, "must be a whole number, 1 or more")),
            None => Ok(default),
        };
        let defaults = app::ssr::services::throttle::Limits::default();
        let limits = app::ssr::services::throttle::Limits::hourly(
            count("SIGN_UPS_PER_CLIENT_PER_HOUR", defaults.sign_ups.max)?,
            count("NEW_CARTS_PER_CLIENT_PER_HOUR", defaults.new_sessions.max)?,
            count("CHECKOUTS_PER_CLIENT_PER_HOUR", defaults.checkouts.max)?,
            i64::try_from(count(
                "UNITS_HELD_PER_CLIENT",
                u64::try_from(defaults.units_held).unwrap_or(30),
            )?)
            .unwrap_or(i64::MAX),
        );

        Ok(Self {
            checkout,
            store_currency,
            store_name,
            store_email,
            store_address,
            trusted_proxies,
            limits,
            mail_retry,
            timeouts,
            smtp_url,
            mail_from,
            local_stripe,
            database_url: Secret::new(database_url),
            data_dir,
            site_addr,
            public_base_url,
            stripe,
            log_filter: var("RUST_LOG").unwrap_or_else(|| "info,sqlx=warn,sea_orm=warn".to_owned()),
        })
    }

    /// Whether the database is the built-in SQLite file, whose folder must exist.
    pub fn uses_default_sqlite(&self) -> bool {
        let url = self.database_url.expose();
        url.starts_with("sqlite://") && url.contains(&*self.data_dir.to_string_lossy())
    }
}

#[cfg(test)]
mod tests;
