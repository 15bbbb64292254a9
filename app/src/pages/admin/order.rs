use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;
use lucide_leptos::{Mail, Package, ShieldCheck, Undo2};

use super::{AdminFrame, AdminHeading};
use crate::components::live_form::outcome_of;
use crate::components::{
    FormResult, LiveForm, OrderItems, OrderNotices, OrderShipTo, OrderShipment, INPUT,
};
use crate::icon;
use crate::server_fns::admin::{
    get_admin_order, AdminRefundOrder, AdminReleaseOrder, AdminResendConfirmation, AdminShipOrder,
};
use crate::types::admin::{AdminOrder, HistoryLine};

/// `/admin/orders/:number`: one order, everything known about it, and what the
/// owner can do to it.
#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let record = Resource::new(number, get_admin_order);
    view! {
        <AdminFrame title="Order · Back office" loading="Loading the order…" data=record render=|record| view! { <OrderRecord record /> } />
    }
}

#[component]
fn OrderRecord(record: AdminOrder) -> impl IntoView {
    let order = record.order.clone();
    let title = format!("Order {}", order.number);
    let status = format!(
        "{}{}",
        order.status,
        if order.test_order { " · Test" } else { "" }
    );
    view! {
        <AdminHeading title>
            <p class="rounded-full border border-line px-3 py-1 text-sm font-medium" data-testid="order-status">
                <span class="sr-only">"Status: "</span>
                {status}
            </p>
        </AdminHeading>
        // On a phone the actions come straight after the order, before its history.
        <div class="grid items-start gap-6 lg:grid-cols-[1fr_22rem]">
            <article class="card flex min-w-0 flex-col gap-6 lg:col-start-1" data-testid="order-detail">
                <p class="caption">
                    "Placed on " {order.placed_on.clone()} " · " {record.buyer.clone()}
                    {order.email.clone().map(|email| format!(" · {email}"))}
                </p>
                <OrderNotices order=order.clone() />
                <OrderItems order=order.clone() />
                <OrderShipTo order=order.clone() />
                <OrderShipment order=order.clone() />
            </article>
            <Actions record=record.clone() />
            <div class="flex min-w-0 flex-col gap-6 lg:col-start-1">
                <Lines title="History" testid="order-history" lines=record.history.clone() />
                <Lines title="Stripe events" testid="order-events" lines=record.events.clone() />
                <Lines title="Emails" testid="order-emails" lines=record.emails.clone() />
                <section class="card flex flex-col gap-2" aria-labelledby="stripe-ids">
                    <h2 id="stripe-ids" class="font-semibold">"In Stripe"</h2>
                    <ul class="flex flex-col gap-1 text-sm">
                        {record
                            .stripe
                            .iter()
                            .cloned()
                            .map(|link| {
                                view! {
                                    <li class="flex flex-wrap gap-x-2">
                                        <span class="text-muted">{link.label}</span>
                                        {match link.url {
                                            Some(url) => view! {
                                                <a href=url class="break-all text-brand underline-offset-4 hover:underline" rel="noreferrer" target="_blank">{link.id}</a>
                                            }.into_any(),
                                            None => view! { <span class="break-all">{link.id}</span> }.into_any(),
                                        }}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            </div>
        </div>
    }
}

#[component]
fn Lines(title: &'static str, testid: &'static str, lines: Vec<HistoryLine>) -> impl IntoView {
    view! {
        <section class="card flex flex-col gap-2" data-testid=testid>
            <h2 class="font-semibold">{title}</h2>
            {if lines.is_empty() {
                view! { <p class="caption">"None yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="flex flex-col gap-1 text-sm">
                        {lines
                            .into_iter()
                            .map(|line| view! {
                                <li class="flex flex-col sm:flex-row sm:gap-3">
                                    <time class="shrink-0 text-muted tabular-nums">{line.at}</time>
                                    <span class="min-w-0 break-words">{line.text}</span>
                                </li>
                            })
                            .collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// The order's hidden fields: which order, and this page's form key.
#[component]
fn Hidden(number: String, key: String) -> impl IntoView {
    view! {
        <input type="hidden" name="number" value=number />
        <input type="hidden" name="key" value=key />
    }
}

#[component]
fn Actions(record: AdminOrder) -> impl IntoView {
    let number = record.order.number.clone();
    let key = record.form_key.clone();
    // Once released, the card goes; its outcome still shows.
    let release = if record.on_hold {
        view! { <ReleaseCard number=number.clone() key=key.clone() /> }.into_any()
    } else if outcome_of(AdminReleaseOrder::url(), Some(&number)).is_some() {
        view! {
            <FormResult forms=vec![AdminReleaseOrder::url()] item=Some(number.clone()) success=Some(RELEASED) testid="release-result" />
        }
        .into_any()
    } else {
        ().into_any()
    };
    let ship = view! {
        <ShipCard number=number.clone() key=key.clone() shipped=record.order.shipment.is_some() />
    };
    let resend = record
        .order
        .email
        .is_some()
        .then(|| view! { <ResendCard number=number.clone() key=key.clone() /> });
    view! {
        <aside class="flex flex-col gap-6 lg:col-start-2 lg:row-span-2 lg:row-start-1" aria-label="Actions">
            {release}
            {ship}
            <RefundCard record=record.clone() />
            {resend}
        </aside>
    }
}

#[component]
fn ReleaseCard(number: String, key: String) -> impl IntoView {
    view! {
        <section class="card flex flex-col gap-3">
            <h2 class="font-semibold">"On hold"</h2>
            <p class="caption">"Check the payment and the stock in Stripe and here, then release the order so it can ship."</p>
            <LiveForm action=AdminReleaseOrder::url() item=number.clone() success=RELEASED testid="release-result">
                <Hidden number key />
                <button type="submit" class="btn-primary w-full">{icon!(ShieldCheck, 20)} "Release the order"</button>
            </LiveForm>
        </section>
    }
}

/// The shipping form, or once shipped, the outcome of having sent it (the
/// details are with the order).
#[component]
fn ShipCard(number: String, key: String, shipped: bool) -> impl IntoView {
    if shipped {
        return view! {
            <section class="card flex flex-col gap-3">
                <h2 class="font-semibold">"Shipped"</h2>
                <p class="caption">"The carrier and tracking number are with the order."</p>
                <FormResult forms=vec![AdminShipOrder::url()] item=Some(number) success=Some(SHIPPED) testid="ship-result" />
            </section>
        }
        .into_any();
    }
    view! {
        <section class="card flex flex-col gap-3">
            <h2 class="font-semibold">"Mark as shipped"</h2>
            <LiveForm action=AdminShipOrder::url() item=number.clone() success=SHIPPED testid="ship-result">
                <Hidden number key />
                <div class="flex flex-col gap-3">
                    <div class="flex flex-col gap-1">
                        <label for="carrier" class="text-sm font-medium">"Carrier"</label>
                        <input id="carrier" name="carrier" type="text" class=INPUT maxlength="64" autocomplete="off" />
                    </div>
                    <div class="flex flex-col gap-1">
                        <label for="tracking_number" class="text-sm font-medium">"Tracking number"</label>
                        <input id="tracking_number" name="tracking_number" type="text" class=INPUT maxlength="64" autocomplete="off" spellcheck="false" />
                    </div>
                    <button type="submit" class="btn-primary w-full">{icon!(Package, 20)} "Mark as shipped"</button>
                </div>
            </LiveForm>
        </section>
    }
    .into_any()
}

const REFUNDED: &str = "Refund sent to Stripe.";
const RELEASED: &str = "Released: the order can ship.";
const SHIPPED: &str = "Marked shipped; the shopper has been emailed.";

#[component]
fn RefundCard(record: AdminOrder) -> impl IntoView {
    let number = record.order.number.clone();
    let refundable = record.refundable;
    let body = if refundable.minor > 0 {
        let restock = (!record.restocked).then(|| {
            view! {
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" name="restock" value="on" class="size-5 accent-brand" />
                    "Put the units back in stock"
                </label>
            }
        });
        view! {
            <p class="caption">
                "Up to " {refundable.to_string()} ". The order changes when Stripe confirms the refund."
            </p>
            <LiveForm action=AdminRefundOrder::url() item=number.clone() success=REFUNDED testid="refund-result">
                <Hidden number=number.clone() key=record.form_key.clone() />
                <div class="flex flex-col gap-3">
                    <div class="flex flex-col gap-1">
                        <label for="amount" class="text-sm font-medium">"Amount (" {refundable.currency.code()} ")"</label>
                        <input id="amount" name="amount" type="text" inputmode="decimal" class=INPUT placeholder=refundable.to_string() autocomplete="off" />
                        <p class="caption">"Leave it empty to refund all that is left."</p>
                    </div>
                    {restock}
                    <button type="submit" class="btn-danger-ghost w-full border border-line">{icon!(Undo2, 20)} "Refund"</button>
                </div>
            </LiveForm>
        }
        .into_any()
    } else {
        view! {
            <p class="caption">"Nothing is left to refund."</p>
            <FormResult forms=vec![AdminRefundOrder::url()] item=Some(number) success=Some(REFUNDED) testid="refund-result" />
        }
        .into_any()
    };
    view! {
        <section class="card flex flex-col gap-3">
            <h2 class="font-semibold">"Refund"</h2>
            {body}
        </section>
    }
}

#[component]
fn ResendCard(number: String, key: String) -> impl IntoView {
    view! {
        <section class="card flex flex-col gap-3">
            <h2 class="font-semibold">"Confirmation email"</h2>
            <LiveForm action=AdminResendConfirmation::url() item=number.clone() success="The confirmation is on its way again." testid="resend-result">
                <Hidden number key />
                <button type="submit" class="btn-secondary w-full">{icon!(Mail, 20)} "Send it again"</button>
            </LiveForm>
        </section>
    }
}
