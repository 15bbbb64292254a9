//! The browser entry point: hydrates the interactive parts (the islands) of the
//! server-rendered page; the rest of the page is plain HTML that needs no code.

/// Links the app's island into this bundle.
pub use app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::*;
    leptos::mount::hydrate_islands();
    // The islands are hydrated right after this returns; mark the page once
    // they are, for tests and styles that care.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
