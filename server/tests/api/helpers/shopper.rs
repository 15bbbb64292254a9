//! The shopper's flows, as the hydrated pages and the hosted payment page drive
//! them. Each asserts only what every caller relies on.

use serde_json::Value;

use super::{json, TestApp};

impl TestApp {
    /// Adds to the cart as the hydrated form does; the store's answer as it is.
    pub async fn try_add(&self, slug: &str, quantity: &str) -> reqwest::Response {
        self.server_fn("add_to_cart", &[("slug", slug), ("quantity", quantity)])
            .await
    }

    /// Adds to the cart, which must succeed.
    pub async fn add(&self, slug: &str, quantity: &str) {
        let response = self.try_add(slug, quantity).await;
        assert_eq!(response.status(), 200, "adding {slug}");
    }

    /// The cart as `get_cart` answers it.
    pub async fn cart(&self) -> Value {
        let response = self.server_fn("get_cart", &[]).await;
        assert_eq!(response.status(), 200);
        json(response).await
    }

    pub async fn cart_id(&self) -> String {
        self.cart().await["cart_id"].as_i64().unwrap().to_string()
    }

    /// Calls the checkout server fn as the hydrated button does.
    pub async fn checkout(&self) -> reqwest::Response {
        let id = self.cart_id().await;
        self.server_fn("create_stripe_checkout_session", &[("cart_id", &id)])
            .await
    }

    /// Checks out and returns the payment page's address.
    pub async fn checkout_url(&self) -> String {
        let response = self.checkout().await;
        assert_eq!(response.status(), 200);
        response.json::<String>().await.unwrap()
    }

    /// Pays on the hosted page as a browser without JavaScript does, shipping
    /// to Oregon (no sales tax in the stand-in's table) by the default method.
    pub async fn pay(&self, url: &str, card: &str) -> reqwest::Response {
        self.pay_with(url, card, &[]).await
    }

    /// [`TestApp::pay`], with `choices` added to or replacing the form's fields.
    pub async fn pay_with(
        &self,
        url: &str,
        card: &str,
        choices: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("email", "ada@example.com")];
        form.extend(SHIP_TO);
        form.extend([
            ("card_number", card),
            ("card_expiry", "12 / 34"),
            ("card_cvc", "123"),
        ]);
        for (key, value) in choices {
            form.retain(|(k, _)| k != key);
            form.push((key, value));
        }
        self.client.post(url).form(&form).send().await.unwrap()
    }
}

/// The hosted page's address fields, for a shopper in Oregon (no sales tax in
/// the stand-in's table).
pub const SHIP_TO: [(&str, &str); 6] = [
    ("shipping_name", "Ada Lovelace"),
    ("shipping_country", "US"),
    ("shipping_line1", "12 Analytical Way"),
    ("shipping_city", "Portland"),
    ("shipping_state", "OR"),
    ("shipping_postal_code", "97201"),
];

/// A Checkout Session's id, from its payment page's address.
pub fn session_id_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}
