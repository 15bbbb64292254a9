//! What to do next with a cart's live checkout, decided without touching the
//! database or Stripe, so each case is a unit test.

use crate::ssr::entities::checkout::{self, CheckoutStatus};

/// A checkout still `Creating` after this long was left by a stopped server.
pub const STALE_CREATING_SECS: i64 = 60;

/// An open session this close to its expiry is replaced rather than reused, so
/// the shopper is never sent to a page that closes while they type.
pub const REUSE_MARGIN_SECS: i64 = 120;

/// The next step of [`super::start`]'s loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// No live checkout: reserve the stock and create a Checkout Session.
    Reserve,
    /// Another request is creating this cart's session: look again shortly.
    Wait,
    /// A half-made checkout left by a stopped server: end it, then look again.
    Abandon,
    /// A payment is still being confirmed: the shopper must not pay twice.
    StillProcessing,
    /// The open session pays for exactly this cart: send the shopper to it.
    Reuse(String),
    /// The cart changed (or the session is about to expire): close the session at
    /// Stripe, release its stock, then look again.
    Replace,
    /// An open checkout without a payment page: a record the store cannot use.
    Broken,
}

/// Decides from the cart's live checkout (if any), the fingerprint of the cart as
/// it is now, and the time.
pub fn next_step(live: Option<&checkout::Model>, fingerprint: &str, now: i64) -> Step {
    let Some(live) = live else {
        return Step::Reserve;
    };
    match live.status {
        CheckoutStatus::Creating if now - live.updated_at > STALE_CREATING_SECS => Step::Abandon,
        CheckoutStatus::Creating => Step::Wait,
        CheckoutStatus::Processing => Step::StillProcessing,
        _ if live.fingerprint == fingerprint && live.expires_at > now + REUSE_MARGIN_SECS => {
            match &live.stripe_url {
                Some(url) => Step::Reuse(url.clone()),
                None => Step::Broken,
            }
        }
        _ => Step::Replace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn live(status: CheckoutStatus) -> checkout::Model {
        checkout::Model {
            id: 1,
            cart_id: 7,
            user_id: None,
            guest_session_id: Some("g".to_owned()),
            status,
            live_cart_id: Some(7),
            currency: "USD".to_owned(),
            amount_total: 1800,
            fingerprint: "same".to_owned(),
            stripe_session_id: Some("cs_test_1".to_owned()),
            stripe_url: Some("https://pay.example/cs_test_1".to_owned()),
            stripe_payment_intent_id: None,
            expires_at: NOW + 30 * 60,
            email: None,
            client: None,
            last_payment_error: None,
            created_at: NOW - 10,
            updated_at: NOW - 10,
        }
    }

    #[test]
    fn a_cart_without_a_live_checkout_reserves() {
        assert_eq!(next_step(None, "same", NOW), Step::Reserve);
    }

    #[test]
    fn a_checkout_being_created_is_waited_for_until_it_is_stale() {
        let mut creating = live(CheckoutStatus::Creating);
        assert_eq!(next_step(Some(&creating), "same", NOW), Step::Wait);
        creating.updated_at = NOW - STALE_CREATING_SECS - 1;
        assert_eq!(next_step(Some(&creating), "same", NOW), Step::Abandon);
    }

    #[test]
    fn a_processing_payment_is_never_paid_twice() {
        let processing = live(CheckoutStatus::Processing);
        assert_eq!(
            next_step(Some(&processing), "other", NOW),
            Step::StillProcessing
        );
    }

    #[test]
    fn the_same_cart_reuses_its_open_session() {
        let open = live(CheckoutStatus::Open);
        assert_eq!(
            next_step(Some(&open), "same", NOW),
            Step::Reuse("https://pay.example/cs_test_1".to_owned())
        );
    }

    #[test]
    fn a_changed_cart_or_a_session_about_to_expire_is_replaced() {
        let mut open = live(CheckoutStatus::Open);
        assert_eq!(next_step(Some(&open), "changed", NOW), Step::Replace);
        open.expires_at = NOW + REUSE_MARGIN_SECS;
        assert_eq!(next_step(Some(&open), "same", NOW), Step::Replace);
    }

    #[test]
    fn an_open_checkout_without_a_page_is_broken() {
        let mut open = live(CheckoutStatus::Open);
        open.stripe_url = None;
        assert_eq!(next_step(Some(&open), "same", NOW), Step::Broken);
    }
}
