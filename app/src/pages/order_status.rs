use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use lucide_leptos::{ArrowLeft, Search};

use crate::components::{EmailField, IconLink, InPlace, LiveForm, OrderDetail, PendingIcon};
use crate::icon;
use crate::pages::ErrorPanel;
use crate::server_fns::order_status::{get_order_status, FindOrder};

/// `/orders/status?token=…`: one order from its emailed link, on any device,
/// signed in or not.
#[component]
pub fn OrderStatusPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let order = Resource::new(token, get_order_status);
    view! {
        <Title text="Your order" />
        <section class="page">
            <Suspense fallback=|| view! { <p class="caption">"Loading your order…"</p> }>
                {Suspend::new(async move {
                    match order.await {
                        Ok(order) => {
                            view! {
                                <OrderDetail order>
                                    <IconLink href="/" class="btn-secondary self-start" icon=icon!(ArrowLeft, 20)>
                                        "Continue shopping"
                                    </IconLink>
                                </OrderDetail>
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! {
                                <div class="flex flex-col gap-6">
                                    <ErrorPanel error />
                                    <FindOrderCard />
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/orders/find`: an order by its number and the email it was bought with.
#[component]
pub fn FindOrderPage() -> impl IntoView {
    view! {
        <Title text="Find your order" />
        <section class="page">
            <FindOrderCard />
        </section>
    }
}

/// The lookup form; a match goes on to the order's status page.
#[component]
fn FindOrderCard() -> impl IntoView {
    view! {
        <div class="card mx-auto flex w-full max-w-md flex-col gap-6">
            <div class="flex flex-col gap-1">
                <h1 class="page-title">"Find your order"</h1>
                <p class="caption">
                    "Enter the order number from your confirmation email and the email address you paid with."
                </p>
            </div>
            <InPlace>
                <LiveForm action=FindOrder::url() testid="find-order-error">
                    <div class="flex flex-col gap-4">
                        <div class="flex flex-col gap-1">
                            <label for="number" class="text-sm font-medium">
                                "Order number"
                            </label>
                            <input
                                id="number"
                                name="number"
                                type="text"
                                placeholder="SF-000123"
                                autocapitalize="characters"
                                autocomplete="off"
                                spellcheck="false"
                                class="h-11 rounded-xl border border-line bg-surface px-3 text-ink"
                            />
                        </div>
                        <EmailField />
                        <button type="submit" class="btn-primary w-full">
                            <PendingIcon>
                                {icon!(Search, 20)}
                            </PendingIcon>
                            "Find order"
                        </button>
                    </div>
                </LiveForm>
            </InPlace>
        </div>
    }
}
