//! The catalogue as the owner keeps it: products made and edited, stock
//! changed with a reason, and images. Prices are typed as the currency is
//! written and stored in minor units. A checkout already open keeps the
//! prices it froze: editing a product never reaches it.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use super::audit::{self, Entry};
use super::{Actor, StoreOwner};
use crate::error::{on_unique, AppError};
use crate::ssr::db::begin_write;
use crate::ssr::entities::product;
use crate::ssr::entities::stock_movement::{self, StockReason};
use crate::ssr::services::catalog::{price_of, PRODUCT_NOT_FOUND};
use crate::ssr::services::checkout;
use crate::types::admin::{AdminProduct, AdminProductRow, HistoryLine};
use crate::types::{Currency, Money};

/// The most a product may hold in stock.
pub const MAX_STOCK: i32 = 1_000_000;
/// The longest name and description.
const MAX_NAME: usize = 120;
const MAX_DESCRIPTION: usize = 4000;
/// Products at or below this many units are "low" on the dashboard.
pub const LOW_STOCK: i32 = 5;

/// The image a product has until one is uploaded.
const PLACEHOLDER_IMAGE: &str = "/images/placeholder.svg";

fn row_of(product: &product::Model) -> Result<AdminProductRow, AppError> {
    Ok(AdminProductRow {
        price: price_of(product)?,
        slug: product.slug.clone(),
        name: product.name.clone(),
        stock: product.stock,
        active: product.active,
        image_path: product.image_path.clone(),
    })
}

fn subject(slug: &str) -> String {
    format!("product:{slug}")
}

/// Every product, on sale or not, in catalogue order.
pub async fn products(db: &impl ConnectionTrait) -> Result<Vec<AdminProductRow>, AppError> {
    product::Entity::find()
        .order_by_asc(product::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(row_of)
        .collect()
}

/// Active products with `LOW_STOCK` units or fewer, fewest first.
pub async fn low_stock(db: &impl ConnectionTrait) -> Result<Vec<AdminProductRow>, AppError> {
    product::Entity::find()
        .filter(product::Column::Active.eq(true))
        .filter(product::Column::Stock.lte(LOW_STOCK))
        .order_by_asc(product::Column::Stock)
        .order_by_asc(product::Column::Id)
        .limit(20)
        .all(db)
        .await?
        .iter()
        .map(row_of)
        .collect()
}

async fn by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<product::Model, AppError> {
    product::Entity::find()
        .filter(product::Column::Slug.eq(slug.trim()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(PRODUCT_NOT_FOUND))
}

/// A product for its edit page, with its stock history.
pub async fn product(db: &impl ConnectionTrait, slug: &str) -> Result<AdminProduct, AppError> {
    let row = by_slug(db, slug).await?;
    let price = price_of(&row)?;
    let movements = stock_movement::Entity::find()
        .filter(stock_movement::Column::ProductId.eq(row.id))
        .order_by_desc(stock_movement::Column::Id)
        .limit(50)
        .all(db)
        .await?
        .into_iter()
        .map(|movement| HistoryLine {
            at: chrono::DateTime::from_timestamp(movement.at, 0)
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            text: format!(
                "{:+} {}, by {}",
                movement.delta,
                reason_label(movement.reason),
                movement.actor
            ),
        })
        .collect();
    Ok(AdminProduct {
        price_text: price_text(price),
        row: row_of(&row)?,
        description: row.description,
        movements,
        form_key: crate::ssr::sessions::new_token(),
    })
}

fn reason_label(reason: StockReason) -> &'static str {
    match reason {
        StockReason::Received => "received",
        StockReason::Correction => "correction",
        StockReason::Damaged => "damaged",
        StockReason::Returned => "returned from a refunded order",
    }
}

/// `18.00`, `2700`, `5.550`: a price as its form shows it.
fn price_text(price: Money) -> String {
    let exponent = price.currency.exponent();
    let scale = 10_i64.pow(exponent);
    if exponent == 0 {
        price.minor.to_string()
    } else {
        format!(
            "{}.{:0width$}",
            price.minor / scale,
            price.minor % scale,
            width = exponent as usize
        )
    }
}

/// A price typed by the owner, in the store's currency: exact, above zero,
/// and in a step Stripe takes (three-decimal currencies end in 0).
pub fn parse_price(text: &str, currency: Currency) -> Result<i64, AppError> {
    let example = Money::new(
        match currency.exponent() {
            0 => 2700,
            3 => 5550,
            _ => 1800,
        },
        currency,
    );
    let minor = money::parse(text, currency.code()).map_err(|err| {
        AppError::bad_request(match err {
            money::ParseError::TooPrecise => format!(
                "{} prices have at most {} decimal places.",
                currency.code(),
                currency.exponent()
            ),
            _ => format!("Enter the price as a number, such as {example}."),
        })
    })?;
    if minor <= 0 || minor > 99_999_999 {
        return Err(AppError::bad_request(format!(
            "The price must be above zero and at most {}.",
            Money::new(99_999_999, currency)
        )));
    }
    if currency.exponent() == 3 && minor % 10 != 0 {
        return Err(AppError::bad_request(format!(
            "Stripe takes {} amounts in steps of 0.010: the last decimal must be 0.",
            currency.code()
        )));
    }
    Ok(minor)
}

/// `Stoneware Mug` → `stoneware-mug`.
fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(60).collect()
}

/// What the owner typed into a product's form.
pub struct ProductForm<'a> {
    /// Empty for a new product.
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub price: &'a str,
    /// A new product's first stock; ignored when editing (stock changes with a reason).
    pub stock: &'a str,
    pub active: bool,
    pub key: &'a str,
}

fn checked_text(form: &ProductForm<'_>) -> Result<(String, String), AppError> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(AppError::bad_request(format!(
            "Give the product a name of at most {MAX_NAME} characters."
        )));
    }
    let description = form.description.trim();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(AppError::bad_request(format!(
            "The description is at most {MAX_DESCRIPTION} characters."
        )));
    }
    Ok((name.to_owned(), description.to_owned()))
}

fn parse_stock(text: &str) -> Result<i32, AppError> {
    match text.trim() {
        "" => Ok(0),
        typed => typed
            .parse::<i32>()
            .ok()
            .filter(|stock| (0..=MAX_STOCK).contains(stock))
            .ok_or_else(|| {
                AppError::bad_request(format!(
                    "Stock is a whole number of units from 0 to {MAX_STOCK}."
                ))
            }),
    }
}

/// Makes a new product, or edits one; its slug either way. Audited with the
/// fields before and after.
pub async fn save(
    db: &DatabaseConnection,
    owner: &StoreOwner,
    currency: Currency,
    form: &ProductForm<'_>,
    now: i64,
) -> Result<String, AppError> {
    let (name, description) = checked_text(form)?;
    let price = parse_price(form.price, currency)?;
    let key = super::order_actions::checked_key(form.key)?;
    let (_turn, txn) = begin_write(db).await?;
    let (slug, before) = if form.slug.trim().is_empty() {
        let slug = slug_of(&name);
        if slug.is_empty() {
            return Err(AppError::bad_request(
                "Give the product a name with letters or digits in it.",
            ));
        }
        let stock = parse_stock(form.stock)?;
        let created = product::Entity::insert(product::ActiveModel {
            slug: Set(slug.clone()),
            name: Set(name.clone()),
            description: Set(description.clone()),
            price_minor: Set(price),
            currency: Set(currency.code().to_owned()),
            image_path: Set(PLACEHOLDER_IMAGE.to_owned()),
            stock: Set(stock),
            active: Set(form.active),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await;
        if let Err(err) = created {
            drop(txn);
            // The same form sent twice: the first made it.
            if audit::seen(db, key).await? {
                return Ok(slug);
            }
            return Err(on_unique("A product with this name already exists.")(err));
        }
        (slug, None)
    } else {
        let slug = form.slug.trim().to_owned();
        // A write first, so edits of one product take turns.
        let touched = product::Entity::update_many()
            .col_expr(product::Column::Slug, Expr::col(product::Column::Slug))
            .filter(product::Column::Slug.eq(&slug))
            .exec(&txn)
            .await?;
        if touched.rows_affected == 0 {
            return Err(AppError::not_found(PRODUCT_NOT_FOUND));
        }
        let old = by_slug(&txn, &slug).await?;
        product::Entity::update_many()
            .col_expr(product::Column::Name, Expr::value(name.clone()))
            .col_expr(
                product::Column::Description,
                Expr::value(description.clone()),
            )
            .col_expr(product::Column::PriceMinor, Expr::value(price))
            .col_expr(product::Column::Active, Expr::value(form.active))
            .filter(product::Column::Id.eq(old.id))
            .exec(&txn)
            .await?;
        let before = json!({
            "name": old.name, "description": old.description,
            "price_minor": old.price_minor, "active": old.active,
        });
        (slug, Some(before))
    };
    let recorded = audit::record(
        &txn,
        &Entry {
            actor: &Actor::from(owner),
            action: if before.is_some() {
                "product.update"
            } else {
                "product.create"
            },
            subject: &subject(&slug),
            before,
            after: Some(json!({
                "name": name, "description": description,
                "price_minor": price, "active": form.active,
            })),
            request_key: Some(key),
        },
        now,
    )
    .await?;
    if recorded {
        txn.commit().await?;
    }
    Ok(slug)
}

/// Changes a product's stock by `change` units (`+12`, `-3`) for `reason`,
/// never below zero, and records the movement.
pub async fn adjust_stock(
    db: &DatabaseConnection,
    owner: &StoreOwner,
    slug: &str,
    change: &str,
    reason: &str,
    key: &str,
    now: i64,
) -> Result<(), AppError> {
    let key = super::order_actions::checked_key(key)?;
    let reason = match reason {
        "received" => StockReason::Received,
        "correction" => StockReason::Correction,
        "damaged" => StockReason::Damaged,
        _ => {
            return Err(AppError::bad_request(
                "Choose why the stock changes: received, correction or damaged.",
            ))
        }
    };
    let delta = change
        .trim()
        .trim_start_matches('+')
        .parse::<i32>()
        .ok()
        .filter(|delta| *delta != 0 && delta.abs() <= MAX_STOCK)
        .ok_or_else(|| {
            AppError::bad_request("Enter the change in units: 12 or +12 to add, -3 to take away.")
        })?;
    let (_turn, txn) = begin_write(db).await?;
    let row = by_slug(&txn, slug).await?;
    let recorded = audit::record(
        &txn,
        &Entry {
            actor: &Actor::from(owner),
            action: "product.stock",
            subject: &subject(&row.slug),
            before: Some(json!({ "stock": row.stock })),
            after: Some(json!({ "change": delta, "reason": reason_label(reason) })),
            request_key: Some(key),
        },
        now,
    )
    .await?;
    if !recorded {
        return Ok(());
    }
    if !checkout::adjust_stock(&txn, row.id, delta, MAX_STOCK).await? {
        return Err(AppError::Conflict(format!(
            "Stock cannot go below zero or above {MAX_STOCK}: {} has {} now.",
            row.name, row.stock
        )));
    }
    stock_movement::Entity::insert(stock_movement::ActiveModel {
        product_id: Set(row.id),
        delta: Set(delta),
        reason: Set(reason),
        order_id: Set(None),
        actor: Set(owner.email.clone()),
        at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Gives a product the image stored at `path` (under `/uploads/`).
pub async fn set_image(
    db: &DatabaseConnection,
    owner: &StoreOwner,
    slug: &str,
    path: &str,
    now: i64,
) -> Result<(), AppError> {
    let (_turn, txn) = begin_write(db).await?;
    let touched = product::Entity::update_many()
        .col_expr(product::Column::ImagePath, Expr::value(path))
        .filter(product::Column::Slug.eq(slug.trim()))
        .exec(&txn)
        .await?;
    if touched.rows_affected == 0 {
        return Err(AppError::not_found(PRODUCT_NOT_FOUND));
    }
    audit::record(
        &txn,
        &Entry {
            actor: &Actor::from(owner),
            action: "product.image",
            subject: &subject(slug.trim()),
            before: None,
            after: Some(json!({ "image_path": path })),
            request_key: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_exactly_and_in_steps_stripe_takes() {
        assert_eq!(parse_price("18", Currency::Usd), Ok(1800));
        assert_eq!(parse_price("¥2,700", Currency::Jpy), Ok(2700));
        assert_eq!(parse_price("5.550", Currency::Kwd), Ok(5550));
        for (text, currency) in [
            ("5.555", Currency::Kwd),
            ("0", Currency::Usd),
            ("2700.5", Currency::Jpy),
            ("eighteen", Currency::Usd),
        ] {
            assert!(parse_price(text, currency).is_err(), "{text}");
        }
        assert_eq!(price_text(Money::new(5550, Currency::Kwd)), "5.550");
        assert_eq!(price_text(Money::new(1805, Currency::Usd)), "18.05");
        assert_eq!(price_text(Money::new(2700, Currency::Jpy)), "2700");
    }

    #[test]
    fn a_slug_is_made_from_the_name() {
        assert_eq!(slug_of("  Stoneware Mug (large) "), "stoneware-mug-large");
        assert_eq!(slug_of("Café crème"), "caf-cr-me");
    }
}
