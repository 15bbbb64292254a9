use leptos::prelude::*;
use lucide_leptos::{ShoppingCart, X};

use crate::icon;

/// The cart in a drawer, from any page: the header's cart link opens it (a
/// modal `<dialog>`) over the page. The browser draws the cart into it with the
/// cart page's own components, [`CartLines`](crate::components::CartLines) and
/// [`CartSummary`](crate::components::CartSummary), from `get_cart` (see
/// [`drawn_in_browser`](crate::components::drawn_in_browser), fetched on the
/// first open). Quantities and Remove post to the same server fns as on
/// `/cart`; a refusal shows in the drawer, the page's `data-live` parts (the
/// badge) take the store's answer and the cart is drawn again. Checkout
/// securely goes on to the payment page.
///
/// Without JavaScript, and on the cart page itself, the link simply goes to
/// `/cart`. Focus stays inside while it is open; Escape, the close button and
/// the backdrop close it, and the focus goes back to the link.
#[island]
pub fn CartDrawer(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    client::start();
    view! {
        <dialog
            id="cart-drawer"
            aria-labelledby="cart-drawer-title"
            data-testid="cart-drawer"
            class="fixed inset-0 m-0 h-full max-h-none w-full max-w-none bg-transparent p-0 text-ink backdrop:bg-ink/40"
        >
            {children()}
        </dialog>
    }
}

/// What the drawer shows, rendered by the server: its title, the close button,
/// the place the cart goes, and a link to the cart page.
#[component]
pub fn DrawerPanel() -> impl IntoView {
    view! {
        <div class="drawer-panel ml-auto flex h-full w-full flex-col gap-4 overflow-y-auto border-l border-line bg-canvas p-4 shadow-md sm:max-w-md sm:p-6">
            <div class="flex items-center justify-between gap-4">
                <h2 id="cart-drawer-title" class="flex items-center gap-2 text-lg font-semibold">
                    <span aria-hidden="true">{icon!(ShoppingCart, 20)}</span>
                    "Your cart"
                </h2>
                <button type="button" class="btn-ghost w-11 px-0" aria-label="Close cart" data-close-drawer="">
                    <span aria-hidden="true">{icon!(X, 20)}</span>
                </button>
            </div>
            <div id="drawer-cart-error" aria-live="polite" data-testid="drawer-cart-error"></div>
            <div id="cart-drawer-body" class="drawer-body flex flex-col gap-4">
                <p class="caption" role="status">"Loading your cart…"</p>
            </div>
            <a href="/cart" class="btn-ghost self-center text-sm">
                "Go to the cart page"
            </a>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod client {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use web_sys::{
        Document, Element, Event, HtmlDialogElement, HtmlElement, KeyboardEvent, MouseEvent,
    };

    use crate::components::drawn_in_browser::draw_cart;
    use crate::components::live_parts::{
        claim, elements, listen, parse, post_form, show, target_element, BUSY,
    };

    const CART_PAGE: &str = "/cart";

    fn dialog() -> Option<HtmlDialogElement> {
        document().get_element_by_id("cart-drawer")?.dyn_into().ok()
    }

    /// Listens, once for the page: to the drawer's own events, and to clicks on
    /// the header's cart link.
    pub fn start() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let Some(drawer) = dialog() else {
                return;
            };
            listen(
                &drawer,
                &["click", "keydown", "submit", "close"],
                |ev| match ev.type_().as_str() {
                    "click" => click(&ev),
                    "keydown" => {
                        if let Some(key) = ev.dyn_ref::<KeyboardEvent>() {
                            keep_focus_inside(key);
                        }
                    }
                    "submit" => submit(&ev),
                    _ => back_to_the_link(),
                },
            );
            listen(&window(), &["click"], |ev| {
                if let Some(click) = ev.dyn_ref::<MouseEvent>() {
                    open_from_the_cart_link(click);
                }
            });
        });
    }

    /// A plain click on the header's cart link opens the drawer instead of the
    /// cart page (anywhere but on the cart page).
    fn open_from_the_cart_link(ev: &MouseEvent) {
        let plain =
            ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key());
        let on_cart_link = target_element(ev)
            .and_then(|element| element.closest("[data-cart-link]").ok().flatten())
            .is_some();
        let on_cart_page = window()
            .location()
            .pathname()
            .is_ok_and(|path| path == CART_PAGE);
        if ev.default_prevented() || !plain || !on_cart_link || on_cart_page {
            return;
        }
        let Some(dialog) = dialog() else {
            return;
        };
        ev.prevent_default();
        if dialog.show_modal().is_err() {
            return;
        }
        if let Some(region) = document().get_element_by_id("drawer-cart-error") {
            region.set_inner_html("");
        }
        leptos::task::spawn_local(async {
            if !load().await {
                // The cart page itself, then.
                let _ = window().location().assign(CART_PAGE);
            }
        });
    }

    /// The cart, drawn in the drawer by the browser. False when the store
    /// could not be asked.
    async fn load() -> bool {
        match document().get_element_by_id("cart-drawer-body") {
            Some(body) => draw_cart(body).await,
            None => false,
        }
    }

    /// The refusal a line's change came back with (the cart page's message), or
    /// nothing.
    fn show_refusal(page: &Document) -> Result<(), JsValue> {
        if let Some(region) = document().get_element_by_id("drawer-cart-error") {
            let refusal = page
                .query_selector("[data-testid=\"cart-error\"]")?
                .map(|fresh| fresh.inner_html())
                .unwrap_or_default();
            region.set_inner_html(&refusal);
        }
        Ok(())
    }

    /// The close button, or a click on the backdrop (anywhere in the dialog
    /// outside its panel), closes it.
    fn click(ev: &Event) {
        let Some(target) = target_element(ev) else {
            return;
        };
        let on_close = target
            .closest("[data-close-drawer]")
            .ok()
            .flatten()
            .is_some();
        let on_panel = target.closest(".drawer-panel").ok().flatten().is_some();
        if on_close || !on_panel {
            if let Some(dialog) = dialog() {
                dialog.close();
            }
        }
    }

    /// Closed: the focus goes back to the cart link (drawn anew if the badge
    /// changed meanwhile).
    fn back_to_the_link() {
        if let Some(link) = document()
            .query_selector("[data-cart-link]")
            .ok()
            .flatten()
            .and_then(|element| element.dyn_into::<HtmlElement>().ok())
        {
            let _ = link.focus();
        }
    }

    /// Tab from the last control goes to the first, Shift+Tab from the first to
    /// the last: the focus stays in the drawer while it is open.
    fn keep_focus_inside(ev: &KeyboardEvent) {
        if ev.key() != "Tab" {
            return;
        }
        let Some(Ok(list)) = dialog().map(|dialog| {
            dialog.query_selector_all(
                "a[href]:not([tabindex='-1']), button:not([disabled]):not([tabindex='-1']), input:not([disabled]):not([type='hidden']):not([tabindex='-1'])",
            )
        }) else {
            return;
        };
        let controls: Vec<Element> = elements(&list).collect();
        let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
            return;
        };
        let focused = document().active_element();
        let wrap_to = if ev.shift_key() && focused.as_ref() == Some(first) {
            last
        } else if !ev.shift_key() && focused.as_ref() == Some(last) {
            first
        } else {
            return;
        };
        if let Ok(control) = wrap_to.clone().dyn_into::<HtmlElement>() {
            ev.prevent_default();
            let _ = control.focus();
        }
    }

    /// A line's quantity or Remove, posted as the cart page posts it (so a
    /// refusal comes back as the cart page's message); the page's badge takes
    /// the store's answer and the cart is drawn again. Checkout is left to the
    /// browser.
    fn submit(ev: &Event) {
        let Some((form, fields)) = claim(ev) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let answered = async {
                let answer = post_form(&form, &fields, Some(CART_PAGE)).await?;
                if !answer.ok() {
                    return Err(JsValue::NULL);
                }
                let page = parse(&answer).await?;
                show_refusal(&page)?;
                show(&page)
            };
            let _ = answered.await;
            let _ = form.remove_attribute(BUSY);
            load().await;
        });
    }
}
