use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use lucide_leptos::{Minus, Plus, Trash};

use crate::components::{LiveForm, Price};
use crate::icon;
use crate::server_fns::cart::{RemoveCartLine, UpdateCartLine};
use crate::types::CartLineView;

/// One cart line: image, name, unit price, the quantity stepper, line total, remove.
///
/// Minus and Plus are submit buttons (`step` = -1 / 1) and the number is a real
/// input, so the stepper works the same with and without JavaScript. A hidden
/// first submit button makes Enter in the input submit the typed number as is.
/// Every control has an id, so that it keeps the focus when the cart answers in
/// place.
#[component]
pub fn CartLineRow(line: CartLineView) -> impl IntoView {
    let id = line.id.to_string();
    let remove_id = id.clone();
    let line_id = line.id;
    let control = move |what: &str| format!("{what}-{line_id}");
    let product_href = format!("/products/{}", line.slug);
    let name = line.name.clone();
    let (quantity_label, fewer, more, remove_label) = (
        format!("Quantity of {name}"),
        format!("One fewer {name}"),
        format!("One more {name}"),
        format!("Remove {name}"),
    );
    let unavailable = (!line.available).then(|| {
        view! {
            <p class="flex items-center gap-2 text-sm font-medium text-ink">
                <span aria-hidden="true" class="h-2 w-2 rounded-full bg-warning"></span>
                "Not available in this quantity any more. Lower it or remove it."
            </p>
        }
    });
    let price_changed = line.was_price.map(|was| {
        view! {
            <p class="flex items-center gap-2 text-sm font-medium text-ink" data-testid="price-changed">
                <span aria-hidden="true" class="h-2 w-2 shrink-0 rounded-full bg-warning"></span>
                {format!("The price has changed since you added it: was {was}, now {}.", line.unit_price)}
            </p>
        }
    });
    view! {
        <li class="card flex gap-4" data-testid="cart-line" data-slug=line.slug.clone()>
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
                            <Price money=line.unit_price />
                            " each"
                        </p>
                    </div>
                    <span data-testid="line-total">
                        <Price money=line.line_total class="font-semibold" />
                    </span>
                </div>
                {price_changed}
                {unavailable}
                <div class="flex flex-wrap items-center justify-between gap-2">
                    <LiveForm action=UpdateCartLine::url() shared_result=true>
                        <input type="hidden" name="line_id" value=id.clone() />
                        <button type="submit" name="step" value="0" class="sr-only" tabindex="-1" aria-hidden="true">
                            "Update quantity"
                        </button>
                        <label for=control("quantity") class="sr-only">
                            {quantity_label}
                        </label>
                        <div class="inline-flex items-center rounded-xl border border-line bg-surface">
                            <button
                                id=control("fewer")
                                type="submit"
                                name="step"
                                value="-1"
                                class="btn-ghost w-11 px-0"
                                aria-label=fewer
                                disabled={line.quantity <= 1}
                            >
                                <span aria-hidden="true">
                                    {icon!(Minus, 20)}
                                </span>
                            </button>
                            <input
                                id=control("quantity")
                                name="quantity"
                                type="number"
                                inputmode="numeric"
                                value=line.quantity.to_string()
                                class="h-11 w-14 bg-transparent text-center tabular-nums text-ink [appearance:textfield] [&::-webkit-inner-spin-button]:appearance-none [&::-webkit-outer-spin-button]:appearance-none"
                            />
                            <button
                                id=control("more")
                                type="submit"
                                name="step"
                                value="1"
                                class="btn-ghost w-11 px-0"
                                aria-label=more
                                disabled={line.quantity >= line.max_quantity}
                            >
                                <span aria-hidden="true">
                                    {icon!(Plus, 20)}
                                </span>
                            </button>
                        </div>
                    </LiveForm>
                    <LiveForm action=RemoveCartLine::url() shared_result=true>
                        <input type="hidden" name="line_id" value=remove_id />
                        <button type="submit" class="btn-danger-ghost px-3" aria-label=remove_label>
                            <span aria-hidden="true">
                                {icon!(Trash, 20)}
                            </span>
                            <span class="text-sm">"Remove"</span>
                        </button>
                    </LiveForm>
                </div>
            </div>
        </li>
    }
}
