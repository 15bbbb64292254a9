use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::pages::ErrorPanel;
use crate::server_fns::policies::get_policy;
use crate::types::PolicyBlock;

/// `/policies/:name`: shipping, returns and refunds, privacy, terms.
#[component]
pub fn PolicyPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let policy = Resource::new(name, get_policy);
    view! {
        <section class="page">
            <Suspense fallback=|| view! { <p class="caption">"Loading…"</p> }>
                {Suspend::new(async move {
                    match policy.await {
                        Ok(policy) => {
                            view! {
                                <Title text=policy.title.clone() />
                                <article class="card mx-auto flex max-w-2xl flex-col gap-4" data-testid="policy">
                                    <h1 class="page-title">{policy.title}</h1>
                                    {policy
                                        .blocks
                                        .into_iter()
                                        .map(|block| match block {
                                            PolicyBlock::Heading(text) => {
                                                view! { <h2 class="text-lg font-semibold">{text}</h2> }.into_any()
                                            }
                                            PolicyBlock::Paragraph(text) => view! { <p>{text}</p> }.into_any(),
                                            PolicyBlock::List(items) => {
                                                view! {
                                                    <ul class="flex list-disc flex-col gap-1 pl-5">
                                                        {items
                                                            .into_iter()
                                                            .map(|item| view! { <li>{item}</li> })
                                                            .collect_view()}
                                                    </ul>
                                                }
                                                    .into_any()
                                            }
                                        })
                                        .collect_view()}
                                </article>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
