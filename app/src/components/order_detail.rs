use leptos::prelude::*;

use crate::components::{OrderItems, OrderNotices, OrderShipTo, OrderShipment};
use crate::types::OrderView;

/// One order in full: its number, day and status, what the buyer must know,
/// its lines and figures, and where it ships; `children` below (a way back).
#[component]
pub fn OrderDetail(order: OrderView, children: Children) -> impl IntoView {
    view! {
        <article class="card mx-auto flex max-w-2xl flex-col gap-6" data-testid="order-detail">
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div>
                    <h1 class="page-title">"Order " {order.number.clone()}</h1>
                    <p class="caption">"Placed on " {order.placed_on.clone()}</p>
                </div>
                <p class="rounded-full border border-line px-3 py-1 text-sm font-medium" data-testid="order-status">
                    <span class="sr-only">"Status: "</span>
                    {order.status.clone()}
                </p>
            </div>
            <OrderNotices order=order.clone() />
            <OrderItems order=order.clone() />
            <OrderShipTo order=order.clone() />
            <OrderShipment order=order.clone() />
            {children()}
        </article>
    }
}
