use leptos::prelude::*;
use lucide_leptos::{ShoppingCart, User};

/// The sticky top bar: store name, account entry, cart with its item count.
#[component]
pub fn Header(#[prop(into)] cart_count: Signal<u32>) -> impl IntoView {
    let cart_label = move || match cart_count.get() {
        0 => "Cart, empty".to_owned(),
        1 => "Cart, 1 item".to_owned(),
        n => format!("Cart, {n} items"),
    };
    view! {
        <header class="sticky top-0 z-10 border-b border-line bg-surface">
            <div class="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-4 sm:px-6 lg:px-8">
                <a href="/" class="rounded-xl text-lg font-semibold tracking-tight text-ink">
                    "Shopfront"
                </a>
                <nav aria-label="Account and cart" class="flex items-center gap-1">
                    <a href="/account/sign-in" class="btn-ghost px-3" aria-label="Sign in">
                        <span aria-hidden="true">
                            <User size=20 />
                        </span>
                        <span class="hidden text-sm sm:inline" aria-hidden="true">
                            "Sign in"
                        </span>
                    </a>
                    <a
                        href="/cart"
                        class="btn-ghost relative w-11 px-0"
                        aria-label=cart_label
                        data-testid="cart-link"
                    >
                        <span aria-hidden="true">
                            <ShoppingCart size=20 />
                        </span>
                        <Show when=move || { cart_count.get() > 0 }>
                            <span
                                aria-hidden="true"
                                data-testid="cart-count"
                                class="absolute -right-0.5 -top-0.5 flex h-5 min-w-5 items-center justify-center rounded-full bg-brand px-1 text-xs font-semibold tabular-nums text-brand-ink"
                            >
                                {move || cart_count.get().min(99)}
                            </span>
                        </Show>
                    </a>
                </nav>
            </div>
        </header>
    }
}
