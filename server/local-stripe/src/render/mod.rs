//! The stand-in's records rendered as Stripe's JSON objects, at [`API_VERSION`].

use serde_json::{json, Value};

use crate::objects::{LineRecord, PaymentIntentRecord, SessionRecord, SessionStatus};
use crate::params::Expand;
use crate::API_VERSION;

pub mod totals;

/// A line item as `GET .../line_items` and `expand[]=line_items` show it.
pub fn line_item_json(
    session: &SessionRecord,
    line: &LineRecord,
    figures: &crate::pricing::LineFigures,
    inclusive: bool,
) -> Value {
    let added_tax = if inclusive { 0 } else { figures.tax };
    json!({
        "id": line.id,
        "object": "item",
        "amount_discount": figures.discount,
        "amount_subtotal": line.amount(),
        "amount_tax": figures.tax,
        "amount_total": line.amount() - figures.discount + added_tax,
        "currency": session.currency,
        "description": line.name,
        "price": {
            "id": line.price_id,
            "object": "price",
            "active": false,
            "billing_scheme": "per_unit",
            "created": session.created,
            "currency": session.currency,
            "custom_unit_amount": null,
            "livemode": false,
            "lookup_key": null,
            "metadata": {},
            "nickname": null,
            "product": line.product_id,
            "recurring": null,
            "tax_behavior": line.tax_behavior.as_deref().unwrap_or("unspecified"),
            "tiers_mode": null,
            "transform_quantity": null,
            "type": "one_time",
            "unit_amount": line.unit_amount,
            "unit_amount_decimal": line.unit_amount.to_string()
        },
        "quantity": line.quantity
    })
}

/// A page of line items as Stripe's list object.
pub fn line_items_list(session: &SessionRecord, lines: &[LineRecord], has_more: bool) -> Value {
    let quote = session.quote();
    let data: Vec<Value> = lines
        .iter()
        .map(|line| {
            let index = session.line_items.iter().position(|l| l.id == line.id);
            let figures = index
                .and_then(|i| quote.lines.get(i))
                .cloned()
                .unwrap_or_default();
            line_item_json(session, line, &figures, quote.inclusive)
        })
        .collect();
    json!({
        "object": "list",
        "data": data,
        "has_more": has_more,
        "url": format!("/v1/checkout/sessions/{}/line_items", session.id),
    })
}

/// The PaymentIntent as `GET /v1/payment_intents/{id}` shows it.
pub fn payment_intent_json(intent: &PaymentIntentRecord) -> Value {
    let succeeded = intent.status == "succeeded";
    json!({
        "id": intent.id,
        "object": "payment_intent",
        "amount": intent.amount,
        "amount_capturable": 0,
        "amount_details": { "tip": {} },
        "amount_received": if succeeded { intent.amount } else { 0 },
        "application": null,
        "application_fee_amount": null,
        "automatic_payment_methods": null,
        "canceled_at": intent.canceled_at,
        "cancellation_reason": if intent.canceled_at.is_some() { json!("abandoned") } else { Value::Null },
        "capture_method": "automatic",
        "client_secret": intent.client_secret,
        "confirmation_method": "automatic",
        "created": intent.created,
        "currency": intent.currency,
        "customer": null,
        "description": intent.description,
        "last_payment_error": intent.last_payment_error,
        "latest_charge": intent.latest_charge,
        "livemode": false,
        "metadata": intent.metadata,
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": intent.payment_method,
        "payment_method_configuration_details": null,
        "payment_method_options": {
            "card": {
                "installments": null,
                "mandate_options": null,
                "network": null,
                "request_three_d_secure": "automatic"
            }
        },
        "payment_method_types": ["card"],
        "processing": null,
        "receipt_email": intent.receipt_email,
        "review": null,
        "setup_future_usage": null,
        "shipping": null,
        "source": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": intent.status,
        "transfer_data": null,
        "transfer_group": null
    })
}

/// The Checkout Session as every endpoint and event shows it.
pub fn session_json(
    session: &SessionRecord,
    pay_base_url: &str,
    expand: Expand,
    intent: Option<&PaymentIntentRecord>,
) -> Value {
    let open = session.status == SessionStatus::Open;
    let customer_details = totals::customer_details(session);
    let payment_intent = match (&session.payment_intent, expand.payment_intent, intent) {
        (Some(_), true, Some(intent)) => payment_intent_json(intent),
        (Some(id), _, _) => json!(id),
        (None, _, _) => Value::Null,
    };
    let mut object = json!({
        "id": session.id,
        "object": "checkout.session",
        "adaptive_pricing": { "enabled": false },
        "after_expiration": null,
        "allow_promotion_codes": null,
        "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
        "billing_address_collection": null,
        "cancel_url": session.cancel_url,
        "client_reference_id": session.client_reference_id,
        "client_secret": null,
        "collected_information": null,
        "consent": null,
        "consent_collection": null,
        "created": session.created,
        "currency": session.currency,
        "currency_conversion": null,
        "custom_fields": [],
        "custom_text": {
            "after_submit": null,
            "shipping_address": null,
            "submit": null,
            "terms_of_service_acceptance": null
        },
        "customer": null,
        "customer_creation": "if_required",
        "customer_details": customer_details,
        "customer_email": session.customer_email,
        "discounts": [],
        "expires_at": session.expires_at,
        "invoice": null,
        "invoice_creation": {
            "enabled": false,
            "invoice_data": {
                "account_tax_ids": null,
                "custom_fields": null,
                "description": null,
                "footer": null,
                "issuer": null,
                "metadata": {},
                "rendering_options": null
            }
        },
        "livemode": false,
        "locale": session.locale,
        "metadata": session.metadata,
        "mode": "payment",
        "payment_intent": payment_intent,
        "payment_link": null,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": null,
        "payment_method_options": { "card": { "request_three_d_secure": "automatic" } },
        "payment_method_types": ["card"],
        "payment_status": if session.paid { "paid" } else { "unpaid" },
        "phone_number_collection": { "enabled": false },
        "recovered_from": null,
        "saved_payment_method_options": null,
        "setup_intent": null,
        "shipping_address_collection": null,
        "shipping_cost": null,
        "shipping_details": null,
        "shipping_options": [],
        "status": session.status.as_str(),
        "submit_type": null,
        "subscription": null,
        "success_url": session.success_url,
        "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
        "ui_mode": "hosted_page",
        "url": if open { json!(format!("{pay_base_url}/local-stripe/pay/{}", session.id)) } else { Value::Null },
        "wallet_options": null
    });
    if let Some(map) = object.as_object_mut() {
        totals::add(map, session, expand, session.created);
    }
    if expand.line_items {
        if let Some(map) = object.as_object_mut() {
            map.insert(
                "line_items".into(),
                line_items_list(session, &session.line_items, false),
            );
        }
    }
    object
}

/// A webhook event around `object`, as Stripe posts it.
pub fn event_json(
    id: &str,
    kind: &str,
    created: i64,
    object: Value,
    request: Option<(&str, Option<&str>)>,
) -> Value {
    json!({
        "id": id,
        "object": "event",
        "api_version": API_VERSION,
        "created": created,
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": match request {
            Some((id, key)) => json!({ "id": id, "idempotency_key": key }),
            None => json!({ "id": null, "idempotency_key": null }),
        },
        "type": kind
    })
}
