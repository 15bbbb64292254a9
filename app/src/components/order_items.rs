use leptos::prelude::*;

use crate::components::Price;
use crate::types::{Money, OrderView};

/// One figure between the lines and the total: a label and an amount.
#[component]
fn Figure(
    label: String,
    money: Money,
    #[prop(optional)] minus: bool,
    #[prop(optional)] free: bool,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="flex items-baseline justify-between gap-4">
            <dt class="text-muted">{label}</dt>
            <dd class="whitespace-nowrap text-right" data-testid=testid>
                {if free {
                    view! { <span>"Free"</span> }.into_any()
                } else if minus {
                    view! { <span>"−" <Price money=money /></span> }.into_any()
                } else {
                    view! { <Price money=money /> }.into_any()
                }}
            </dd>
        </div>
    }
}

/// An order's lines, its subtotal, discount, shipping and tax, and its total, as
/// a table that fits a phone.
#[component]
pub fn OrderItems(order: OrderView) -> impl IntoView {
    let figures = order.figures.clone();
    let discount_label = match &figures.promotion_code {
        Some(code) => format!("Discount ({code})"),
        None => "Discount".to_owned(),
    };
    view! {
        <div>
            <ul class="flex flex-col divide-y divide-line" aria-label="Items in this order">
                {order
                    .items
                    .into_iter()
                    .map(|item| {
                        view! {
                            <li class="flex items-baseline justify-between gap-4 py-3" data-testid="order-item">
                                <span class="min-w-0">
                                    <span class="block truncate">{item.name}</span>
                                    <span class="caption">
                                        "Qty " <span data-testid="order-item-quantity">{item.quantity}</span> " · "
                                        <Price money=item.unit_price /> " each"
                                    </span>
                                </span>
                                <Price money=item.line_total class="text-right" />
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <dl class="flex flex-col gap-2 border-t border-line pt-3">
                <Figure label="Subtotal".to_owned() money=figures.subtotal testid="order-subtotal" />
                {figures.discount.map(|discount| view! {
                    <Figure label=discount_label money=discount minus=true testid="order-discount" />
                })}
                {figures.shipping.map(|(name, amount)| view! {
                    <Figure label=format!("Shipping ({name})") money=amount free={amount.minor == 0} testid="order-shipping" />
                })}
                {figures.tax.map(|tax| view! {
                    <Figure label="Tax".to_owned() money=tax testid="order-tax" />
                })}
            </dl>
            <p class="mt-3 flex items-baseline justify-between border-t border-line pt-3">
                <span class="font-semibold">"Total paid"</span>
                <span data-testid="order-total">
                    <Price money=order.total class="text-lg font-semibold" />
                </span>
            </p>
            {order.refunded.map(|refunded| view! {
                <p class="mt-2 flex items-baseline justify-between">
                    <span class="text-muted">"Refunded"</span>
                    <span data-testid="order-refunded">"−" <Price money=refunded /></span>
                </p>
            })}
        </div>
    }
}

/// Where the order is going, when an address was collected.
#[component]
pub fn OrderShipTo(order: OrderView) -> impl IntoView {
    order.ship_to.map(|ship_to| {
        view! {
            <section aria-labelledby="ship-to" class="flex flex-col gap-1" data-testid="order-ship-to">
                <h2 id="ship-to" class="font-semibold">"Shipping to"</h2>
                <address class="not-italic text-muted">
                    <span class="block text-ink">{ship_to.name}</span>
                    {ship_to
                        .lines
                        .into_iter()
                        .map(|line| view! { <span class="block">{line}</span> })
                        .collect_view()}
                    {ship_to.phone.map(|phone| view! { <span class="block">{phone}</span> })}
                </address>
            </section>
        }
    })
}

/// How the order was sent, once the store has shipped it.
#[component]
pub fn OrderShipment(order: OrderView) -> impl IntoView {
    order.shipment.map(|shipment| {
        view! {
            <section aria-labelledby="shipment" class="flex flex-col gap-1" data-testid="order-shipment">
                <h2 id="shipment" class="font-semibold">"Shipped"</h2>
                <p class="text-muted">
                    "Sent on " {shipment.shipped_on} " with " {shipment.carrier} ". Tracking number: "
                    <span class="font-medium text-ink">{shipment.tracking_number}</span>
                </p>
            </section>
        }
    })
}
