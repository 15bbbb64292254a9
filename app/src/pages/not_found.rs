use leptos::prelude::*;
use leptos_meta::Title;
use lucide_leptos::ArrowLeft;

use crate::components::IconLink;
use crate::icon;

/// The 404 page. On the server it also sets the response status.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="page flex flex-col items-center gap-4 py-16 text-center">
            <p class="text-sm font-semibold text-brand">"404"</p>
            <h1 class="page-title">"We couldn't find that page"</h1>
            <p class="max-w-md text-muted">
                "The link may be old, or the product may no longer be sold. Everything we have is in the shop."
            </p>
            <IconLink href="/" class="btn-primary" icon=icon!(ArrowLeft, 20)>
                "Back to the shop"
            </IconLink>
        </section>
    }
}
