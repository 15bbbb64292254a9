//! The two calls checkout makes to Stripe: create the Checkout Session for a
//! reserved checkout, and close one whose cart has changed.

use std::collections::HashMap;
use std::str::FromStr;

use super::options::{CheckoutOptions, Offered};
use super::{Gateway, Reserved};
use crate::error::AppError;
use crate::ssr::domain::Owner;
use crate::ssr::payments::{Payments, SESSION_LIFETIME_SECS};

/// The sentence for any Stripe failure: nothing was charged, and what to do.
pub const STRIPE_UNAVAILABLE: &str =
    "We could not open the payment page just now. Nothing was charged; please try again in a moment.";

/// A Checkout Session Stripe made: its id, its page, when it expires, and the
/// ids Stripe gave the offered shipping rates, in the order they were sent.
pub struct OpenedSession {
    pub id: String,
    pub url: String,
    pub expires_at: i64,
    pub shipping_rate_ids: Vec<String>,
}

/// Closes a session whose cart changed, so it can no longer be paid. `Ok` when it
/// is closed (or had already expired); an error when Stripe cannot be reached or
/// the session has just been paid.
pub async fn expire_session(payments: &Payments, session_id: &str) -> Result<(), AppError> {
    use stripe_checkout::checkout_session::{ExpireCheckoutSession, RetrieveCheckoutSession};
    use stripe_shared::CheckoutSessionStatus;
    let Err(err) = ExpireCheckoutSession::new(session_id)
        .send(payments.client())
        .await
    else {
        return Ok(());
    };
    // Already expired (its event is on its way) is fine; paid is not.
    let session = RetrieveCheckoutSession::new(session_id)
        .send(payments.client())
        .await
        .map_err(|retrieve| {
            tracing::warn!(error = %err, retrieve = %retrieve, "could not close an outdated checkout session");
            AppError::Conflict(STRIPE_UNAVAILABLE.to_owned())
        })?;
    if session.status == Some(CheckoutSessionStatus::Expired) {
        return Ok(());
    }
    Err(AppError::Conflict(
        "Your payment for this cart has just gone through. Please check your email or your orders before paying again."
            .to_owned(),
    ))
}

/// Creates the Stripe Checkout Session for a reserved checkout, offering `rates`.
pub async fn create_session(
    gateway: &Gateway<'_>,
    reserved: &Reserved<'_>,
    rates: &[Offered],
    now: i64,
) -> Result<OpenedSession, AppError> {
    let Gateway {
        payments,
        base_url,
        options,
    } = *gateway;
    use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
    use stripe_checkout::checkout_session::{
        CreateCheckoutSession, CreateCheckoutSessionAutomaticTax, CreateCheckoutSessionLineItems,
        CreateCheckoutSessionLineItemsPriceData,
        CreateCheckoutSessionLineItemsPriceDataTaxBehavior, CreateCheckoutSessionPaymentIntentData,
        CreateCheckoutSessionPhoneNumberCollection, ProductData,
    };
    use stripe_shared::CheckoutSessionMode;

    let Reserved {
        payer,
        cart_id,
        checkout_id,
        frozen,
    } = *reserved;
    let currency = stripe_types::Currency::from_str(&frozen.currency.code().to_ascii_lowercase())
        .map_err(|_| AppError::Internal)?;
    let mut items = Vec::with_capacity(frozen.lines.len());
    for line in &frozen.lines {
        let mut product = ProductData::new(line.name.clone());
        product.images = Some(vec![format!("{base_url}{}", line.image_path)]);
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency.clone());
        price.unit_amount = Some(line.unit_amount);
        price.product_data = Some(product);
        // Prices are before tax: Stripe adds what the shopper's address owes.
        price.tax_behavior = Some(CreateCheckoutSessionLineItemsPriceDataTaxBehavior::Exclusive);
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price_data = Some(price);
        item.quantity = Some(u64::try_from(line.quantity).map_err(|_| AppError::Internal)?);
        items.push(item);
    }
    // Ids only: never the shopper session's cookie token.
    let mut metadata: HashMap<String, String> = HashMap::from([
        ("checkout_id".to_owned(), checkout_id.to_string()),
        ("cart_id".to_owned(), cart_id.to_string()),
    ]);
    if let Owner::User(user_id) = payer.owner {
        metadata.insert("user_id".to_owned(), user_id.to_string());
    }
    let mut intent = CreateCheckoutSessionPaymentIntentData::new();
    intent.metadata = Some(metadata.clone());
    let expires_at = now + SESSION_LIFETIME_SECS;
    let mut request = CreateCheckoutSession::new()
        .mode(CheckoutSessionMode::Payment)
        .line_items(items)
        .client_reference_id(checkout_id.to_string())
        .metadata(metadata)
        .payment_intent_data(intent)
        .success_url(format!(
            "{base_url}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}"
        ))
        .cancel_url(format!("{base_url}/cart"))
        .expires_at(expires_at)
        .shipping_address_collection(shipping_countries(options)?)
        .shipping_options(shipping_options(rates, &currency))
        .phone_number_collection(CreateCheckoutSessionPhoneNumberCollection::new(
            options.collect_phone,
        ))
        .automatic_tax(CreateCheckoutSessionAutomaticTax::new(
            options.automatic_tax,
        ))
        .allow_promotion_codes(true);
    if options.terms_of_service {
        use stripe_checkout::checkout_session::{
            CreateCheckoutSessionConsentCollection as Consent,
            CreateCheckoutSessionConsentCollectionTermsOfService as Terms,
        };
        let mut consent = Consent::new();
        consent.terms_of_service = Some(Terms::Required);
        request = request.consent_collection(consent);
    }
    if let Some(email) = payer.email {
        request = request.customer_email(email);
    }
    // The key names this checkout record: a retry of the same call gets the same
    // session back instead of a second one.
    let key = IdempotencyKey::new(idempotency_key(checkout_id, &frozen.fingerprint))
        .map_err(|_| AppError::Internal)?;
    let session = request
        .customize()
        .request_strategy(RequestStrategy::Idempotent(key))
        .send(payments.client())
        .await
        .map_err(|err| {
            tracing::error!(checkout = checkout_id, error = %err, "Stripe refused to create a checkout session");
            AppError::Conflict(STRIPE_UNAVAILABLE.to_owned())
        })?;
    let url = session.url.clone().ok_or_else(|| {
        tracing::error!(
            checkout = checkout_id,
            "Stripe returned a checkout session without a URL"
        );
        AppError::Conflict(STRIPE_UNAVAILABLE.to_owned())
    })?;
    Ok(OpenedSession {
        id: session.id.as_str().to_owned(),
        url,
        expires_at: session.expires_at,
        shipping_rate_ids: session
            .shipping_options
            .iter()
            .map(|option| option.shipping_rate.id().as_str().to_owned())
            .collect(),
    })
}

/// `shipping_address_collection`: the countries the store ships to.
fn shipping_countries(
    options: &CheckoutOptions,
) -> Result<
    stripe_checkout::checkout_session::CreateCheckoutSessionShippingAddressCollection,
    AppError,
> {
    use stripe_checkout::checkout_session::{
        CreateCheckoutSessionShippingAddressCollection as Collection,
        CreateCheckoutSessionShippingAddressCollectionAllowedCountries as Country,
    };
    let countries = options
        .shipping_countries
        .iter()
        .map(|code| {
            Country::from_str(code).map_err(|_| {
                tracing::error!(country = %code, "a shipping country Stripe does not know");
                AppError::Internal
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Collection::new(countries))
}

/// `shipping_options[][shipping_rate_data]`: each rate with its price and
/// delivery estimate, in the order offered.
fn shipping_options(
    rates: &[Offered],
    currency: &stripe_types::Currency,
) -> Vec<stripe_checkout::checkout_session::CreateCheckoutSessionShippingOptions> {
    use stripe_checkout::checkout_session::{
        CreateCheckoutSessionShippingOptions as Option_,
        CreateCheckoutSessionShippingOptionsShippingRateData as RateData,
        CreateCheckoutSessionShippingOptionsShippingRateDataDeliveryEstimate as Estimate,
        CreateCheckoutSessionShippingOptionsShippingRateDataDeliveryEstimateMaximum as Maximum,
        CreateCheckoutSessionShippingOptionsShippingRateDataDeliveryEstimateMaximumUnit as MaxUnit,
        CreateCheckoutSessionShippingOptionsShippingRateDataDeliveryEstimateMinimum as Minimum,
        CreateCheckoutSessionShippingOptionsShippingRateDataDeliveryEstimateMinimumUnit as MinUnit,
        CreateCheckoutSessionShippingOptionsShippingRateDataFixedAmount as Fixed,
        CreateCheckoutSessionShippingOptionsShippingRateDataTaxBehavior as TaxBehavior,
        CreateCheckoutSessionShippingOptionsShippingRateDataType as RateType,
    };
    rates
        .iter()
        .map(|rate| {
            let mut data = RateData::new(rate.name.clone());
            data.type_ = Some(RateType::FixedAmount);
            data.fixed_amount = Some(Fixed {
                amount: rate.amount,
                currency: currency.clone(),
                currency_options: None,
            });
            data.tax_behavior = Some(TaxBehavior::Exclusive);
            data.delivery_estimate = Some(Estimate {
                minimum: Some(Minimum {
                    unit: MinUnit::BusinessDay,
                    value: i64::from(rate.min_days),
                }),
                maximum: Some(Maximum {
                    unit: MaxUnit::BusinessDay,
                    value: i64::from(rate.max_days),
                }),
            });
            let mut option = Option_::new();
            option.shipping_rate_data = Some(data);
            option
        })
        .collect()
}

/// The `Idempotency-Key` of a checkout's session: the record and its contents.
pub fn idempotency_key(checkout_id: i32, fingerprint: &str) -> String {
    let short = fingerprint.get(..16).unwrap_or(fingerprint);
    format!("shopfront-checkout-{checkout_id}-{short}")
}

/// The Checkout Session that made PaymentIntent `intent_id`, as Stripe itself
/// records it (`GET /v1/checkout/sessions?payment_intent=...`): `None` for a
/// PaymentIntent no Checkout Session made, such as another integration's.
pub async fn session_for_payment_intent(
    payments: &Payments,
    intent_id: &str,
) -> Result<Option<String>, stripe::StripeError> {
    use stripe_checkout::checkout_session::ListCheckoutSession;
    let sessions = ListCheckoutSession::new()
        .payment_intent(intent_id)
        .limit(1)
        .send(payments.client())
        .await?;
    Ok(sessions
        .data
        .into_iter()
        .next()
        .map(|session| session.id.as_str().to_owned()))
}

/// The Checkout Session as Stripe has it now, with its promotion code shown
/// (`discounts.promotion_code`), so the order can name the code the shopper typed.
pub async fn retrieve_session(
    payments: &Payments,
    session_id: &str,
) -> Result<stripe_shared::CheckoutSession, stripe::StripeError> {
    use stripe_checkout::checkout_session::RetrieveCheckoutSession;
    RetrieveCheckoutSession::new(session_id)
        .expand(vec!["discounts.promotion_code".to_owned()])
        .send(payments.client())
        .await
}
