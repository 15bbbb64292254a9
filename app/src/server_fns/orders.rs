use leptos::prelude::*;

use crate::error::AppError;
use crate::types::OrderView;

/// One order, by its number, for its owner (the account, or the guest browser
/// that paid). Anyone else gets the same 404 as for an order that does not exist.
#[server(endpoint = "get_order")]
pub async fn get_order(number: String) -> Result<OrderView, AppError> {
    use crate::ssr::services::orders;
    use crate::ssr::{app_state, shopper};
    let state = app_state()?;
    let owner = shopper::current(&state).await?.owner();
    orders::order_for(&state.db, owner.as_ref(), &number).await
}

/// The signed-in shopper's orders, newest first.
#[server(endpoint = "list_orders")]
pub async fn list_orders() -> Result<Vec<OrderView>, AppError> {
    use crate::ssr::services::orders;
    use crate::ssr::{app_state, shopper};
    let state = app_state()?;
    let user_id = shopper::current(&state)
        .await?
        .user_id()
        .ok_or_else(|| AppError::Unauthorized("Sign in to see your orders.".to_owned()))?;
    orders::orders_of(&state.db, user_id).await
}
