//! The back office's catalogue and home. Like every back-office server fn,
//! each answers anyone but a signed-in owner with a 404.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::admin::{AdminProduct, AdminProductRow, Dashboard};

/// The dashboard: takings, orders, and what needs the owner.
#[server(endpoint = "admin_dashboard")]
pub async fn admin_dashboard() -> Result<Dashboard, AppError> {
    use crate::ssr::services::admin::dashboard;
    let (request, _) = super::admin::owner().await?;
    let state = &request.state;
    dashboard::dashboard(
        request.db(),
        state.payments.test_mode,
        state.store.currency,
        request.now,
    )
    .await
}

/// Every product, on sale or not.
#[server(endpoint = "admin_products")]
pub async fn admin_products() -> Result<Vec<AdminProductRow>, AppError> {
    use crate::ssr::services::admin::catalogue;
    let (request, _) = super::admin::owner().await?;
    catalogue::products(request.db()).await
}

/// One product, for its edit page.
#[server(endpoint = "admin_product")]
pub async fn get_admin_product(slug: String) -> Result<AdminProduct, AppError> {
    use crate::ssr::services::admin::catalogue;
    let (request, _) = super::admin::owner().await?;
    catalogue::product(request.db(), &slug).await
}

/// Makes a product (`slug` empty) or edits one; a browser's form post goes on
/// to the product's page.
#[server(endpoint = "admin_save_product")]
#[allow(clippy::too_many_arguments)]
pub async fn admin_save_product(
    slug: String,
    name: String,
    description: String,
    price: String,
    stock: Option<String>,
    active: Option<String>,
    key: String,
) -> Result<String, AppError> {
    use crate::ssr::services::admin::catalogue::{self, ProductForm};
    use crate::ssr::{form_outcome, shopper};
    use leptos::server_fn::ServerFn;
    let (request, owner) = super::admin::owner().await?;
    let outcome = catalogue::save(
        request.db(),
        &owner,
        request.state.store.currency,
        &ProductForm {
            slug: &slug,
            name: &name,
            description: &description,
            price: &price,
            stock: stock.as_deref().unwrap_or_default(),
            active: active.is_some(),
            key: &key,
        },
        request.now,
    )
    .await;
    request.state.catalogue.invalidate();
    let item = (!slug.is_empty()).then_some(slug.as_str());
    match &outcome {
        Ok(saved) if slug.is_empty() && shopper::wants_html() => {
            form_outcome::answer(AdminSaveProduct::PATH, Some(saved), &outcome);
            leptos_axum::redirect(&format!("/admin/products/{saved}"));
        }
        _ => form_outcome::answer(AdminSaveProduct::PATH, item, &outcome),
    }
    outcome
}

/// Changes a product's stock by a number of units, for a reason.
#[server(endpoint = "admin_adjust_stock")]
pub async fn admin_adjust_stock(
    slug: String,
    change: String,
    reason: String,
    key: String,
) -> Result<(), AppError> {
    use crate::ssr::form_outcome;
    use crate::ssr::services::admin::catalogue;
    use leptos::server_fn::ServerFn;
    let (request, owner) = super::admin::owner().await?;
    let outcome = catalogue::adjust_stock(
        request.db(),
        &owner,
        &slug,
        &change,
        &reason,
        &key,
        request.now,
    )
    .await;
    request.state.catalogue.invalidate();
    form_outcome::answer(AdminAdjustStock::PATH, Some(&slug), &outcome);
    outcome
}
