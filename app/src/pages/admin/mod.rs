//! The back office, at `/admin`: server-rendered pages with plain forms, so it
//! adds nothing to the shop's WebAssembly. Anyone but an owner gets the
//! store's 404 page.

mod home;
mod order;
mod orders;
mod product;
mod products;

pub use home::AdminHomePage;
pub use order::AdminOrderPage;
pub use orders::AdminOrdersPage;
pub use product::AdminProductPage;
pub use products::AdminProductsPage;

use leptos::prelude::*;
use leptos_meta::Title;

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

/// A back-office page: its title, "loading" while its data comes, then
/// `render` of the data, or the error (the 404 page for outsiders).
#[component]
fn AdminFrame<T, V>(
    title: &'static str,
    loading: &'static str,
    data: Resource<Result<T, AppError>>,
    render: fn(T) -> V,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Title text=title />
        <section class="page">
            <Suspense fallback=move || view! { <p class="caption">{loading}</p> }>
                {Suspend::new(async move {
                    match data.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <AdminError error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The back office's heading and its way around.
#[component]
fn AdminHeading(title: String, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <div class="mb-6 flex flex-wrap items-end justify-between gap-3">
            <div>
                <nav aria-label="Back office" class="caption flex gap-3">
                    <a href="/admin" class="underline-offset-4 hover:underline">"Dashboard"</a>
                    <a href="/admin/orders" class="underline-offset-4 hover:underline">"Orders"</a>
                    <a href="/admin/products" class="underline-offset-4 hover:underline">"Products"</a>
                </nav>
                <h1 class="page-title">{title}</h1>
            </div>
            {children.map(|children| children())}
        </div>
    }
}
