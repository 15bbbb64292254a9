//! The back office, at `/admin`: server-rendered pages with plain forms, so it
//! adds nothing to the shop's WebAssembly. Anyone but an owner gets the
//! store's 404 page.

mod order;
mod orders;

pub use order::AdminOrderPage;
pub use orders::AdminOrdersPage;

use leptos::prelude::*;

use crate::error::AppError;
use crate::pages::{ErrorPanel, NotFound};

/// A failure on a back-office page: the 404 page for anyone who may not see
/// it (so the back office is not advertised), the error otherwise.
#[component]
fn AdminError(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound(_) => view! { <NotFound /> }.into_any(),
        error => view! { <ErrorPanel error /> }.into_any(),
    }
}

/// The back office's heading and its way around.
#[component]
fn AdminHeading(title: String, children: Children) -> impl IntoView {
    view! {
        <div class="mb-6 flex flex-wrap items-end justify-between gap-3">
            <div>
                <p class="caption">
                    <a href="/admin/orders" class="underline-offset-4 hover:underline">"Back office"</a>
                </p>
                <h1 class="page-title">{title}</h1>
            </div>
            {children()}
        </div>
    }
}
