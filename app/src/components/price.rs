use leptos::prelude::*;

use crate::types::Money;

/// An amount, formatted by [`Money`]'s one formatter, in tabular figures.
#[component]
pub fn Price(money: Money, #[prop(optional, into)] class: String) -> impl IntoView {
    view! { <span class=format!("tabular-nums {class}")>{money.to_string()}</span> }
}
