use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use lucide_leptos::LoaderCircle;

use crate::components::OrderSuccess;
use crate::icon;
use crate::pages::ErrorPanel;
use crate::server_fns::cart::get_shopper;
use crate::server_fns::checkout::create_order;
use crate::types::CheckoutResult;

/// `/checkout/success?session_id=...`: where Stripe sends the shopper after
/// paying. It asks for the order (making it, if the webhook has not yet), and
/// while Stripe is still confirming it says so and looks again every few seconds.
#[component]
pub fn CheckoutSuccessPage() -> impl IntoView {
    let query = use_query_map();
    let session_id = move || query.read().get("session_id").unwrap_or_default();
    let result = Resource::new(session_id, create_order);
    let shopper = Resource::new(|| (), |_| get_shopper());
    view! {
        <Title text="Thank you for your order" />
        <section class="page">
            <Suspense fallback=|| view! { <Confirming /> }>
                {move || Suspend::new(async move {
                    let signed_in = shopper.await.map(|s| s.email.is_some()).unwrap_or(false);
                    match result.await {
                        Ok(CheckoutResult::Placed(order)) => {
                            view! { <OrderSuccess order=*order signed_in session_id=session_id() /> }
                                .into_any()
                        }
                        Ok(CheckoutResult::Processing) => {
                            view! {
                                // A full reload works with or without JavaScript.
                                <Meta http_equiv="refresh" content="3" />
                                <Confirming />
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Payment received by Stripe, not yet confirmed to the store.
#[component]
fn Confirming() -> impl IntoView {
    view! {
        <div class="card mx-auto flex max-w-lg flex-col items-center gap-3 text-center" data-testid="payment-processing">
            <span class="animate-spin text-warning motion-reduce:animate-none" aria-hidden="true">
                {icon!(LoaderCircle, 24)}
            </span>
            <h1 class="text-lg font-semibold">"We are confirming your payment"</h1>
            <p class="text-muted">
                "This usually takes a few seconds. This page refreshes itself, and we will email you the receipt."
            </p>
        </div>
    }
}
