use leptos::prelude::*;

use crate::error::AppError;
use crate::types::{CartView, ShopperView};

/// Adds a product to the shopper's cart, starting a guest session if they have
/// none; answers with the cart's new item count, for the header's badge. A form
/// posted by a browser goes back to its page with the product named, so the
/// page tells the outcome under that product's form (see `LiveForm`).
///
/// The quantity arrives as the text the shopper typed, so that a word or an empty
/// field is answered with the allowed range rather than a decoding error.
#[server(endpoint = "add_to_cart")]
pub async fn add_to_cart(slug: String, quantity: String) -> Result<u32, AppError> {
    use crate::ssr::form_outcome;
    use leptos::server_fn::ServerFn;
    let outcome = add(&slug, &quantity).await;
    form_outcome::answer(AddToCart::PATH, Some(&slug), &outcome);
    outcome
}

#[cfg(feature = "ssr")]
async fn add(slug: &str, quantity: &str) -> Result<u32, AppError> {
    use crate::ssr::domain::Owner;
    use crate::ssr::services::cart::{self, Addition};
    use crate::ssr::{shopper, RequestContext};
    let request = RequestContext::read().await?;
    // Checked first: a refused add must not start a session.
    let wanted = Addition::check(request.db(), slug, quantity).await?;
    let owner = match request.owner() {
        Some(owner) => owner,
        None => Owner::of(&shopper::start_session(&request.state).await?),
    };
    cart::add_checked(request.db(), &owner, wanted, request.now).await?;
    Ok(cart::view(request.db(), Some(&owner)).await?.item_count)
}

/// Sets a cart line's quantity: the typed `quantity`, moved by `step` (`-1`, `1`)
/// when the shopper pressed Minus or Plus. Answers with the cart as it now is.
#[server(endpoint = "update_cart_line")]
pub async fn update_cart_line(
    line_id: String,
    quantity: String,
    step: Option<String>,
) -> Result<CartView, AppError> {
    use crate::ssr::services::cart::{self, LINE_NOT_FOUND};
    use crate::ssr::{form_outcome, RequestContext};
    use leptos::server_fn::ServerFn;
    let outcome = async {
        let request = RequestContext::read().await?;
        let owner = request.require_owner(|| AppError::not_found(LINE_NOT_FOUND))?;
        cart::set_quantity(
            request.db(),
            &owner,
            &line_id,
            &quantity,
            step.as_deref(),
            request.now,
        )
        .await?;
        cart::view(request.db(), Some(&owner)).await
    }
    .await;
    form_outcome::answer(UpdateCartLine::PATH, None, &outcome);
    outcome
}

/// Takes a line out of the shopper's cart. Answers with the cart as it now is.
#[server(endpoint = "remove_cart_line")]
pub async fn remove_cart_line(line_id: String) -> Result<CartView, AppError> {
    use crate::ssr::services::cart::{self, LINE_NOT_FOUND};
    use crate::ssr::{form_outcome, RequestContext};
    use leptos::server_fn::ServerFn;
    let outcome = async {
        let request = RequestContext::read().await?;
        let owner = request.require_owner(|| AppError::not_found(LINE_NOT_FOUND))?;
        cart::remove_line(request.db(), &owner, &line_id, request.now).await?;
        cart::view(request.db(), Some(&owner)).await
    }
    .await;
    form_outcome::answer(RemoveCartLine::PATH, None, &outcome);
    outcome
}

/// The shopper's cart, priced from the catalog now.
#[server(endpoint = "get_cart")]
pub async fn get_cart() -> Result<CartView, AppError> {
    use crate::ssr::RequestContext;
    RequestContext::read().await?.cart().await
}

/// Who the shopper is and how full their cart is, for the header.
#[server(endpoint = "get_shopper")]
pub async fn get_shopper() -> Result<ShopperView, AppError> {
    use crate::ssr::entities::user::Role;
    use crate::ssr::services::accounts;
    use crate::ssr::RequestContext;
    let request = RequestContext::read().await?;
    let (email, owner) = match request.user_id() {
        Some(user_id) => match accounts::account_of(request.db(), user_id).await? {
            Some((email, role)) => (Some(email), role == Role::Owner),
            None => (None, false),
        },
        None => (None, false),
    };
    Ok(ShopperView {
        email,
        owner,
        cart_count: request.cart().await?.item_count,
    })
}
