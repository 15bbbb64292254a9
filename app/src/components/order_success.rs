use leptos::prelude::*;
use lucide_leptos::{ArrowLeft, CircleCheck, Package};

use crate::components::{Alert, AlertKind, IconLink, OrderItems, OrderShipTo};
use crate::icon;
use crate::types::{OrderView, TEST_ORDER};

/// The confirmation a shopper sees after paying: the order number, what they
/// bought, what they paid, and where the receipt went.
#[component]
pub fn OrderSuccess(order: OrderView, signed_in: bool) -> impl IntoView {
    let count = match order.item_count() {
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    };
    view! {
        <section class="card mx-auto flex max-w-2xl flex-col gap-6" data-testid="order-success">
            <div class="flex flex-col items-center gap-2 text-center">
                <span class="text-success" aria-hidden="true">
                    {icon!(CircleCheck, 24)}
                </span>
                <h1 class="page-title">"Thank you, your order is placed"</h1>
                <p class="text-muted">
                    "Order " <span class="font-semibold text-ink" data-testid="order-number">{order.number.clone()}</span>
                    " · " {count}
                </p>
            </div>
            <OrderNotices order=order.clone() />
            <OrderItems order=order.clone() />
            <OrderShipTo order=order.clone() />
            {order
                .email
                .clone()
                .map(|email| {
                    view! {
                        <p class="caption text-center" data-testid="receipt-email">
                            "A receipt is on its way to " <span class="text-ink">{email}</span> "."
                        </p>
                    }
                })}
            <div class="flex flex-col gap-3 sm:flex-row sm:justify-center">
                <IconLink href="/" class="btn-primary" icon=icon!(ArrowLeft, 20)>
                    "Continue shopping"
                </IconLink>
                {signed_in
                    .then(|| {
                        view! {
                            <IconLink href="/account/orders" class="btn-secondary" icon=icon!(Package, 20)>
                                "View your orders"
                            </IconLink>
                        }
                    })}
            </div>
        </section>
    }
}

/// What the buyer must know about an order before its lines: that it was a test
/// (no money taken), and why it is held, if it is.
#[component]
pub fn OrderNotices(order: OrderView) -> impl IntoView {
    view! {
        {order
            .test_order
            .then(|| {
                view! {
                    <div data-testid="test-order">
                        <Alert kind=AlertKind::Notice message=TEST_ORDER />
                    </div>
                }
            })}
        {order
            .payment_note
            .clone()
            .map(|note| {
                view! {
                    <div data-testid="order-payment-note">
                        <Alert kind=AlertKind::Notice message=note />
                    </div>
                }
            })}
        {order
            .hold
            .map(|hold| {
                view! {
                    <div data-testid="order-on-hold">
                        <Alert kind=AlertKind::Notice message=hold.sentence() />
                    </div>
                }
            })}
    }
}
