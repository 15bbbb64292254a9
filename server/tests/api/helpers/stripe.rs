//! Stripe's side: its signed events, the stand-in's records and its API.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

use super::TestApp;

impl TestApp {
    /// The secret the stand-in signs its events with.
    pub fn secret(&self) -> String {
        self.stripe
            .as_ref()
            .unwrap()
            .webhook_secret()
            .expose()
            .to_owned()
    }

    /// Posts `body` to the webhook signed now with the app's secret, as Stripe does.
    pub async fn post_signed(&self, body: &str) -> reqwest::Response {
        self.post_event(body, Some(sign(&self.secret(), now(), body)))
            .await
    }

    /// Posts an event to the webhook, signed with `signature` if given.
    pub async fn post_event(&self, body: &str, signature: Option<String>) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url("/api/stripe"))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        request.send().await.unwrap()
    }

    /// The stand-in's stored event of a type, for a session (as Stripe would send it).
    pub async fn stored_event(&self, kind: &str, object_id: &str) -> String {
        let stripe = self.stripe.as_ref().unwrap();
        let row = stripe
            .db()
            .query_one_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                "SELECT body FROM ls_events WHERE type = $1 AND object_id = $2",
                vec![kind.into(), object_id.into()],
            ))
            .await
            .unwrap()
            .expect("the stand-in recorded the event");
        row.try_get("", "body").unwrap()
    }

    /// The first column of each row of `sql` over the stand-in's own database
    /// (what Stripe would have recorded), as text.
    pub async fn stand_in_texts(&self, sql: &str) -> Vec<String> {
        self.stripe
            .as_ref()
            .unwrap()
            .db()
            .query_all_raw(Statement::from_string(sea_orm::DbBackend::Sqlite, sql))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get_by_index(0).unwrap())
            .collect()
    }

    /// The session as Stripe's API shows it now.
    pub async fn stripe_session(&self, id: &str) -> Value {
        self.stripe_api(&format!("checkout/sessions/{id}")).await
    }

    /// An object from the mounted local Stripe's API, `GET /v1/{path}`.
    pub async fn stripe_api(&self, path: &str) -> Value {
        self.client
            .get(self.url(&format!("/local-stripe/v1/{path}")))
            .bearer_auth(server::local_stripe::DEFAULT_API_KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// `POST /v1/{path}` on the mounted local Stripe: its status and JSON.
    pub async fn stripe_post(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(&format!("/local-stripe/v1/{path}")))
            .bearer_auth(server::local_stripe::DEFAULT_API_KEY)
            .form(form)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// `POST /v1/refunds` for `intent`, as the back office or Stripe's Dashboard
    /// sends it: `amount` (all that is left when `None`) under `key`.
    pub async fn stripe_refund(
        &self,
        intent: &str,
        amount: Option<&str>,
        key: &str,
    ) -> (u16, Value) {
        let mut form = vec![("payment_intent", intent)];
        form.extend(amount.map(|amount| ("amount", amount)));
        let response = self
            .client
            .post(self.url("/local-stripe/v1/refunds"))
            .bearer_auth(server::local_stripe::DEFAULT_API_KEY)
            .header("idempotency-key", key)
            .form(&form)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// A promotion code `code` for a new coupon of `percent_off`, as the owner
    /// makes one in Stripe's Dashboard; `extra` adds the code's own limits.
    pub async fn promotion_code(&self, code: &str, percent_off: &str, extra: &[(&str, &str)]) {
        let (status, coupon) = self
            .stripe_post(
                "coupons",
                &[("percent_off", percent_off), ("duration", "once")],
            )
            .await;
        assert_eq!(status, 200, "{coupon}");
        let coupon_id = coupon["id"].as_str().unwrap().to_owned();
        let mut form = vec![
            ("promotion[type]", "coupon"),
            ("promotion[coupon]", coupon_id.as_str()),
            ("code", code),
        ];
        form.extend_from_slice(extra);
        let (status, promotion) = self.stripe_post("promotion_codes", &form).await;
        assert_eq!(status, 200, "{promotion}");
    }
}

/// A `Stripe-Signature` header for `body`, as Stripe makes it.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    server::local_stripe::signature::header(secret, timestamp, body.as_bytes())
}

/// Now, in Unix seconds, as Stripe's timestamps are.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// An event of `kind` around `object`, with a fresh id.
pub fn event(kind: &str, object: Value) -> String {
    json!({
        "id": format!("evt_test_{}", uuid::Uuid::new_v4().simple()),
        "object": "event",
        "api_version": server::local_stripe::API_VERSION,
        "created": now(),
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": kind
    })
    .to_string()
}
