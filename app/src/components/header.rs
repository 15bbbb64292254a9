use leptos::prelude::*;
use lucide_leptos::{LayoutDashboard, LogIn, LogOut, Package, ShoppingCart, User};

use leptos::server_fn::ServerFn;

use crate::components::{CartDrawer, DrawerPanel, IconLink};
use crate::icon;
use crate::server_fns::account::SignOut;
use crate::types::ShopperView;

/// The sticky top bar: store name, account menu, cart with its item count.
#[component]
pub fn Header(shopper: Resource<Result<ShopperView, crate::error::AppError>>) -> impl IntoView {
    view! {
        <header class="sticky top-0 z-10 border-b border-line bg-surface">
            <div class="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-4 sm:px-6 lg:px-8">
                <a href="/" class="rounded-xl text-lg font-semibold tracking-tight text-ink">
                    "Shopfront"
                </a>
                <nav aria-label="Account and cart" class="flex items-center gap-1">
                    <Transition fallback=|| view! { <CartLink count=0 /> }>
                        // A Suspend, not a closure making one: see `pages`.
                        {Suspend::new(async move {
                            let shopper = shopper.await.unwrap_or_default();
                            view! {
                                <AccountMenu email=shopper.email owner=shopper.owner />
                                <CartLink count=shopper.cart_count />
                            }
                        })}
                    </Transition>
                </nav>
            </div>
            <CartDrawer>
                <DrawerPanel />
            </CartDrawer>
        </header>
    }
}

/// The cart icon and its badge. A form that changes the cart and answers in
/// place brings the store's new badge with it (`data-live`).
#[component]
fn CartLink(count: u32) -> impl IntoView {
    let label = match count {
        0 => "Cart, empty".to_owned(),
        1 => "Cart, 1 item".to_owned(),
        n => format!("Cart, {n} items"),
    };
    let badge = (count > 0).then(|| {
        view! {
            <span
                aria-hidden="true"
                data-testid="cart-count"
                class="absolute -right-0.5 -top-0.5 flex h-5 min-w-5 items-center justify-center rounded-full bg-brand px-1 text-xs font-semibold tabular-nums text-brand-ink"
            >
                {count.min(99)}
            </span>
        }
    });
    view! {
        <a
            href="/cart"
            class="btn-ghost relative w-11 px-0"
            aria-label=label
            data-testid="cart-link"
            data-cart-link=""
            data-live="cart-link"
        >
            <span aria-hidden="true">
                {icon!(ShoppingCart, 20)}
            </span>
            {badge}
        </a>
    }
}

/// "Sign in" for guests; for an account, a menu (a `<details>`, so it opens
/// without JavaScript) with the email and Sign out, and for an owner the way
/// to the back office.
#[component]
fn AccountMenu(email: Option<String>, owner: bool) -> impl IntoView {
    let back_office = owner.then(|| {
        view! {
            <IconLink href="/admin" class="btn-ghost justify-start" icon=icon!(LayoutDashboard, 20)>
                "Back office"
            </IconLink>
        }
    });
    match email {
        None => view! {
            <a href="/account/sign-in" class="btn-ghost px-3" data-testid="sign-in-link">
                <span aria-hidden="true">
                    {icon!(LogIn, 20)}
                </span>
                <span class="text-sm">"Sign in"</span>
            </a>
        }
        .into_any(),
        Some(email) => view! {
            <details class="relative" data-testid="account-menu">
                <summary class="btn-ghost list-none px-3 [&::-webkit-details-marker]:hidden" aria-label="Account">
                    <span aria-hidden="true">
                        {icon!(User, 20)}
                    </span>
                    <span class="hidden max-w-48 truncate text-sm sm:inline">{email.clone()}</span>
                </summary>
                <div class="card absolute right-0 mt-2 flex w-64 flex-col gap-3 shadow-md">
                    <p class="caption truncate">"Signed in as " <span class="text-ink">{email}</span></p>
                    <IconLink href="/account/orders" class="btn-ghost justify-start" icon=icon!(Package, 20)>
                        "Your orders"
                    </IconLink>
                    {back_office}
                    <form method="post" action=SignOut::url()>
                        <button type="submit" class="btn-secondary w-full">
                            <span aria-hidden="true">
                                {icon!(LogOut, 20)}
                            </span>
                            "Sign out"
                        </button>
                    </form>
                </div>
            </details>
        }
        .into_any(),
    }
}
