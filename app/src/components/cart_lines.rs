use leptos::either::Either;
use leptos::prelude::*;
use lucide_leptos::ShoppingCart;

use crate::components::CartLineRow;
use crate::icon;
use crate::types::CartLineView;

/// The cart's lines, or a card saying it is empty. Drawn by the server for the
/// cart page and by the browser for the drawer.
#[component]
pub fn CartLines(lines: Vec<CartLineView>) -> impl IntoView {
    if lines.is_empty() {
        Either::Left(view! { <EmptyCart /> })
    } else {
        Either::Right(view! {
            <ul class="flex flex-col gap-4" aria-label="Items in your cart">
                {lines.into_iter().map(|line| view! { <CartLineRow line /> }).collect_view()}
            </ul>
        })
    }
}

#[component]
fn EmptyCart() -> impl IntoView {
    view! {
        <div class="card flex flex-col items-center gap-4 py-12 text-center" data-testid="empty-cart">
            <span aria-hidden="true" class="text-muted">
                {icon!(ShoppingCart, 24)}
            </span>
            <p>"Your cart is empty."</p>
            <a href="/" class="btn-primary">
                "Browse products"
            </a>
        </div>
    }
}
