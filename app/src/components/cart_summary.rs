use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use lucide_leptos::Lock;

use crate::components::{LiveForm, PendingIcon, Price};
use crate::icon;
use crate::server_fns::checkout::CreateStripeCheckoutSession;
use crate::types::CartView;

/// The cart's total and the Checkout button, disabled with its reason when the
/// cart is empty. The button is a [`LiveForm`] posting to
/// `create_stripe_checkout_session`, which sends the browser on to the payment
/// page (`navigate`: the page is left, not answered in place). A refusal comes
/// back to the cart and is shown under the button.
#[component]
pub fn CartSummary(cart: CartView) -> impl IntoView {
    let empty = cart.item_count == 0;
    let items = match cart.item_count {
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    };
    let cart_id = cart.cart_id.map(|id| id.to_string()).unwrap_or_default();
    view! {
        <aside
            class="card flex flex-col gap-4 shadow-md lg:sticky lg:top-24"
            aria-labelledby="cart-summary-title"
            data-testid="cart-summary"
        >
            <h2 id="cart-summary-title" class="text-lg font-semibold">
                "Order summary"
            </h2>
            <dl class="flex flex-col gap-2">
                <div class="flex items-center justify-between">
                    <dt class="text-muted">"Items"</dt>
                    <dd class="tabular-nums" data-testid="summary-count">{items}</dd>
                </div>
                <div class="flex items-center justify-between border-t border-line pt-2">
                    <dt class="font-semibold">"Subtotal"</dt>
                    <dd data-testid="summary-subtotal">
                        <Price money=cart.subtotal class="text-lg font-semibold" />
                    </dd>
                </div>
            </dl>
            <p class="caption">"Shipping and any tax are added on the payment page, once you enter your address and choose how it ships."</p>
            <LiveForm action=CreateStripeCheckoutSession::url() navigate=true testid="checkout-result">
                <input type="hidden" name="cart_id" value=cart_id />
                <button
                    type="submit"
                    class="btn-primary w-full"
                    disabled=empty
                    aria-describedby=empty.then_some("checkout-reason")
                >
                    <PendingIcon>
                        {icon!(Lock, 20)}
                    </PendingIcon>
                    "Checkout securely"
                </button>
            </LiveForm>
            {empty
                .then(|| {
                    view! {
                        <p id="checkout-reason" class="caption text-center">
                            "Your cart is empty"
                        </p>
                    }
                })}
        </aside>
    }
}
