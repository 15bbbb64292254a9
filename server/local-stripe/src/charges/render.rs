//! Charges, refunds and disputes as Stripe's JSON, in the shapes of Stripe's
//! own example objects at the pinned API version.

use serde_json::{json, Value};

use super::{ChargeRecord, DisputeRecord, RefundRecord};

pub fn refund_json(refund: &RefundRecord) -> Value {
    json!({
        "id": refund.id,
        "object": "refund",
        "amount": refund.amount,
        "balance_transaction": null,
        "charge": refund.charge,
        "created": refund.created,
        "currency": refund.currency,
        "customer": null,
        "customer_account": null,
        "destination_details": { "card": { "type": "refund" }, "type": "card" },
        "metadata": refund.metadata,
        "payment_intent": refund.payment_intent,
        "payment_method": null,
        "reason": refund.reason,
        "receipt_number": null,
        "source_transfer_reversal": null,
        "status": refund.status,
        "transfer_reversal": null
    })
}

pub fn charge_json(charge: &ChargeRecord, refunds: &[RefundRecord]) -> Value {
    json!({
        "id": charge.id,
        "object": "charge",
        "amount": charge.amount,
        "amount_captured": charge.amount,
        "amount_refunded": charge.amount_refunded,
        "application": null,
        "application_fee": null,
        "application_fee_amount": null,
        "balance_transaction": null,
        "billing_details": {
            "address": {
                "city": null, "country": null, "line1": null, "line2": null,
                "postal_code": null, "state": null
            },
            "email": charge.email,
            "name": charge.name,
            "phone": null,
            "tax_id": null
        },
        "calculated_statement_descriptor": "SHOPFRONT",
        "captured": true,
        "created": charge.created,
        "currency": charge.currency,
        "customer": null,
        "description": charge.description,
        "disputed": charge.disputed,
        "failure_balance_transaction": null,
        "failure_code": null,
        "failure_message": null,
        "fraud_details": {},
        "livemode": false,
        "metadata": charge.metadata,
        "on_behalf_of": null,
        "outcome": {
            "advice_code": null,
            "network_advice_code": null,
            "network_decline_code": null,
            "network_status": "approved_by_network",
            "reason": null,
            "risk_level": "normal",
            "seller_message": "Payment complete.",
            "type": "authorized"
        },
        "paid": true,
        "payment_intent": charge.payment_intent,
        "payment_method": charge.payment_method,
        "payment_method_details": {
            "card": {
                "brand": "visa",
                "checks": { "address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass" },
                "country": "US",
                "exp_month": 12,
                "exp_year": 2034,
                "fingerprint": null,
                "funding": "credit",
                "last4": charge.last4,
                "network": "visa",
                "three_d_secure": null,
                "wallet": null
            },
            "type": "card"
        },
        "receipt_email": charge.email,
        "receipt_number": null,
        "receipt_url": null,
        "refunded": charge.amount_refunded == charge.amount,
        "refunds": {
            "object": "list",
            "data": refunds.iter().rev().map(refund_json).collect::<Vec<_>>(),
            "has_more": false,
            "url": format!("/v1/charges/{}/refunds", charge.id)
        },
        "review": null,
        "shipping": null,
        "source": null,
        "source_transfer": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": "succeeded",
        "transfer_data": null,
        "transfer_group": null
    })
}

pub fn dispute_json(dispute: &DisputeRecord, now: i64) -> Value {
    let evidence_fields = [
        "access_activity_log",
        "billing_address",
        "cancellation_policy",
        "cancellation_policy_disclosure",
        "cancellation_rebuttal",
        "customer_communication",
        "customer_email_address",
        "customer_name",
        "customer_purchase_ip",
        "customer_signature",
        "duplicate_charge_documentation",
        "duplicate_charge_explanation",
        "duplicate_charge_id",
        "product_description",
        "receipt",
        "refund_policy",
        "refund_policy_disclosure",
        "refund_refusal_explanation",
        "service_date",
        "service_documentation",
        "shipping_address",
        "shipping_carrier",
        "shipping_date",
        "shipping_documentation",
        "shipping_tracking_number",
        "uncategorized_file",
        "uncategorized_text",
    ];
    let mut evidence = serde_json::Map::new();
    for field in evidence_fields {
        evidence.insert(field.to_owned(), Value::Null);
    }
    evidence.insert("enhanced_evidence".to_owned(), json!({}));
    json!({
        "id": dispute.id,
        "object": "dispute",
        "amount": dispute.amount,
        "balance_transactions": [],
        "charge": dispute.charge,
        "created": dispute.created,
        "currency": dispute.currency,
        "enhanced_eligibility_types": [],
        "evidence": evidence,
        "evidence_details": {
            "due_by": dispute.created + 7 * 24 * 60 * 60,
            "enhanced_eligibility": {},
            "has_evidence": false,
            "past_due": now > dispute.created + 7 * 24 * 60 * 60,
            "submission_count": 0
        },
        "is_charge_refundable": false,
        "livemode": false,
        "metadata": {},
        "payment_intent": dispute.payment_intent,
        "payment_method_details": {
            "card": { "brand": "visa", "case_type": "chargeback", "network": "visa", "network_reason_code": "10.4" },
            "type": "card"
        },
        "reason": dispute.reason,
        "status": dispute.status
    })
}
