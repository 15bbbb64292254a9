//! Lucide's icons, drawn once. An icon never changes, but its component builds
//! five signals and a derived one each time it renders; the home page shows 26.
//! [`icon!`](crate::icon) renders each icon and size the first time it is needed
//! and reuses that markup from then on.

#[cfg(not(feature = "hydrate"))]
use leptos::{prelude::*, tachys::html::InertElement};
#[cfg(not(feature = "hydrate"))]
use std::sync::OnceLock;

/// The markup in `cache`, drawn by `draw` the first time.
#[cfg(not(feature = "hydrate"))]
pub fn drawn<V: IntoView + 'static>(
    cache: &'static OnceLock<String>,
    draw: fn() -> V,
) -> InertElement {
    let markup = cache.get_or_init(|| Owner::new().with(|| draw().to_html()));
    InertElement::new(markup.as_str())
}

/// A lucide icon at a size in pixels: `icon!(ShoppingCart, 20)`.
#[cfg(not(feature = "hydrate"))]
#[macro_export]
macro_rules! icon {
    ($icon:ident, $size:literal) => {{
        static MARKUP: ::std::sync::OnceLock<::std::string::String> = ::std::sync::OnceLock::new();
        $crate::components::icon::drawn(&MARKUP, || ::leptos::view! { <$icon size=$size /> })
    }};
}

/// In the browser, where only the views the islands draw themselves use it
/// (the cart in the drawer, the order on the success page), the icon is built
/// as lucide builds it: rendering markup to a string is the server's job.
#[cfg(feature = "hydrate")]
#[macro_export]
macro_rules! icon {
    ($icon:ident, $size:literal) => {
        ::leptos::prelude::IntoAny::into_any(::leptos::view! { <$icon size=$size /> })
    };
}
