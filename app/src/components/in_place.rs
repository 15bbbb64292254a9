use leptos::prelude::*;

/// The one interactive part of the store: it lets the forms inside it answer
/// without leaving the page. Everything it shows is rendered by the server.
///
/// Each form posts as it would without JavaScript, and the store answers with the
/// page the form returns to. The parts of this page marked `data-live` then take
/// that page's version: a cart line's figures, the header's badge, a message. An
/// answer that is another page (signed in: on to the cart) is followed, and a form
/// marked `data-navigate` (checkout, off to the payment page) is left to the
/// browser. A form shows `aria-busy` until its answer arrives and takes no second
/// submission meanwhile.
///
/// It also moves the number of a quantity stepper: a `data-step` button adds its
/// step to the `data-max` input beside it, within `1..=max`.
///
/// Before hydration, and without JavaScript, every form is a plain form.
#[island]
pub fn InPlace(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    client::forget_busy_forms_on_return();
    view! {
        <div class="contents" on:submit=client::submit on:click=client::click on:input=client::input>
            {children()}
        </div>
    }
}

/// On the server the handlers are never called.
#[cfg(not(feature = "hydrate"))]
mod client {
    pub fn submit(_: leptos::ev::SubmitEvent) {}
    pub fn click(_: leptos::ev::MouseEvent) {}
    pub fn input(_: leptos::ev::Event) {}
}

#[cfg(feature = "hydrate")]
mod client {
    use leptos::prelude::{document, window};
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Document, DomParser, Element, Event, FormData, Headers, HtmlElement, HtmlFormElement,
        HtmlInputElement, MouseEvent, NodeList, RequestInit, Response, SubmitEvent, SupportedType,
        Url, UrlSearchParams,
    };

    const BUSY: &str = "aria-busy";

    pub fn submit(ev: SubmitEvent) {
        if ev.default_prevented() {
            return;
        }
        let Some(form) = ev
            .target()
            .and_then(|target| target.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        if form.get_attribute(BUSY).as_deref() == Some("true") {
            // Its answer is on the way: a second press would post it twice.
            ev.prevent_default();
            return;
        }
        if form.has_attribute("data-navigate") {
            let _ = form.set_attribute(BUSY, "true");
            return;
        }
        // A form that cannot be read is posted by the browser itself.
        let Ok(fields) = fields(&form, ev.submitter()) else {
            return;
        };
        ev.prevent_default();
        let _ = form.set_attribute(BUSY, "true");
        leptos::task::spawn_local(async move {
            if post(&form, &fields).await.is_err() {
                // No answer: the page as the store now has it tells the truth.
                let _ = window().location().reload();
            }
            let _ = form.remove_attribute(BUSY);
        });
    }

    /// The form's fields as the browser would post them, with the button pressed.
    fn fields(
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

    /// Posts the form as a browser does (it accepts HTML, so the store answers
    /// with the page the form returns to), then shows that answer.
    async fn post(form: &HtmlFormElement, fields: &UrlSearchParams) -> Result<(), JsValue> {
        let headers = Headers::new()?;
        headers.set("Accept", "text/html")?;
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(fields);
        let answer: Response =
            JsFuture::from(window().fetch_with_str_and_init(&form.action(), &init))
                .await?
                .dyn_into()?;
        let address = answer.url();
        let same_page = Url::new(&address)?.pathname() == window().location().pathname()?;
        if !answer.ok() || !same_page {
            return window().location().assign(&address);
        }
        let html = JsFuture::from(answer.text()?).await?;
        let page = DomParser::new()?.parse_from_string(
            &html.as_string().unwrap_or_default(),
            SupportedType::TextHtml,
        )?;
        show(&page)
    }

    /// Replaces each `data-live` part of this page with its version in `page`
    /// (the content only, for a live region), keeping the focus on the control
    /// that had it.
    fn show(page: &Document) -> Result<(), JsValue> {
        let here = document();
        let focused = here
            .active_element()
            .map(|element| element.id())
            .filter(|id| !id.is_empty());
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
        if let Some(control) = focused
            .and_then(|id| here.get_element_by_id(&id))
            .and_then(|element| element.dyn_into::<HtmlElement>().ok())
        {
            control.focus()?;
        }
        Ok(())
    }

    /// A stepper's Minus or Plus: moves the number beside it.
    pub fn click(ev: MouseEvent) {
        let Some(button) = ev
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|element| element.closest("[data-step]").ok().flatten())
        else {
            return;
        };
        let Some(input) = stepper_input(&button) else {
            return;
        };
        let step: i32 = button
            .get_attribute("data-step")
            .and_then(|step| step.parse().ok())
            .unwrap_or(0);
        let max = max_of(&input);
        let now = input.value().trim().parse::<i32>().unwrap_or(1);
        input.set_value(&now.saturating_add(step).clamp(1, max).to_string());
        mark_ends(&input);
    }

    /// A number typed into a stepper: Minus and Plus follow it.
    pub fn input(ev: Event) {
        if let Some(input) = ev
            .target()
            .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
            .filter(|input| input.has_attribute("data-max"))
        {
            mark_ends(&input);
        }
    }

    fn stepper_input(button: &Element) -> Option<HtmlInputElement> {
        button
            .parent_element()?
            .query_selector("input[data-max]")
            .ok()
            .flatten()?
            .dyn_into()
            .ok()
    }

    fn max_of(input: &HtmlInputElement) -> i32 {
        input
            .get_attribute("data-max")
            .and_then(|max| max.parse::<i32>().ok())
            .unwrap_or(1)
            .max(1)
    }

    /// The elements of a query's answer.
    fn elements(list: &NodeList) -> impl Iterator<Item = Element> + '_ {
        (0..list.length()).filter_map(|index| list.item(index)?.dyn_into::<Element>().ok())
    }

    /// Minus is off at 1 and Plus at the most the store allows.
    fn mark_ends(input: &HtmlInputElement) {
        let Some(buttons) = input
            .parent_element()
            .and_then(|stepper| stepper.query_selector_all("[data-step]").ok())
        else {
            return;
        };
        let now = input.value().trim().parse::<i32>().ok();
        let max = max_of(input);
        for button in elements(&buttons) {
            let down = button.get_attribute("data-step").as_deref() == Some("-1");
            let at_end = now.is_some_and(|now| if down { now <= 1 } else { now >= max });
            let _ = button.toggle_attribute_with_force("disabled", at_end);
        }
    }

    /// A page brought back by the Back button (from the payment page) would
    /// otherwise keep the spinner of the form that left it. Once for the page.
    pub fn forget_busy_forms_on_return() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // The listener lives as long as the page.
            leptos::prelude::window_event_listener(leptos::ev::pageshow, |_| {
                if let Ok(forms) = document().query_selector_all("form[aria-busy]") {
                    for form in elements(&forms) {
                        let _ = form.remove_attribute(BUSY);
                    }
                }
            });
        });
    }
}
