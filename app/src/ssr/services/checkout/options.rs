//! What the store asks Stripe Checkout to do beyond taking the card: where it
//! ships, whether it asks for a phone number and calculates tax, and the
//! shipping rates it offers (from the `shipping_rates` table).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::sync::Arc;

use crate::error::AppError;
use crate::ssr::entities::{checkout_shipping_option, shipping_rate};

/// Where the store ships by default: the US, Canada, the UK and the EU.
pub const DEFAULT_SHIPPING_COUNTRIES: [&str; 30] = [
    "US", "CA", "GB", "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
    "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// The checkout settings (`SHIPPING_COUNTRIES`, `COLLECT_PHONE`, `AUTOMATIC_TAX`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckoutOptions {
    pub shipping_countries: Arc<[String]>,
    pub collect_phone: bool,
    /// Stripe Tax must be set up on the account for this.
    pub automatic_tax: bool,
    /// Shoppers must tick "I agree to the terms of service" to pay (Stripe
    /// links the terms set in the Dashboard).
    pub terms_of_service: bool,
}

impl Default for CheckoutOptions {
    fn default() -> Self {
        Self {
            shipping_countries: DEFAULT_SHIPPING_COUNTRIES
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
            collect_phone: false,
            automatic_tax: false,
            terms_of_service: false,
        }
    }
}

/// A shipping rate as one checkout offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offered {
    pub name: String,
    pub amount: i64,
    pub min_days: i32,
    pub max_days: i32,
}

/// The active rates, first the default, priced for a cart of `subtotal`.
pub async fn offered(db: &impl ConnectionTrait, subtotal: i64) -> Result<Vec<Offered>, AppError> {
    let rates = shipping_rate::Entity::find()
        .filter(shipping_rate::Column::Active.eq(true))
        .order_by_asc(shipping_rate::Column::Position)
        .order_by_asc(shipping_rate::Column::Id)
        .all(db)
        .await?;
    Ok(rates
        .iter()
        .take(5)
        .map(|rate| Offered {
            name: rate.name.clone(),
            amount: rate.amount_for(subtotal),
            min_days: rate.min_days,
            max_days: rate.max_days,
        })
        .collect())
}

/// Records what a checkout offered under Stripe's ids for the rates (Stripe
/// lists them in the order sent). A retried call gets the same session back,
/// and its rows are already there.
pub async fn record_shipping_options(
    txn: &impl ConnectionTrait,
    checkout_id: i32,
    rates: &[Offered],
    stripe_ids: &[String],
) -> Result<(), AppError> {
    use sea_orm::ActiveValue::Set;
    if rates.len() != stripe_ids.len() {
        tracing::error!(
            checkout = checkout_id,
            sent = rates.len(),
            returned = stripe_ids.len(),
            "Stripe returned a different number of shipping options"
        );
        return Err(AppError::Internal);
    }
    if rates.is_empty() {
        return Ok(());
    }
    let rows =
        rates
            .iter()
            .zip(stripe_ids)
            .map(|(rate, id)| checkout_shipping_option::ActiveModel {
                checkout_id: Set(checkout_id),
                stripe_shipping_rate_id: Set(id.clone()),
                name: Set(rate.name.clone()),
                amount: Set(rate.amount),
                min_days: Set(rate.min_days),
                max_days: Set(rate.max_days),
                ..Default::default()
            });
    checkout_shipping_option::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([checkout_shipping_option::Column::StripeShippingRateId])
        .exec(txn)
        .await?;
    Ok(())
}

/// The rate a checkout offered under Stripe's id `stripe_id`.
pub async fn offered_as(
    db: &impl ConnectionTrait,
    checkout_id: i32,
    stripe_id: &str,
) -> Result<Option<checkout_shipping_option::Model>, AppError> {
    Ok(checkout_shipping_option::Entity::find()
        .filter(checkout_shipping_option::Column::CheckoutId.eq(checkout_id))
        .filter(checkout_shipping_option::Column::StripeShippingRateId.eq(stripe_id))
        .one(db)
        .await?)
}
