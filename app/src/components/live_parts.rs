//! In the browser only: bringing a page's `data-live` parts up to date from the
//! store's own rendering of a page, for the islands that change what they show.

use leptos::prelude::{document, window};
use leptos::wasm_bindgen::closure::Closure;
use leptos::wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Document, DomParser, Element, Event, EventTarget, FormData, Headers, HtmlElement,
    HtmlFormElement, NodeList, RequestInit, Response, SubmitEvent, SupportedType, UrlSearchParams,
};

/// A form's attribute while its answer is on the way.
pub const BUSY: &str = "aria-busy";

/// The elements of a query's answer.
pub fn elements(list: &NodeList) -> impl Iterator<Item = Element> + '_ {
    (0..list.length()).filter_map(|index| list.item(index)?.dyn_into::<Element>().ok())
}

/// Calls `handler` with every event of the `kinds` that reaches `target`, for
/// as long as the page lives. The islands listen with the browser's own
/// listeners rather than Leptos' typed `on:` handlers: one closure for several
/// kinds keeps the first load smaller.
pub fn listen(target: &EventTarget, kinds: &[&str], handler: impl Fn(Event) + 'static) {
    let handler = Closure::<dyn Fn(Event)>::new(handler);
    for kind in kinds {
        let _ = target.add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
    }
    handler.forget();
}

/// The element an event happened on.
pub fn target_element(ev: &Event) -> Option<Element> {
    ev.target()?.dyn_into().ok()
}

/// Makes `change` to the page, then puts the focus back on the control that
/// had it (found by its id, so a control drawn anew keeps it too).
pub fn keeping_focus<T>(change: impl FnOnce() -> T) -> T {
    let focused = document()
        .active_element()
        .map(|element| element.id())
        .filter(|id| !id.is_empty());
    let changed = change();
    if let Some(control) = focused
        .and_then(|id| document().get_element_by_id(&id))
        .and_then(|element| element.dyn_into::<HtmlElement>().ok())
    {
        let _ = control.focus();
    }
    changed
}

/// Replaces each `data-live` part of this page with its version in `page`
/// (the content only, for a live region), keeping the focus on the control
/// that had it.
pub fn show(page: &Document) -> Result<(), JsValue> {
    keeping_focus(|| replace_live_parts(page))
}

fn replace_live_parts(page: &Document) -> Result<(), JsValue> {
    let here = document();
    for part in elements(&here.query_selector_all("[data-live]")?) {
        let Some(name) = part.get_attribute("data-live") else {
            continue;
        };
        if let Some(fresh) = page.query_selector(&format!("[data-live=\"{name}\"]"))? {
            // A live region stays, so that its news is read out.
            if part.has_attribute("aria-live") {
                part.set_inner_html(&fresh.inner_html());
            } else {
                part.set_outer_html(&fresh.outer_html());
            }
        }
    }
    Ok(())
}

/// The form's fields as the browser would post them, with the button pressed.
pub fn fields(
    form: &HtmlFormElement,
    submitter: Option<HtmlElement>,
) -> Result<UrlSearchParams, JsValue> {
    let data = FormData::new_with_form(form)?;
    if let Some(button) = submitter {
        if let Some(name) = button.get_attribute("name") {
            let value = button.get_attribute("value").unwrap_or_default();
            data.append_with_str(&name, &value)?;
        }
    }
    UrlSearchParams::new_with_str_sequence_sequence(&data)
}

/// Parses a page the store answered with.
pub async fn parse(answer: &Response) -> Result<Document, JsValue> {
    let html = JsFuture::from(answer.text()?).await?;
    DomParser::new()?.parse_from_string(
        &html.as_string().unwrap_or_default(),
        SupportedType::TextHtml,
    )
}

/// The form a submit event would post, for an island to post itself: marked
/// busy and its fields read. `None` leaves the event to the browser (a form that
/// navigates, or cannot be read), or swallows a second press while the first
/// answer is on the way.
pub fn claim(ev: &Event) -> Option<(HtmlFormElement, UrlSearchParams)> {
    if ev.default_prevented() {
        return None;
    }
    let form = ev.target()?.dyn_into::<HtmlFormElement>().ok()?;
    if form.get_attribute(BUSY).as_deref() == Some("true") {
        // A second press would post it twice.
        ev.prevent_default();
        return None;
    }
    if form.has_attribute("data-navigate") {
        let _ = form.set_attribute(BUSY, "true");
        return None;
    }
    let submitter = ev.dyn_ref::<SubmitEvent>().and_then(SubmitEvent::submitter);
    let fields = fields(&form, submitter).ok()?;
    ev.prevent_default();
    let _ = form.set_attribute(BUSY, "true");
    Some((form, fields))
}

/// Posts a form as a browser does: it accepts HTML, so the store answers with
/// the page the form returns to; that is `referrer` when given (a path of this
/// store), else this page.
pub async fn post_form(
    form: &HtmlFormElement,
    fields: &UrlSearchParams,
    referrer: Option<&str>,
) -> Result<Response, JsValue> {
    let headers = Headers::new()?;
    headers.set("Accept", "text/html")?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(fields);
    if let Some(referrer) = referrer {
        init.set_referrer(referrer);
    }
    JsFuture::from(window().fetch_with_str_and_init(&form.action(), &init))
        .await?
        .dyn_into()
}
