//! The Stripe settings, and the one rule that keeps the local stand-in off the
//! internet: it runs only on a developer's machine, or when asked for by name.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use super::{invalid, ConfigError, Secret};

/// How the store reaches Stripe. With no secret key, the local stand-in is used.
#[derive(Clone, Debug, Default)]
pub struct StripeSettings {
    pub secret_key: Option<Secret>,
    /// One or more `whsec_...` signing secrets; several while a secret is rolled.
    pub webhook_secrets: Vec<Secret>,
}

impl StripeSettings {
    /// Whether payments are in Stripe's test mode (a test key or the stand-in):
    /// no real money moves, and every page says so.
    pub fn test_mode(&self) -> bool {
        self.secret_key
            .as_ref()
            .is_none_or(|key| key.expose().contains("_test_"))
    }
}

/// The local Stripe stand-in, used when no `STRIPE_SECRET_KEY` is set.
#[derive(Clone, Debug)]
pub struct LocalStripeSettings {
    /// The only secret key it accepts (`LOCAL_STRIPE_KEY`); the store presents it.
    pub api_key: Secret,
    /// Where `server local-stripe` listens when started on its own.
    pub addr: SocketAddr,
    /// Where it posts events; by default the store's own `/api/stripe`.
    pub webhook_url: Option<String>,
    /// The first retry of an undelivered event waits this long, then doubles.
    pub retry_first_delay: Duration,
    /// Delivery attempts per event before it is marked failed.
    pub retry_max_attempts: u32,
    /// The tax it charges for `automatic_tax` (`LOCAL_STRIPE_TAX_RATES`).
    pub tax_rates: local_stripe::pricing::TaxTable,
}

const NO_KEY: &str = "is not set, and this is not a developer's machine (the store listens beyond \
    loopback or PUBLIC_BASE_URL is not http://localhost): set STRIPE_SECRET_KEY and \
    STRIPE_WEBHOOK_SECRET, or LOCAL_STRIPE=on to take test payments on the local stand-in";

/// Reads `STRIPE_*` and `LOCAL_STRIPE*`. `site_addr` and `public_base_url` decide
/// whether the stand-in may run when there is no key.
pub(super) fn read(
    var: &impl Fn(&str) -> Option<String>,
    site_addr: SocketAddr,
    public_base_url: &str,
) -> Result<(StripeSettings, LocalStripeSettings), ConfigError> {
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
    let asked_for_stand_in = match var("LOCAL_STRIPE").as_deref() {
        Some("on") => Some(true),
        Some("off") => Some(false),
        Some(_) => return Err(invalid("LOCAL_STRIPE", "must be on or off")),
        None => None,
    };

    match (&secret_key, asked_for_stand_in) {
        (Some(_), Some(true)) => {
            return Err(invalid(
                "LOCAL_STRIPE",
                "is on, but STRIPE_SECRET_KEY is set too: unset one of them",
            ))
        }
        (Some(key), _) => {
            if key.expose().contains("_live_") && !public_base_url.starts_with("https://") {
                return Err(invalid(
                    "STRIPE_SECRET_KEY",
                    "is a live key, so PUBLIC_BASE_URL must be an https:// address",
                ));
            }
            if webhook_secrets.is_empty() {
                return Err(invalid(
                    "STRIPE_WEBHOOK_SECRET",
                    "must be set with a real STRIPE_SECRET_KEY: without it, payments that settle \
                     later never become orders and abandoned checkouts keep their stock",
                ));
            }
        }
        (None, Some(true)) => {}
        (None, Some(false)) => return Err(invalid("STRIPE_SECRET_KEY", NO_KEY)),
        (None, None) => {
            if !(site_addr.ip().is_loopback() && is_loopback_http(public_base_url)) {
                return Err(invalid("STRIPE_SECRET_KEY", NO_KEY));
            }
        }
    }

    let local = LocalStripeSettings {
        tax_rates: match var("LOCAL_STRIPE_TAX_RATES") {
            Some(text) => local_stripe::pricing::TaxTable::parse(&text)
                .map_err(|problem| invalid("LOCAL_STRIPE_TAX_RATES", problem))?,
            None => local_stripe::pricing::TaxTable::default(),
        },
        api_key: match var("LOCAL_STRIPE_KEY") {
            Some(key)
                if key.starts_with("sk_test_")
                    && key.len() > 12
                    && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                Secret::new(key)
            }
            Some(_) => {
                return Err(invalid(
                    "LOCAL_STRIPE_KEY",
                    "must be a test key made of letters, digits and _, like sk_test_my_machine",
                ))
            }
            None => Secret::new(local_stripe::DEFAULT_API_KEY),
        },
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
        retry_first_delay: Duration::from_millis(match var("LOCAL_STRIPE_RETRY_FIRST_MS") {
            Some(ms) => ms.parse().map_err(|_| {
                invalid(
                    "LOCAL_STRIPE_RETRY_FIRST_MS",
                    "must be a whole number of milliseconds",
                )
            })?,
            None => 2_000,
        }),
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
    Ok((
        StripeSettings {
            secret_key,
            webhook_secrets,
        },
        local,
    ))
}

/// Whether `url` is plain http to this machine: `localhost`, `127.0.0.0/8` or `[::1]`.
fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback_http;

    #[test]
    fn only_plain_http_to_this_machine_counts_as_loopback() {
        for url in [
            "http://127.0.0.1:3000",
            "http://localhost:3000/",
            "http://[::1]:8080",
            "http://127.1.2.3",
        ] {
            assert!(is_loopback_http(url), "{url}");
        }
        for url in [
            "https://127.0.0.1:3000",
            "http://shop.example.com",
            "http://localhost.example.com",
            "http://127.0.0.1@evil.example.com",
            "http://10.0.0.5:3000",
            "http://[2001:db8::1]:80",
        ] {
            assert!(!is_loopback_http(url), "{url}");
        }
    }
}
