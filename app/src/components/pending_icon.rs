use leptos::prelude::*;
use lucide_leptos::LoaderCircle;

use crate::icon;

/// A button's leading icon, which becomes a spinning LoaderCircle while the
/// button's form waits for its answer (the form is a `group` and carries
/// `aria-busy`). The label beside it stays, so the width holds.
#[component]
pub fn PendingIcon(children: Children) -> impl IntoView {
    view! {
        <span aria-hidden="true" class="inline-flex group-aria-busy:hidden">
            {children()}
        </span>
        <span aria-hidden="true" class="hidden animate-spin group-aria-busy:inline-flex">
            {icon!(LoaderCircle, 20)}
        </span>
    }
}
