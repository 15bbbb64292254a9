use leptos::prelude::*;

use crate::error::AppError;
use crate::types::OrderView;

/// One order, by its number, for its owner (the account, or the guest browser
/// that paid). Anyone else gets the same 404 as for an order that does not exist.
#[server(endpoint = "get_order")]
pub async fn get_order(number: String) -> Result<OrderView, AppError> {
    use crate::ssr::services::orders;
    use crate::ssr::RequestContext;
    let request = RequestContext::read().await?;
    orders::order_for(request.db(), request.owner().as_ref(), &number).await
}

/// The signed-in shopper's orders, newest first.
#[server(endpoint = "list_orders")]
pub async fn list_orders() -> Result<Vec<OrderView>, AppError> {
    use crate::ssr::services::orders;
    use crate::ssr::RequestContext;
    let request = RequestContext::read().await?;
    let user_id = request
        .user_id()
        .ok_or_else(|| AppError::Unauthorized("Sign in to see your orders.".to_owned()))?;
    orders::orders_of(request.db(), user_id).await
}
