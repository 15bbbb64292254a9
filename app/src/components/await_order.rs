use leptos::prelude::*;
use lucide_leptos::{Clock, LoaderCircle};

use crate::icon;

/// The success page while Stripe is still confirming the payment: "We are
/// confirming your payment". Hydrated, its island ([`AskForOrder`]) asks
/// `create_order` with a growing pause (see [`next_pause_ms`]), and as soon as
/// the order exists the browser draws its
/// [`OrderSuccess`](crate::components::OrderSuccess) in this one's place, without
/// a reload (see [`drawn_in_browser`](crate::components::drawn_in_browser)).
/// After a minute it says what to do instead. Without JavaScript the page
/// refreshes itself (a `<noscript>` meta refresh beside it).
///
/// Its children are [`Confirming`] and [`TakingLong`], rendered by the server.
#[component]
pub fn AwaitOrder(
    /// The Checkout Session the shopper paid through.
    session_id: String,
    /// Whether the shopper is signed in (the order then offers no account).
    signed_in: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <div
            data-await-order=""
            data-session-id=session_id
            data-signed-in=signed_in.then_some("")
            class="contents"
        >
            <AskForOrder>{children()}</AskForOrder>
        </div>
    }
}

/// The island that asks. It takes no props: whose order it waits for is read
/// from the attributes [`AwaitOrder`] wrote, so the first load carries no code
/// to decode props (island props arrive as JSON).
#[island]
pub fn AskForOrder(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    client::start();
    children()
}

/// How long to wait before asking again, having waited `waited_ms` over
/// `asked` questions so far: one second, then half as long again each time up to
/// five, and nothing once a minute has gone by.
pub fn next_pause_ms(waited_ms: u32, asked: u32) -> Option<u32> {
    const GIVE_UP_AFTER_MS: u32 = 60_000;
    if waited_ms >= GIVE_UP_AFTER_MS {
        return None;
    }
    let grown = (0..asked).fold(1_000_u32, |pause, _| pause.saturating_mul(3) / 2);
    Some(grown.min(5_000).min(GIVE_UP_AFTER_MS - waited_ms))
}

/// Payment received by Stripe, not yet confirmed to the store.
#[component]
pub fn Confirming() -> impl IntoView {
    view! {
        <div class="card mx-auto flex max-w-lg flex-col items-center gap-3 text-center" data-testid="payment-processing">
            <span class="animate-spin text-warning motion-reduce:animate-none" aria-hidden="true">
                {icon!(LoaderCircle, 24)}
            </span>
            <h1 class="text-lg font-semibold">"We are confirming your payment"</h1>
            <p class="text-muted" role="status">
                "This usually takes a few seconds. Your order appears here as soon as it is confirmed, and we will email you the receipt."
            </p>
        </div>
    }
}

/// A minute went by and Stripe has still not confirmed the payment: shown in
/// place of [`Confirming`] (hidden until then).
#[component]
pub fn TakingLong() -> impl IntoView {
    view! {
        <div hidden class="card mx-auto flex max-w-lg flex-col items-center gap-3 text-center" data-testid="payment-taking-long">
            <span class="text-warning" aria-hidden="true">
                {icon!(Clock, 24)}
            </span>
            <h1 class="text-lg font-semibold">"This is taking longer than usual"</h1>
            <p class="text-muted" role="status">
                "Your payment is safe with Stripe. We will email your receipt as soon as it is confirmed, or you can reload this page in a few minutes."
            </p>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod client {
    use leptos::prelude::*;
    use std::time::Duration;

    use super::next_pause_ms;
    use crate::components::drawn_in_browser::{draw_order, Found};

    /// Whose order the page waits for.
    pub struct Asking {
        pub session_id: String,
        pub signed_in: bool,
    }

    /// Starts asking, for the order [`AwaitOrder`](super::AwaitOrder) names.
    pub fn start() {
        let Some(waiting) = waiting() else {
            return;
        };
        let Some(session_id) = waiting.get_attribute("data-session-id") else {
            return;
        };
        let signed_in = waiting.has_attribute("data-signed-in");
        ask(
            Asking {
                session_id,
                signed_in,
            },
            0,
            0,
        );
    }

    fn waiting() -> Option<web_sys::Element> {
        document()
            .query_selector("[data-await-order]")
            .ok()
            .flatten()
    }

    /// Asks once, then again after a pause, until the order is there or a
    /// minute has gone by.
    pub fn ask(asking: Asking, waited_ms: u32, asked: u32) {
        leptos::task::spawn_local(async move {
            let Some(waiting) = waiting() else {
                return;
            };
            match draw_order(asking.session_id.clone(), asking.signed_in, waiting).await {
                Found::Order => {}
                // Expired, or not this shopper's: the page as the store has it says why.
                Found::Refusal => {
                    let _ = window().location().reload();
                }
                // Not yet, or a moment's trouble: ask again.
                Found::NotYet => match next_pause_ms(waited_ms, asked) {
                    Some(pause) => set_timeout(
                        move || ask(asking, waited_ms + pause, asked + 1),
                        Duration::from_millis(u64::from(pause)),
                    ),
                    None => give_up(),
                },
            }
        });
    }

    fn give_up() {
        let find = |testid: &str| {
            document()
                .query_selector(&format!("[data-await-order] [data-testid=\"{testid}\"]"))
                .ok()
                .flatten()
        };
        if let (Some(confirming), Some(long)) =
            (find("payment-processing"), find("payment-taking-long"))
        {
            let _ = confirming.set_attribute("hidden", "");
            let _ = long.remove_attribute("hidden");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::next_pause_ms;

    #[test]
    fn asks_every_second_or_two_then_less_often_and_gives_up_after_a_minute() {
        let mut waited = 0;
        let mut pauses = Vec::new();
        while let Some(pause) = next_pause_ms(waited, u32::try_from(pauses.len()).unwrap_or(0)) {
            pauses.push(pause);
            waited += pause;
        }
        assert_eq!(&pauses[..5], &[1_000, 1_500, 2_250, 3_375, 5_000]);
        assert!(pauses.iter().all(|pause| *pause <= 5_000));
        assert_eq!(waited, 60_000, "gives up after a minute, not before");
        assert_eq!(next_pause_ms(60_000, 3), None);
    }
}
