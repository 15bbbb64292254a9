use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
use lucide_leptos::ArrowLeft;

use crate::components::product_tile::StockNote;
use crate::components::{AddToCartForm, IconLink, InPlace, Price};
use crate::error::AppError;
use crate::icon;
use crate::pages::{ErrorPanel, NotFound};
use crate::server_fns::catalog::get_product;
use crate::types::ProductDetail;

/// `/products/:slug`: one product, its quantity picker and Add to cart.
#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let product = Resource::new(slug, get_product);
    view! {
        <Suspense fallback=|| view! { <p class="page caption">"Loading…"</p> }>
            {Suspend::new(async move {
                match product.await {
                    Ok(product) => view! { <ProductView product /> }.into_any(),
                    Err(AppError::NotFound(_)) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <div class="page"><ErrorPanel error /></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductView(product: ProductDetail) -> impl IntoView {
    view! {
        <Title text=product.name.clone() />
        <Meta name="description" content=product.description.clone() />
        <section class="page">
            <IconLink href="/" class="btn-ghost -ml-4 mb-4 text-sm" icon=icon!(ArrowLeft, 16)>
                "All products"
            </IconLink>
            <div class="grid grid-cols-1 gap-8 md:grid-cols-2">
                <img
                    src=product.image_path
                    alt=product.name.clone()
                    width="800"
                    height="600"
                    class="aspect-[4/3] w-full rounded-2xl border border-line bg-surface object-cover shadow-sm"
                />
                <div class="flex flex-col gap-4">
                    <h1 class="page-title">{product.name}</h1>
                    <Price money=product.price class="text-lg font-semibold" />
                    <p class="text-base leading-relaxed text-ink">{product.description}</p>
                    <StockNote stock=product.stock />
                    <div class="card">
                        <InPlace>
                            <AddToCartForm
                                slug=product.slug
                                stock=product.stock
                                with_quantity=true
                                in_grid=false
                            />
                        </InPlace>
                    </div>
                </div>
            </div>
        </section>
    }
}
