//! The local Stripe through async-stripe, the client the store itself uses:
//! creating, retrieving with expansions, expiring, and typed errors.

use super::*;

fn client(stand: &Stand) -> stripe::Client {
    stripe::ClientBuilder::new(KEY)
        .url(stand.base.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_async_stripe_client_creates_retrieves_with_expand_and_expires() {
    use stripe_checkout::checkout_session::{
        CreateCheckoutSession, CreateCheckoutSessionLineItems,
        CreateCheckoutSessionLineItemsPriceData, CreateCheckoutSessionPaymentIntentData,
        ExpireCheckoutSession, ListLineItemsCheckoutSession, ProductData, RetrieveCheckoutSession,
    };
    use stripe_shared::{CheckoutSessionMode, CheckoutSessionPaymentStatus, CheckoutSessionStatus};

    let stand = start(None).await;
    let client = client(&stand);
    let mut price = CreateCheckoutSessionLineItemsPriceData::new(stripe_types::Currency::USD);
    price.unit_amount = Some(2_450);
    price.product_data = Some(ProductData::new("Stoneware mug"));
    let mut line = CreateCheckoutSessionLineItems::new();
    line.price_data = Some(price);
    line.quantity = Some(3);
    let mut intent_data = CreateCheckoutSessionPaymentIntentData::new();
    intent_data.metadata = Some([("checkout_id".to_owned(), "17".to_owned())].into());
    let created = CreateCheckoutSession::new()
        .mode(CheckoutSessionMode::Payment)
        .line_items(vec![line])
        .success_url("http://127.0.0.1:3000/checkout/success?session_id={CHECKOUT_SESSION_ID}")
        .cancel_url("http://127.0.0.1:3000/cart")
        .client_reference_id("17")
        .customer_email("ada@example.com")
        .metadata([("cart_id".to_owned(), "5".to_owned())])
        .payment_intent_data(intent_data)
        .send(&client)
        .await
        .expect("async-stripe accepts the created session");
    assert_eq!(created.amount_total, Some(7_350));
    assert_eq!(created.status, Some(CheckoutSessionStatus::Open));
    assert_eq!(created.payment_status, CheckoutSessionPaymentStatus::Unpaid);
    assert_eq!(created.customer_email.as_deref(), Some("ada@example.com"));
    assert_eq!(created.metadata.as_ref().unwrap()["cart_id"], "5");
    let url = created.url.clone().unwrap();

    // Pay, then retrieve with both expansions.
    let paid = stand.pay(created.id.as_str(), "4242 4242 4242 4242").await;
    assert_eq!(paid.status(), 303);
    assert_eq!(
        paid.headers()["location"],
        format!(
            "http://127.0.0.1:3000/checkout/success?session_id={}",
            created.id.as_str()
        )
        .as_str()
    );
    assert!(url.ends_with(created.id.as_str()));
    let retrieved = RetrieveCheckoutSession::new(created.id.clone())
        .expand(vec!["line_items".to_owned(), "payment_intent".to_owned()])
        .send(&client)
        .await
        .expect("async-stripe accepts the expanded session");
    assert_eq!(retrieved.status, Some(CheckoutSessionStatus::Complete));
    assert_eq!(retrieved.payment_status, CheckoutSessionPaymentStatus::Paid);
    let items = retrieved.line_items.expect("line items expanded");
    assert_eq!(items.data.len(), 1);
    assert_eq!(items.data[0].quantity, Some(3));
    assert_eq!(items.data[0].amount_total, 7_350);
    let intent = match retrieved.payment_intent.expect("payment intent set") {
        stripe_types::Expandable::Object(intent) => intent,
        stripe_types::Expandable::Id(id) => panic!("not expanded: {id}"),
    };
    assert_eq!(intent.amount, 7_350);
    assert_eq!(intent.amount_received, 7_350);
    assert_eq!(intent.status, stripe_shared::PaymentIntentStatus::Succeeded);
    assert_eq!(intent.metadata["checkout_id"], "17");
    assert_eq!(
        retrieved.customer_details.unwrap().email.as_deref(),
        Some("ada@example.com")
    );

    let listed = ListLineItemsCheckoutSession::new(created.id.clone())
        .send(&client)
        .await
        .unwrap();
    assert_eq!(listed.data[0].description.as_deref(), Some("Stoneware mug"));

    // A completed session cannot be expired; an open one can.
    let refused = ExpireCheckoutSession::new(created.id.clone())
        .send(&client)
        .await;
    assert!(
        matches!(refused, Err(stripe::StripeError::Stripe(_, 400))),
        "{refused:?}"
    );

    let mut price = CreateCheckoutSessionLineItemsPriceData::new(stripe_types::Currency::USD);
    price.unit_amount = Some(100);
    price.product_data = Some(ProductData::new("Sticker"));
    let mut line = CreateCheckoutSessionLineItems::new();
    line.price_data = Some(price);
    line.quantity = Some(1);
    let open = CreateCheckoutSession::new()
        .mode(CheckoutSessionMode::Payment)
        .line_items(vec![line])
        .success_url("http://127.0.0.1:3000/ok")
        .send(&client)
        .await
        .unwrap();
    let expired = ExpireCheckoutSession::new(open.id.clone())
        .send(&client)
        .await
        .unwrap();
    assert_eq!(expired.status, Some(CheckoutSessionStatus::Expired));
    assert_eq!(expired.url, None);
}

#[tokio::test]
async fn the_async_stripe_client_sees_typed_errors() {
    use stripe_checkout::checkout_session::{CreateCheckoutSession, RetrieveCheckoutSession};
    let stand = start(None).await;
    let client = client(&stand);
    let missing = RetrieveCheckoutSession::new("cs_test_missing")
        .send(&client)
        .await;
    match missing {
        Err(stripe::StripeError::Stripe(error, 404)) => {
            assert_eq!(
                error.code.as_ref().map(|c| c.as_str()),
                Some("resource_missing")
            );
        }
        other => panic!("expected a 404: {other:?}"),
    }
    let invalid = CreateCheckoutSession::new()
        .mode(stripe_shared::CheckoutSessionMode::Payment)
        .success_url("http://127.0.0.1:3000/ok")
        .send(&client)
        .await;
    match invalid {
        Err(stripe::StripeError::Stripe(error, 400)) => {
            assert_eq!(error.param.as_deref(), Some("line_items"));
            assert_eq!(
                error.type_,
                stripe_shared::ApiErrorsType::InvalidRequestError
            );
        }
        other => panic!("expected a 400: {other:?}"),
    }
}
