//! Checking a webhook's `Stripe-Signature` before anything in its body is believed.
//!
//! The header is parsed and the HMAC compared by async-stripe's
//! `Webhook::construct_event` (the timestamp must be within five minutes); this
//! tries each configured secret in turn, so a rotated secret keeps working until
//! it is removed.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use stripe_webhook::{Event, Webhook, WebhookError};

/// How far a signature's time may be from now, as async-stripe and Stripe's
/// own libraries allow.
const TOLERANCE_SECONDS: i64 = 300;

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

/// The id of an event signed by one of `secrets` within the last five minutes,
/// read without parsing the rest of it: enough to answer a redelivery, which
/// Stripe sends until it hears 2xx and which changes nothing. `None` when no
/// signature matches or the body names no id; an event that is new is then read
/// whole, and checked again, by [`verify`].
///
/// The check is Stripe's scheme as async-stripe applies it (an HMAC-SHA256 of
/// `"{t}.{body}"`, any `v1` value, compared in constant time); the tests hold the
/// two to the same verdict on every header.
pub fn signed_event_id<'a>(
    payload: &str,
    signature: &str,
    secrets: impl IntoIterator<Item = &'a str>,
    now: i64,
) -> Option<String> {
    let mut t = None;
    let mut v1 = Vec::new();
    for pair in signature.split(',') {
        match pair.split_once('=')? {
            ("t", value) => t = Some(value.parse::<i64>().ok()?),
            ("v1", value) => v1.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let t = t?;
    if now.checked_sub(t)?.checked_abs()? > TOLERANCE_SECONDS {
        return None;
    }
    let signed = secrets.into_iter().any(|secret| {
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).is_ok_and(|mut mac| {
            mac.update(t.to_string().as_bytes());
            mac.update(b".");
            mac.update(payload.as_bytes());
            v1.iter()
                .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
        })
    });
    if !signed {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct IdOnly<'a> {
        #[serde(borrow)]
        id: std::borrow::Cow<'a, str>,
    }
    serde_json::from_str::<IdOnly>(payload)
        .ok()
        .map(|event| event.id.into_owned())
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

    /// Whether async-stripe finds a good signature (whatever it then makes of the body).
    fn stripe_accepts_the_signature(payload: &str, header: &str, secret: &str) -> bool {
        !matches!(
            verify(payload, header, [secret]),
            Err(Rejection::Signature | Rejection::NoSecret)
        )
    }

    #[test]
    fn a_redelivery_is_known_by_its_signed_id_alone() {
        let t = now();
        let header = signature::header("whsec_test", t, OTHER_EVENT.as_bytes());
        assert_eq!(
            signed_event_id(OTHER_EVENT, &header, ["whsec_other", "whsec_test"], t),
            Some("evt_1".to_owned())
        );
        assert_eq!(
            signed_event_id(OTHER_EVENT, &header, ["whsec_other"], t),
            None
        );
        assert_eq!(signed_event_id(OTHER_EVENT, &header, [], t), None);
        assert_eq!(
            signed_event_id(OTHER_EVENT, &header, ["whsec_test"], t + 301),
            None,
            "five minutes on, the same signature is stale"
        );
        let tampered = OTHER_EVENT.replace("evt_1", "evt_2");
        assert_eq!(signed_event_id(&tampered, &header, ["whsec_test"], t), None);
        let no_id = r#"{"object":"event"}"#;
        let header = signature::header("whsec_test", t, no_id.as_bytes());
        assert_eq!(signed_event_id(no_id, &header, ["whsec_test"], t), None);
    }

    proptest! {
        // The id-only check and async-stripe's agree on every header: the right
        // one, a changed byte of it, or a made-up one.
        #[test]
        fn the_id_only_check_agrees_with_async_stripe(
            payload in ".{0,200}",
            secret in "whsec_[A-Za-z0-9]{1,40}",
            flip in any::<prop::sample::Index>(),
            age in -400_i64..400,
            made_up in "t=[0-9]{1,12},v1=[0-9a-f]{0,70}",
        ) {
            let t = now() - age;
            // A body with an id, so only the signature decides.
            let event = serde_json::json!({ "id": "evt_x", "note": payload }).to_string();
            let good = signature::header(&secret, t, event.as_bytes());
            let mut changed = good.clone().into_bytes();
            let at = flip.index(changed.len());
            changed[at] = if changed[at] == b'0' { b'1' } else { b'0' };
            let changed = String::from_utf8(changed).unwrap_or_default();
            for header in [good, changed, made_up.clone()] {
                prop_assert_eq!(
                    signed_event_id(&event, &header, [secret.as_str()], now()).is_some(),
                    stripe_accepts_the_signature(&event, &header, &secret),
                    "header {}", header
                );
            }
        }

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
