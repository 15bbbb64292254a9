use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::components::{Alert, AlertKind, CartLines, CartSummary, FormResult, InPlace};
use crate::pages::ErrorPanel;
use crate::server_fns::cart::{get_cart, RemoveCartLine, UpdateCartLine};
use crate::types::CartView;

/// `/cart`: the lines and the summary, side by side from `lg`, stacked on phones.
#[component]
pub fn CartPage() -> impl IntoView {
    let cart = Resource::new(|| (), |_| get_cart());
    view! {
        <Title text="Your cart" />
        <section class="page">
            <h1 class="page-title mb-6">"Your cart"</h1>
            <Suspense fallback=|| view! { <p class="caption">"Loading your cart…"</p> }>
                {Suspend::new(async move {
                    match cart.await {
                        Ok(cart) => {
                            view! {
                                <CartNotices notice=cart.notice.clone() payment_error=cart.payment_error.clone() />
                                <CartContents cart />
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

/// What happened to the cart since the shopper last saw it: a quantity lowered
/// at sign-in, a declined payment. Told once, when the page loads.
#[component]
fn CartNotices(notice: Option<String>, payment_error: Option<String>) -> impl IntoView {
    let notice = notice.map(|notice| {
        view! {
            <div class="card mb-6" data-testid="cart-notice">
                <Alert kind=AlertKind::Success message=notice />
            </div>
        }
    });
    let payment_error = payment_error.map(|reason| {
        view! {
            <div class="card mb-6" data-testid="payment-error">
                <Alert
                    kind=AlertKind::Danger
                    message=format!("Your last payment attempt did not go through: {reason} Nothing was charged; you can try again.")
                />
            </div>
        }
    });
    view! {
        {notice}
        {payment_error}
    }
}

/// Everything the shopper can change about their cart, and what it adds up to.
/// Rendered by the server; hydrated, a change answers in place ([`InPlace`]):
/// the lines, the summary and the header's badge take the store's new figures.
#[component]
fn CartContents(cart: CartView) -> impl IntoView {
    view! {
        <InPlace>
            <LineActionError />
            <div class="grid grid-cols-1 gap-6 lg:grid-cols-3 lg:items-start lg:gap-8" data-live="cart">
                <div class="lg:col-span-2">
                    <CartLines lines=cart.lines.clone() />
                </div>
                <CartSummary cart />
            </div>
        </InPlace>
    }
}

/// The outcome of the last change to a line that failed, shown above the lines.
#[component]
fn LineActionError() -> impl IntoView {
    view! {
        <FormResult
            forms=vec![UpdateCartLine::url(), RemoveCartLine::url()]
            testid="cart-error"
            class="mb-6"
        />
    }
}
