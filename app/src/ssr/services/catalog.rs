//! Reading the catalog.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use crate::error::AppError;
use crate::ssr::entities::product;
use crate::types::{Currency, Money, ProductCard, ProductDetail};

/// The sentence for a product that is missing or no longer sold.
pub const PRODUCT_NOT_FOUND: &str = "That product is not in our catalog.";

/// Every product on sale, in catalog order.
pub async fn list_active(db: &impl ConnectionTrait) -> Result<Vec<ProductCard>, AppError> {
    active_rows(db).await?.into_iter().map(card_of).collect()
}

/// The rows of every product on sale, in catalog order: one statement.
pub async fn active_rows(db: &impl ConnectionTrait) -> Result<Vec<product::Model>, AppError> {
    Ok(product::Entity::find()
        .filter(product::Column::Active.eq(true))
        .order_by_asc(product::Column::Id)
        .all(db)
        .await?)
}

/// A product as the grid shows it.
pub fn card_of(row: product::Model) -> Result<ProductCard, AppError> {
    Ok(ProductCard {
        price: price_of(&row)?,
        slug: row.slug,
        name: row.name,
        image_path: row.image_path,
        stock: row.stock,
    })
}

/// A product as its own page shows it.
pub fn detail_of(row: &product::Model) -> Result<ProductDetail, AppError> {
    Ok(ProductDetail {
        price: price_of(row)?,
        slug: row.slug.clone(),
        name: row.name.clone(),
        description: row.description.clone(),
        image_path: row.image_path.clone(),
        stock: row.stock,
    })
}

/// One product on sale, by its slug.
pub async fn find_active(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<product::Model, AppError> {
    product::Entity::find()
        .filter(product::Column::Slug.eq(slug))
        .filter(product::Column::Active.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(PRODUCT_NOT_FOUND))
}

/// The products with these ids, sold or not, by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, product::Model>, AppError> {
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|product| (product.id, product))
        .collect())
}

/// A product's page, by its slug.
pub async fn product_detail(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<ProductDetail, AppError> {
    detail_of(&find_active(db, slug).await?)
}

/// The row's price as [`Money`]; a currency the store does not know is a data error.
pub fn price_of(row: &product::Model) -> Result<Money, AppError> {
    let currency = Currency::from_code(&row.currency).ok_or_else(|| {
        tracing::error!(product = row.id, currency = %row.currency, "product has an unknown currency");
        AppError::Internal
    })?;
    Ok(Money::new(row.price_minor, currency))
}
