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
/// It listens from the document, once for the page, to events inside any
/// element it marks `data-in-place`, so several on one page share one listener.
/// Before hydration, and without JavaScript, every form is a plain form.
#[island]
pub fn InPlace(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    client::start();
    view! {
        <div class="contents" data-in-place="">
            {children()}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod client {
    use leptos::prelude::{document, window};
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use web_sys::{Element, Event, HtmlFormElement, HtmlInputElement, Url, UrlSearchParams};

    use crate::components::live_parts::{
        claim, elements, listen, parse, post_form, show, target_element, BUSY,
    };

    /// Listens, once for the page, to the forms and steppers inside every
    /// `InPlace` (marked `data-in-place`), and to the page coming back.
    pub fn start() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            listen(&document(), &["submit", "click", "input"], |ev| {
                let inside = target_element(&ev)
                    .and_then(|element| element.closest("[data-in-place]").ok().flatten())
                    .is_some();
                match ev.type_().as_str() {
                    _ if !inside => {}
                    "submit" => submit(&ev),
                    "click" => click(&ev),
                    _ => input(&ev),
                }
            });
            listen(&window(), &["pageshow"], |_| forget_busy_forms());
        });
    }

    fn submit(ev: &Event) {
        let Some((form, fields)) = claim(ev) else {
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
    fn click(ev: &Event) {
        let Some(button) =
            target_element(ev).and_then(|element| element.closest("[data-step]").ok().flatten())
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
    fn input(ev: &Event) {
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
    /// otherwise keep the spinner of the form that left it.
    fn forget_busy_forms() {
        if let Ok(forms) = document().query_selector_all("form[aria-busy]") {
            for form in elements(&forms) {
                let _ = form.remove_attribute(BUSY);
            }
        }
    }
}
