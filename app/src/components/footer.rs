use leptos::prelude::*;

/// The foot of every page: the store's name and how to reach it, and its
/// policies. Server-rendered plain links: it needs no JavaScript.
#[component]
pub fn Footer() -> impl IntoView {
    #[cfg(feature = "ssr")]
    // Not `app_state()`: listing the routes renders the app with no state.
    let store = use_context::<crate::ssr::AppState>().map(|state| {
        let store = &state.store;
        (
            store.name.to_string(),
            store.address.as_deref().map(str::to_owned),
            store.email.to_string(),
        )
    });
    #[cfg(not(feature = "ssr"))]
    let store: Option<(String, Option<String>, String)> = None;
    let links = [
        ("/orders/find", "Find your order"),
        ("/policies/shipping", "Shipping"),
        ("/policies/returns", "Returns and refunds"),
        ("/policies/privacy", "Privacy"),
        ("/policies/terms", "Terms of service"),
    ];
    view! {
        <footer class="mt-12 border-t border-line bg-surface" data-testid="footer">
            <div class="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-8 sm:flex-row sm:justify-between sm:px-6 lg:px-8">
                {store.map(|(name, address, email)| {
                    let mailto = format!("mailto:{email}");
                    view! {
                    <address class="flex flex-col gap-1 not-italic text-sm text-muted">
                        <span class="font-semibold text-ink">{name}</span>
                        {address.map(|address| view! { <span>{address}</span> })}
                        <a class="inline-flex min-h-11 items-center font-medium text-brand hover:underline sm:min-h-0" href=mailto>{email}</a>
                    </address>
                    }
                })}
                <nav aria-label="Orders and policies">
                    <ul class="flex flex-col gap-1 text-sm sm:items-end">
                        {links
                            .into_iter()
                            .map(|(href, label)| view! {
                                <li><a class="inline-flex min-h-11 items-center font-medium text-brand hover:underline sm:min-h-0" href=href>{label}</a></li>
                            })
                            .collect_view()}
                    </ul>
                </nav>
            </div>
        </footer>
    }
}
