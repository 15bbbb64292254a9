use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{AwaitOrder, Confirming, OrderSuccess, TakingLong};
use crate::pages::ErrorPanel;
use crate::server_fns::cart::get_shopper;
use crate::server_fns::checkout::create_order;
use crate::types::CheckoutResult;

/// `/checkout/success?session_id=...`: where Stripe sends the shopper after
/// paying. It asks for the order (making it, if the webhook has not yet). While
/// Stripe is still confirming, [`AwaitOrder`] keeps asking and shows the order
/// in place; without JavaScript the page refreshes itself every few seconds.
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
                {Suspend::new(async move {
                    let signed_in = shopper.await.map(|s| s.email.is_some()).unwrap_or(false);
                    match result.await {
                        Ok(CheckoutResult::Placed(order)) => {
                            view! { <OrderSuccess order=*order signed_in session_id=session_id() /> }
                                .into_any()
                        }
                        Ok(CheckoutResult::Processing) => {
                            view! {
                                // Read only without JavaScript: the island asks instead.
                                <noscript>
                                    <meta http-equiv="refresh" content="3" />
                                </noscript>
                                <AwaitOrder session_id=session_id() signed_in>
                                    <Confirming />
                                    <TakingLong />
                                </AwaitOrder>
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
