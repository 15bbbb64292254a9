//! Stripe's published JSON schema (`checkout.session` and every object it
//! names), for checking the objects the local Stripe makes.

use serde_json::{json, Value};

fn schema() -> Value {
    serde_json::from_str(include_str!(
        "../fixtures/stripe/checkout_session.schema.json"
    ))
    .unwrap()
}

/// Checks a `checkout.session`.
pub fn session_validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema()).unwrap()
}

/// Checks one of the schema's other objects: `refund`, `charge`, `dispute`,
/// `coupon`, `shipping_rate`, `tax_rate`...
pub fn object_validator(name: &str) -> jsonschema::Validator {
    let definitions = schema()["$defs"].take();
    assert!(definitions.get(name).is_some(), "the schema has no {name}");
    jsonschema::validator_for(&json!({
        "$defs": definitions,
        "$ref": format!("#/$defs/{name}"),
    }))
    .unwrap()
}

pub fn assert_valid(validator: &jsonschema::Validator, object: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(object)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not a valid Stripe object: {errors:#?}");
}
