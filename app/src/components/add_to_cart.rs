use leptos::prelude::*;
use lucide_leptos::ShoppingCart;

use crate::components::{Alert, AlertKind, PendingIcon, QuantityStepper};
use crate::server_fns::cart::AddToCart;
use crate::types::MAX_LINE_QUANTITY;

/// The Add to cart form: a real `<form>` posting to the `add_to_cart` server fn,
/// which hydration turns into an in-page call with a pending state.
///
/// `show_result` says whether this form reports the action's outcome itself; a grid
/// of forms sharing one action reports it once instead.
#[component]
pub fn AddToCartForm(
    action: ServerAction<AddToCart>,
    #[prop(into)] slug: String,
    stock: i32,
    #[prop(optional)] with_quantity: bool,
    #[prop(optional, into)] show_result: Signal<bool>,
) -> impl IntoView {
    let pending = action.pending();
    let sold_out = stock <= 0;
    let quantity = if with_quantity && !sold_out {
        view! {
            <QuantityStepper name="quantity" label="Quantity" max=stock.min(MAX_LINE_QUANTITY) />
        }
        .into_any()
    } else {
        view! { <input type="hidden" name="quantity" value="1" /> }.into_any()
    };
    let result = move || {
        if !show_result.get() {
            return None;
        }
        action.value().get().map(|outcome| match outcome {
            Ok(()) => view! { <Alert kind=AlertKind::Success message="Added to your cart." /> },
            Err(err) => view! { <Alert kind=AlertKind::Danger message=err.to_string() /> },
        })
    };
    view! {
        <ActionForm action>
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
        </ActionForm>
        <div aria-live="polite" class="min-h-5" data-testid="add-to-cart-result">
            {result}
        </div>
    }
}
