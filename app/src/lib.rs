//! Shopfront: the Leptos app. The server renders every page; the browser
//! hydrates three small islands: `InPlace` (the forms inside it answer in place),
//! `CartDrawer` (the header's cart as a drawer) and `AskForOrder` (inside
//! `AwaitOrder`, the success page while Stripe confirms).

// Leptos' statically typed views nest deeply; erasing them everywhere would cost speed.
#![recursion_limit = "256"]

pub mod components;
pub mod error;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::{Footer, Header};
use crate::pages::{
    AdminHomePage, AdminOrderPage, AdminOrdersPage, AdminProductPage, AdminProductsPage, CartPage,
    CheckoutSuccessPage, FindOrderPage, ForgotPasswordPage, HomePage, NotFound, OrderPage,
    OrderStatusPage, OrdersPage, PolicyPage, ProductPage, ResetPasswordPage, SignInPage,
    SignUpPage,
};
use crate::server_fns::cart::get_shopper;

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-canvas font-sans text-ink antialiased">
                <App />
            </body>
        </html>
    }
}

/// The router and the page frame, rendered on the server.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/shopfront.css" />
        <Title formatter=|page: String| format!("{page} · Shopfront") />
        <Router>
            <StoreFrame />
        </Router>
    }
}

/// A slim strip above the header on every page while payments are in Stripe's
/// test mode (test keys or the local stand-in), so nobody mistakes the store
/// for one that takes money. Server-rendered: it needs no JavaScript.
#[component]
fn TestModeBanner() -> impl IntoView {
    #[cfg(feature = "ssr")]
    // Not `app_state()`: listing the routes renders the app with no state.
    let test_mode =
        use_context::<crate::ssr::AppState>().is_some_and(|state| state.payments.test_mode);
    #[cfg(not(feature = "ssr"))]
    let test_mode = false;
    test_mode.then(|| {
        view! {
            <p
                data-testid="test-mode-banner"
                class="border-b border-warning bg-surface px-4 py-1 text-center text-sm text-ink"
            >
                <span class="font-semibold">"Test mode"</span>
                " · no money is taken"
            </p>
        }
    })
}

/// The header and the routes, with the outcome of a form posted to get here (if
/// any) in context for its [`LiveForm`](crate::components::LiveForm).
#[component]
fn StoreFrame() -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_context(crate::ssr::form_outcome::take());
    let shopper = Resource::new(|| (), |_| get_shopper());
    view! {
        <TestModeBanner />
        <Header shopper />
        <main>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                <Route path=path!("/products/:slug") view=ProductPage ssr=SsrMode::Async />
                <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async />
                <Route path=path!("/account/sign-in") view=SignInPage ssr=SsrMode::Async />
                <Route path=path!("/account/sign-up") view=SignUpPage ssr=SsrMode::Async />
                <Route
                    path=path!("/account/forgot-password")
                    view=ForgotPasswordPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/account/reset-password")
                    view=ResetPasswordPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/account/orders") view=OrdersPage ssr=SsrMode::Async />
                <Route path=path!("/account/orders/:number") view=OrderPage ssr=SsrMode::Async />
                <Route path=path!("/orders/status") view=OrderStatusPage ssr=SsrMode::Async />
                <Route path=path!("/orders/find") view=FindOrderPage ssr=SsrMode::Async />
                <Route path=path!("/checkout/success") view=CheckoutSuccessPage ssr=SsrMode::Async />
                <Route path=path!("/policies/:name") view=PolicyPage ssr=SsrMode::Async />
                // The store's frame around nothing: proof that pages render, for a
                // load balancer, and the fastest a page of this store can be.
                <Route path=path!("/healthz/page") view=|| () ssr=SsrMode::Async />
                <Route path=path!("/admin") view=AdminHomePage ssr=SsrMode::Async />
                <Route path=path!("/admin/products") view=AdminProductsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/products/:slug") view=AdminProductPage ssr=SsrMode::Async />
                <Route path=path!("/admin/orders") view=AdminOrdersPage ssr=SsrMode::Async />
                <Route path=path!("/admin/orders/:number") view=AdminOrderPage ssr=SsrMode::Async />
            </Routes>
        </main>
        <Footer />
    }
}
