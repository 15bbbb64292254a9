use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use lucide_leptos::Plus;

use super::product::ProductFields;
use super::{AdminFrame, AdminHeading};
use crate::components::{LiveForm, Price};
use crate::icon;
use crate::server_fns::admin_catalogue::{admin_products, AdminSaveProduct};
use crate::types::admin::AdminProductRow;

/// `/admin/products`: the catalogue, and a form for a new product.
#[component]
pub fn AdminProductsPage() -> impl IntoView {
    let products = Resource::new(|| (), |_| admin_products());
    view! {
        <AdminFrame title="Products · Back office" loading="Loading products…" data=products render=|products| view! { <ProductList products /> } />
    }
}

/// The catalogue, and the form for a new product.
#[component]
fn ProductList(products: Vec<AdminProductRow>) -> impl IntoView {
    view! {
        <AdminHeading title="Products".to_owned() />
        <div class="grid gap-6 lg:grid-cols-[1fr_22rem]">
            <ul class="flex flex-col gap-2" aria-label="Products">
                {products.into_iter().map(|product| view! {
                    <li class="card flex items-center gap-4" data-testid="admin-product-row">
                        <img src=product.image_path.clone() alt="" width="64" height="48" class="h-12 w-16 shrink-0 rounded-lg object-cover" />
                        <div class="min-w-0 flex-1">
                            <a href=format!("/admin/products/{}", product.slug) class="font-semibold text-brand underline-offset-4 hover:underline">{product.name}</a>
                            <p class="caption">
                                {product.stock} " in stock"
                                {(!product.active).then_some(" · Not on sale")}
                            </p>
                        </div>
                        <Price money=product.price class="font-semibold" />
                    </li>
                }).collect_view()}
            </ul>
            <section class="card flex flex-col gap-3" aria-labelledby="new-product">
                <h2 id="new-product" class="font-semibold">"New product"</h2>
                <LiveForm action=AdminSaveProduct::url() testid="new-product-result">
                    <ProductFields key=String::new() />
                    <button type="submit" class="btn-primary mt-4 w-full">{icon!(Plus, 20)} "Add product"</button>
                </LiveForm>
            </section>
        </div>
    }
}
