//! Shopfront's settings: one typed struct, read once from the environment.
//!
//! `.env.example` lists every variable. A malformed value stops start-up with one
//! line that names the variable.

use std::net::SocketAddr;
use std::path::PathBuf;

/// A secret value (an API key, a signing secret) that never prints itself: the
/// local Stripe's type, which the store's settings use too.
pub use local_stripe::Secret;

/// How the store reaches Stripe. With no secret key, the local stand-in is used.
#[derive(Clone, Debug, Default)]
pub struct StripeSettings {
    pub secret_key: Option<Secret>,
    /// One or more `whsec_...` signing secrets; several while a secret is rolled.
    pub webhook_secrets: Vec<Secret>,
}

/// The local Stripe stand-in, used when no `STRIPE_SECRET_KEY` is set.
#[derive(Clone, Debug)]
pub struct LocalStripeSettings {
    /// Where `server local-stripe` listens when started on its own.
    pub addr: SocketAddr,
    /// Where it posts events; by default the store's own `/api/stripe`.
    pub webhook_url: Option<String>,
    /// The first retry of an undelivered event waits this long, then doubles.
    pub retry_first_delay: std::time::Duration,
    /// Delivery attempts per event before it is marked failed.
    pub retry_max_attempts: u32,
}

/// Everything the server reads from its environment.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the data lives: PostgreSQL or SQLite. Defaults to a SQLite file in `data_dir`.
    pub database_url: String,
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
    pub log_filter: String,
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

        let secret_key = match var("STRIPE_SECRET_KEY") {
            Some(key)
                if ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
                    .iter()
                    .any(|p| key.starts_with(p)) =>
            {
                Some(Secret::new(key))
            }
            Some(_) => {
                return Err(invalid(
                    "STRIPE_SECRET_KEY",
                    "must be a Stripe secret key (sk_test_... or sk_live_...)",
                ))
            }
            None => None,
        };
        if secret_key
            .as_ref()
            .is_some_and(|k| k.expose().contains("_live_"))
            && !public_base_url.starts_with("https://")
        {
            return Err(invalid(
                "STRIPE_SECRET_KEY",
                "is a live key, so PUBLIC_BASE_URL must be an https:// address",
            ));
        }
        let webhook_secrets = match var("STRIPE_WEBHOOK_SECRET") {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .map(|secret| {
                    if secret.starts_with("whsec_") && secret.len() > "whsec_".len() {
                        Ok(Secret::new(secret))
                    } else {
                        Err(invalid(
                            "STRIPE_WEBHOOK_SECRET",
                            "must be one or more whsec_... secrets separated by commas",
                        ))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };

        let local_stripe = LocalStripeSettings {
            addr: var("LOCAL_STRIPE_ADDR")
                .unwrap_or_else(|| "127.0.0.1:12111".to_owned())
                .parse()
                .map_err(|_| {
                    invalid(
                        "LOCAL_STRIPE_ADDR",
                        "must be an address and port, like 127.0.0.1:12111",
                    )
                })?,
            webhook_url: match var("LOCAL_STRIPE_WEBHOOK_URL") {
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => Some(url),
                Some(_) => {
                    return Err(invalid(
                        "LOCAL_STRIPE_WEBHOOK_URL",
                        "must start with http:// or https://",
                    ))
                }
                None => None,
            },
            retry_first_delay: std::time::Duration::from_millis(
                match var("LOCAL_STRIPE_RETRY_FIRST_MS") {
                    Some(ms) => ms.parse().map_err(|_| {
                        invalid(
                            "LOCAL_STRIPE_RETRY_FIRST_MS",
                            "must be a whole number of milliseconds",
                        )
                    })?,
                    None => 2_000,
                },
            ),
            retry_max_attempts: match var("LOCAL_STRIPE_RETRY_MAX_ATTEMPTS") {
                Some(n) => n.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    invalid(
                        "LOCAL_STRIPE_RETRY_MAX_ATTEMPTS",
                        "must be a whole number, 1 or more",
                    )
                })?,
                None => 12,
            },
        };

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

        Ok(Self {
            smtp_url,
            mail_from,
            local_stripe,
            database_url,
            data_dir,
            site_addr,
            public_base_url,
            stripe: StripeSettings {
                secret_key,
                webhook_secrets,
            },
            log_filter: var("RUST_LOG").unwrap_or_else(|| "info,sqlx=warn,sea_orm=warn".to_owned()),
        })
    }

    /// Whether the database is the built-in SQLite file, whose folder must exist.
    pub fn uses_default_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite://")
            && self
                .database_url
                .contains(&*self.data_dir.to_string_lossy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_run_on_a_sqlite_file_and_the_local_stripe() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database_url, "sqlite://data/shopfront.db?mode=rwc");
        assert_eq!(s.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.public_base_url, "http://127.0.0.1:3000");
        assert!(s.stripe.secret_key.is_none());
        assert!(s.stripe.webhook_secrets.is_empty());
        assert!(s.uses_default_sqlite());
    }

    #[test]
    fn reads_postgres_and_several_webhook_secrets() {
        let s = settings(&[
            ("DATABASE_URL", "postgres://shop:pw@localhost/shop"),
            ("PUBLIC_BASE_URL", "https://shop.example.com/"),
            ("STRIPE_SECRET_KEY", "sk_test_123"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_new, whsec_old"),
        ])
        .unwrap();
        assert_eq!(s.database_url, "postgres://shop:pw@localhost/shop");
        assert_eq!(s.public_base_url, "https://shop.example.com");
        assert_eq!(
            s.stripe.webhook_secrets,
            vec![Secret::new("whsec_new"), Secret::new("whsec_old")]
        );
        assert!(!s.uses_default_sqlite());
    }

    #[test]
    fn each_malformed_value_names_its_variable() {
        let cases = [
            ("DATABASE_URL", "mysql://x"),
            ("LEPTOS_SITE_ADDR", "localhost"),
            ("PUBLIC_BASE_URL", "shop.example.com"),
            ("STRIPE_SECRET_KEY", "pk_test_123"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_ok,not-a-secret"),
            ("LOCAL_STRIPE_ADDR", "nowhere"),
            ("LOCAL_STRIPE_WEBHOOK_URL", "localhost:3000/api/stripe"),
            ("LOCAL_STRIPE_RETRY_FIRST_MS", "soon"),
            ("LOCAL_STRIPE_RETRY_MAX_ATTEMPTS", "0"),
            ("SMTP_URL", "mail.example.com"),
        ];
        for (variable, value) in cases {
            let err = settings(&[(variable, value)]).unwrap_err();
            assert_eq!(err.variable, variable);
            assert!(err.to_string().starts_with(variable), "{err}");
            assert!(!err.to_string().contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn a_live_key_needs_an_https_address() {
        let err = settings(&[("STRIPE_SECRET_KEY", "sk_live_abc")]).unwrap_err();
        assert_eq!(err.variable, "STRIPE_SECRET_KEY");
        assert!(settings(&[
            ("STRIPE_SECRET_KEY", "sk_live_abc"),
            ("PUBLIC_BASE_URL", "https://shop.example.com")
        ])
        .is_ok());
    }

    #[test]
    fn secrets_never_print() {
        let s = settings(&[
            ("STRIPE_SECRET_KEY", "sk_test_topsecret"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_hidden"),
        ])
        .unwrap();
        let printed = format!("{s:?}");
        assert!(
            !printed.contains("topsecret") && !printed.contains("hidden"),
            "{printed}"
        );
    }
}
