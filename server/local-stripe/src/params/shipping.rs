//! The parts of `POST /v1/checkout/sessions` that ask Checkout to collect an
//! address and a phone number, offer shipping rates, calculate tax and take
//! promotion codes, checked as Stripe checks them.

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::error::ApiError;
use crate::ids;
use crate::objects::{Collect, EstimateBound, ShippingOptionRecord};

/// Stripe offers at most this many shipping options in one session.
pub const MAX_SHIPPING_OPTIONS: usize = 5;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressCollection {
    #[serde(default)]
    allowed_countries: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enabled {
    enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentCollection {
    terms_of_service: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippingOption {
    shipping_rate: Option<String>,
    shipping_rate_data: Option<RateData>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateData {
    display_name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    fixed_amount: Option<FixedAmount>,
    delivery_estimate: Option<Estimate>,
    tax_behavior: Option<String>,
    tax_code: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FixedAmount {
    amount: Option<i64>,
    currency: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Estimate {
    minimum: Option<Bound>,
    maximum: Option<Bound>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Bound {
    unit: Option<String>,
    value: Option<i64>,
}

/// The collection parameters of one request, as read.
pub struct Requested {
    pub address_collection: Option<AddressCollection>,
    pub phone: Option<Enabled>,
    pub automatic_tax: Option<Enabled>,
    pub allow_promotion_codes: Option<bool>,
    pub consent: Option<ConsentCollection>,
}

/// What the session collects, or Stripe's error for the first problem.
pub fn collect(requested: Requested) -> Result<Collect, ApiError> {
    let shipping_countries = match requested.address_collection {
        None => None,
        Some(collection) => {
            let param = "shipping_address_collection[allowed_countries]";
            if collection.allowed_countries.is_empty() {
                return Err(ApiError::missing(param));
            }
            if let Some(bad) = collection
                .allowed_countries
                .iter()
                .find(|c| !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())))
            {
                return Err(ApiError::invalid_param(
                    param,
                    format!("Invalid {param}: {bad} is not a supported country code."),
                ));
            }
            Some(collection.allowed_countries)
        }
    };
    let enabled = |value: Option<Enabled>, name: &str| match value {
        None => Ok(false),
        Some(Enabled { enabled: None }) => Err(ApiError::missing(&format!("{name}[enabled]"))),
        Some(Enabled {
            enabled: Some(enabled),
        }) => Ok(enabled),
    };
    let terms_of_service = match requested.consent.and_then(|c| c.terms_of_service).as_deref() {
        None | Some("none") => false,
        Some("required") => true,
        Some(other) => {
            return Err(ApiError::invalid_param(
                "consent_collection[terms_of_service]",
                format!("Invalid consent_collection[terms_of_service]: must be one of none or required (got {other})."),
            ))
        }
    };
    Ok(Collect {
        terms_of_service,
        shipping_countries,
        phone: enabled(requested.phone, "phone_number_collection")?,
        automatic_tax: enabled(requested.automatic_tax, "automatic_tax")?,
        promotion_codes: requested.allow_promotion_codes.unwrap_or(false),
    })
}

/// The shipping rates `shipping_options` makes, in the session's currency.
pub fn options(
    options: Vec<ShippingOption>,
    currency: &str,
    collect: &Collect,
) -> Result<Vec<ShippingOptionRecord>, ApiError> {
    if options.is_empty() {
        return Ok(Vec::new());
    }
    if collect.shipping_countries.is_none() {
        return Err(ApiError::invalid_param(
            "shipping_options",
            "shipping_options can only be used with shipping_address_collection.",
        ));
    }
    if options.len() > MAX_SHIPPING_OPTIONS {
        return Err(ApiError::invalid_param(
            "shipping_options",
            format!("You may only specify up to {MAX_SHIPPING_OPTIONS} shipping options."),
        ));
    }
    options
        .into_iter()
        .enumerate()
        .map(|(index, option)| one_option(&format!("shipping_options[{index}]"), option, currency))
        .collect()
}

fn one_option(
    path: &str,
    option: ShippingOption,
    currency: &str,
) -> Result<ShippingOptionRecord, ApiError> {
    if let Some(rate) = option.shipping_rate {
        return Err(ApiError::no_such(
            "shipping rate",
            &rate,
            &format!("{path}[shipping_rate]"),
        ));
    }
    let path = format!("{path}[shipping_rate_data]");
    let data = option
        .shipping_rate_data
        .ok_or_else(|| ApiError::missing(&format!("{path} or shipping_rate")))?;
    let display_name = data
        .display_name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::missing(&format!("{path}[display_name]")))?;
    if display_name.chars().count() > 100 {
        return Err(ApiError::invalid_param(
            &format!("{path}[display_name]"),
            "display_name must be at most 100 characters.",
        ));
    }
    if data.kind.as_deref().is_some_and(|k| k != "fixed_amount") {
        return Err(ApiError::invalid_param(
            &format!("{path}[type]"),
            "Invalid type: must be fixed_amount.",
        ));
    }
    let fixed = data
        .fixed_amount
        .ok_or_else(|| ApiError::missing(&format!("{path}[fixed_amount]")))?;
    let amount = fixed
        .amount
        .ok_or_else(|| ApiError::missing(&format!("{path}[fixed_amount][amount]")))?;
    if amount < 0 {
        return Err(ApiError::invalid_integer(
            &format!("{path}[fixed_amount][amount]"),
            "This value must be greater than or equal to 0.",
        ));
    }
    let fixed_currency = fixed
        .currency
        .ok_or_else(|| ApiError::missing(&format!("{path}[fixed_amount][currency]")))?
        .to_ascii_lowercase();
    if fixed_currency != currency {
        return Err(ApiError::invalid_param(
            &format!("{path}[fixed_amount][currency]"),
            format!("The shipping rate's currency ({fixed_currency}) must match the session's currency ({currency})."),
        ));
    }
    let step = crate::pricing::step(currency);
    if amount % step != 0 {
        return Err(ApiError::invalid_integer(
            &format!("{path}[fixed_amount][amount]"),
            format!(
                "Amounts in {} must be a multiple of {step}.",
                currency.to_ascii_uppercase()
            ),
        ));
    }
    let tax_behavior = super::session::tax_behavior(&path, data.tax_behavior)?;
    let _ = data.tax_code;
    let (minimum, maximum) = match data.delivery_estimate {
        None => (None, None),
        Some(estimate) => (
            bound(
                &format!("{path}[delivery_estimate][minimum]"),
                estimate.minimum,
            )?,
            bound(
                &format!("{path}[delivery_estimate][maximum]"),
                estimate.maximum,
            )?,
        ),
    };
    super::session::checked_metadata(&format!("{path}[metadata]"), data.metadata.clone())?;
    Ok(ShippingOptionRecord {
        id: ids::shipping_rate(),
        display_name,
        amount,
        currency: currency.to_owned(),
        minimum,
        maximum,
        tax_behavior,
        metadata: data.metadata,
    })
}

const UNITS: [&str; 5] = ["business_day", "day", "hour", "month", "week"];

fn bound(path: &str, bound: Option<Bound>) -> Result<Option<EstimateBound>, ApiError> {
    let Some(bound) = bound else { return Ok(None) };
    let unit = bound
        .unit
        .ok_or_else(|| ApiError::missing(&format!("{path}[unit]")))?;
    if !UNITS.contains(&unit.as_str()) {
        return Err(ApiError::invalid_param(
            &format!("{path}[unit]"),
            format!(
                "Invalid {path}[unit]: must be one of {} (got {unit}).",
                UNITS.join(", ")
            ),
        ));
    }
    let value = bound.value.filter(|v| *v > 0).ok_or_else(|| {
        ApiError::invalid_integer(
            &format!("{path}[value]"),
            "This value must be greater than 0.",
        )
    })?;
    Ok(Some(EstimateBound { unit, value }))
}
