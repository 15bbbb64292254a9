use leptos::prelude::*;

use crate::types::Money;

/// An amount, formatted by [`Money`]'s one formatter, in tabular figures. It
/// follows `money` when that changes (a cart line's total after a change).
#[component]
pub fn Price(
    #[prop(into)] money: Signal<Money>,
    #[prop(optional, into)] class: String,
) -> impl IntoView {
    view! { <span class=format!("tabular-nums {class}")>{move || money.get().to_string()}</span> }
}
