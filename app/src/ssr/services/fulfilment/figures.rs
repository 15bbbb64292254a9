//! The exact amount check. The order's figures are Stripe's, and they must add
//! up against the checkout:
//! - `amount_subtotal` equals the frozen snapshot, in its currency;
//! - the shipping is a rate this checkout offered, at the price offered;
//! - `amount_total` is subtotal − discount + shipping + tax.
//!
//! Anything else (a missing figure included) holds the order for the owner.

use sea_orm::ConnectionTrait;

use super::SessionFacts;
use crate::error::AppError;
use crate::ssr::entities::checkout;
use crate::ssr::services::checkout::options;

/// An order's money, in the currency's minor unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figures {
    pub subtotal: i64,
    pub discount: i64,
    pub shipping: i64,
    pub tax: i64,
    /// subtotal − discount + shipping + tax.
    pub total: i64,
    /// The name of the rate chosen.
    pub shipping_rate_name: Option<String>,
}

/// The figures, and whether every one of them adds up.
pub struct Checked {
    pub figures: Figures,
    pub adds_up: bool,
}

pub async fn check(
    db: &impl ConnectionTrait,
    checkout: &checkout::Model,
    facts: &SessionFacts,
) -> Result<Checked, AppError> {
    let offered = match &facts.shipping_rate {
        Some(id) => options::offered_as(db, checkout.id, id).await?,
        None => None,
    };
    let shipping_fits = match (&facts.shipping_rate, &offered) {
        (None, _) => facts.amount_shipping == 0,
        (Some(_), Some(rate)) => rate.amount == facts.amount_shipping,
        (Some(_), None) => false,
    };
    let subtotal = checkout.amount_total;
    let total = subtotal
        .checked_sub(facts.amount_discount)
        .and_then(|t| t.checked_add(facts.amount_shipping))
        .and_then(|t| t.checked_add(facts.amount_tax));
    let currency_fits = facts
        .currency
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case(&checkout.currency));
    let adds_up = currency_fits
        && shipping_fits
        && facts.amount_subtotal == Some(subtotal)
        && (0..=subtotal).contains(&facts.amount_discount)
        && facts.amount_tax >= 0
        && total.is_some()
        && facts.amount_total == total;
    Ok(Checked {
        figures: Figures {
            subtotal,
            discount: facts.amount_discount,
            shipping: facts.amount_shipping,
            tax: facts.amount_tax,
            total: total.unwrap_or(subtotal),
            shipping_rate_name: offered.map(|rate| rate.name),
        },
        adds_up,
    })
}
