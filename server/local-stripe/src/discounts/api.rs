//! `/v1/coupons` and `/v1/promotion_codes`: create, retrieve and list, with
//! Stripe's parameters, objects and errors.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::{CouponRecord, PromotionCodeRecord};
use crate::api::{json as reply, limit, params};
use crate::error::ApiError;
use crate::form::Param;
use crate::idempotency::idempotent;
use crate::{ids, params as read, LocalStripe};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateCoupon {
    id: Option<String>,
    name: Option<String>,
    percent_off: Option<String>,
    amount_off: Option<i64>,
    currency: Option<String>,
    duration: Option<String>,
    max_redemptions: Option<i64>,
    redeem_by: Option<i64>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreatePromotionCode {
    promotion: Option<Promotion>,
    code: Option<String>,
    active: Option<bool>,
    expires_at: Option<i64>,
    max_redemptions: Option<i64>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Promotion {
    #[serde(rename = "type")]
    kind: Option<String>,
    coupon: Option<String>,
}

fn already_exists(param: &str, message: String) -> ApiError {
    ApiError {
        code: Some("resource_already_exists"),
        ..ApiError::invalid_param(param, message)
    }
}

/// `25.5` as 2,550 hundredths of a percent, over 0 and at most 100.
fn percent_hundredths(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || fraction.len() > 2 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value = whole.parse::<i64>().ok()? * 100 + format!("{fraction:0<2}").parse::<i64>().ok()?;
    (1..=10_000).contains(&value).then_some(value)
}

fn positive(param: &str, value: Option<i64>) -> Result<Option<i64>, ApiError> {
    match value {
        Some(v) if v < 1 => Err(ApiError::invalid_integer(
            param,
            "This value must be greater than or equal to 1.",
        )),
        other => Ok(other),
    }
}

fn new_coupon(request: CreateCoupon, now: i64) -> Result<CouponRecord, ApiError> {
    let percent_off_hundredths = match &request.percent_off {
        None => None,
        Some(text) => Some(percent_hundredths(text).ok_or_else(|| {
            ApiError::invalid_param(
                "percent_off",
                "Invalid percent_off: must be greater than 0 and at most 100, with up to two decimals.",
            )
        })?),
    };
    match (percent_off_hundredths, request.amount_off) {
        (Some(_), Some(_)) => {
            return Err(ApiError::state(
                "You may only specify one of these parameters: amount_off, percent_off.",
            ))
        }
        (None, None) => {
            return Err(ApiError::state(
                "You must specify either amount_off or percent_off.",
            ))
        }
        (None, Some(amount)) if amount < 1 => {
            return Err(ApiError::invalid_integer(
                "amount_off",
                "This value must be greater than or equal to 1.",
            ))
        }
        _ => {}
    }
    let currency = request.currency.map(|c| c.to_ascii_lowercase());
    if request.amount_off.is_some() && currency.is_none() {
        return Err(ApiError::missing("currency"));
    }
    let duration = request.duration.unwrap_or_else(|| "once".to_owned());
    if !["once", "forever", "repeating"].contains(&duration.as_str()) {
        return Err(ApiError::invalid_param(
            "duration",
            format!(
                "Invalid duration: must be one of forever, once, or repeating (got {duration})."
            ),
        ));
    }
    if request.redeem_by.is_some_and(|at| at <= now) {
        return Err(ApiError::invalid_integer(
            "redeem_by",
            "redeem_by must be in the future.",
        ));
    }
    Ok(CouponRecord {
        id: request
            .id
            .filter(|id| !id.is_empty())
            .unwrap_or_else(ids::coupon),
        created: now,
        name: request.name,
        percent_off_hundredths,
        amount_off: request.amount_off,
        currency,
        duration,
        max_redemptions: positive("max_redemptions", request.max_redemptions)?,
        redeem_by: request.redeem_by,
        times_redeemed: 0,
        metadata: request.metadata,
    })
}

pub fn coupon_json(coupon: &CouponRecord, now: i64) -> Value {
    json!({
        "id": coupon.id,
        "object": "coupon",
        "amount_off": coupon.amount_off,
        "created": coupon.created,
        "currency": coupon.currency,
        "duration": coupon.duration,
        "duration_in_months": null,
        "livemode": false,
        "max_redemptions": coupon.max_redemptions,
        "metadata": coupon.metadata,
        "name": coupon.name,
        "percent_off": coupon.percent_off_hundredths.map(|h| h as f64 / 100.0),
        "redeem_by": coupon.redeem_by,
        "times_redeemed": coupon.times_redeemed,
        "valid": coupon.valid(now)
    })
}

/// A promotion code. The pinned version names its coupon under `promotion`;
/// the top-level `coupon` of earlier versions is kept too, so the object still
/// validates against Stripe's published schema.
pub fn promotion_code_json(code: &PromotionCodeRecord, coupon: &CouponRecord, now: i64) -> Value {
    json!({
        "id": code.id,
        "object": "promotion_code",
        "active": code.active,
        "code": code.code,
        "coupon": coupon_json(coupon, now),
        "created": code.created,
        "customer": null,
        "customer_account": null,
        "expires_at": code.expires_at,
        "livemode": false,
        "max_redemptions": code.max_redemptions,
        "metadata": code.metadata,
        "promotion": { "coupon": code.coupon, "type": "coupon" },
        "restrictions": {
            "first_time_transaction": false,
            "minimum_amount": null,
            "minimum_amount_currency": null
        },
        "times_redeemed": code.times_redeemed
    })
}

pub async fn create_coupon(
    State(stripe): State<LocalStripe>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = match idempotent(
        &stripe,
        &method,
        "/v1/coupons",
        &headers,
        query.as_deref(),
        &body,
    )
    .await?
    {
        Ok(request) => request,
        Err(replayed) => return Ok(replayed),
    };
    let coupon = new_coupon(read::read(&request.params)?, stripe.now())?;
    let _writing = stripe.lock().await;
    if super::coupon(stripe.db(), &coupon.id).await?.is_some() {
        return Err(already_exists("id", "Coupon already exists.".to_owned()));
    }
    super::save_coupon(stripe.db(), &coupon).await?;
    let body = coupon_json(&coupon, stripe.now());
    request.remember(&stripe, &body).await?;
    Ok(reply(StatusCode::OK, &body))
}

pub async fn retrieve_coupon(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let coupon = super::coupon(stripe.db(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("coupon", &id, "coupon"))?;
    Ok(reply(StatusCode::OK, &coupon_json(&coupon, stripe.now())))
}

pub async fn create_promotion_code(
    State(stripe): State<LocalStripe>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let idempotent = match idempotent(
        &stripe,
        &method,
        "/v1/promotion_codes",
        &headers,
        query.as_deref(),
        &body,
    )
    .await?
    {
        Ok(request) => request,
        Err(replayed) => return Ok(replayed),
    };
    let request: CreatePromotionCode = read::read(&idempotent.params)?;
    let promotion = request
        .promotion
        .ok_or_else(|| ApiError::missing("promotion"))?;
    if promotion.kind.as_deref() != Some("coupon") {
        return Err(ApiError::invalid_param(
            "promotion[type]",
            "Invalid promotion[type]: must be coupon.",
        ));
    }
    let coupon_id = promotion
        .coupon
        .ok_or_else(|| ApiError::missing("promotion[coupon]"))?;
    // Held to the end: the check for an active code and the new one's save.
    let _writing = stripe.lock().await;
    let now = stripe.now();
    let coupon = super::coupon(stripe.db(), &coupon_id)
        .await?
        .ok_or_else(|| ApiError::no_such("coupon", &coupon_id, "promotion[coupon]"))?;
    if !coupon.valid(now) {
        return Err(ApiError::invalid_param(
            "promotion[coupon]",
            format!("Coupon {coupon_id} is no longer valid."),
        ));
    }
    let code = match request.code {
        Some(code) if !code.is_empty() => {
            if code.len() > 500
                || !code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
            {
                return Err(ApiError::invalid_param(
                    "code",
                    "A promotion code may contain only letters, digits, dashes and underscores, up to 500 characters.",
                ));
            }
            code
        }
        _ => ids::new_id("", 8).to_ascii_uppercase(),
    };
    let active = request.active.unwrap_or(true);
    if active {
        if let Some(existing) = super::promotion_code_by_code(stripe.db(), &code).await? {
            if existing.active {
                return Err(already_exists(
                    "code",
                    format!("An active promotion code with `code: {code}` already exists."),
                ));
            }
        }
    }
    if request.expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::invalid_integer(
            "expires_at",
            "expires_at must be in the future.",
        ));
    }
    let record = PromotionCodeRecord {
        id: ids::promotion_code(),
        code,
        coupon: coupon.id.clone(),
        created: now,
        active,
        expires_at: request.expires_at,
        max_redemptions: positive("max_redemptions", request.max_redemptions)?,
        times_redeemed: 0,
        metadata: request.metadata,
    };
    super::save_promotion_code(stripe.db(), &record).await?;
    let coupon_record = coupon;
    let body = promotion_code_json(&record, &coupon_record, now);
    idempotent.remember(&stripe, &body).await?;
    Ok(reply(StatusCode::OK, &body))
}

pub async fn retrieve_promotion_code(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let code = super::promotion_code(stripe.db(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("promotion code", &id, "promotion_code"))?;
    let coupon = super::coupon(stripe.db(), &code.coupon)
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok(reply(
        StatusCode::OK,
        &promotion_code_json(&code, &coupon, stripe.now()),
    ))
}

/// `GET /v1/promotion_codes?code=...`: the codes with that text, as a list.
pub async fn list_promotion_codes(
    State(stripe): State<LocalStripe>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = params(query.as_deref(), &[])?;
    if let Some(unknown) = params
        .keys()
        .find(|k| !["code", "active", "limit"].contains(&k.as_str()))
    {
        return Err(ApiError::unknown(unknown));
    }
    // One active code has a given text, so a page always holds it all.
    limit(&params)?;
    let text = |name: &str| params.get(name).and_then(Param::as_str);
    let code = text("code").ok_or_else(|| ApiError::missing("code"))?;
    let active = match text("active") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(ApiError::invalid_param(
                "active",
                format!("Invalid boolean: {other}"),
            ))
        }
    };
    let mut data: Vec<Value> = Vec::new();
    if let Some(found) = super::promotion_code_by_code(stripe.db(), code)
        .await?
        .filter(|c| active.is_none_or(|a| c.active == a))
    {
        let coupon = super::coupon(stripe.db(), &found.coupon)
            .await?
            .ok_or_else(ApiError::internal)?;
        data.push(promotion_code_json(&found, &coupon, stripe.now()));
    }
    Ok(reply(
        StatusCode::OK,
        &json!({ "object": "list", "data": data, "has_more": false, "url": "/v1/promotion_codes" }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_are_read_exactly() {
        assert_eq!(percent_hundredths("20"), Some(2000));
        assert_eq!(percent_hundredths("25.5"), Some(2550));
        assert_eq!(percent_hundredths("100"), Some(10_000));
        assert_eq!(percent_hundredths("0"), None);
        assert_eq!(percent_hundredths("100.01"), None);
        assert_eq!(percent_hundredths("12.345"), None);
    }
}
