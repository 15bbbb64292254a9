use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use lucide_leptos::Lock;

use crate::components::{Alert, AlertKind, PendingIcon, Price};
use crate::icon;
use crate::server_fns::checkout::CreateStripeCheckoutSession;
use crate::types::CartView;

/// The cart's total and the Checkout button, disabled with its reason when the
/// cart is empty. The button is a real form posting to
/// `create_stripe_checkout_session`, which sends the browser on to the payment
/// page (`data-navigate`: the page is left, not answered in place). A refusal
/// comes back to the cart in its address and is shown here.
#[component]
pub fn CartSummary(cart: CartView) -> impl IntoView {
    let checkout = ServerAction::<CreateStripeCheckoutSession>::new();
    let empty = cart.item_count == 0;
    let items = match cart.item_count {
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    };
    let cart_id = cart.cart_id.map(|id| id.to_string()).unwrap_or_default();
    let refusal = checkout
        .value()
        .get_untracked()
        .and_then(Result::err)
        .map(|err| view! { <Alert kind=AlertKind::Danger message=err.to_string() /> });
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
            <p class="caption">"Shipping and taxes are settled on the payment page."</p>
            <form method="post" action=CreateStripeCheckoutSession::url() class="group" data-navigate="">
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
            </form>
            {empty
                .then(|| {
                    view! {
                        <p id="checkout-reason" class="caption text-center">
                            "Your cart is empty"
                        </p>
                    }
                })}
            {refusal}
        </aside>
    }
}
