//! An order's status page from any device: by its emailed link, or by its
//! number and email.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::OrderView;

/// The order an emailed (or looked-up) link's token names.
#[server(endpoint = "get_order_status")]
pub async fn get_order_status(token: String) -> Result<OrderView, AppError> {
    use crate::ssr::services::order_links;
    let state = crate::ssr::app_state()?;
    order_links::order_by_token(&state.db, &token).await
}

/// Looks an order up by its number and the email it was bought with, and
/// answers with the path of its status page; a browser's form post goes on to
/// it, and a refusal goes back to the form. Throttled per client.
#[server(endpoint = "find_order")]
pub async fn find_order(number: String, email: String) -> Result<String, AppError> {
    use crate::ssr::services::order_links;
    use crate::ssr::{app_state, clock, form_outcome, shopper};
    use leptos::server_fn::ServerFn;
    let outcome = async {
        let state = app_state()?;
        let client = shopper::client_address(&state);
        let token = order_links::look_up(&state.db, &number, &email, &client, clock::now()).await?;
        Ok(order_links::url("", &token))
    }
    .await;
    match &outcome {
        Ok(path) if shopper::wants_html() => leptos_axum::redirect(path),
        Ok(_) => {}
        Err(_) => form_outcome::answer(FindOrder::PATH, None, &outcome),
    }
    outcome
}
