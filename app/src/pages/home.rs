use leptos::prelude::*;
use leptos_meta::Title;

use crate::actions::StoreActions;
use crate::components::{Alert, AlertKind, ProductTile};
use crate::pages::ErrorPanel;
use crate::server_fns::catalog::list_products;

/// `/`: the product grid.
#[component]
pub fn HomePage() -> impl IntoView {
    let products = Resource::new(|| (), |_| list_products());
    // One action for the whole grid; the tile the shopper used reports its outcome.
    let add = StoreActions::from_context().add;
    let last_used = RwSignal::new(None::<String>);
    // A form posted without JavaScript comes back as a fresh page that knows the
    // outcome but not the tile: report it once, above the grid.
    let page_result = move || {
        if last_used.get().is_some() {
            return None;
        }
        add.value()
            .get()
            .and_then(|outcome| outcome.err())
            .map(|err| {
                view! {
                    <div class="mb-6" data-testid="page-result">
                        <Alert kind=AlertKind::Danger message=err.to_string() />
                    </div>
                }
            })
    };
    view! {
        <Title text="Shop" />
        <section class="page">
            <div class="mb-8 flex flex-col gap-2">
                <h1 class="page-title">"Everyday goods, made well"</h1>
                <p class="text-muted">"Kitchen and home pieces that last, shipped from our small workshop."</p>
            </div>
            {page_result}
            <Suspense fallback=|| view! { <p class="caption">"Loading the catalog…"</p> }>
                {move || Suspend::new(async move {
                    match products.await {
                        Ok(list) => {
                            view! {
                                <ul
                                    class="grid grid-cols-1 gap-6 sm:grid-cols-2 lg:grid-cols-3"
                                    data-testid="product-grid"
                                >
                                    {list
                                        .into_iter()
                                        .map(|product| {
                                            let slug = product.slug.clone();
                                            let mine = slug.clone();
                                            let show_result = Signal::derive(move || {
                                                last_used.with(|last| last.as_deref() == Some(mine.as_str()))
                                            });
                                            view! {
                                                <li on:submit=move |_| last_used.set(Some(slug.clone()))>
                                                    <ProductTile product action=add show_result />
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
