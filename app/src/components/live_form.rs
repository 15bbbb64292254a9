//! The one form component: a real `<form>` posting to a server fn, its pending
//! state, and the region where its outcome appears. It works the same with and
//! without JavaScript:
//! - without, the browser posts the form; the store answers with a redirect back
//!   to the page, and the outcome travels in a short-lived cookie that only the
//!   store sets (never in the address, so a link cannot make the store say
//!   anything), which that page shows once;
//! - with, [`InPlace`](crate::components::InPlace) posts it, marks it
//!   `aria-busy` (the [`PendingIcon`](crate::components::PendingIcon) spins), and
//!   swaps in the returned page's `data-live` parts, this result region among them.
//!
//! A new form is this component and one server fn that answers through
//! `ssr::form_outcome::answer`.

use leptos::prelude::*;

use crate::components::{Alert, AlertKind};
use crate::types::FormOutcome;

/// The outcome a posted form left for the page being rendered. The server puts it
/// in context per request; the browser never renders forms, so has none.
#[derive(Clone, Debug, Default)]
pub struct PageOutcome(pub Option<FormOutcome>);

/// The outcome of the form that posts to `action` about `item`, if this page was
/// returned to from it.
pub fn outcome_of(action: &str, item: Option<&str>) -> Option<FormOutcome> {
    use_context::<PageOutcome>()?
        .0
        .filter(|outcome| outcome.form == action && outcome.item.as_deref() == item)
}

/// The `data-live` name of a form's result region: its server fn and its item.
pub fn region_name(action: &str, item: Option<&str>) -> String {
    let form = action.rsplit('/').next().unwrap_or(action);
    match item {
        Some(item) => format!("{form}-{item}"),
        None => form.to_owned(),
    }
}

/// A form posting to the server fn at `action`, followed by its result region.
#[component]
pub fn LiveForm(
    /// The server fn's address (`AddToCart::url()`).
    action: &'static str,
    /// What the form is about, when a page holds several of its kind (a slug).
    #[prop(optional, into)]
    item: Option<String>,
    /// The sentence shown when the form succeeds; without one, nothing is shown.
    #[prop(optional)]
    success: Option<&'static str>,
    /// Leave the page when the form is sent (checkout goes on to Stripe) rather
    /// than answer in place.
    #[prop(optional)]
    navigate: bool,
    /// Another [`FormResult`] on the page shows this form's outcome.
    #[prop(optional)]
    shared_result: bool,
    /// Also show an outcome that names no item (the only form of its kind here).
    #[prop(optional)]
    unnamed_too: bool,
    /// The result region's test id.
    #[prop(optional)]
    testid: &'static str,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    let result = (!shared_result).then(|| {
        view! { <FormResult forms=vec![action] item=item.clone() success testid unnamed_too /> }
    });
    view! {
        <form
            method="post"
            action=action
            class=format!("group {class}")
            data-navigate=navigate.then_some("")
        >
            {children()}
        </form>
        {result}
    }
}

/// Where the outcome of the forms posting to `forms` (about `item`) appears: a
/// live region, read out when it changes.
#[component]
pub fn FormResult(
    forms: Vec<&'static str>,
    #[prop(default = None)] item: Option<String>,
    #[prop(default = None)] success: Option<&'static str>,
    #[prop(optional)] unnamed_too: bool,
    #[prop(optional)] testid: &'static str,
    /// Classes and a test id for the message itself, present only with one.
    #[prop(optional)]
    class: &'static str,
    #[prop(optional)] message_testid: &'static str,
) -> impl IntoView {
    let first = forms.first().copied().unwrap_or_default();
    let alert = forms
        .iter()
        .find_map(|form| {
            outcome_of(form, item.as_deref())
                .or_else(|| unnamed_too.then(|| outcome_of(form, None)).flatten())
        })
        .and_then(|outcome| match outcome.refusal {
            Some(refusal) => Some(view! { <Alert kind=AlertKind::Danger message=refusal /> }),
            None => {
                success.map(|sentence| view! { <Alert kind=AlertKind::Success message=sentence /> })
            }
        })
        .map(|alert| {
            view! {
                <div class=class data-testid=(!message_testid.is_empty()).then_some(message_testid)>
                    {alert}
                </div>
            }
        });
    view! {
        <div
            aria-live="polite"
            class="min-h-5"
            data-testid=(!testid.is_empty()).then_some(testid)
            data-live=region_name(first, item.as_deref())
        >
            {alert}
        </div>
    }
}
