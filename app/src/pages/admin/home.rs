use leptos::prelude::*;

use super::{AdminFrame, AdminHeading};
use crate::components::Price;
use crate::server_fns::admin_catalogue::admin_dashboard;
use crate::types::admin::{Dashboard, DayTakings, OrderToCheck, Takings};

/// `/admin`: what the store took, and what needs the owner.
#[component]
pub fn AdminHomePage() -> impl IntoView {
    let dashboard = Resource::new(|| (), |_| admin_dashboard());
    view! {
        <AdminFrame title="Back office" loading="Loading…" data=dashboard render=|dashboard| view! { <DashboardView dashboard /> } />
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let mode = if dashboard.test_mode {
        "Test orders"
    } else {
        "Live orders"
    };
    view! {
        <AdminHeading title="Dashboard".to_owned()>
            <p class="caption">{mode} " · UTC days"</p>
        </AdminHeading>
        <div class="grid gap-4 sm:grid-cols-2" data-testid="takings">
            <TakingsCard title="Today" takings=dashboard.today.clone() />
            <TakingsCard title="Last 30 days" takings=dashboard.last_30_days.clone() />
        </div>
        <section class="card mt-6 flex flex-col gap-3" aria-labelledby="daily">
            <h2 id="daily" class="font-semibold">"Net revenue by day"</h2>
            <RevenueChart days=dashboard.daily.clone() />
        </section>
        <div class="mt-6 grid gap-4 lg:grid-cols-3">
            <section class="card flex flex-col gap-2" data-testid="low-stock">
                <h2 class="font-semibold">"Low stock"</h2>
                {if dashboard.low_stock.is_empty() {
                    view! { <p class="caption">"Every product has more than 5 units."</p> }.into_any()
                } else {
                    view! {
                        <ul class="flex flex-col gap-1 text-sm">
                            {dashboard.low_stock.iter().cloned().map(|product| {
                                let href = format!("/admin/products/{}", product.slug);
                                view! {
                                    <li class="flex justify-between gap-2">
                                        <a href=href class="text-brand underline-offset-4 hover:underline">{product.name}</a>
                                        <span class="tabular-nums">{product.stock} " left"</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <OrdersToCheck title="On hold" testid="on-hold" empty="No orders are on hold." orders=dashboard.on_hold.clone() />
            <OrdersToCheck title="Open disputes" testid="open-disputes" empty="No disputes are open." orders=dashboard.open_disputes.clone() />
        </div>
    }
}

#[component]
fn TakingsCard(title: &'static str, takings: Takings) -> impl IntoView {
    let orders = match takings.orders {
        1 => "1 order".to_owned(),
        n => format!("{n} orders"),
    };
    let average = takings
        .average_order
        .map(|average| format!(" · {average} on average"))
        .unwrap_or_default();
    view! {
        <section class="card flex flex-col gap-2">
            <h2 class="font-semibold">{title}</h2>
            <p class="text-3xl font-semibold tracking-tight">
                <Price money=takings.net_revenue />
            </p>
            <p class="caption">{format!("Net of refunds · {orders}{average}")}</p>
        </section>
    }
}

#[component]
fn OrdersToCheck(
    title: &'static str,
    testid: &'static str,
    empty: &'static str,
    orders: Vec<OrderToCheck>,
) -> impl IntoView {
    view! {
        <section class="card flex flex-col gap-2" data-testid=testid>
            <h2 class="font-semibold">{title}</h2>
            {if orders.is_empty() {
                view! { <p class="caption">{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="flex flex-col gap-1 text-sm">
                        {orders.into_iter().map(|order| {
                            let href = format!("/admin/orders/{}", order.number);
                            view! {
                                <li class="flex justify-between gap-2">
                                    <a href=href class="text-brand underline-offset-4 hover:underline">{order.number}</a>
                                    <Price money=order.total />
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// Thirty bars, drawn on the server as SVG: no chart library reaches the
/// browser. Each bar names its day and amount for screen readers and on hover.
#[component]
fn RevenueChart(days: Vec<DayTakings>) -> impl IntoView {
    const WIDTH: i64 = 300;
    const HEIGHT: i64 = 100;
    let highest = days
        .iter()
        .map(|d| d.net_revenue.minor)
        .max()
        .unwrap_or(0)
        .max(1);
    let step = WIDTH / i64::try_from(days.len().max(1)).unwrap_or(1);
    let summary = match days.iter().max_by_key(|d| d.net_revenue.minor) {
        Some(best) if best.net_revenue.minor > 0 => {
            format!(
                "Net revenue for each of the last 30 days; the highest was {} on {}.",
                best.net_revenue, best.day
            )
        }
        _ => "Net revenue for each of the last 30 days: nothing yet.".to_owned(),
    };
    let first = days.first().map(|d| d.day.clone()).unwrap_or_default();
    let last = days.last().map(|d| d.day.clone()).unwrap_or_default();
    view! {
        <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 2) class="h-40 w-full" role="img" aria-label=summary preserveAspectRatio="none" data-testid="revenue-chart">
            <line x1="0" x2=WIDTH y1=HEIGHT y2=HEIGHT class="stroke-line" stroke-width="1" />
            {days
                .into_iter()
                .enumerate()
                .map(|(index, day)| {
                    let height = (day.net_revenue.minor.max(0) * HEIGHT / highest).max(i64::from(day.net_revenue.minor > 0));
                    let x = i64::try_from(index).unwrap_or(0) * step;
                    view! {
                        <rect x=x + 1 y=HEIGHT - height width=step - 2 height=height class="fill-brand">
                            <title>{format!("{}: {}", day.day, day.net_revenue)}</title>
                        </rect>
                    }
                })
                .collect_view()}
        </svg>
        <p class="flex justify-between caption">
            <span>{first}</span>
            <span>{last}</span>
        </p>
    }
}
