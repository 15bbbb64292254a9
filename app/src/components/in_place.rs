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
    use web_sys::{
        Element, Event, HtmlFormElement, HtmlInputElement, MouseEvent, SubmitEvent, Url,
        UrlSearchParams,
    };

    use crate::components::live_parts::{claim, elements, parse, post_form, show, BUSY};

    pub fn submit(ev: SubmitEvent) {
        let Some((form, fields)) = claim(&ev) else {
            return;
        };
        leptos::task::spawn_local(async move {
            if post(&form, &fields).await.is_err() {
                // No answer: the page as the store now has it tells the truth.
                let _ = window().location().reload();
            }
            let _ = form.remove_attribute(BUSY);
        });
    }

    /// Posts the form, then shows the answer: the page the form returns to.
    async fn post(form: &HtmlFormElement, fields: &UrlSearchParams) -> Result<(), JsValue> {
        let answer = post_form(form, fields, None).await?;
        let address = answer.url();
        let same_page = Url::new(&address)?.pathname() == window().location().pathname()?;
        if !answer.ok() || !same_page {
            return window().location().assign(&address);
        }
        show(&parse(&answer).await?)
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
