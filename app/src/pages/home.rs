use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::actions::StoreActions;
use crate::components::{Alert, AlertKind, InPlace, ProductTile};
use crate::pages::ErrorPanel;
use crate::server_fns::catalog::list_products;

/// `/`: the product grid.
#[component]
pub fn HomePage() -> impl IntoView {
    let products = Resource::new(|| (), |_| list_products());
    // A refusal that names no product's form (see `AddToCartForm`): report it
    // once, above the grid. Each tile reports its own.
    let add = StoreActions::from_context().add;
    let named = use_query_map().read_untracked().get("item").is_some();
    let page_result = add
        .value()
        .get_untracked()
        .and_then(Result::err)
        .filter(|_| !named)
        .map(|err| {
            view! {
                <div class="mb-6" data-testid="page-result">
                    <Alert kind=AlertKind::Danger message=err.to_string() />
                </div>
            }
        });
    view! {
        <Title text="Shop" />
        <section class="page">
            <div class="mb-8 flex flex-col gap-2">
                <h1 class="page-title">"Everyday goods, made well"</h1>
                <p class="text-muted">"Kitchen and home pieces that last, shipped from our small workshop."</p>
            </div>
            <div data-live="page-result">{page_result}</div>
            <Suspense fallback=|| view! { <p class="caption">"Loading the catalog…"</p> }>
                {move || Suspend::new(async move {
                    match products.await {
                        Ok(list) => {
                            view! {
                                <InPlace>
                                    <ul
                                        class="grid grid-cols-1 gap-6 sm:grid-cols-2 lg:grid-cols-3"
                                        data-testid="product-grid"
                                    >
                                        {list
                                            .into_iter()
                                            .map(|product| {
                                                view! {
                                                    <li>
                                                        <ProductTile product />
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </InPlace>
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
