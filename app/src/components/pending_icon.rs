use leptos::either::Either;
use leptos::prelude::*;
use lucide_leptos::LoaderCircle;

/// A button's leading icon, which becomes a spinning LoaderCircle while the
/// button's action is pending. The label beside it stays, so the width holds.
#[component]
pub fn PendingIcon<C>(
    #[prop(into)] pending: Signal<bool>,
    children: TypedChildrenFn<C>,
) -> impl IntoView
where
    C: IntoView + 'static,
{
    let icon = children.into_inner();
    view! {
        <span aria-hidden="true" class="inline-flex">
            {move || {
                if pending.get() {
                    Either::Left(view! {
                        <span class="inline-flex animate-spin">
                            <LoaderCircle size=20 />
                        </span>
                    })
                } else {
                    Either::Right(icon())
                }
            }}
        </span>
    }
}
