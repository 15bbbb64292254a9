use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use lucide_leptos::ShoppingCart;

use crate::actions::StoreActions;
use crate::components::{Alert, AlertKind, PendingIcon, QuantityStepper};
use crate::icon;
use crate::server_fns::cart::AddToCart;
use crate::types::MAX_LINE_QUANTITY;

/// The Add to cart form: a real `<form>` posting to the `add_to_cart` server fn.
/// Placed inside [`InPlace`](crate::components::InPlace) (once for a whole grid),
/// it answers in place with a pending state, its message and the header's new
/// badge.
///
/// The store sends a posted form back to its page naming the product (`item`),
/// so the page reports the outcome under that product's form. In a grid of these
/// (`in_grid`), a form reports only the outcome of its own use; the page reports
/// a refusal that names no product, once, above the grid.
#[component]
pub fn AddToCartForm(
    slug: String,
    stock: i32,
    with_quantity: bool,
    in_grid: bool,
) -> impl IntoView {
    let item = use_query_map().read_untracked().get("item");
    // The page's shared action holds a refusal brought back in the address.
    let refusal = || {
        StoreActions::from_context()
            .add
            .value()
            .get_untracked()
            .and_then(Result::err)
    };
    // What this form has to report: `Some(None)` added, `Some(Some(_))` refused.
    let outcome = match item {
        Some(item) if item == slug => Some(refusal()),
        None if !in_grid => refusal().map(Some),
        _ => None,
    };
    let result = outcome.map(|refusal| match refusal {
        None => view! { <Alert kind=AlertKind::Success message="Added to your cart." /> },
        Some(err) => view! { <Alert kind=AlertKind::Danger message=err.to_string() /> },
    });
    let sold_out = stock <= 0;
    let quantity = if with_quantity && !sold_out {
        Either::Left(view! {
            <QuantityStepper name="quantity" label="Quantity" max=stock.min(MAX_LINE_QUANTITY) />
        })
    } else {
        Either::Right(view! { <input type="hidden" name="quantity" value="1" /> })
    };
    view! {
        <form method="post" action=AddToCart::url() class="group">
            <div class="flex flex-col gap-3">
                <input type="hidden" name="slug" value=slug.clone() />
                {quantity}
                <button type="submit" class="btn-primary w-full sm:w-auto" disabled=sold_out>
                    <PendingIcon>
                        {icon!(ShoppingCart, 20)}
                    </PendingIcon>
                    {if sold_out { "Sold out" } else { "Add to cart" }}
                </button>
            </div>
        </form>
        <div
            aria-live="polite"
            class="min-h-5"
            data-testid="add-to-cart-result"
            data-live=format!("added-{slug}")
        >
            {result}
        </div>
    }
}
