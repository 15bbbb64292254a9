use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::components::{FormResult, InPlace};
use crate::pages::ErrorPanel;
use crate::server_fns::cart::AddToCart;

/// `/`: the product grid.
#[component]
pub fn HomePage() -> impl IntoView {
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
                {Suspend::new(async move {
                    match grid::tiles().await {
                        Ok(tiles) => {
                            view! {
                                <InPlace>
                                    <ul
                                        class="grid grid-cols-1 gap-6 sm:grid-cols-2 lg:grid-cols-3"
                                        data-testid="product-grid"
                                        inner_html=tiles
                                    />
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

#[cfg(feature = "ssr")]
mod grid {
    use leptos::prelude::*;
    use leptos::server_fn::ServerFn;
    use std::sync::Arc;

    use crate::components::{PageOutcome, ProductTile};
    use crate::error::AppError;
    use crate::server_fns::cart::AddToCart;
    use crate::types::ProductCard;

    /// The tiles' markup. Every shopper is shown the same tiles, drawn once
    /// for each reading of the catalogue, unless this page was returned to
    /// from one of their forms: then the tile it was about says how it went,
    /// so they are drawn for this page alone.
    pub async fn tiles() -> Result<Arc<str>, AppError> {
        let state = crate::ssr::app_state()?;
        let answered_here = use_context::<PageOutcome>()
            .and_then(|outcome| outcome.0)
            .is_some_and(|outcome| outcome.form == AddToCart::url());
        if answered_here {
            return Ok(draw(state.catalogue.grid(&state.db).await?).into());
        }
        // Markup that other shoppers are shown too carries no form's outcome.
        state
            .catalogue
            .grid_markup(&state.db, |products| {
                Owner::new().with(|| {
                    provide_context(PageOutcome::default());
                    draw(products)
                })
            })
            .await
    }

    /// The grid's tiles, each in its `<li>`.
    fn draw(products: Vec<ProductCard>) -> String {
        products
            .into_iter()
            .map(|product| view! { <li><ProductTile product /></li> })
            .collect_view()
            .to_html()
    }
}

/// Pages are drawn on the server only.
#[cfg(not(feature = "ssr"))]
mod grid {
    use std::sync::Arc;

    use crate::error::AppError;

    pub async fn tiles() -> Result<Arc<str>, AppError> {
        Err(AppError::not_found("the product grid"))
    }
}
