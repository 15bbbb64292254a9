//! The objects the stand-in keeps, and how they render as Stripe's JSON.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::error::ApiError;
use super::form::Param;
use super::ids;

/// The API version events are rendered at (the one async-stripe is built for).
pub const API_VERSION: &str = "2026-09-30.endive";

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Open,
    Complete,
    Expired,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Complete => "complete",
            Self::Expired => "expired",
        }
    }
}

/// One line of a session, with the ids Stripe gives the ad-hoc price and product.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LineRecord {
    pub id: String,
    pub price_id: String,
    pub product_id: String,
    pub name: String,
    pub description: Option<String>,
    pub images: Vec<String>,
    pub unit_amount: i64,
    pub quantity: i64,
}

impl LineRecord {
    pub fn amount(&self) -> i64 {
        self.unit_amount * self.quantity
    }
}

/// A card payment that is waiting for the shopper to pass 3-D Secure.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingAuthentication {
    pub email: String,
    pub name: Option<String>,
    pub last4: String,
}

/// A Checkout Session as the stand-in stores it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionRecord {
    pub id: String,
    pub created: i64,
    pub expires_at: i64,
    pub status: SessionStatus,
    pub paid: bool,
    pub currency: String,
    pub amount_total: i64,
    pub line_items: Vec<LineRecord>,
    pub success_url: String,
    pub cancel_url: Option<String>,
    pub client_reference_id: Option<String>,
    pub customer_email: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub payment_intent_metadata: BTreeMap<String, String>,
    pub payment_intent_description: Option<String>,
    pub locale: Option<String>,
    pub payment_intent: Option<String>,
    /// The email and name the shopper paid with.
    pub paid_email: Option<String>,
    pub paid_name: Option<String>,
    pub pending_authentication: Option<PendingAuthentication>,
}

/// A PaymentIntent as the stand-in stores it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PaymentIntentRecord {
    pub id: String,
    pub created: i64,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub metadata: BTreeMap<String, String>,
    pub description: Option<String>,
    pub client_secret: String,
    pub last_payment_error: Option<Value>,
    pub latest_charge: Option<String>,
    pub payment_method: Option<String>,
    pub receipt_email: Option<String>,
    pub canceled_at: Option<i64>,
}

impl PaymentIntentRecord {
    pub fn new(session: &SessionRecord, now: i64) -> Self {
        let id = ids::payment_intent();
        Self {
            client_secret: ids::client_secret(&id),
            id,
            created: now,
            amount: session.amount_total,
            currency: session.currency.clone(),
            status: "requires_payment_method".into(),
            metadata: session.payment_intent_metadata.clone(),
            description: session.payment_intent_description.clone(),
            last_payment_error: None,
            latest_charge: None,
            payment_method: None,
            receipt_email: None,
            canceled_at: None,
        }
    }
}

/// Which related objects a response should embed instead of naming by id.
#[derive(Clone, Copy, Debug, Default)]
pub struct Expand {
    pub line_items: bool,
    pub payment_intent: bool,
}

impl Expand {
    /// Reads `expand[]` from the request's parameters.
    pub fn from_params(params: &BTreeMap<String, Param>) -> Result<Self, ApiError> {
        let mut expand = Self::default();
        let Some(list) = params.get("expand") else {
            return Ok(expand);
        };
        let items = list
            .as_list()
            .ok_or_else(|| ApiError::invalid_param("expand", "Invalid array: expand"))?;
        for item in items {
            match item.as_str() {
                Some("line_items") => expand.line_items = true,
                Some("payment_intent") => expand.payment_intent = true,
                Some(other) => {
                    return Err(ApiError::invalid_param(
                        "expand",
                        format!(
                            "This property cannot be expanded ({other}). The local Stripe expands line_items and payment_intent."
                        ),
                    ))
                }
                None => return Err(ApiError::invalid_param("expand", "Invalid array: expand")),
            }
        }
        Ok(expand)
    }
}

fn text<'a>(
    params: &'a BTreeMap<String, Param>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, ApiError> {
    match params.get(key) {
        None => Ok(None),
        Some(Param::Value(value)) => Ok(Some(value.as_str())),
        Some(Param::Map(_)) => Err(ApiError::invalid_param(
            path,
            format!("Invalid string: {path} must be a string, not a hash."),
        )),
    }
}

fn required_text<'a>(
    params: &'a BTreeMap<String, Param>,
    key: &str,
    path: &str,
) -> Result<&'a str, ApiError> {
    match text(params, key, path)? {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(ApiError::missing(path)),
    }
}

fn integer(
    params: &BTreeMap<String, Param>,
    key: &str,
    path: &str,
) -> Result<Option<i64>, ApiError> {
    match text(params, key, path)? {
        None => Ok(None),
        Some(value) => value
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::invalid_integer(path, format!("Invalid integer: {value}"))),
    }
}

fn map<'a>(
    params: &'a BTreeMap<String, Param>,
    key: &str,
    path: &str,
) -> Result<Option<&'a BTreeMap<String, Param>>, ApiError> {
    match params.get(key) {
        None => Ok(None),
        Some(Param::Map(children)) => Ok(Some(children)),
        // `metadata=` (empty) clears metadata in Stripe's API: nothing to store.
        Some(Param::Value(value)) if value.is_empty() => Ok(None),
        Some(Param::Value(_)) => Err(ApiError::invalid_param(
            path,
            format!("Invalid object: {path} must be a hash."),
        )),
    }
}

fn only_known(
    params: &BTreeMap<String, Param>,
    known: &[&str],
    prefix: &str,
) -> Result<(), ApiError> {
    match params.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) if prefix.is_empty() => Err(ApiError::unknown(key)),
        Some(key) => Err(ApiError::unknown(&format!("{prefix}[{key}]"))),
        None => Ok(()),
    }
}

/// Metadata: at most 50 keys of up to 40 characters, values up to 500.
fn read_metadata(
    params: &BTreeMap<String, Param>,
    key: &str,
    path: &str,
) -> Result<BTreeMap<String, String>, ApiError> {
    let Some(entries) = map(params, key, path)? else {
        return Ok(BTreeMap::new());
    };
    if entries.len() > 50 {
        return Err(ApiError::invalid_param(
            path,
            "Metadata can have at most 50 keys.",
        ));
    }
    entries
        .iter()
        .map(|(name, value)| {
            let item = format!("{path}[{name}]");
            let value = value.as_str().ok_or_else(|| {
                ApiError::invalid_param(&item, format!("Invalid string: {item} must be a string."))
            })?;
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
            Ok((name.clone(), value.to_owned()))
        })
        .collect()
}

fn url(params: &BTreeMap<String, Param>, key: &str) -> Result<Option<String>, ApiError> {
    match text(params, key, key)? {
        None => Ok(None),
        Some(value) if value.starts_with("http://") || value.starts_with("https://") => {
            if value.len() > 5000 {
                return Err(ApiError::invalid_param(
                    key,
                    format!("{key} must be at most 5000 characters."),
                ));
            }
            Ok(Some(value.to_owned()))
        }
        Some(_) => Err(ApiError::invalid_param(key, "Not a valid URL")),
    }
}

/// Checks a `POST /v1/checkout/sessions` request and builds the session it asks for.
pub fn new_session(params: &BTreeMap<String, Param>, now: i64) -> Result<SessionRecord, ApiError> {
    only_known(
        params,
        &[
            "mode",
            "line_items",
            "success_url",
            "cancel_url",
            "client_reference_id",
            "customer_email",
            "metadata",
            "payment_intent_data",
            "expires_at",
            "locale",
            "payment_method_types",
            "expand",
        ],
        "",
    )?;
    match text(params, "mode", "mode")? {
        None | Some("") => return Err(ApiError::missing("mode")),
        Some("payment") => {}
        Some("subscription" | "setup") => {
            return Err(ApiError::invalid_param(
                "mode",
                "The local Stripe supports mode=payment only.",
            ))
        }
        Some(other) => {
            return Err(ApiError::invalid_param(
                "mode",
                format!(
                    "Invalid mode: must be one of payment, setup, or subscription (got {other})."
                ),
            ))
        }
    }
    let success_url =
        url(params, "success_url")?.ok_or_else(|| ApiError::missing("success_url"))?;
    let cancel_url = url(params, "cancel_url")?;

    if let Some(types) = params.get("payment_method_types") {
        let types = types.as_list().ok_or_else(|| {
            ApiError::invalid_param(
                "payment_method_types",
                "Invalid array: payment_method_types",
            )
        })?;
        if types.iter().any(|t| t.as_str() != Some("card")) {
            return Err(ApiError::invalid_param(
                "payment_method_types",
                "The local Stripe takes card payments only.",
            ));
        }
    }

    let lines = match params.get("line_items") {
        None => return Err(ApiError::missing("line_items")),
        Some(Param::Value(value)) if value.is_empty() => {
            return Err(ApiError::missing("line_items"))
        }
        Some(param) => param
            .as_list()
            .ok_or_else(|| ApiError::invalid_param("line_items", "Invalid array: line_items"))?,
    };
    if lines.is_empty() {
        return Err(ApiError::missing("line_items"));
    }
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
    let mut line_items = Vec::with_capacity(lines.len());
    let mut amount_total: i64 = 0;
    for (index, line) in lines.into_iter().enumerate() {
        let path = format!("line_items[{index}]");
        let line = line
            .as_map()
            .ok_or_else(|| ApiError::invalid_param(&path, format!("Invalid object: {path}")))?;
        only_known(line, &["price_data", "quantity", "price"], &path)?;
        if line.contains_key("price") {
            let price = text(line, "price", &format!("{path}[price]"))?.unwrap_or_default();
            return Err(ApiError::no_such("price", price, &format!("{path}[price]")));
        }
        let price_path = format!("{path}[price_data]");
        let price_data = map(line, "price_data", &price_path)?
            .ok_or_else(|| ApiError::missing(&format!("{path}[price] or {price_path}")))?;
        only_known(
            price_data,
            &[
                "currency",
                "unit_amount",
                "product_data",
                "unit_amount_decimal",
            ],
            &price_path,
        )?;

        let currency_path = format!("{price_path}[currency]");
        let line_currency =
            required_text(price_data, "currency", &currency_path)?.to_ascii_lowercase();
        if !CURRENCIES.contains(&line_currency.as_str()) {
            return Err(ApiError::invalid_param(
                &currency_path,
                format!("Invalid currency: {line_currency}. Stripe currently supports these currencies: {}", CURRENCIES.join(", ")),
            ));
        }
        match &currency {
            Some(first) if *first != line_currency => {
                return Err(ApiError::invalid_param(
                    &currency_path,
                    "All line items must use the same currency.",
                ))
            }
            Some(_) => {}
            None => currency = Some(line_currency.clone()),
        }

        let amount_path = format!("{price_path}[unit_amount]");
        let unit_amount = match integer(price_data, "unit_amount", &amount_path)? {
            Some(amount) => amount,
            None => match text(
                price_data,
                "unit_amount_decimal",
                &format!("{price_path}[unit_amount_decimal]"),
            )? {
                Some(decimal) => decimal.parse::<i64>().map_err(|_| {
                    ApiError::invalid_param(
                        &format!("{price_path}[unit_amount_decimal]"),
                        "The local Stripe takes whole-number unit_amount_decimal values only.",
                    )
                })?,
                None => return Err(ApiError::missing(&amount_path)),
            },
        };
        if unit_amount < 0 {
            return Err(ApiError::invalid_integer(
                &amount_path,
                "This value must be greater than or equal to 0.",
            ));
        }

        let product_path = format!("{price_path}[product_data]");
        let product = map(price_data, "product_data", &product_path)?.ok_or_else(|| {
            ApiError::missing(&format!("{price_path}[product] or {product_path}"))
        })?;
        only_known(
            product,
            &["name", "description", "images", "metadata"],
            &product_path,
        )?;
        let name = required_text(product, "name", &format!("{product_path}[name]"))?.to_owned();
        let description = text(
            product,
            "description",
            &format!("{product_path}[description]"),
        )?
        .filter(|d| !d.is_empty())
        .map(str::to_owned);
        let images = match product.get("images") {
            None => Vec::new(),
            Some(images) => {
                let images_path = format!("{product_path}[images]");
                let list = images.as_list().ok_or_else(|| {
                    ApiError::invalid_param(&images_path, format!("Invalid array: {images_path}"))
                })?;
                if list.len() > 8 {
                    return Err(ApiError::invalid_param(
                        &images_path,
                        "A product can have at most 8 images.",
                    ));
                }
                list.into_iter()
                    .map(|image| {
                        image
                            .as_str()
                            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                            .map(str::to_owned)
                            .ok_or_else(|| ApiError::invalid_param(&images_path, "Not a valid URL"))
                    })
                    .collect::<Result<Vec<_>, _>>()?
            }
        };

        let quantity_path = format!("{path}[quantity]");
        let quantity = integer(line, "quantity", &quantity_path)?
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
        let line_amount = unit_amount
            .checked_mul(quantity)
            .filter(|amount| *amount <= MAX_AMOUNT)
            .ok_or_else(|| {
                ApiError::invalid_integer(
                    &amount_path,
                    "Amount must be no more than 99999999 in the smallest currency unit.",
                )
            })?;
        amount_total = amount_total
            .checked_add(line_amount)
            .filter(|total| *total <= MAX_AMOUNT)
            .ok_or_else(|| ApiError::invalid_param("line_items", "The total of all line items must be no more than 99999999 in the smallest currency unit."))?;

        line_items.push(LineRecord {
            id: ids::line_item(),
            price_id: ids::price(),
            product_id: ids::product(),
            name,
            description,
            images,
            unit_amount,
            quantity,
        });
    }

    let expires_at = match integer(params, "expires_at", "expires_at")? {
        None => now + DEFAULT_LIFETIME_SECS,
        Some(at) if at < now + MIN_LIFETIME_SECS => {
            return Err(ApiError::invalid_integer(
                "expires_at",
                "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
            ))
        }
        Some(at) if at > now + DEFAULT_LIFETIME_SECS => {
            return Err(ApiError::invalid_integer(
                "expires_at",
                "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
            ))
        }
        Some(at) => at,
    };

    let client_reference_id = text(params, "client_reference_id", "client_reference_id")?
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    if client_reference_id
        .as_ref()
        .is_some_and(|v| v.chars().count() > 200)
    {
        return Err(ApiError::invalid_param(
            "client_reference_id",
            "client_reference_id must be at most 200 characters.",
        ));
    }
    let customer_email = text(params, "customer_email", "customer_email")?
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    if customer_email
        .as_ref()
        .is_some_and(|e| !looks_like_email(e))
    {
        return Err(ApiError::invalid_param(
            "customer_email",
            "Invalid email address",
        ));
    }
    let locale = text(params, "locale", "locale")?
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    if let Some(locale) = &locale {
        if !LOCALES.contains(&locale.as_str()) {
            return Err(ApiError::invalid_param(
                "locale",
                format!("Invalid locale: {locale}"),
            ));
        }
    }
    let metadata = read_metadata(params, "metadata", "metadata")?;
    let (payment_intent_metadata, payment_intent_description) =
        match map(params, "payment_intent_data", "payment_intent_data")? {
            None => (BTreeMap::new(), None),
            Some(data) => {
                only_known(
                    data,
                    &["metadata", "description", "receipt_email"],
                    "payment_intent_data",
                )?;
                (
                    read_metadata(data, "metadata", "payment_intent_data[metadata]")?,
                    text(data, "description", "payment_intent_data[description]")?
                        .map(str::to_owned),
                )
            }
        };

    Ok(SessionRecord {
        id: ids::checkout_session(),
        created: now,
        expires_at,
        status: SessionStatus::Open,
        paid: false,
        currency: currency.unwrap_or_else(|| "usd".into()),
        amount_total,
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
    })
}

/// The loose check Checkout's own email field makes.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
        && email.len() <= 512
}

/// A line item as `GET .../line_items` and `expand[]=line_items` show it.
pub fn line_item_json(session: &SessionRecord, line: &LineRecord) -> Value {
    json!({
        "id": line.id,
        "object": "item",
        "amount_discount": 0,
        "amount_subtotal": line.amount(),
        "amount_tax": 0,
        "amount_total": line.amount(),
        "currency": session.currency,
        "description": line.name,
        "price": {
            "id": line.price_id,
            "object": "price",
            "active": false,
            "billing_scheme": "per_unit",
            "created": session.created,
            "currency": session.currency,
            "custom_unit_amount": null,
            "livemode": false,
            "lookup_key": null,
            "metadata": {},
            "nickname": null,
            "product": line.product_id,
            "recurring": null,
            "tax_behavior": "unspecified",
            "tiers_mode": null,
            "transform_quantity": null,
            "type": "one_time",
            "unit_amount": line.unit_amount,
            "unit_amount_decimal": line.unit_amount.to_string()
        },
        "quantity": line.quantity
    })
}

/// A page of line items as Stripe's list object.
pub fn line_items_list(session: &SessionRecord, lines: &[LineRecord], has_more: bool) -> Value {
    json!({
        "object": "list",
        "data": lines.iter().map(|line| line_item_json(session, line)).collect::<Vec<_>>(),
        "has_more": has_more,
        "url": format!("/v1/checkout/sessions/{}/line_items", session.id),
    })
}

/// The PaymentIntent as `GET /v1/payment_intents/{id}` shows it.
pub fn payment_intent_json(intent: &PaymentIntentRecord) -> Value {
    let succeeded = intent.status == "succeeded";
    json!({
        "id": intent.id,
        "object": "payment_intent",
        "amount": intent.amount,
        "amount_capturable": 0,
        "amount_details": { "tip": {} },
        "amount_received": if succeeded { intent.amount } else { 0 },
        "application": null,
        "application_fee_amount": null,
        "automatic_payment_methods": null,
        "canceled_at": intent.canceled_at,
        "cancellation_reason": if intent.canceled_at.is_some() { json!("abandoned") } else { Value::Null },
        "capture_method": "automatic",
        "client_secret": intent.client_secret,
        "confirmation_method": "automatic",
        "created": intent.created,
        "currency": intent.currency,
        "customer": null,
        "description": intent.description,
        "last_payment_error": intent.last_payment_error,
        "latest_charge": intent.latest_charge,
        "livemode": false,
        "metadata": intent.metadata,
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": intent.payment_method,
        "payment_method_configuration_details": null,
        "payment_method_options": {
            "card": {
                "installments": null,
                "mandate_options": null,
                "network": null,
                "request_three_d_secure": "automatic"
            }
        },
        "payment_method_types": ["card"],
        "processing": null,
        "receipt_email": intent.receipt_email,
        "review": null,
        "setup_future_usage": null,
        "shipping": null,
        "source": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": intent.status,
        "transfer_data": null,
        "transfer_group": null
    })
}

/// The Checkout Session as every endpoint and event shows it.
pub fn session_json(
    session: &SessionRecord,
    pay_base_url: &str,
    expand: Expand,
    intent: Option<&PaymentIntentRecord>,
) -> Value {
    let open = session.status == SessionStatus::Open;
    let customer_details = session.paid_email.as_ref().map(|email| {
        json!({
            "address": null,
            "email": email,
            "name": session.paid_name,
            "phone": null,
            "tax_exempt": "none",
            "tax_ids": []
        })
    });
    let payment_intent = match (&session.payment_intent, expand.payment_intent, intent) {
        (Some(_), true, Some(intent)) => payment_intent_json(intent),
        (Some(id), _, _) => json!(id),
        (None, _, _) => Value::Null,
    };
    let mut object = json!({
        "id": session.id,
        "object": "checkout.session",
        "adaptive_pricing": { "enabled": false },
        "after_expiration": null,
        "allow_promotion_codes": null,
        "amount_subtotal": session.amount_total,
        "amount_total": session.amount_total,
        "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
        "billing_address_collection": null,
        "cancel_url": session.cancel_url,
        "client_reference_id": session.client_reference_id,
        "client_secret": null,
        "collected_information": null,
        "consent": null,
        "consent_collection": null,
        "created": session.created,
        "currency": session.currency,
        "currency_conversion": null,
        "custom_fields": [],
        "custom_text": {
            "after_submit": null,
            "shipping_address": null,
            "submit": null,
            "terms_of_service_acceptance": null
        },
        "customer": null,
        "customer_creation": "if_required",
        "customer_details": customer_details,
        "customer_email": session.customer_email,
        "discounts": [],
        "expires_at": session.expires_at,
        "invoice": null,
        "invoice_creation": {
            "enabled": false,
            "invoice_data": {
                "account_tax_ids": null,
                "custom_fields": null,
                "description": null,
                "footer": null,
                "issuer": null,
                "metadata": {},
                "rendering_options": null
            }
        },
        "livemode": false,
        "locale": session.locale,
        "metadata": session.metadata,
        "mode": "payment",
        "payment_intent": payment_intent,
        "payment_link": null,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": null,
        "payment_method_options": { "card": { "request_three_d_secure": "automatic" } },
        "payment_method_types": ["card"],
        "payment_status": if session.paid { "paid" } else { "unpaid" },
        "phone_number_collection": { "enabled": false },
        "recovered_from": null,
        "saved_payment_method_options": null,
        "setup_intent": null,
        "shipping_address_collection": null,
        "shipping_cost": null,
        "shipping_details": null,
        "shipping_options": [],
        "status": session.status.as_str(),
        "submit_type": null,
        "subscription": null,
        "success_url": session.success_url,
        "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
        "ui_mode": "hosted_page",
        "url": if open { json!(format!("{pay_base_url}/local-stripe/pay/{}", session.id)) } else { Value::Null },
        "wallet_options": null
    });
    if expand.line_items {
        if let Some(map) = object.as_object_mut() {
            map.insert(
                "line_items".into(),
                line_items_list(session, &session.line_items, false),
            );
        }
    }
    object
}

/// A webhook event around `object`, as Stripe posts it.
pub fn event_json(
    id: &str,
    kind: &str,
    created: i64,
    object: Value,
    request: Option<(&str, Option<&str>)>,
) -> Value {
    json!({
        "id": id,
        "object": "event",
        "api_version": API_VERSION,
        "created": created,
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": match request {
            Some((id, key)) => json!({ "id": id, "idempotency_key": key }),
            None => json!({ "id": null, "idempotency_key": null }),
        },
        "type": kind
    })
}
