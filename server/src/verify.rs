//! Checking a webhook's `Stripe-Signature` before anything in its body is believed.
//!
//! The header is parsed and the HMAC compared by async-stripe's
//! `Webhook::construct_event` (the timestamp must be within five minutes); this
//! tries each configured secret in turn, so a rotated secret keeps working until
//! it is removed.

use stripe_webhook::{Event, Webhook, WebhookError};

/// Why a request is not a verified event.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    NoSecret,
    Signature,
    Unreadable,
}

/// Verifies `payload` against each secret in turn; the first that matches wins.
pub fn verify<'a>(
    payload: &str,
    signature: &str,
    secrets: impl IntoIterator<Item = &'a str>,
) -> Result<Event, Rejection> {
    let mut tried = false;
    let mut unreadable = false;
    for secret in secrets {
        tried = true;
        match Webhook::construct_event(payload, signature, secret) {
            Ok(event) => return Ok(event),
            // The signature matched; the body is not an event we can read.
            Err(WebhookError::BadParse(_)) => unreadable = true,
            Err(_) => {}
        }
    }
    Err(if !tried {
        Rejection::NoSecret
    } else if unreadable {
        Rejection::Unreadable
    } else {
        Rejection::Signature
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local_stripe::signature;
    use proptest::prelude::*;

    const EVENT: &str = include_str!("../tests/fixtures/stripe/webhook_payload.json");

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    /// An event of a type the store does not read, which async-stripe keeps as raw JSON.
    const OTHER_EVENT: &str = r#"{"id":"evt_1","object":"event","api_version":"2026-09-30.endive","created":1700000000,"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"treasury.received_credit.created","data":{"object":{"id":"rc_1","object":"treasury.received_credit"}}}"#;

    #[test]
    fn a_fresh_signature_is_checked_against_every_secret() {
        let header = signature::header("whsec_test", now(), OTHER_EVENT.as_bytes());
        let event = verify(OTHER_EVENT, &header, ["whsec_other", "whsec_test"]);
        assert_eq!(
            event.map(|event| event.id.to_string()),
            Ok("evt_1".to_owned())
        );
        assert_eq!(
            verify(OTHER_EVENT, &header, []).err(),
            Some(Rejection::NoSecret)
        );
        assert_eq!(
            verify(OTHER_EVENT, &header, ["whsec_other"]).err(),
            Some(Rejection::Signature)
        );
    }

    #[test]
    fn a_signed_body_that_is_not_a_readable_event_is_told_apart() {
        // Stripe's reference payload carries only part of a session.
        let header = signature::header("whsec_test", now(), EVENT.as_bytes());
        assert_eq!(
            verify(EVENT, &header, ["whsec_test"]).err(),
            Some(Rejection::Unreadable)
        );
    }

    #[test]
    fn a_signature_older_than_five_minutes_is_refused() {
        let header = signature::header("whsec_test", now() - 301, EVENT.as_bytes());
        assert_eq!(
            verify(EVENT, &header, ["whsec_test"]).err(),
            Some(Rejection::Signature)
        );
    }

    proptest! {
        // Any header at all, over any body: never a panic, and never an event
        // unless the header carries the right MAC.
        #[test]
        fn arbitrary_headers_are_never_believed(header in ".{0,200}", payload in ".{0,200}") {
            prop_assert!(verify(&payload, &header, ["whsec_test"]).is_err());
        }

        #[test]
        fn arbitrary_headers_shaped_like_stripes_are_never_believed(
            t in any::<i64>(),
            v1 in "[0-9a-f]{0,70}",
            extra in "(,v0=[0-9a-f]{1,64}|,v1=|,t=[0-9]{1,12}|,=|,,){0,3}",
        ) {
            let header = format!("t={t},v1={v1}{extra}");
            prop_assert!(verify(EVENT, &header, ["whsec_test"]).is_err());
        }

        // A valid header with one digit of its timestamp changed is refused: the
        // MAC covers the time as well as the body.
        #[test]
        fn a_changed_digit_of_the_timestamp_is_refused(
            payload in ".{0,300}",
            secret in "whsec_[A-Za-z0-9]{1,40}",
            digit in any::<prop::sample::Index>(),
            by in 1_u8..10,
        ) {
            let t = now();
            let header = signature::header(&secret, t, payload.as_bytes());
            prop_assert!(!matches!(
                verify(&payload, &header, [secret.as_str()]),
                Err(Rejection::Signature)
            ));
            let mut changed = header.into_bytes();
            // `t=` then the digits.
            let at = 2 + digit.index(t.to_string().len());
            changed[at] = b'0' + (changed[at] - b'0' + by) % 10;
            let changed = String::from_utf8(changed).unwrap_or_default();
            prop_assert_eq!(
                verify(&payload, &changed, [secret.as_str()]).err(),
                Some(Rejection::Signature)
            );
        }

        // What Stripe signs is always accepted as far as the signature goes,
        // whatever the body; one changed byte anywhere is always refused.
        #[test]
        fn signed_bodies_pass_and_any_change_fails(
            payload in ".{0,300}",
            secret in "whsec_[A-Za-z0-9]{1,40}",
            flip in any::<prop::sample::Index>(),
        ) {
            let header = signature::header(&secret, now(), payload.as_bytes());
            let verdict = verify(&payload, &header, [secret.as_str()]);
            prop_assert!(!matches!(verdict, Err(Rejection::Signature)), "{:?}", verdict.err());

            let mut changed = header.clone().into_bytes();
            let at = header.len() - 1 - flip.index(64);
            changed[at] = if changed[at] == b'0' { b'1' } else { b'0' };
            let changed = String::from_utf8(changed).unwrap_or_default();
            prop_assert_eq!(
                verify(&payload, &changed, [secret.as_str()]).err(),
                Some(Rejection::Signature)
            );
            if !payload.is_empty() {
                let altered = format!("{payload} ");
                prop_assert_eq!(
                    verify(&altered, &header, [secret.as_str()]).err(),
                    Some(Rejection::Signature)
                );
            }
        }
    }
}
