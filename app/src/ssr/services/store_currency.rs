//! The one currency the store sells in (`STORE_CURRENCY`).
//!
//! The opening catalogue and shipping rates are seeded in US dollars. A new
//! store set to another currency gets them priced in it at start-up, at rough
//! rates and rounded the way shops price (to 50 cents, 10 yen or 50 fils), so
//! a newcomer sees sensible prices. Once anyone has checked out, prices are
//! the owner's: a catalogue in another currency then stops the store from
//! starting, with a sentence that says why, instead of charging in the wrong
//! currency.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use crate::ssr::db::begin_write;
use crate::ssr::entities::{checkout, product, shipping_rate};
use crate::types::Currency;

/// Units of each currency per US dollar, for pricing the opening catalogue
/// only; never for money a shopper pays.
fn per_dollar(currency: Currency) -> (i64, i64) {
    // (numerator, denominator) so the conversion stays in integers.
    match currency {
        Currency::Usd => (1, 1),
        Currency::Eur => (92, 100),
        Currency::Gbp => (79, 100),
        Currency::Jpy => (150, 1),
        Currency::Kwd => (307, 1000),
    }
}

/// The smallest step a shop prices in: 50 cents or pence, 10 yen, 50 fils.
fn price_step(currency: Currency) -> i64 {
    match currency.exponent() {
        0 => 10,
        3 => 50,
        _ => 50,
    }
}

/// `minor` units of `from` in `to`, at the rough rates, to the nearest step.
pub fn reprice(minor: i64, from: Currency, to: Currency) -> i64 {
    if from == to || minor == 0 {
        return minor;
    }
    let (from_num, from_den) = per_dollar(from);
    let (to_num, to_den) = per_dollar(to);
    let scale = |exponent: u32| 10_i128.pow(exponent);
    // minor(from) -> dollars -> units(to) -> minor(to)
    let numerator =
        i128::from(minor) * i128::from(from_den) * i128::from(to_num) * scale(to.exponent());
    let denominator = i128::from(from_num) * i128::from(to_den) * scale(from.exponent());
    let step = i128::from(price_step(to));
    let rounded = (numerator + denominator * step / 2) / (denominator * step) * step;
    i64::try_from(rounded.max(step)).unwrap_or(i64::MAX)
}

/// Why the store cannot start in `STORE_CURRENCY`.
#[derive(Debug)]
pub struct CurrencyConflict(pub String);

/// Makes sure every product is priced in `currency`: a store nobody has
/// checked out in yet is repriced; one with checkouts must be repriced by
/// its owner.
pub async fn settle(
    db: &DatabaseConnection,
    currency: Currency,
) -> Result<Result<(), CurrencyConflict>, DbErr> {
    let others = product::Entity::find()
        .filter(product::Column::Currency.ne(currency.code()))
        .all(db)
        .await?;
    let Some(first) = others.first() else {
        return Ok(Ok(()));
    };
    let Some(from) = Currency::from_code(&first.currency) else {
        return Ok(Err(CurrencyConflict(format!(
            "product {} is priced in {}, a currency the store does not sell in",
            first.slug, first.currency
        ))));
    };
    if checkout::Entity::find().count(db).await? > 0 {
        return Ok(Err(CurrencyConflict(format!(
            "STORE_CURRENCY is {} but {} products are priced in {}; set STORE_CURRENCY={} or reprice them first",
            currency.code(),
            others.len(),
            from.code(),
            from.code()
        ))));
    }
    let (_turn, txn) = begin_write(db).await?;
    for row in &others {
        let from = Currency::from_code(&row.currency).unwrap_or(from);
        product::Entity::update_many()
            .col_expr(
                product::Column::PriceMinor,
                Expr::value(reprice(row.price_minor, from, currency)),
            )
            .col_expr(product::Column::Currency, Expr::value(currency.code()))
            .filter(product::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
    }
    for rate in shipping_rate::Entity::find().all(&txn).await? {
        shipping_rate::Entity::update_many()
            .col_expr(
                shipping_rate::Column::Amount,
                Expr::value(reprice(rate.amount, from, currency)),
            )
            .col_expr(
                shipping_rate::Column::FreeFrom,
                Expr::value(rate.free_from.map(|f| reprice(f, from, currency))),
            )
            .filter(shipping_rate::Column::Id.eq(rate.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    tracing::info!(
        from = from.code(),
        to = currency.code(),
        products = others.len(),
        "priced the opening catalogue and shipping rates in the store's currency"
    );
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opening_prices_read_like_a_shops_in_each_currency() {
        // $18.00: ¥2,700, 5.550 KWD (ending in 0, as Stripe requires), €16.50.
        assert_eq!(reprice(1800, Currency::Usd, Currency::Jpy), 2700);
        assert_eq!(reprice(1800, Currency::Usd, Currency::Kwd), 5550);
        assert_eq!(reprice(1800, Currency::Usd, Currency::Eur), 1650);
        assert_eq!(reprice(500, Currency::Usd, Currency::Jpy), 750);
        assert_eq!(reprice(7500, Currency::Usd, Currency::Kwd), 23_050);
        assert_eq!(reprice(1800, Currency::Usd, Currency::Usd), 1800);
        assert_eq!(reprice(2700, Currency::Jpy, Currency::Usd), 1800);
    }
}
