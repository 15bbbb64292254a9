use leptos::prelude::*;

pub const INPUT: &str = "h-11 rounded-xl border border-line bg-surface px-3 text-ink";

/// The email field of the account forms: labelled, with the keyboard and
/// autofill a phone should offer for an address.
#[component]
pub fn EmailField() -> impl IntoView {
    view! {
        <div class="flex flex-col gap-1">
            <label for="email" class="text-sm font-medium">
                "Email"
            </label>
            <input
                id="email"
                name="email"
                type="text"
                inputmode="email"
                autocomplete="email"
                autocapitalize="none"
                spellcheck="false"
                class=INPUT
            />
        </div>
    }
}

/// A password field; `autocomplete` is `current-password` or `new-password`,
/// and a new one says how long it may be.
#[component]
pub fn PasswordField(label: &'static str, autocomplete: &'static str) -> impl IntoView {
    view! {
        <div class="flex flex-col gap-1">
            <label for="password" class="text-sm font-medium">
                {label}
            </label>
            <input id="password" name="password" type="password" autocomplete=autocomplete class=INPUT />
            {(autocomplete == "new-password")
                .then(|| view! { <p class="caption">"8 to 128 characters."</p> })}
        </div>
    }
}
