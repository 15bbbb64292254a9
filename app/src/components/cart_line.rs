use leptos::prelude::*;
use lucide_leptos::{Minus, Plus, Trash};

use crate::components::{PostForm, Price};
use crate::server_fns::cart::{RemoveCartLine, UpdateCartLine};
use crate::types::{CartLineView, CartView};

/// One cart line: image, name, unit price, the quantity stepper, line total, remove.
///
/// Rendered from `line` as the page loaded; its figures then follow the line in
/// `cart`, the store's latest answer, and the row hides once the line is gone.
///
/// Minus and Plus are submit buttons (`step` = -1 / 1) and the number is a real
/// input, so the stepper works the same with and without JavaScript. A hidden
/// first submit button makes Enter in the input submit the typed number as is.
#[component]
pub fn CartLineRow(
    line: CartLineView,
    #[prop(into)] cart: Signal<CartView>,
    update: ServerAction<UpdateCartLine>,
    remove: ServerAction<RemoveCartLine>,
) -> impl IntoView {
    let id = line.id.to_string();
    let input_id = format!("quantity-{}", line.id);
    let product_href = format!("/products/{}", line.slug);
    let line_id = line.id;
    let gone = Memo::new(move |_| {
        cart.with(|cart| cart.lines.iter().all(|current| current.id != line_id))
    });
    // The line as the store last reported it (as loaded once it is gone: then hidden).
    let initial = line.clone();
    let shown = Memo::new(move |_| {
        cart.with(|cart| {
            cart.lines
                .iter()
                .find(|current| current.id == line_id)
                .cloned()
        })
        .unwrap_or_else(|| initial.clone())
    });
    let quantity = move || shown.with(|line| line.quantity);
    let max = move || shown.with(|line| line.max_quantity);
    let available = move || shown.with(|line| line.available);
    let unit_price = Signal::derive(move || shown.with(|line| line.unit_price));
    let line_total = Signal::derive(move || shown.with(|line| line.line_total));
    let name = line.name.clone();
    let (quantity_label, fewer, more, remove_label) = (
        format!("Quantity of {name}"),
        format!("One fewer {name}"),
        format!("One more {name}"),
        format!("Remove {name}"),
    );
    let remove_id = id.clone();
    view! {
        <li class="card flex gap-4" data-testid="cart-line" data-slug=line.slug.clone() hidden=gone>
            <a href=product_href.clone() tabindex="-1" aria-hidden="true" class="shrink-0">
                <img
                    src=line.image_path
                    alt=""
                    width="96"
                    height="72"
                    class="h-12 w-16 rounded-xl border border-line bg-canvas object-cover sm:h-18 sm:w-24"
                />
            </a>
            <div class="flex min-w-0 flex-1 flex-col gap-3">
                <div class="flex items-start justify-between gap-3">
                    <div class="min-w-0">
                        <a href=product_href class="font-semibold hover:underline" data-testid="line-name">
                            {name}
                        </a>
                        <p class="caption">
                            <Price money=unit_price />
                            " each"
                        </p>
                    </div>
                    <span data-testid="line-total">
                        <Price money=line_total class="font-semibold" />
                    </span>
                </div>
                {move || {
                    (!available())
                        .then(|| {
                            view! {
                                <p class="flex items-center gap-2 text-sm font-medium text-ink">
                                    <span aria-hidden="true" class="h-2 w-2 rounded-full bg-warning"></span>
                                    "Not available in this quantity any more. Lower it or remove it."
                                </p>
                            }
                        })
                }}
                <div class="flex flex-wrap items-center justify-between gap-2">
                    <PostForm action=update>
                        <input type="hidden" name="line_id" value=id />
                        <button type="submit" name="step" value="0" class="sr-only" tabindex="-1" aria-hidden="true">
                            "Update quantity"
                        </button>
                        <label for=input_id.clone() class="sr-only">
                            {quantity_label}
                        </label>
                        <div class="inline-flex items-center rounded-xl border border-line bg-surface">
                            <button
                                type="submit"
                                name="step"
                                value="-1"
                                class="btn-ghost w-11 px-0"
                                aria-label=fewer
                                disabled={move || quantity() <= 1}
                            >
                                <span aria-hidden="true">
                                    <Minus size=20 />
                                </span>
                            </button>
                            <input
                                id=input_id
                                name="quantity"
                                type="number"
                                inputmode="numeric"
                                value=quantity().to_string()
                                prop:value=move || quantity().to_string()
                                class="h-11 w-14 bg-transparent text-center tabular-nums text-ink [appearance:textfield] [&::-webkit-inner-spin-button]:appearance-none [&::-webkit-outer-spin-button]:appearance-none"
                            />
                            <button
                                type="submit"
                                name="step"
                                value="1"
                                class="btn-ghost w-11 px-0"
                                aria-label=more
                                disabled={move || quantity() >= max()}
                            >
                                <span aria-hidden="true">
                                    <Plus size=20 />
                                </span>
                            </button>
                        </div>
                    </PostForm>
                    <PostForm action=remove>
                        <input type="hidden" name="line_id" value=remove_id />
                        <button type="submit" class="btn-danger-ghost px-3" aria-label=remove_label>
                            <span aria-hidden="true">
                                <Trash size=20 />
                            </span>
                            <span class="text-sm">"Remove"</span>
                        </button>
                    </PostForm>
                </div>
            </div>
        </li>
    }
}
