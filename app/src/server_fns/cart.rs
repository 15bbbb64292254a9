use leptos::prelude::*;

use crate::error::AppError;

/// Adds a product to the shopper's cart.
///
/// The quantity arrives as the text the shopper typed, so that a word or an empty
/// field is answered with the allowed range rather than a decoding error.
#[server(endpoint = "add_to_cart")]
pub async fn add_to_cart(slug: String, quantity: String) -> Result<(), AppError> {
    use crate::ssr::{app_state, services::cart};
    cart::add_to_cart(&app_state()?.db, &slug, &quantity).await
}
