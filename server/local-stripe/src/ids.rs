//! Stripe-shaped identifiers: a prefix and random letters and digits.

use rand_core::{OsRng, RngCore};

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `prefix` followed by `len` random characters from `[0-9A-Za-z]`.
pub fn new_id(prefix: &str, len: usize) -> String {
    let mut out = String::with_capacity(prefix.len() + len);
    out.push_str(prefix);
    let mut bytes = vec![0_u8; len];
    OsRng.fill_bytes(&mut bytes);
    // 62 letters: the small modulo bias does not matter for test-mode ids.
    out.extend(
        bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])),
    );
    out
}

pub fn checkout_session() -> String {
    // Stripe's are long: cs_test_a1YS1URl... (66 characters in all).
    new_id("cs_test_a1", 56)
}
pub fn payment_intent() -> String {
    new_id("pi_3", 23)
}
pub fn charge() -> String {
    new_id("ch_3", 23)
}
pub fn payment_method() -> String {
    new_id("pm_1", 23)
}
pub fn event() -> String {
    new_id("evt_1", 23)
}
pub fn line_item() -> String {
    new_id("li_1", 23)
}
pub fn price() -> String {
    new_id("price_1", 23)
}
pub fn product() -> String {
    new_id("prod_", 14)
}
pub fn request() -> String {
    new_id("req_", 14)
}
pub fn client_secret(payment_intent: &str) -> String {
    format!("{payment_intent}{}", new_id("_secret_", 25))
}
/// A fresh webhook signing secret, as `stripe listen` prints one.
pub fn webhook_secret() -> String {
    new_id("whsec_", 32)
}

pub fn shipping_rate() -> String {
    new_id("shr_", 24)
}
pub fn coupon() -> String {
    new_id("", 8).to_ascii_uppercase()
}
pub fn promotion_code() -> String {
    new_id("promo_", 24)
}
pub fn discount() -> String {
    new_id("di_", 24)
}
pub fn refund() -> String {
    new_id("re_", 24)
}
pub fn dispute() -> String {
    new_id("dp_", 24)
}
pub fn tax_rate() -> String {
    new_id("txr_", 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_prefix_and_do_not_repeat() {
        let a = checkout_session();
        let b = checkout_session();
        assert!(a.starts_with("cs_test_"));
        assert_eq!(a.len(), 66);
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        assert!(webhook_secret().starts_with("whsec_"));
    }
}
