//! What happens to a payment after it succeeds: its Charge, refunds of it
//! (full or partial, any number, up to what was charged), and a dispute when
//! the card's holder contests it. Each change sends the events Stripe sends.

pub mod api;
mod render;

use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use render::{charge_json, dispute_json, refund_json};

use crate::error::ApiError;
use crate::objects::PaymentIntentRecord;
use crate::store::{self, bodies_of, body_of, encode, stmt};
use crate::{ids, LocalStripe, Writing};

/// A successful card payment.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChargeRecord {
    pub id: String,
    pub created: i64,
    pub amount: i64,
    pub amount_refunded: i64,
    pub currency: String,
    pub payment_intent: String,
    pub payment_method: Option<String>,
    pub email: String,
    pub name: Option<String>,
    pub last4: String,
    pub disputed: bool,
    pub description: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

impl ChargeRecord {
    pub fn refundable(&self) -> i64 {
        self.amount - self.amount_refunded
    }
}

/// Money given back on a charge.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RefundRecord {
    pub id: String,
    pub created: i64,
    pub amount: i64,
    pub currency: String,
    pub charge: String,
    pub payment_intent: String,
    pub reason: Option<String>,
    pub status: String,
    pub metadata: BTreeMap<String, String>,
}

/// A chargeback the card's holder opened.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DisputeRecord {
    pub id: String,
    pub created: i64,
    pub amount: i64,
    pub currency: String,
    pub charge: String,
    pub payment_intent: String,
    pub reason: String,
    pub status: String,
}

impl DisputeRecord {
    pub fn open(&self) -> bool {
        !matches!(self.status.as_str(), "won" | "lost")
    }
}

pub async fn charge(db: &impl ConnectionTrait, id: &str) -> Result<Option<ChargeRecord>, DbErr> {
    body_of(
        db,
        "SELECT body FROM ls_charges WHERE id = $1",
        vec![id.into()],
    )
    .await
}

pub async fn charge_of(
    db: &impl ConnectionTrait,
    payment_intent: &str,
) -> Result<Option<ChargeRecord>, DbErr> {
    body_of(
        db,
        "SELECT body FROM ls_charges WHERE payment_intent = $1",
        vec![payment_intent.into()],
    )
    .await
}

/// Every charge, newest first, for the event page.
pub async fn recent_charges(db: &impl ConnectionTrait) -> Result<Vec<ChargeRecord>, DbErr> {
    bodies_of(
        db,
        "SELECT body FROM ls_charges ORDER BY rowid DESC LIMIT 50",
        vec![],
    )
    .await
}

pub async fn save_charge(db: &impl ConnectionTrait, charge: &ChargeRecord) -> Result<(), DbErr> {
    save_body(
        db,
        "INSERT INTO ls_charges (id, payment_intent, body) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        (&charge.id, &charge.payment_intent),
        charge,
    )
    .await
}

pub async fn refund(db: &impl ConnectionTrait, id: &str) -> Result<Option<RefundRecord>, DbErr> {
    body_of(
        db,
        "SELECT body FROM ls_refunds WHERE id = $1",
        vec![id.into()],
    )
    .await
}

pub async fn refunds_of(
    db: &impl ConnectionTrait,
    charge: &str,
) -> Result<Vec<RefundRecord>, DbErr> {
    bodies_of(
        db,
        "SELECT body FROM ls_refunds WHERE charge = $1 ORDER BY rowid",
        vec![charge.into()],
    )
    .await
}

async fn save_refund(db: &impl ConnectionTrait, refund: &RefundRecord) -> Result<(), DbErr> {
    save_body(
        db,
        "INSERT INTO ls_refunds (id, charge, body) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        (&refund.id, &refund.charge),
        refund,
    )
    .await
}

pub async fn dispute(db: &impl ConnectionTrait, id: &str) -> Result<Option<DisputeRecord>, DbErr> {
    body_of(
        db,
        "SELECT body FROM ls_disputes WHERE id = $1",
        vec![id.into()],
    )
    .await
}

pub async fn disputes_of(
    db: &impl ConnectionTrait,
    charge: &str,
) -> Result<Vec<DisputeRecord>, DbErr> {
    bodies_of(
        db,
        "SELECT body FROM ls_disputes WHERE charge = $1 ORDER BY rowid",
        vec![charge.into()],
    )
    .await
}

/// Stores `object` under its id and the column it is looked up by.
async fn save_body(
    db: &impl ConnectionTrait,
    sql: &str,
    (id, key): (&str, &str),
    object: &impl serde::Serialize,
) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        sql,
        vec![id.into(), key.into(), encode(object)?.into()],
    ))
    .await?;
    Ok(())
}

async fn save_dispute(db: &impl ConnectionTrait, dispute: &DisputeRecord) -> Result<(), DbErr> {
    save_body(
        db,
        "INSERT INTO ls_disputes (id, charge, body) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        (&dispute.id, &dispute.charge),
        dispute,
    )
    .await
}

/// What a refund asks for: the payment, and how much (all that is left when
/// `None`).
pub struct RefundRequest {
    pub payment_intent: Option<String>,
    pub charge: Option<String>,
    pub amount: Option<i64>,
    pub reason: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

impl LocalStripe {
    /// The Charge a payment made, in the payment's transaction; with the
    /// dispute test card, the dispute its holder then opens.
    pub(crate) async fn record_charge(
        &self,
        txn: &impl ConnectionTrait,
        intent: &PaymentIntentRecord,
        payer: (&str, Option<&str>, &str),
        disputed: bool,
    ) -> Result<ChargeRecord, DbErr> {
        let (email, name, last4) = payer;
        let charge = ChargeRecord {
            id: intent.latest_charge.clone().unwrap_or_else(ids::charge),
            created: self.now(),
            amount: intent.amount,
            amount_refunded: 0,
            currency: intent.currency.clone(),
            payment_intent: intent.id.clone(),
            payment_method: intent.payment_method.clone(),
            email: email.to_owned(),
            name: name.map(str::to_owned),
            last4: last4.to_owned(),
            disputed,
            description: intent.description.clone(),
            metadata: intent.metadata.clone(),
        };
        save_charge(txn, &charge).await?;
        Ok(charge)
    }

    /// Opens the dispute the dispute test card brings, with its events.
    pub(crate) async fn open_dispute(
        &self,
        txn: &impl ConnectionTrait,
        charge: &ChargeRecord,
    ) -> Result<(), DbErr> {
        let dispute = DisputeRecord {
            id: ids::dispute(),
            created: self.now(),
            amount: charge.amount,
            currency: charge.currency.clone(),
            charge: charge.id.clone(),
            payment_intent: charge.payment_intent.clone(),
            reason: "fraudulent".to_owned(),
            status: "needs_response".to_owned(),
        };
        save_dispute(txn, &dispute).await?;
        let object = dispute_json(&dispute, self.now());
        self.emit(
            txn,
            "charge.dispute.created",
            &dispute.id,
            object.clone(),
            None,
        )
        .await?;
        self.emit(
            txn,
            "charge.dispute.funds_withdrawn",
            &dispute.id,
            object,
            None,
        )
        .await
    }

    /// `POST /v1/refunds`: gives back `amount` (or what is left) of a payment.
    pub(crate) async fn create_refund(
        &self,
        _writing: &Writing<'_>,
        request: RefundRequest,
        api_request: Option<(&str, Option<&str>)>,
    ) -> Result<RefundRecord, ApiError> {
        let db = self.db();
        let mut charge = match (&request.payment_intent, &request.charge) {
            (Some(_), Some(_)) => {
                return Err(ApiError::state(
                    "You may only specify one of these parameters: charge, payment_intent.",
                ))
            }
            (None, None) => {
                return Err(ApiError::state(
                    "One of the following params should be provided for this request: payment_intent or charge.",
                ))
            }
            (Some(intent), None) => {
                if self.payment_intent(intent).await?.is_none() {
                    return Err(ApiError::no_such("payment_intent", intent, "payment_intent"));
                }
                charge_of(db, intent).await?.ok_or_else(|| {
                    ApiError::state(format!(
                        "This PaymentIntent ({intent}) does not have a successful charge to refund."
                    ))
                })?
            }
            (None, Some(id)) => charge(db, id)
                .await?
                .ok_or_else(|| ApiError::no_such("charge", id, "charge"))?,
        };
        if charge.disputed {
            return Err(ApiError {
                code: Some("charge_disputed"),
                ..ApiError::state(format!(
                    "Charge {} has been charged back; cannot issue a refund.",
                    charge.id
                ))
            });
        }
        let left = charge.refundable();
        if left == 0 {
            return Err(ApiError {
                code: Some("charge_already_refunded"),
                ..ApiError::state(format!("Charge {} has already been refunded.", charge.id))
            });
        }
        let amount = request.amount.unwrap_or(left);
        let money = |minor: i64| {
            money::Amount {
                minor,
                code: &charge.currency,
            }
            .to_string()
        };
        if amount < 1 {
            return Err(ApiError::invalid_integer(
                "amount",
                "Invalid positive integer",
            ));
        }
        if amount % crate::pricing::step(&charge.currency) != 0 {
            return Err(ApiError::invalid_integer(
                "amount",
                format!(
                    "Amounts in {} must be a multiple of 10.",
                    charge.currency.to_ascii_uppercase()
                ),
            ));
        }
        if amount > left {
            return Err(ApiError {
                code: Some("amount_too_large"),
                ..ApiError::invalid_integer(
                    "amount",
                    format!(
                        "Refund amount ({}) is greater than unrefunded amount on charge ({})",
                        money(amount),
                        money(left)
                    ),
                )
            });
        }
        let refund = RefundRecord {
            id: ids::refund(),
            created: self.now(),
            amount,
            currency: charge.currency.clone(),
            charge: charge.id.clone(),
            payment_intent: charge.payment_intent.clone(),
            reason: request.reason,
            status: "succeeded".to_owned(),
            metadata: request.metadata,
        };
        charge.amount_refunded += amount;
        let txn = store::begin(db).await?;
        save_refund(&txn, &refund).await?;
        save_charge(&txn, &charge).await?;
        self.emit(
            &txn,
            "refund.created",
            &refund.id,
            refund_json(&refund),
            api_request,
        )
        .await?;
        let refunds = refunds_of(&txn, &charge.id).await?;
        self.emit(
            &txn,
            "charge.refunded",
            &charge.id,
            charge_json(&charge, &refunds),
            api_request,
        )
        .await?;
        txn.commit().await?;
        self.inner.wake.notify_one();
        tracing::info!(refund = %refund.id, charge = %charge.id, amount, "local Stripe: refunded");
        Ok(refund)
    }

    /// Closes an open dispute as won or lost, as the card network decides.
    pub async fn close_dispute(
        &self,
        _writing: &Writing<'_>,
        id: &str,
        won: bool,
    ) -> Result<Option<DisputeRecord>, DbErr> {
        let Some(mut dispute) = dispute(self.db(), id).await? else {
            return Ok(None);
        };
        if !dispute.open() {
            return Ok(Some(dispute));
        }
        dispute.status = if won { "won" } else { "lost" }.to_owned();
        let txn = store::begin(self.db()).await?;
        save_dispute(&txn, &dispute).await?;
        let object = dispute_json(&dispute, self.now());
        self.emit(
            &txn,
            "charge.dispute.closed",
            &dispute.id,
            object.clone(),
            None,
        )
        .await?;
        if won {
            self.emit(
                &txn,
                "charge.dispute.funds_reinstated",
                &dispute.id,
                object,
                None,
            )
            .await?;
        }
        txn.commit().await?;
        self.inner.wake.notify_one();
        tracing::info!(dispute = %dispute.id, status = %dispute.status, "local Stripe: dispute closed");
        Ok(Some(dispute))
    }
}
