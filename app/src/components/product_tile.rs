use leptos::prelude::*;

use crate::components::{AddToCartForm, Price};
use crate::types::{ProductCard, LOW_STOCK};

/// One product in the home page grid.
#[component]
pub fn ProductTile(product: ProductCard) -> impl IntoView {
    let href = format!("/products/{}", product.slug);
    view! {
        <article class="flex h-full flex-col overflow-hidden rounded-2xl border border-line bg-surface shadow-sm">
            <a href=href.clone() tabindex="-1" aria-hidden="true">
                <img
                    src=product.image_path
                    alt=""
                    width="400"
                    height="300"
                    class="aspect-[4/3] w-full bg-canvas object-cover"
                />
            </a>
            <div class="flex flex-1 flex-col gap-3 p-4 sm:p-6">
                <div class="flex items-start justify-between gap-3">
                    <h2 class="text-base font-semibold">
                        <a href=href class="hover:underline" data-testid="product-name">
                            {product.name.clone()}
                        </a>
                    </h2>
                    <Price money=product.price class="font-medium" />
                </div>
                <StockNote stock=product.stock />
                <div class="mt-auto">
                    <AddToCartForm
                        slug=product.slug
                        name=product.name
                        stock=product.stock
                        with_quantity=false
                        in_grid=true
                    />
                </div>
            </div>
        </article>
    }
    .into_any()
}

/// "Sold out" or "Only N left", or nothing when there is plenty.
#[component]
pub fn StockNote(stock: i32) -> impl IntoView {
    match stock {
        s if s <= 0 => {
            Some(view! { <p class="text-sm font-medium text-danger">"Sold out"</p> }.into_any())
        }
        // Amber text is too faint on white for small type, so the colour sits in a dot.
        s if s <= LOW_STOCK => Some(
            view! {
                <p class="flex items-center gap-2 text-sm font-medium text-ink">
                    <span aria-hidden="true" class="h-2 w-2 rounded-full bg-warning"></span>
                    {format!("Only {s} left")}
                </p>
            }
            .into_any(),
        ),
        _ => None,
    }
}
