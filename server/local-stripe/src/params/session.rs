//! `POST /v1/checkout/sessions`: the parameters Shopfront sends, checked as
//! Stripe checks them, and the session they ask for.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::child;
use crate::error::ApiError;
use crate::form::Param;
use crate::ids;
use crate::objects::{looks_like_email, LineRecord, SessionRecord, SessionStatus};

/// Stripe refuses more line items than this in one session.
pub const MAX_LINE_ITEMS: usize = 100;
/// Stripe's ceiling for one charge: 99,999,999 minor units ($999,999.99).
pub const MAX_AMOUNT: i64 = 99_999_999;
/// Sessions live 24 hours unless `expires_at` says less (at least 30 minutes).
pub const DEFAULT_LIFETIME_SECS: i64 = 24 * 60 * 60;
pub const MIN_LIFETIME_SECS: i64 = 30 * 60;

/// Currencies Stripe accepts for card payments.
const CURRENCIES: &[&str] = &[
    "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd",
    "bdt", "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad",
    "cdf", "chf", "clp", "cny", "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp",
    "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl",
    "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf",
    "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd",
    "mmk", "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok",
    "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd",
    "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std", "szl",
    "thb", "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "uyu", "uzs", "vnd",
    "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw",
];

/// Locales Checkout shows its page in.
const LOCALES: &[&str] = &[
    "auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr",
    "fr-CA", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt",
    "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
];

/// The body of `POST /v1/checkout/sessions`, as far as the stand-in takes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    mode: Option<String>,
    line_items: Option<Vec<LineItem>>,
    success_url: Option<String>,
    cancel_url: Option<String>,
    client_reference_id: Option<String>,
    customer_email: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
    payment_intent_data: Option<PaymentIntentData>,
    expires_at: Option<i64>,
    locale: Option<String>,
    payment_method_types: Option<Vec<String>>,
    shipping_address_collection: Option<super::shipping::AddressCollection>,
    #[serde(default)]
    shipping_options: Vec<super::shipping::ShippingOption>,
    phone_number_collection: Option<super::shipping::Enabled>,
    automatic_tax: Option<super::shipping::Enabled>,
    allow_promotion_codes: Option<bool>,
    consent_collection: Option<super::shipping::ConsentCollection>,
    /// Read by [`super::Expand`]; named here so it is not refused.
    #[serde(default, rename = "expand")]
    _expand: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineItem {
    price: Option<String>,
    price_data: Option<PriceData>,
    quantity: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceData {
    currency: Option<String>,
    unit_amount: Option<i64>,
    unit_amount_decimal: Option<String>,
    product_data: Option<ProductData>,
    tax_behavior: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductData {
    name: Option<String>,
    description: Option<String>,
    #[serde(default)]
    images: Vec<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentIntentData {
    #[serde(default)]
    metadata: BTreeMap<String, String>,
    description: Option<String>,
    #[serde(rename = "receipt_email")]
    _receipt_email: Option<String>,
}

/// A line as it will be charged, and its currency.
struct Priced {
    line: LineRecord,
    currency: String,
}

/// Checks a `POST /v1/checkout/sessions` request and builds the session it asks for.
pub fn new_session(params: &BTreeMap<String, Param>, now: i64) -> Result<SessionRecord, ApiError> {
    let request: CreateSession = super::read(params)?;
    check_mode(request.mode.as_deref())?;
    let success_url =
        url("success_url", request.success_url)?.ok_or_else(|| ApiError::missing("success_url"))?;
    let cancel_url = url("cancel_url", request.cancel_url)?;
    check_payment_method_types(request.payment_method_types.as_deref())?;
    let (currency, line_items, amount_subtotal) = read_lines(request.line_items)?;
    let collect = super::shipping::collect(super::shipping::Requested {
        address_collection: request.shipping_address_collection,
        phone: request.phone_number_collection,
        automatic_tax: request.automatic_tax,
        allow_promotion_codes: request.allow_promotion_codes,
        consent: request.consent_collection,
    })?;
    if collect.automatic_tax {
        if let Some(index) = line_items.iter().position(|l| l.tax_behavior.is_none()) {
            return Err(ApiError::invalid_param(
                &format!("line_items[{index}][price_data][tax_behavior]"),
                "With automatic_tax enabled, each price needs a tax_behavior of exclusive or inclusive.",
            ));
        }
    }
    let shipping_options = super::shipping::options(request.shipping_options, &currency, &collect)?;
    let expires_at = expiry(request.expires_at, now)?;
    let client_reference_id = non_empty(request.client_reference_id);
    if client_reference_id
        .as_ref()
        .is_some_and(|v| v.chars().count() > 200)
    {
        return Err(ApiError::invalid_param(
            "client_reference_id",
            "client_reference_id must be at most 200 characters.",
        ));
    }
    let customer_email = non_empty(request.customer_email);
    if customer_email
        .as_ref()
        .is_some_and(|e| !looks_like_email(e))
    {
        return Err(ApiError::invalid_param(
            "customer_email",
            "Invalid email address",
        ));
    }
    let locale = non_empty(request.locale);
    if let Some(locale) = &locale {
        if !LOCALES.contains(&locale.as_str()) {
            return Err(ApiError::invalid_param(
                "locale",
                format!("Invalid locale: {locale}"),
            ));
        }
    }
    let metadata = checked_metadata("metadata", request.metadata)?;
    let (payment_intent_metadata, payment_intent_description) = match request.payment_intent_data {
        None => (BTreeMap::new(), None),
        Some(data) => (
            checked_metadata("payment_intent_data[metadata]", data.metadata)?,
            data.description,
        ),
    };

    Ok(SessionRecord {
        id: ids::checkout_session(),
        created: now,
        expires_at,
        status: SessionStatus::Open,
        paid: false,
        currency,
        amount_subtotal,
        line_items,
        success_url,
        cancel_url,
        client_reference_id,
        customer_email,
        metadata,
        payment_intent_metadata,
        payment_intent_description,
        locale,
        payment_intent: None,
        paid_email: None,
        paid_name: None,
        pending_authentication: None,
        collect,
        shipping_options,
        settled: None,
    })
}

/// `tax_behavior`: `exclusive` or `inclusive` (`unspecified` is as good as none).
pub(super) fn tax_behavior(path: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    match value.as_deref() {
        None | Some("unspecified") => Ok(None),
        Some("exclusive" | "inclusive") => Ok(value),
        Some(other) => Err(ApiError::invalid_param(
            &format!("{path}[tax_behavior]"),
            format!("Invalid {path}[tax_behavior]: must be one of exclusive, inclusive, or unspecified (got {other})."),
        )),
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn check_mode(mode: Option<&str>) -> Result<(), ApiError> {
    match mode {
        None | Some("") => Err(ApiError::missing("mode")),
        Some("payment") => Ok(()),
        Some("subscription" | "setup") => Err(ApiError::invalid_param(
            "mode",
            "The local Stripe supports mode=payment only.",
        )),
        Some(other) => Err(ApiError::invalid_param(
            "mode",
            format!("Invalid mode: must be one of payment, setup, or subscription (got {other})."),
        )),
    }
}

fn check_payment_method_types(types: Option<&[String]>) -> Result<(), ApiError> {
    if types.is_some_and(|types| types.iter().any(|t| t != "card")) {
        return Err(ApiError::invalid_param(
            "payment_method_types",
            "The local Stripe takes card payments only.",
        ));
    }
    Ok(())
}

/// An absolute http(s) URL of at most 5,000 characters.
fn url(key: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        None => Ok(None),
        Some(value) if value.starts_with("http://") || value.starts_with("https://") => {
            if value.len() > 5000 {
                return Err(ApiError::invalid_param(
                    key,
                    format!("{key} must be at most 5000 characters."),
                ));
            }
            Ok(Some(value))
        }
        Some(_) => Err(ApiError::invalid_param(key, "Not a valid URL")),
    }
}

/// Metadata: at most 50 keys of up to 40 characters, values up to 500.
pub(crate) fn checked_metadata(
    path: &str,
    entries: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ApiError> {
    if entries.len() > 50 {
        return Err(ApiError::invalid_param(
            path,
            "Metadata can have at most 50 keys.",
        ));
    }
    for (name, value) in &entries {
        let item = child(path, name);
        if name.chars().count() > 40 {
            return Err(ApiError::invalid_param(
                &item,
                "Metadata keys can be at most 40 characters long.",
            ));
        }
        if value.chars().count() > 500 {
            return Err(ApiError::invalid_param(
                &item,
                "Metadata values can be at most 500 characters long.",
            ));
        }
    }
    Ok(entries)
}

/// `expires_at`: 30 minutes to 24 hours out, 24 hours when absent.
fn expiry(expires_at: Option<i64>, now: i64) -> Result<i64, ApiError> {
    match expires_at {
        None => Ok(now + DEFAULT_LIFETIME_SECS),
        Some(at) if at < now + MIN_LIFETIME_SECS => Err(ApiError::invalid_integer(
            "expires_at",
            "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
        )),
        Some(at) if at > now + DEFAULT_LIFETIME_SECS => Err(ApiError::invalid_integer(
            "expires_at",
            "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
        )),
        Some(at) => Ok(at),
    }
}

/// The lines in one currency, and their total, within Stripe's limits.
fn read_lines(lines: Option<Vec<LineItem>>) -> Result<(String, Vec<LineRecord>, i64), ApiError> {
    let lines = lines
        .filter(|lines| !lines.is_empty())
        .ok_or_else(|| ApiError::missing("line_items"))?;
    if lines.len() > MAX_LINE_ITEMS {
        return Err(ApiError::invalid_param(
            "line_items",
            format!(
                "You may only specify up to {MAX_LINE_ITEMS} line items. You passed {}.",
                lines.len()
            ),
        ));
    }
    let mut currency: Option<String> = None;
    let mut records = Vec::with_capacity(lines.len());
    let mut total: i64 = 0;
    for (index, line) in lines.into_iter().enumerate() {
        let path = format!("line_items[{index}]");
        let Priced {
            line,
            currency: line_currency,
        } = read_line(&path, line)?;
        match &currency {
            Some(first) if *first != line_currency => {
                return Err(ApiError::invalid_param(
                    &format!("{path}[price_data][currency]"),
                    "All line items must use the same currency.",
                ))
            }
            Some(_) => {}
            None => currency = Some(line_currency),
        }
        total = total
            .checked_add(line.amount())
            .filter(|total| *total <= MAX_AMOUNT)
            .ok_or_else(|| ApiError::invalid_param("line_items", "The total of all line items must be no more than 99999999 in the smallest currency unit."))?;
        records.push(line);
    }
    Ok((currency.unwrap_or_else(|| "usd".into()), records, total))
}

/// One line item with an ad-hoc price (`price_data`); saved prices are not kept
/// by the stand-in, so a `price` id names nothing.
fn read_line(path: &str, line: LineItem) -> Result<Priced, ApiError> {
    if let Some(price) = line.price {
        return Err(ApiError::no_such(
            "price",
            &price,
            &format!("{path}[price]"),
        ));
    }
    let price_path = format!("{path}[price_data]");
    let price = line
        .price_data
        .ok_or_else(|| ApiError::missing(&format!("{path}[price] or {price_path}")))?;

    let currency_path = format!("{price_path}[currency]");
    let currency = non_empty(price.currency)
        .ok_or_else(|| ApiError::missing(&currency_path))?
        .to_ascii_lowercase();
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(ApiError::invalid_param(
            &currency_path,
            format!(
                "Invalid currency: {currency}. Stripe currently supports these currencies: {}",
                CURRENCIES.join(", ")
            ),
        ));
    }

    let amount_path = format!("{price_path}[unit_amount]");
    let unit_amount = match (price.unit_amount, price.unit_amount_decimal) {
        (Some(amount), _) => amount,
        (None, Some(decimal)) => decimal.parse::<i64>().map_err(|_| {
            ApiError::invalid_param(
                &format!("{price_path}[unit_amount_decimal]"),
                "The local Stripe takes whole-number unit_amount_decimal values only.",
            )
        })?,
        (None, None) => return Err(ApiError::missing(&amount_path)),
    };
    if unit_amount < 0 {
        return Err(ApiError::invalid_integer(
            &amount_path,
            "This value must be greater than or equal to 0.",
        ));
    }

    let product_path = format!("{price_path}[product_data]");
    let product = price
        .product_data
        .ok_or_else(|| ApiError::missing(&format!("{price_path}[product] or {product_path}")))?;
    let name = non_empty(product.name)
        .ok_or_else(|| ApiError::missing(&format!("{product_path}[name]")))?;
    let images_path = format!("{product_path}[images]");
    if product.images.len() > 8 {
        return Err(ApiError::invalid_param(
            &images_path,
            "A product can have at most 8 images.",
        ));
    }
    if product
        .images
        .iter()
        .any(|u| !(u.starts_with("http://") || u.starts_with("https://")))
    {
        return Err(ApiError::invalid_param(&images_path, "Not a valid URL"));
    }
    checked_metadata(&format!("{product_path}[metadata]"), product.metadata)?;
    let tax_behavior = tax_behavior(&price_path, price.tax_behavior)?;
    let step = crate::pricing::step(&currency);
    if unit_amount % step != 0 {
        return Err(ApiError::invalid_integer(
            &amount_path,
            format!(
                "Amounts in {} must be a multiple of {step}.",
                currency.to_ascii_uppercase()
            ),
        ));
    }

    let quantity_path = format!("{path}[quantity]");
    let quantity = line
        .quantity
        .ok_or_else(|| ApiError::missing(&quantity_path))?;
    if quantity < 1 {
        return Err(ApiError::invalid_integer(
            &quantity_path,
            "This value must be greater than or equal to 1.",
        ));
    }
    if quantity > 999_999 {
        return Err(ApiError::invalid_integer(
            &quantity_path,
            "This value must be less than or equal to 999999.",
        ));
    }
    if unit_amount
        .checked_mul(quantity)
        .is_none_or(|amount| amount > MAX_AMOUNT)
    {
        return Err(ApiError::invalid_integer(
            &amount_path,
            "Amount must be no more than 99999999 in the smallest currency unit.",
        ));
    }
    Ok(Priced {
        line: LineRecord {
            id: ids::line_item(),
            price_id: ids::price(),
            product_id: ids::product(),
            name,
            description: non_empty(product.description),
            images: product.images,
            unit_amount,
            quantity,
            tax_behavior,
        },
        currency,
    })
}
