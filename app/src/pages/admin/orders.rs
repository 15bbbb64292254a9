use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lucide_leptos::{Download, Search};

use super::{AdminFrame, AdminHeading};
use crate::components::{Price, INPUT};
use crate::icon;
use crate::server_fns::admin::admin_orders;
use crate::types::admin::{AdminOrderPage, AdminOrderRow, OrderFilter, ORDER_STATUSES};

/// `/admin/orders`: every order, newest first, with filters, a page at a time,
/// and the filtered list as CSV.
#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let query = query.read();
        let get = |key: &str| query.get(key).filter(|value| !value.is_empty());
        (
            OrderFilter {
                status: get("status"),
                mode: get("mode"),
                from: get("from"),
                to: get("to"),
                q: get("q"),
            },
            get("before").and_then(|before| before.parse::<i32>().ok()),
        )
    };
    let page = Resource::new(filter, |(filter, before)| async move {
        admin_orders(filter.clone(), before)
            .await
            .map(|page| (filter, page))
    });
    view! {
        <AdminFrame title="Orders · Back office" loading="Loading orders…" data=page render=|(filter, page)| view! { <OrderList filter page /> } />
    }
}

/// A page of orders under its filters, and the way to the next.
#[component]
fn OrderList(filter: OrderFilter, page: AdminOrderPage) -> impl IntoView {
    let next = page
        .next_before
        .map(|before| format!("/admin/orders?{}", filter.query(Some(before))));
    let export = format!("/admin/orders.csv?{}", filter.query(None));
    view! {
        <AdminHeading title="Orders".to_owned()>
            <a href=export class="btn-secondary" download="orders.csv">
                {icon!(Download, 20)}
                "Export CSV"
            </a>
        </AdminHeading>
        <Filters filter />
        <OrderRows rows=page.rows />
        {next.map(|href| view! {
            <a href=href class="btn-secondary mt-6" rel="next" data-testid="next-page">"Older orders"</a>
        })}
    }
}

/// The filters: a plain GET form, so the address says what is shown.
#[component]
fn Filters(filter: OrderFilter) -> impl IntoView {
    let chosen = |value: &Option<String>, option: &str| value.as_deref() == Some(option);
    view! {
        <form method="get" action="/admin/orders" class="card mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-5" role="search">
            <div class="flex flex-col gap-1 lg:col-span-2">
                <label for="q" class="text-sm font-medium">"Order number or email"</label>
                <input id="q" name="q" type="search" class=INPUT value=filter.q.clone() autocomplete="off" spellcheck="false" />
            </div>
            <div class="flex flex-col gap-1">
                <label for="status" class="text-sm font-medium">"Status"</label>
                <select id="status" name="status" class=INPUT>
                    <option value="">"Any status"</option>
                    {ORDER_STATUSES
                        .iter()
                        .map(|(value, label)| {
                            view! { <option value=*value selected=chosen(&filter.status, value)>{*label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="flex flex-col gap-1">
                <label for="mode" class="text-sm font-medium">"Mode"</label>
                <select id="mode" name="mode" class=INPUT>
                    <option value="">"Test and live"</option>
                    <option value="live" selected=chosen(&filter.mode, "live")>"Live"</option>
                    <option value="test" selected=chosen(&filter.mode, "test")>"Test"</option>
                </select>
            </div>
            <div class="grid grid-cols-2 gap-2">
                <div class="flex flex-col gap-1">
                    <label for="from" class="text-sm font-medium">"From"</label>
                    <input id="from" name="from" type="date" class=INPUT value=filter.from.clone() />
                </div>
                <div class="flex flex-col gap-1">
                    <label for="to" class="text-sm font-medium">"To"</label>
                    <input id="to" name="to" type="date" class=INPUT value=filter.to.clone() />
                </div>
            </div>
            <button type="submit" class="btn-primary sm:col-span-2 lg:col-span-5 lg:justify-self-end">
                {icon!(Search, 20)}
                "Show orders"
            </button>
        </form>
    }
}

#[component]
fn OrderRows(rows: Vec<AdminOrderRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="card text-center text-muted" data-testid="no-orders">"No orders match."</p> }
            .into_any();
    }
    view! {
        <ul class="flex flex-col gap-2" aria-label="Orders">
            {rows
                .into_iter()
                .map(|row| {
                    let href = format!("/admin/orders/{}", row.number);
                    view! {
                        <li class="card grid grid-cols-2 items-center gap-x-4 gap-y-1 sm:grid-cols-[8rem_1fr_9rem_8rem]" data-testid="admin-order-row">
                            <a href=href class="font-semibold text-brand underline-offset-4 hover:underline">{row.number}</a>
                            <span class="min-w-0 truncate text-right text-muted sm:order-none sm:text-left">
                                {row.email.unwrap_or_else(|| "No email".to_owned())}
                            </span>
                            <span class="caption">
                                {row.placed_at} {row.test.then_some(" · Test")}
                            </span>
                            <span class="flex items-center justify-end gap-2">
                                <span class="rounded-full border border-line px-2 py-0.5 text-sm" data-testid="admin-order-status">{row.status}</span>
                                <Price money=row.total class="font-semibold" />
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
