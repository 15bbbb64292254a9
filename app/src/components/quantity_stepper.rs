use leptos::prelude::*;
use lucide_leptos::{Minus, Plus};

use crate::icon;

/// Minus, the number, Plus. The number is a real input, so the form works before
/// hydration and from the keyboard; Minus and Plus step it once the form is
/// hydrated ([`InPlace`](crate::components::InPlace) reads `data-step` and
/// `data-max`).
///
/// The input carries no `min`/`max`/`required`: values outside `1..=max` are not
/// clamped or blocked by the browser's own bubble, but refused by the server with
/// the store's sentence, shown under the button.
#[component]
pub fn QuantityStepper(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    max: i32,
    #[prop(default = 1)] initial: i32,
) -> impl IntoView {
    let id = format!("{name}-input");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="caption">
                {label}
            </label>
            <div class="inline-flex w-fit items-center rounded-xl border border-line bg-surface">
                <button
                    type="button"
                    class="btn-ghost w-11 px-0"
                    aria-label="Decrease quantity"
                    data-testid="quantity-decrease"
                    data-step="-1"
                    disabled={initial <= 1}
                >
                    <span aria-hidden="true">
                        {icon!(Minus, 20)}
                    </span>
                </button>
                <input
                    id=id
                    name=name
                    type="number"
                    inputmode="numeric"
                    value=initial.to_string()
                    data-max=max.to_string()
                    class="h-11 w-14 min-w-[2ch] bg-transparent text-center tabular-nums text-ink [appearance:textfield] [&::-webkit-inner-spin-button]:appearance-none [&::-webkit-outer-spin-button]:appearance-none"
                />
                <button
                    type="button"
                    class="btn-ghost w-11 px-0"
                    aria-label="Increase quantity"
                    data-testid="quantity-increase"
                    data-step="1"
                    disabled={initial >= max}
                >
                    <span aria-hidden="true">
                        {icon!(Plus, 20)}
                    </span>
                </button>
            </div>
        </div>
    }
}
