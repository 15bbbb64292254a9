//! In the browser only: the views the islands draw themselves, with the very
//! components the server draws: the cart in the drawer ([`CartLines`] and
//! [`CartSummary`], as on `/cart`) and the order that arrives while the success
//! page waits ([`OrderSuccess`]).
//!
//! Each is `#[lazy]`: the release build (`cargo leptos build --split`) puts
//! them, with what only they need (the server fn clients, the code that builds
//! these views), in WebAssembly of their own, fetched the first time one is
//! called. A page's first load does not carry them.

use std::any::Any;
use std::cell::RefCell;

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::components::live_parts::keeping_focus;
use crate::components::{CartLines, CartSummary, OrderSuccess};
use crate::error::AppError;
use crate::server_fns::cart::get_cart;
use crate::server_fns::checkout::create_order;
use crate::types::CheckoutResult;

thread_local! {
    /// The cart the drawer shows now; dropping it takes it off the page.
    static DRAWN_CART: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

/// The shopper's cart as the store has it now, drawn into `into` in place of
/// what was there, the focus kept on the control that had it. False when the
/// store could not be asked.
#[lazy]
pub async fn draw_cart(into: Element) -> bool {
    let Ok(into) = into.dyn_into::<HtmlElement>() else {
        return false;
    };
    let Ok(cart) = get_cart().await else {
        return false;
    };
    keeping_focus(move || {
        // Taken out of the cell first: dropping it unmounts the cart shown now.
        let shown = DRAWN_CART.with(|drawn| drawn.borrow_mut().take());
        drop(shown);
        into.set_inner_html("");
        let handle = mount_to(into, move || {
            view! {
                <div class="flex flex-col gap-4" data-testid="drawer-cart">
                    <CartLines lines=cart.lines.clone() />
                    <CartSummary cart />
                </div>
            }
        });
        DRAWN_CART.with(|drawn| *drawn.borrow_mut() = Some(Box::new(handle)));
    });
    true
}

/// What one look at the store found while the success page waits.
pub enum Found {
    /// The order is there, and drawn.
    Order,
    /// The store refuses (expired, or not this shopper's): the page, reloaded,
    /// says why.
    Refusal,
    /// Not yet, or a moment's trouble.
    NotYet,
}

/// Asks `create_order` for the Checkout Session's order; once it exists, its
/// [`OrderSuccess`] is drawn into `into` in place of the waiting card.
#[lazy]
pub async fn draw_order(session_id: String, signed_in: bool, into: Element) -> Found {
    let Ok(into) = into.dyn_into::<HtmlElement>() else {
        return Found::NotYet;
    };
    match create_order(session_id.clone()).await {
        Ok(CheckoutResult::Placed(order)) => {
            into.set_inner_html("");
            mount_to(into, move || {
                view! { <OrderSuccess order=*order signed_in session_id /> }
            })
            .forget();
            Found::Order
        }
        Ok(CheckoutResult::Processing) => Found::NotYet,
        Err(AppError::NotFound(_) | AppError::Conflict(_)) => Found::Refusal,
        Err(_) => Found::NotYet,
    }
}
