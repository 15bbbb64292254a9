use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The arguments of a server fn, read from the fields of the form that posts it.
pub trait FormArgs: Sized {
    /// `None` when a field the store needs is absent: the form is then posted as
    /// a plain request and the store answers it with its own sentence.
    fn from_fields(field: &dyn Fn(&str) -> Option<String>) -> Option<Self>;
}

/// A `<form>` posting to a server fn. Before hydration (or without JavaScript)
/// it is a plain POST; hydrated, it runs `action` in place.
///
/// Unlike `ActionForm` its arguments are read field by field ([`FormArgs`]) and
/// its children keep their types, which keeps the code shipped to phones small.
#[component]
pub fn PostForm<S, C>(action: ServerAction<S>, children: TypedChildren<C>) -> impl IntoView
where
    S: ServerFn + FormArgs + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
    C: IntoView + 'static,
{
    let children = children.into_inner();
    view! {
        <form method="post" action=S::url() on:submit=move |ev| submit(&ev, action)>
            {children()}
        </form>
    }
}

/// Runs the action with the submitted fields, unless they cannot be read, in
/// which case the browser posts the form itself.
fn submit<S>(ev: &leptos::ev::SubmitEvent, action: ServerAction<S>)
where
    S: ServerFn + FormArgs + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    if ev.default_prevented() {
        return;
    }
    let Ok(data) = leptos::form::form_data_from_event(ev) else {
        return;
    };
    let field = |name: &str| data.get(name).as_string();
    if let Some(args) = S::from_fields(&field) {
        ev.prevent_default();
        action.dispatch(args);
    }
}
