//! `/v1/refunds`, `/v1/charges/{id}` and `/v1/disputes/{id}`, with Stripe's
//! parameters, errors and idempotency keys.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;
use std::collections::BTreeMap;

use super::{charge_json, dispute_json, refund_json, RefundRequest};
use crate::api::{json as reply, RequestId};
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::{params as read, LocalStripe};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRefund {
    payment_intent: Option<String>,
    charge: Option<String>,
    amount: Option<i64>,
    reason: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
    #[serde(default, rename = "expand")]
    _expand: Vec<String>,
}

const REASONS: [&str; 3] = ["duplicate", "fraudulent", "requested_by_customer"];

pub async fn create_refund(
    State(stripe): State<LocalStripe>,
    Extension(request_id): Extension<RequestId>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let idempotent = match idempotent(
        &stripe,
        &method,
        "/v1/refunds",
        &headers,
        query.as_deref(),
        &body,
    )
    .await?
    {
        Ok(request) => request,
        Err(replayed) => return Ok(replayed),
    };
    let request: CreateRefund = read::read(&idempotent.params)?;
    if let Some(reason) = request.reason.as_deref().filter(|r| !REASONS.contains(r)) {
        return Err(ApiError::invalid_param(
            "reason",
            format!("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer (got {reason})."),
        ));
    }
    let writing = stripe.lock().await;
    let refund = stripe
        .create_refund(
            &writing,
            RefundRequest {
                payment_intent: request.payment_intent,
                charge: request.charge,
                amount: request.amount,
                reason: request.reason,
                metadata: read::session::checked_metadata("metadata", request.metadata)?,
            },
            Some((&request_id.0, idempotent.key())),
        )
        .await?;
    let body = refund_json(&refund);
    idempotent.remember(&stripe, &body).await?;
    Ok(reply(StatusCode::OK, &body))
}

pub async fn retrieve_refund(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let refund = super::refund(stripe.db(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("refund", &id, "refund"))?;
    Ok(reply(StatusCode::OK, &refund_json(&refund)))
}

pub async fn retrieve_charge(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let charge = super::charge(stripe.db(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("charge", &id, "id"))?;
    let refunds = super::refunds_of(stripe.db(), &charge.id).await?;
    Ok(reply(StatusCode::OK, &charge_json(&charge, &refunds)))
}

pub async fn retrieve_dispute(
    State(stripe): State<LocalStripe>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let dispute = super::dispute(stripe.db(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("dispute", &id, "dispute"))?;
    Ok(reply(StatusCode::OK, &dispute_json(&dispute, stripe.now())))
}
