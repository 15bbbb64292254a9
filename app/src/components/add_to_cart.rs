use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use lucide_leptos::ShoppingCart;

use crate::components::{LiveForm, PendingIcon, QuantityStepper};
use crate::icon;
use crate::server_fns::cart::AddToCart;
use crate::types::MAX_LINE_QUANTITY;

/// The Add to cart form: a [`LiveForm`] posting to the `add_to_cart` server fn.
/// Placed inside [`InPlace`](crate::components::InPlace) (once for a whole grid),
/// it answers in place with a pending state, its message and the header's new
/// badge. The outcome is shown under the form of the product it was about, so in
/// a grid (`in_grid`) only the tile that was used reports; alone on its page, the
/// form also reports a refusal that names no product. In a grid the button's
/// accessible name also says which product it adds ("Add to cart: Glass carafe").
#[component]
pub fn AddToCartForm(
    slug: String,
    /// The product's name, spoken after the button's label in a grid.
    #[prop(optional)]
    name: Option<String>,
    stock: i32,
    with_quantity: bool,
    in_grid: bool,
) -> impl IntoView {
    let sold_out = stock <= 0;
    let quantity = if with_quantity && !sold_out {
        Either::Left(view! {
            <QuantityStepper name="quantity" label="Quantity" max=stock.min(MAX_LINE_QUANTITY) />
        })
    } else {
        Either::Right(view! { <input type="hidden" name="quantity" value="1" /> })
    };
    let label = if sold_out { "Sold out" } else { "Add to cart" };
    // It starts with the words on the button, so a voice command saying them still works.
    let spoken = name.map(|name| format!("{label}: {name}"));
    view! {
        <LiveForm
            action=AddToCart::url()
            item=slug.clone()
            success="Added to your cart."
            testid="add-to-cart-result"
            unnamed_too=!in_grid
        >
            <div class="flex flex-col gap-3">
                <input type="hidden" name="slug" value=slug />
                {quantity}
                <button type="submit" class="btn-primary w-full sm:w-auto" disabled=sold_out aria-label=spoken>
                    <PendingIcon>
                        {icon!(ShoppingCart, 20)}
                    </PendingIcon>
                    {label}
                </button>
            </div>
        </LiveForm>
    }
}
