use leptos::prelude::*;
use lucide_leptos::{ArrowLeft, CircleAlert};

use crate::components::IconLink;
use crate::error::AppError;
use crate::icon;

/// A friendly account of a failure: what happened and what to do next. The
/// sentence is the error's own, which never carries internals.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(error.status()),
    ) {
        response.set_status(status);
    }
    view! {
        <section role="alert" class="card mx-auto flex max-w-lg flex-col items-center gap-4 text-center">
            <span aria-hidden="true" class="text-danger">
                {icon!(CircleAlert, 24)}
            </span>
            <h1 class="text-lg font-semibold">"This page could not be shown"</h1>
            <p class="text-muted">{error.to_string()}</p>
            <IconLink href="/" class="btn-secondary" icon=icon!(ArrowLeft, 20)>
                "Back to the shop"
            </IconLink>
        </section>
    }
}
