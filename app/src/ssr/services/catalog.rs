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
    product::Entity::find()
        .filter(product::Column::Active.eq(true))
        .order_by_asc(product::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(ProductCard {
                price: price_of(&row)?,
                slug: row.slug,
                name: row.name,
                image_path: row.image_path,
                stock: row.stock,
            })
        })
        .collect()
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
    let row = find_active(db, slug).await?;
    Ok(ProductDetail {
        price: price_of(&row)?,
        slug: row.slug,
        name: row.name,
        description: row.description,
        image_path: row.image_path,
        stock: row.stock,
    })
}

/// The row's price as [`Money`]; a currency the store does not know is a data error.
pub fn price_of(row: &product::Model) -> Result<Money, AppError> {
    let currency = Currency::from_code(&row.currency).ok_or_else(|| {
        tracing::error!(product = row.id, currency = %row.currency, "product has an unknown currency");
        AppError::Internal
    })?;
    Ok(Money::new(row.price_minor, currency))
}
