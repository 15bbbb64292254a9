//! The session's money beyond its lines, as Stripe shows it: shipping options
//! and cost, discounts, tax, the collected address, and `total_details`.

use serde_json::{json, Map, Value};

use crate::discounts::api::{coupon_json, promotion_code_json};
use crate::objects::{Address, SessionRecord, Settled, ShippingOptionRecord};
use crate::params::Expand;
use crate::pricing::TaxRate;

pub fn address_json(address: &Address) -> Value {
    json!({
        "city": address.city,
        "country": address.country,
        "line1": address.line1,
        "line2": address.line2,
        "postal_code": address.postal_code,
        "state": address.state,
    })
}

pub fn shipping_rate_json(option: &ShippingOptionRecord, created: i64) -> Value {
    let bound = |b: &Option<crate::objects::EstimateBound>| {
        b.as_ref()
            .map_or(Value::Null, |b| json!({ "unit": b.unit, "value": b.value }))
    };
    let estimate = if option.minimum.is_none() && option.maximum.is_none() {
        Value::Null
    } else {
        json!({ "minimum": bound(&option.minimum), "maximum": bound(&option.maximum) })
    };
    json!({
        "id": option.id,
        "object": "shipping_rate",
        "active": true,
        "created": created,
        "delivery_estimate": estimate,
        "display_name": option.display_name,
        "fixed_amount": { "amount": option.amount, "currency": option.currency },
        "livemode": false,
        "metadata": option.metadata,
        "tax_behavior": option.tax_behavior.as_deref().unwrap_or("unspecified"),
        "tax_code": null,
        "type": "fixed_amount"
    })
}

/// The rate as a Tax Rate object; its id is stable for its jurisdiction.
fn tax_rate_json(rate: &TaxRate, inclusive: bool, created: i64) -> Value {
    json!({
        "id": format!("txr_local_{}", rate.jurisdiction.replace('-', "_")),
        "object": "tax_rate",
        "active": true,
        "country": rate.country(),
        "created": created,
        "description": format!("{} {}", rate.display_name(), rate.jurisdiction),
        "display_name": rate.display_name(),
        "effective_percentage": rate.percentage(),
        "flat_amount": null,
        "inclusive": inclusive,
        "jurisdiction": rate.jurisdiction,
        "jurisdiction_level": if rate.state().is_some() { "state" } else { "country" },
        "livemode": false,
        "metadata": {},
        "percentage": rate.percentage(),
        "rate_type": "percentage",
        "state": rate.state(),
        "tax_type": rate.tax_type()
    })
}

/// A Discount object. The pinned version names its coupon under `source`; the
/// top-level `coupon` of earlier versions is kept too, so the object still
/// validates against Stripe's published schema.
fn discount_json(session: &SessionRecord, settled: &Settled, now: i64) -> Option<Value> {
    let applied = settled.discount.as_ref()?;
    Some(json!({
        "id": applied.id,
        "object": "discount",
        "coupon": coupon_json(&applied.coupon, now),
        "checkout_session": session.id,
        "customer": null,
        "customer_account": null,
        "end": null,
        "invoice": null,
        "invoice_item": null,
        "promotion_code": applied.promotion_code.id,
        "source": { "coupon": coupon_json(&applied.coupon, now), "type": "coupon" },
        "start": session.created,
        "subscription": null,
        "subscription_item": null
    }))
}

/// Adds the shipping, discount, tax and address fields to the session's JSON.
pub fn add(object: &mut Map<String, Value>, session: &SessionRecord, expand: Expand, now: i64) {
    let quote = session.quote();
    let collect = &session.collect;
    let settled = session.settled.as_ref();
    let mut set = |key: &str, value: Value| {
        object.insert(key.to_owned(), value);
    };
    set("amount_subtotal", json!(quote.amount_subtotal));
    set("amount_total", json!(quote.amount_total));
    set(
        "allow_promotion_codes",
        if collect.promotion_codes {
            json!(true)
        } else {
            Value::Null
        },
    );
    set(
        "automatic_tax",
        json!({
            "enabled": collect.automatic_tax,
            "liability": if collect.automatic_tax { json!({ "type": "self" }) } else { Value::Null },
            "provider": if collect.automatic_tax { json!("stripe") } else { Value::Null },
            "status": match (collect.automatic_tax, settled.is_some()) {
                (false, _) => Value::Null,
                (true, true) => json!("complete"),
                (true, false) => json!("requires_location_inputs"),
            }
        }),
    );
    set(
        "consent_collection",
        if collect.terms_of_service {
            json!({ "payment_method_reuse_agreement": null, "promotions": null, "terms_of_service": "required" })
        } else {
            Value::Null
        },
    );
    set(
        "consent",
        if collect.terms_of_service && settled.is_some() {
            json!({ "promotions": null, "terms_of_service": "accepted" })
        } else {
            Value::Null
        },
    );
    set(
        "phone_number_collection",
        json!({ "enabled": collect.phone }),
    );
    set(
        "shipping_address_collection",
        collect
            .shipping_countries
            .as_ref()
            .map_or(Value::Null, |c| json!({ "allowed_countries": c })),
    );
    set(
        "shipping_options",
        json!(session
            .shipping_options
            .iter()
            .map(|o| json!({ "shipping_amount": o.amount, "shipping_rate": o.id }))
            .collect::<Vec<_>>()),
    );
    let chosen = session.shipping_option(settled.and_then(|s| s.shipping_rate.as_deref()));
    set(
        "shipping_cost",
        chosen.map_or(Value::Null, |option| {
            let added_tax = if quote.inclusive {
                0
            } else {
                quote.shipping_tax
            };
            json!({
                "amount_subtotal": quote.amount_shipping,
                "amount_tax": quote.shipping_tax,
                "amount_total": quote.amount_shipping + added_tax,
                "shipping_rate": if expand.shipping_rate {
                    shipping_rate_json(option, session.created)
                } else {
                    json!(option.id)
                },
            })
        }),
    );
    set(
        "collected_information",
        match settled {
            Some(Settled {
                shipping_name: Some(name),
                address: Some(address),
                ..
            }) => json!({
                "business_name": null,
                "individual_name": null,
                "shipping_details": { "address": address_json(address), "name": name }
            }),
            _ => Value::Null,
        },
    );
    set(
        "discounts",
        json!(settled
            .and_then(|s| s.discount.as_ref())
            .map(|applied| {
                vec![json!({
                    "coupon": applied.coupon.id,
                    "promotion_code": if expand.promotion_code {
                        promotion_code_json(&applied.promotion_code, &applied.coupon, now)
                    } else {
                        json!(applied.promotion_code.id)
                    },
                })]
            })
            .unwrap_or_default()),
    );
    let mut total_details = json!({
        "amount_discount": quote.amount_discount,
        "amount_shipping": quote.amount_shipping,
        "amount_tax": quote.amount_tax,
    });
    if expand.breakdown {
        let discounts: Vec<Value> = settled
            .and_then(|s| discount_json(session, s, now))
            .map(|discount| vec![json!({ "amount": quote.amount_discount, "discount": discount })])
            .unwrap_or_default();
        let taxes: Vec<Value> = quote
            .tax_rate
            .as_ref()
            .map(|rate| {
                vec![json!({
                    "amount": quote.amount_tax,
                    "rate": tax_rate_json(rate, quote.inclusive, session.created),
                    "taxability_reason": "standard_rated",
                    "taxable_amount": quote.taxable_amount,
                })]
            })
            .unwrap_or_default();
        if let Some(map) = total_details.as_object_mut() {
            map.insert(
                "breakdown".into(),
                json!({ "discounts": discounts, "taxes": taxes }),
            );
        }
    }
    set("total_details", total_details);
}

/// The shopper's details as `customer_details` shows them once paid.
pub fn customer_details(session: &SessionRecord) -> Value {
    let Some(email) = &session.paid_email else {
        return Value::Null;
    };
    let settled = session.settled.as_ref();
    json!({
        "address": settled
            .and_then(|s| s.address.as_ref())
            .map_or(Value::Null, address_json),
        "business_name": null,
        "email": email,
        "individual_name": null,
        "name": session.paid_name.clone().or_else(|| settled.and_then(|s| s.shipping_name.clone())),
        "phone": settled.and_then(|s| s.phone.clone()),
        "tax_exempt": "none",
        "tax_ids": []
    })
}
