use leptos::prelude::*;
use lucide_leptos::Lock;

use crate::components::{Alert, AlertKind, PendingIcon, PostForm, Price};
use crate::server_fns::checkout::CreateStripeCheckoutSession;
use crate::types::CartView;

/// The cart's total and the Checkout button, disabled with its reason when the
/// cart is empty. The button is a real form: it works before hydration. The
/// figures follow `cart` as the shopper changes it.
#[component]
pub fn CartSummary(#[prop(into)] cart: Signal<CartView>) -> impl IntoView {
    let checkout = ServerAction::<CreateStripeCheckoutSession>::new();
    let pending = checkout.pending();
    let count = move || cart.with(|cart| cart.item_count);
    let empty = move || count() == 0;
    let items = move || match count() {
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    };
    let subtotal = Signal::derive(move || cart.with(|cart| cart.subtotal));
    let cart_id =
        cart.with_untracked(|cart| cart.cart_id.map(|id| id.to_string()).unwrap_or_default());
    // Hydrated: the answer is the payment page's address; leave the app for it
    // (the router would try to handle a same-origin address itself).
    // Effects only run in the browser.
    Effect::new(move |_| {
        if let Some(Ok(url)) = checkout.value().get() {
            let _ = window().location().set_href(&url);
        }
    });
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
                        <Price money=subtotal class="text-lg font-semibold" />
                    </dd>
                </div>
            </dl>
            <p class="caption">"Shipping and taxes are settled on the payment page."</p>
            <PostForm action=checkout>
                <input type="hidden" name="cart_id" value=cart_id />
                <button
                    type="submit"
                    class="btn-primary w-full"
                    disabled=move || empty() || pending.get()
                    aria-describedby=move || empty().then_some("checkout-reason")
                >
                    <PendingIcon pending>
                        <Lock size=20 />
                    </PendingIcon>
                    "Checkout securely"
                </button>
            </PostForm>
            {move || {
                empty()
                    .then(|| {
                        view! {
                            <p id="checkout-reason" class="caption text-center">
                                "Your cart is empty"
                            </p>
                        }
                    })
            }}
            {move || {
                checkout
                    .value()
                    .get()
                    .and_then(Result::err)
                    .map(|err| view! { <Alert kind=AlertKind::Danger message=err.to_string() /> })
            }}
        </aside>
    }
}
