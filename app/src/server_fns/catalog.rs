use leptos::prelude::*;

use crate::error::AppError;
use crate::types::{ProductCard, ProductDetail};

/// Every product on sale, for the home page grid.
#[server(endpoint = "list_products")]
pub async fn list_products() -> Result<Vec<ProductCard>, AppError> {
    let state = crate::ssr::app_state()?;
    state.catalogue.grid(&state.db).await
}

/// One product on sale, for its page.
#[server(endpoint = "get_product")]
pub async fn get_product(slug: String) -> Result<ProductDetail, AppError> {
    let state = crate::ssr::app_state()?;
    state.catalogue.page(&state.db, &slug).await
}
