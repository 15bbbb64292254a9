use leptos::prelude::*;

use crate::error::AppError;
use crate::types::{ProductCard, ProductDetail};

/// Every product on sale, for the home page grid.
#[server(endpoint = "list_products")]
pub async fn list_products() -> Result<Vec<ProductCard>, AppError> {
    use crate::ssr::{app_state, services::catalog};
    catalog::list_active(&app_state()?.db).await
}

/// One product on sale, for its page.
#[server(endpoint = "get_product")]
pub async fn get_product(slug: String) -> Result<ProductDetail, AppError> {
    use crate::ssr::{app_state, services::catalog};
    catalog::product_detail(&app_state()?.db, &slug).await
}
