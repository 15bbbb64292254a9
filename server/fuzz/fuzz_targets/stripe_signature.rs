//! The webhook signature check against anything: an arbitrary header over an
//! arbitrary body is never believed; the header Stripe would send for that body
//! always passes the signature; one changed byte in it never does.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../src/verify.rs"]
mod verify;

#[path = "../../local-stripe/src/signature.rs"]
mod signature;

const SECRET: &str = "whsec_fuzz";

fuzz_target!(|data: &[u8]| {
    // The first line is the header, the rest the body.
    let text = String::from_utf8_lossy(data);
    let (header, payload) = text.split_once('\n').unwrap_or((&text, ""));

    assert!(
        verify::verify(payload, header, [SECRET]).is_err(),
        "an unsigned header was believed"
    );

    let now = chrono::Utc::now().timestamp();
    let signed = signature::header(SECRET, now, payload.as_bytes());
    assert!(
        !matches!(
            verify::verify(payload, &signed, [SECRET]),
            Err(verify::Rejection::Signature)
        ),
        "Stripe's own signature was refused"
    );

    let mut forged = signed.into_bytes();
    let last = forged.len() - 1 - data.len() % 64;
    forged[last] = if forged[last] == b'a' { b'b' } else { b'a' };
    let forged = String::from_utf8_lossy(&forged);
    assert_eq!(
        verify::verify(payload, &forged, [SECRET]).err(),
        Some(verify::Rejection::Signature),
        "a changed signature was believed"
    );
});
