use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::components::{FormResult, InPlace, ProductTile};
use crate::pages::ErrorPanel;
use crate::server_fns::cart::AddToCart;
use crate::server_fns::catalog::list_products;

/// `/`: the product grid.
#[component]
pub fn HomePage() -> impl IntoView {
    let products = Resource::new(|| (), |_| list_products());
    view! {
        <Title text="Shop" />
        <section class="page">
            <div class="mb-8 flex flex-col gap-2">
                <h1 class="page-title">"Everyday goods, made well"</h1>
                <p class="text-muted">"Kitchen and home pieces that last, shipped from our small workshop."</p>
            </div>
            // A refusal that names no product (see `AddToCartForm`) is reported
            // once, above the grid; each tile reports its own.
            <FormResult forms=vec![AddToCart::url()] class="mb-6" message_testid="page-result" />
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
