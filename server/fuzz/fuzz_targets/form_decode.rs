//! Any bytes as a Stripe form body: the decoder answers with a tree no deeper
//! than eight keys, or a sentence; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../local-stripe/src/form.rs"]
#[allow(dead_code)]
mod form;

fn depth(param: &form::Param) -> usize {
    match param.as_map() {
        None => 0,
        Some(children) => 1 + children.values().map(depth).max().unwrap_or(0),
    }
}

fuzz_target!(|body: &[u8]| {
    match form::decode(body) {
        Ok(params) => {
            for param in params.values() {
                assert!(
                    depth(param) < 8,
                    "a tree deeper than the limit was accepted"
                );
                let _ = param.as_list();
            }
        }
        Err(error) => assert!(!error.message.is_empty()),
    }
});
