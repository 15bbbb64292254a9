use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use lucide_leptos::{ArrowLeft, Package};

use crate::components::{IconLink, OrderDetail, Price};
use crate::icon;
use crate::pages::ErrorPanel;
use crate::server_fns::orders::{get_order, list_orders};

/// `/account/orders`: the signed-in shopper's orders, newest first, including
/// those placed as a guest before signing in.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let orders = Resource::new(|| (), |_| list_orders());
    view! {
        <Title text="Your orders" />
        <section class="page">
            <h1 class="page-title mb-6">"Your orders"</h1>
            <Suspense fallback=|| view! { <p class="caption">"Loading your orders…"</p> }>
                {Suspend::new(async move {
                    match orders.await {
                        Ok(orders) if orders.is_empty() => {
                            view! {
                                <div class="card flex flex-col items-center gap-4 py-12 text-center" data-testid="no-orders">
                                    <span aria-hidden="true" class="text-muted">
                                        {icon!(Package, 24)}
                                    </span>
                                    <p>"You have no orders yet."</p>
                                    <a href="/" class="btn-primary">"Browse products"</a>
                                </div>
                            }
                                .into_any()
                        }
                        Ok(orders) => {
                            view! {
                                <ul class="flex flex-col gap-4" aria-label="Orders">
                                    {orders
                                        .into_iter()
                                        .map(|order| {
                                            let href = format!("/account/orders/{}", order.number);
                                            let count = match order.item_count() {
                                                1 => "1 item".to_owned(),
                                                n => format!("{n} items"),
                                            };
                                            view! {
                                                <li class="card flex items-center justify-between gap-4" data-testid="order-row">
                                                    <div class="min-w-0">
                                                        <a href=href class="font-semibold text-brand underline-offset-4 hover:underline">
                                                            {order.number.clone()}
                                                        </a>
                                                        <p class="caption">
                                                            {order.placed_on.clone()} " · " {count}
                                                            {order.test_order.then_some(" · Test order")}
                                                            {order.hold.map(|_| " · On hold")}
                                                        </p>
                                                    </div>
                                                    <Price money=order.total class="font-semibold" />
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
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

/// `/account/orders/:number`: one order, for its owner only.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let order = Resource::new(number, get_order);
    view! {
        <Title text="Your order" />
        <section class="page">
            <Suspense fallback=|| view! { <p class="caption">"Loading your order…"</p> }>
                {Suspend::new(async move {
                    match order.await {
                        Ok(order) => {
                            view! {
                                <OrderDetail order>
                                    <IconLink
                                        href="/account/orders"
                                        class="btn-secondary self-start"
                                        icon=icon!(ArrowLeft, 20)
                                    >
                                        "All orders"
                                    </IconLink>
                                </OrderDetail>
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
