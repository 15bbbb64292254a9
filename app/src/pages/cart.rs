use leptos::prelude::*;
use leptos_meta::Title;
use lucide_leptos::ShoppingCart;

use crate::components::{Alert, AlertKind, CartLineRow, CartSummary};
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
                {move || Suspend::new(async move {
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
/// An island: hydrated, a change answers in place with the store's new figures,
/// and the header's badge follows. The lines are rendered once; each then
/// follows its own figures in the latest answer.
#[island]
fn CartContents(cart: CartView) -> impl IntoView {
    crate::live::provide_posted_form_error();
    let update = ServerAction::<UpdateCartLine>::new();
    let remove = ServerAction::<RemoveCartLine>::new();
    let lines = cart.lines.clone();
    let current = RwSignal::new(cart);
    for answer in [update.value(), remove.value()] {
        Effect::new(move |_| {
            if let Some(Ok(cart)) = answer.get() {
                crate::live::set_cart_count(cart.item_count);
                current.set(cart);
            }
        });
    }
    let current: Signal<CartView> = current.into();
    let empty = move || current.with(|cart| cart.lines.is_empty());
    let lines = lines
        .into_iter()
        .map(|line| view! { <CartLineRow line cart=current update remove /> })
        .collect_view();
    view! {
        <LineActionError update remove />
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3 lg:items-start lg:gap-8">
            <div class="lg:col-span-2">
                <ul class="flex flex-col gap-4" aria-label="Items in your cart" hidden=empty>
                    {lines}
                </ul>
                {move || empty().then(|| view! { <EmptyCart /> })}
            </div>
            <CartSummary cart=current />
        </div>
    }
}

#[component]
fn EmptyCart() -> impl IntoView {
    view! {
        <div class="card flex flex-col items-center gap-4 py-12 text-center" data-testid="empty-cart">
            <span aria-hidden="true" class="text-muted">
                <ShoppingCart size=24 />
            </span>
            <p>"Your cart is empty."</p>
            <a href="/" class="btn-primary">
                "Browse products"
            </a>
        </div>
    }
}

/// The outcome of the last change to a line that failed, shown above the lines.
#[component]
fn LineActionError(
    update: ServerAction<UpdateCartLine>,
    remove: ServerAction<RemoveCartLine>,
) -> impl IntoView {
    let message = move || {
        let update = update.value().get().and_then(Result::err);
        let remove = remove.value().get().and_then(Result::err);
        update.or(remove).map(|err| {
            view! {
                <div class="mb-6">
                    <Alert kind=AlertKind::Danger message=err.to_string() />
                </div>
            }
        })
    };
    view! { <div aria-live="polite" data-testid="cart-error">{message}</div> }
}
