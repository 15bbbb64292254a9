//! What the interactive parts of one page share once hydrated: the cart's item
//! count, changed by whichever part changed the cart, shown by the header badge.
//! Before hydration (and on the server) each part shows what the page was
//! rendered with.

use leptos::prelude::*;

thread_local! {
    static CART_COUNT: ArcRwSignal<Option<u32>> = ArcRwSignal::new(None);
}

/// The cart's item count as last reported by the store on this page, if any
/// part of the page has changed the cart since it loaded.
pub fn cart_count() -> Option<u32> {
    CART_COUNT.with(|count| count.get())
}

/// Records the cart's new item count, for every part of the page showing it.
pub fn set_cart_count(count: u32) {
    CART_COUNT.with(|signal| signal.set(Some(count)));
}

/// Offers the outcome of a form posted before hydration (carried back in the
/// page's address) to the page's actions in the browser, as the server did when
/// it rendered the page, so both render the same message.
#[cfg(feature = "hydrate")]
pub fn provide_posted_form_error() {
    use leptos_router::location::{BrowserUrl, LocationProvider};
    if let Ok(url) = BrowserUrl::current() {
        url.provide_server_action_error();
    }
}

/// On the server the router has already offered it.
#[cfg(not(feature = "hydrate"))]
pub fn provide_posted_form_error() {}
