use leptos::prelude::*;
use lucide_leptos::LoaderCircle;

/// A button's leading icon, which becomes a spinning LoaderCircle while the
/// button's action is pending. The label beside it stays, so the width holds.
#[component]
pub fn PendingIcon(#[prop(into)] pending: Signal<bool>, children: ChildrenFn) -> impl IntoView {
    view! {
        <span aria-hidden="true" class="inline-flex">
            <Show
                when=move || !pending.get()
                fallback=|| {
                    view! {
                        <span class="inline-flex animate-spin">
                            <LoaderCircle size=20 />
                        </span>
                    }
                }
            >
                {children()}
            </Show>
        </span>
    }
}
