use leptos::prelude::*;

use crate::error::AppError;

/// Sends the shopper to pay for their cart.
///
/// Checks that the cart is the caller's and is not empty; taking payment is not
/// switched on yet, which the answer says.
#[server(endpoint = "create_stripe_checkout_session")]
pub async fn create_stripe_checkout_session(cart_id: String) -> Result<(), AppError> {
    use crate::ssr::services::cart;
    use crate::ssr::{app_state, shopper};
    let state = app_state()?;
    let shopper = shopper::current(&state).await?;
    let view = cart::view(&state.db, shopper.owner().as_ref()).await?;
    let not_found = || AppError::not_found("That cart was not found.");
    let requested: i32 = cart_id.trim().parse().map_err(|_| not_found())?;
    if view.cart_id != Some(requested) {
        return Err(not_found());
    }
    if view.item_count == 0 {
        return Err(AppError::bad_request("Your cart is empty"));
    }
    Err(AppError::Conflict(
        "Payment is not switched on in this store yet, so nothing was charged.".to_owned(),
    ))
}
