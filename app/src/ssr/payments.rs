//! The store's Stripe client: async-stripe pointed at Stripe, or at the local
//! stand-in when the store runs without keys. Nothing else in the store knows
//! which one it is talking to.

use std::time::Duration;

/// How long a Checkout Session stays payable, and so how long its stock stays
/// reserved. Stripe allows 30 minutes to 24 hours; a few minutes over the minimum
/// leaves room for the clocks of the store and Stripe to differ.
pub const SESSION_LIFETIME_SECS: i64 = 35 * 60;

/// A Stripe client that can be shared by every request.
#[derive(Clone)]
pub struct Payments {
    client: stripe::Client,
    /// Whether this is the local stand-in (for the logs and the README's promise
    /// that no money moves).
    pub local: bool,
    /// Whether payments are in Stripe's test mode (a test key or the stand-in):
    /// every page then shows the "Test mode" banner.
    pub test_mode: bool,
}

impl std::fmt::Debug for Payments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payments")
            .field("local", &self.local)
            .field("test_mode", &self.test_mode)
            .finish()
    }
}

impl Payments {
    /// A client for `secret_key`, at `api_base` (without `/v1`) or at Stripe.
    pub fn new(secret_key: &str, api_base: Option<&str>) -> Result<Self, stripe::StripeError> {
        let mut builder = stripe::ClientBuilder::new(secret_key)
            .timeout(Duration::from_secs(20))
            .app_info(
                "Shopfront",
                Some(env!("CARGO_PKG_VERSION").to_owned()),
                None,
            );
        if let Some(base) = api_base {
            builder = builder.url(base);
        }
        let client = builder.build()?;
        Ok(Self {
            client,
            local: api_base.is_some(),
            test_mode: api_base.is_some() || secret_key.contains("_test_"),
        })
    }

    pub fn client(&self) -> &stripe::Client {
        &self.client
    }
}
