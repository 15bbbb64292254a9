//! Coupons and promotion codes: what a shopper's code takes off, whether it can
//! still be used, and counting its redemptions when a payment goes through.

pub mod api;

use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::pricing::Reduction;
use crate::store::{body_of, encode, stmt};

/// A coupon as the stand-in keeps it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CouponRecord {
    pub id: String,
    pub created: i64,
    pub name: Option<String>,
    /// Hundredths of a percent: 25.5% is 2,550.
    pub percent_off_hundredths: Option<i64>,
    pub amount_off: Option<i64>,
    pub currency: Option<String>,
    pub duration: String,
    pub max_redemptions: Option<i64>,
    pub redeem_by: Option<i64>,
    pub times_redeemed: i64,
    pub metadata: BTreeMap<String, String>,
}

impl CouponRecord {
    /// Stripe's `valid`: not past `redeem_by` and not used up.
    pub fn valid(&self, now: i64) -> bool {
        self.redeem_by.is_none_or(|at| now < at)
            && self
                .max_redemptions
                .is_none_or(|max| self.times_redeemed < max)
    }

    pub fn reduction(&self) -> Reduction {
        match (self.percent_off_hundredths, self.amount_off) {
            (Some(hundredths), _) => Reduction::PercentHundredths(hundredths),
            (None, amount) => Reduction::Amount(amount.unwrap_or(0)),
        }
    }
}

/// A promotion code: a word shoppers type that stands for a coupon.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PromotionCodeRecord {
    pub id: String,
    pub code: String,
    pub coupon: String,
    pub created: i64,
    pub active: bool,
    pub expires_at: Option<i64>,
    pub max_redemptions: Option<i64>,
    pub times_redeemed: i64,
    pub metadata: BTreeMap<String, String>,
}

impl PromotionCodeRecord {
    fn usable(&self, now: i64) -> bool {
        self.active
            && self.expires_at.is_none_or(|at| now < at)
            && self
                .max_redemptions
                .is_none_or(|max| self.times_redeemed < max)
    }
}

/// Checkout's words for a code it will not take, whatever the reason.
pub const CODE_INVALID: &str = "This code is invalid.";

/// The code a shopper typed, with its coupon, when it can be used on a session
/// in `currency` now; otherwise Checkout's sentence.
pub async fn redeemable(
    db: &impl ConnectionTrait,
    typed: &str,
    currency: &str,
    now: i64,
) -> Result<Result<(PromotionCodeRecord, CouponRecord), &'static str>, DbErr> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(Err(CODE_INVALID));
    }
    let Some(code) = promotion_code_by_code(db, typed).await? else {
        return Ok(Err(CODE_INVALID));
    };
    let Some(coupon) = coupon(db, &code.coupon).await? else {
        return Ok(Err(CODE_INVALID));
    };
    let currency_fits = coupon
        .currency
        .as_deref()
        .is_none_or(|c| c.eq_ignore_ascii_case(currency))
        || coupon.amount_off.is_none();
    if !(code.usable(now) && coupon.valid(now) && currency_fits) {
        return Ok(Err(CODE_INVALID));
    }
    Ok(Ok((code, coupon)))
}

/// Counts one use of a code and its coupon, in the payment's transaction.
pub async fn redeem(txn: &impl ConnectionTrait, promotion_code: &str) -> Result<(), DbErr> {
    let Some(mut code) = self::promotion_code(txn, promotion_code).await? else {
        return Ok(());
    };
    code.times_redeemed += 1;
    save_promotion_code(txn, &code).await?;
    if let Some(mut coupon) = coupon(txn, &code.coupon).await? {
        coupon.times_redeemed += 1;
        save_coupon(txn, &coupon).await?;
    }
    Ok(())
}

pub async fn coupon(db: &impl ConnectionTrait, id: &str) -> Result<Option<CouponRecord>, DbErr> {
    body_of(
        db,
        "SELECT body FROM ls_coupons WHERE id = $1",
        vec![id.into()],
    )
    .await
}

pub async fn save_coupon(db: &impl ConnectionTrait, coupon: &CouponRecord) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        "INSERT INTO ls_coupons (id, body) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        vec![coupon.id.clone().into(), encode(coupon)?.into()],
    ))
    .await?;
    Ok(())
}

pub async fn promotion_code(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<PromotionCodeRecord>, DbErr> {
    body_of(
        db,
        "SELECT body FROM ls_promotion_codes WHERE id = $1",
        vec![id.into()],
    )
    .await
}

/// The active code a shopper typed (codes are not case-sensitive at checkout),
/// or the newest inactive one.
pub async fn promotion_code_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<PromotionCodeRecord>, DbErr> {
    body_of(
        db,
        "SELECT body FROM ls_promotion_codes WHERE code = upper($1)
         ORDER BY json_extract(body, '$.active') DESC, rowid DESC LIMIT 1",
        vec![code.into()],
    )
    .await
}

pub async fn save_promotion_code(
    db: &impl ConnectionTrait,
    code: &PromotionCodeRecord,
) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        "INSERT INTO ls_promotion_codes (id, code, body) VALUES ($1, upper($2), $3)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        vec![
            code.id.clone().into(),
            code.code.clone().into(),
            encode(code)?.into(),
        ],
    ))
    .await?;
    Ok(())
}
