use leptos::prelude::*;

/// A link drawn as one of the store's buttons: a leading icon (hidden from
/// screen readers, the label says it all) and its label.
#[component]
pub fn IconLink(
    #[prop(into)] href: String,
    class: &'static str,
    /// An [`icon!`](crate::icon).
    icon: impl IntoView + 'static,
    children: Children,
) -> impl IntoView {
    view! {
        <a href=href class=class>
            <span aria-hidden="true">{icon}</span>
            {children()}
        </a>
    }
}
