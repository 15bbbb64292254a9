use leptos::either::Either;
use leptos::prelude::*;
use lucide_leptos::ShoppingCart;

use crate::components::{Alert, AlertKind, PendingIcon, PostForm, QuantityStepper};
use crate::server_fns::cart::AddToCart;
use crate::types::MAX_LINE_QUANTITY;

/// The Add to cart form: a real `<form>` posting to the `add_to_cart` server fn.
/// An island: hydrated, it answers in place with a pending state and updates the
/// header's cart badge.
///
/// In a grid of these (`in_grid`), a form reports only the outcome of its own use;
/// the page reports a form posted before hydration once, above the grid.
#[island]
pub fn AddToCartForm(
    slug: String,
    stock: i32,
    with_quantity: bool,
    in_grid: bool,
) -> impl IntoView {
    if !in_grid {
        crate::live::provide_posted_form_error();
    }
    let action = ServerAction::<AddToCart>::new();
    let pending = action.pending();
    let used = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(count)) = action.value().get() {
            crate::live::set_cart_count(count);
        }
    });
    let sold_out = stock <= 0;
    let quantity = if with_quantity && !sold_out {
        Either::Left(view! {
            <QuantityStepper name="quantity" label="Quantity" max=stock.min(MAX_LINE_QUANTITY) />
        })
    } else {
        Either::Right(view! { <input type="hidden" name="quantity" value="1" /> })
    };
    let result = move || {
        if in_grid && !used.get() {
            return None;
        }
        action.value().get().map(|outcome| match outcome {
            Ok(_) => view! { <Alert kind=AlertKind::Success message="Added to your cart." /> },
            Err(err) => view! { <Alert kind=AlertKind::Danger message=err.to_string() /> },
        })
    };
    view! {
        <div on:submit=move |_| used.set(true)>
            <PostForm action>
                <div class="flex flex-col gap-3">
                    <input type="hidden" name="slug" value=slug />
                    {quantity}
                    <button
                        type="submit"
                        class="btn-primary w-full sm:w-auto"
                        disabled=move || sold_out || pending.get()
                        aria-busy=move || pending.get().to_string()
                    >
                        <PendingIcon pending>
                            <ShoppingCart size=20 />
                        </PendingIcon>
                        {if sold_out { "Sold out" } else { "Add to cart" }}
                    </button>
                </div>
            </PostForm>
        </div>
        <div aria-live="polite" class="min-h-5" data-testid="add-to-cart-result">
            {result}
        </div>
    }
}
