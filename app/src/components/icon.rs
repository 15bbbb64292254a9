//! Lucide's icons, drawn once. An icon never changes, but its component builds
//! five signals and a derived one each time it renders; the home page shows 26.
//! [`icon!`](crate::icon) renders each icon and size the first time it is needed
//! and reuses that markup from then on.

use std::sync::OnceLock;

use leptos::prelude::*;
use leptos::tachys::html::InertElement;

/// The markup in `cache`, drawn by `draw` the first time.
pub fn drawn<V: IntoView + 'static>(
    cache: &'static OnceLock<String>,
    draw: fn() -> V,
) -> InertElement {
    let markup = cache.get_or_init(|| Owner::new().with(|| draw().to_html()));
    InertElement::new(markup.as_str())
}

/// A lucide icon at a size in pixels: `icon!(ShoppingCart, 20)`.
#[macro_export]
macro_rules! icon {
    ($icon:ident, $size:literal) => {{
        static MARKUP: ::std::sync::OnceLock<::std::string::String> = ::std::sync::OnceLock::new();
        $crate::components::icon::drawn(&MARKUP, || ::leptos::view! { <$icon size=$size /> })
    }};
}
