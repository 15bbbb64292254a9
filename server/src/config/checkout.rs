//! `SHIPPING_COUNTRIES`, `COLLECT_PHONE` and `AUTOMATIC_TAX`: what Stripe
//! Checkout collects and calculates for the store.

use app::ssr::services::checkout::options::{CheckoutOptions, DEFAULT_SHIPPING_COUNTRIES};

use super::{invalid, ConfigError};

/// Reads the checkout settings. Tax is calculated by default only with the
/// local Stripe, so a newcomer sees the whole flow; with real keys it needs
/// Stripe Tax set up on the account, so the owner turns it on.
pub(super) fn read(
    var: &impl Fn(&str) -> Option<String>,
    local_stripe: bool,
) -> Result<CheckoutOptions, ConfigError> {
    let switch = |name: &'static str, default: bool| match var(name).as_deref() {
        None => Ok(default),
        Some("on" | "true" | "1") => Ok(true),
        Some("off" | "false" | "0") => Ok(false),
        Some(_) => Err(invalid(name, "must be on or off")),
    };
    let shipping_countries = match var("SHIPPING_COUNTRIES") {
        None => DEFAULT_SHIPPING_COUNTRIES
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
        Some(list) => {
            let countries: Vec<String> = list
                .split(',')
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .collect();
            if countries.is_empty()
                || countries
                    .iter()
                    .any(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()))
            {
                return Err(invalid(
                    "SHIPPING_COUNTRIES",
                    "must be two-letter country codes separated by commas, like US, CA, GB",
                ));
            }
            countries
        }
    };
    Ok(CheckoutOptions {
        shipping_countries: shipping_countries.into(),
        collect_phone: switch("COLLECT_PHONE", false)?,
        automatic_tax: switch("AUTOMATIC_TAX", local_stripe)?,
        terms_of_service: match var("TERMS_OF_SERVICE").as_deref() {
            None | Some("none") => false,
            Some("required") => true,
            Some(_) => return Err(invalid("TERMS_OF_SERVICE", "must be required or none")),
        },
    })
}

/// `STORE_CURRENCY`: the one currency the store sells in (default USD).
pub(super) fn store_currency(
    var: &impl Fn(&str) -> Option<String>,
) -> Result<app::types::Currency, ConfigError> {
    use app::types::Currency;
    match var("STORE_CURRENCY") {
        None => Ok(Currency::Usd),
        Some(code) => Currency::from_code(&code).ok_or_else(|| {
            let known: Vec<&str> = Currency::ALL.iter().map(|c| c.code()).collect();
            invalid(
                "STORE_CURRENCY",
                format!("must be one of {}", known.join(", ")),
            )
        }),
    }
}
