use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;
use lucide_leptos::{Save, Upload};

use super::{AdminFrame, AdminHeading};
use crate::components::{FormResult, LiveForm, INPUT};
use crate::icon;
use crate::server_fns::admin_catalogue::{get_admin_product, AdminAdjustStock, AdminSaveProduct};
use crate::types::admin::{AdminProduct, HistoryLine, PRODUCT_IMAGE_FORM, STOCK_REASONS};

/// A product's fields, empty for a new one. `key` is the page's form key; a
/// new product's form makes its own.
#[component]
pub fn ProductFields(
    key: String,
    #[prop(optional)] product: Option<AdminProduct>,
) -> impl IntoView {
    let key = if key.is_empty() {
        #[cfg(feature = "ssr")]
        let fresh = crate::ssr::sessions::new_token();
        #[cfg(not(feature = "ssr"))]
        let fresh = String::new();
        fresh
    } else {
        key
    };
    let editing = product.is_some();
    let slug = product
        .as_ref()
        .map(|p| p.row.slug.clone())
        .unwrap_or_default();
    let name = product.as_ref().map(|p| p.row.name.clone());
    let description = product
        .as_ref()
        .map(|p| p.description.clone())
        .unwrap_or_default();
    let price = product.as_ref().map(|p| p.price_text.clone());
    let currency = product.as_ref().map(|p| p.row.price.currency.code());
    let active = product.as_ref().is_none_or(|p| p.row.active);
    let id = |field: &str| format!("{field}-{}", if editing { "edit" } else { "new" });
    view! {
        <input type="hidden" name="slug" value=slug />
        <input type="hidden" name="key" value=key />
        <div class="flex flex-col gap-3">
            <div class="flex flex-col gap-1">
                <label for=id("name") class="text-sm font-medium">"Name"</label>
                <input id=id("name") name="name" type="text" maxlength="120" required class=INPUT value=name />
            </div>
            <div class="flex flex-col gap-1">
                <label for=id("description") class="text-sm font-medium">"Description"</label>
                <textarea id=id("description") name="description" rows="4" maxlength="4000" class="rounded-xl border border-line bg-surface p-3 text-ink">{description}</textarea>
            </div>
            <div class="flex flex-col gap-1">
                <label for=id("price") class="text-sm font-medium">"Price" {currency.map(|code| format!(" ({code})"))}</label>
                <input id=id("price") name="price" type="text" inputmode="decimal" required class=INPUT value=price placeholder="18.00" autocomplete="off" />
                <p class="caption">"Before tax. Open checkouts keep the price they were given."</p>
            </div>
            {(!editing).then(|| view! {
                <div class="flex flex-col gap-1">
                    <label for=id("stock") class="text-sm font-medium">"Units in stock"</label>
                    <input id=id("stock") name="stock" type="number" min="0" max="1000000" value="0" class=INPUT />
                </div>
            })}
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="active" value="on" checked=active class="size-5 accent-brand" />
                "On sale"
            </label>
        </div>
    }
}

/// `/admin/products/:slug`: edit a product, change its stock, upload its image.
#[component]
pub fn AdminProductPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let product = Resource::new(slug, get_admin_product);
    view! {
        <AdminFrame title="Product · Back office" loading="Loading the product…" data=product render=|product| view! { <ProductEditor product /> } />
    }
}

#[component]
fn ProductEditor(product: AdminProduct) -> impl IntoView {
    let title = product.row.name.clone();
    let shop_href = format!("/products/{}", product.row.slug);
    let slug = product.row.slug.clone();
    let key = product.form_key.clone();
    let stock = view! {
        <StockCard slug=slug.clone() key=key.clone() stock=product.row.stock movements=product.movements.clone() />
    };
    let image = view! { <ImageCard slug=slug.clone() image_path=product.row.image_path.clone() /> };
    view! {
        <AdminHeading title>
            <a href=shop_href class="btn-secondary">"See it in the shop"</a>
        </AdminHeading>
        <div class="grid gap-6 lg:grid-cols-[1fr_22rem]">
            <section class="card flex flex-col gap-3" aria-labelledby="details">
                <h2 id="details" class="font-semibold">"Details"</h2>
                <LiveForm action=AdminSaveProduct::url() item=slug success="Saved." testid="save-result">
                    <ProductFields key product />
                    <button type="submit" class="btn-primary mt-4 w-full sm:w-auto">{icon!(Save, 20)} "Save"</button>
                </LiveForm>
            </section>
            <div class="flex flex-col gap-6">
                {stock}
                {image}
            </div>
        </div>
    }
}

#[component]
fn StockCard(slug: String, key: String, stock: i32, movements: Vec<HistoryLine>) -> impl IntoView {
    view! {
        <section class="card flex flex-col gap-3" aria-labelledby="stock">
            <h2 id="stock" class="font-semibold">"Stock: " <span data-testid="stock-count">{stock}</span></h2>
            <LiveForm action=AdminAdjustStock::url() item=slug.clone() success="Stock changed." testid="stock-result">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="key" value=key />
                <div class="flex flex-col gap-3">
                    <div class="flex flex-col gap-1">
                        <label for="change" class="text-sm font-medium">"Change by"</label>
                        <input id="change" name="change" type="text" inputmode="numeric" placeholder="+12 or -3" class=INPUT autocomplete="off" />
                    </div>
                    <div class="flex flex-col gap-1">
                        <label for="reason" class="text-sm font-medium">"Why"</label>
                        <select id="reason" name="reason" class=INPUT>
                            {STOCK_REASONS.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="btn-secondary w-full">"Change stock"</button>
                </div>
            </LiveForm>
            <ol class="flex flex-col gap-1 text-sm" aria-label="Stock changes">
                {movements.into_iter().map(|line| view! {
                    <li class="flex flex-col">
                        <time class="text-muted tabular-nums">{line.at}</time>
                        <span>{line.text}</span>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn ImageCard(slug: String, image_path: String) -> impl IntoView {
    view! {
        <section class="card flex flex-col gap-3" aria-labelledby="image">
            <h2 id="image" class="font-semibold">"Image"</h2>
            <img src=image_path alt="" width="400" height="300" class="w-full rounded-xl border border-line object-cover" />
            <form method="post" action=PRODUCT_IMAGE_FORM enctype="multipart/form-data" class="flex flex-col gap-3">
                <input type="hidden" name="slug" value=slug.clone() />
                <label for="image-file" class="text-sm font-medium">"A PNG, JPEG or WebP, up to 5 MB and 4000 pixels a side"</label>
                <input id="image-file" name="image" type="file" accept="image/png,image/jpeg,image/webp" required class="text-sm" />
                <button type="submit" class="btn-secondary w-full">{icon!(Upload, 20)} "Upload"</button>
            </form>
            <FormResult forms=vec![PRODUCT_IMAGE_FORM] item=Some(slug) success=Some("Image uploaded.") testid="image-result" />
        </section>
    }
}
