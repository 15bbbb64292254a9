//! From cart to Stripe: the cart is frozen into a checkout record at today's
//! prices, its stock is reserved, and a Checkout Session is created for exactly
//! that record. The same cart contents reuse the open session; changed contents
//! expire it first; a failed call leaves nothing reserved.
//!
//! One live checkout per cart is a unique key (`checkouts.open_key`); a reservation
//! is a conditional stock decrement, so two shoppers racing for the last unit
//! cannot both hold it.

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use crate::error::AppError;
use crate::ssr::db::statement;
use crate::ssr::payments::{Payments, SESSION_LIFETIME_SECS};
use crate::ssr::services::cart::Owner;
use crate::types::Currency;

/// Stripe takes at most this many line items in one session.
pub const MAX_CHECKOUT_LINES: usize = 100;

/// A checkout still "creating" after this long was abandoned by a stopped server.
const STALE_CREATING_SECS: i64 = 60;

/// The sentence for any Stripe failure: nothing was charged, and what to do.
const STRIPE_UNAVAILABLE: &str =
    "We could not open the payment page just now. Nothing was charged; please try again in a moment.";

/// A cart line frozen at checkout.
#[derive(Clone, Debug)]
struct FrozenLine {
    product_id: i32,
    name: String,
    image_path: String,
    unit_amount: i64,
    quantity: i32,
    line_total: i64,
}

/// The cart as it will be paid.
#[derive(Clone, Debug)]
struct Frozen {
    lines: Vec<FrozenLine>,
    currency: Currency,
    total: i64,
    fingerprint: String,
}

/// A checkout record, as much of it as starting one needs.
#[derive(Clone, Debug)]
struct Live {
    id: i32,
    status: String,
    fingerprint: String,
    stripe_session_id: Option<String>,
    stripe_url: Option<String>,
    expires_at: i64,
    updated_at: i64,
}

/// Who is paying: the cart's owner, and the email Stripe should prefill.
pub struct Payer<'a> {
    pub owner: &'a Owner,
    pub email: Option<&'a str>,
}

/// Freezes `cart_id` (which must be `payer`'s open cart) and returns the URL of
/// the Stripe page that pays for it.
pub async fn start(
    db: &DatabaseConnection,
    payments: &Payments,
    base_url: &str,
    payer: Payer<'_>,
    cart_id: i32,
    now: i64,
) -> Result<String, AppError> {
    // A second click while the first is still talking to Stripe waits for it.
    for _ in 0..100 {
        let live = live_checkout(db, cart_id).await?;
        let own = match &live {
            Some(live) => reserved_by(db, live.id).await?,
            None => HashMap::new(),
        };
        let frozen = freeze(db, cart_id, &own).await?;
        match live {
            Some(live) if live.status == "creating" && now - live.updated_at > STALE_CREATING_SECS => {
                // Left half-made by a server that stopped mid-call.
                release(db, live.id, "failed", &["creating"], now).await?;
                continue;
            }
            Some(live) if live.status == "creating" => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            Some(live) if live.status == "processing" => {
                return Err(AppError::Conflict(
                    "Your last payment for this cart is still being confirmed. We will email you as soon as it is; there is no need to pay again."
                        .to_owned(),
                ))
            }
            Some(live)
                if live.fingerprint == frozen.fingerprint && live.expires_at > now + 120 =>
            {
                if let Some(url) = live.stripe_url {
                    return Ok(url);
                }
                return Err(AppError::Internal);
            }
            Some(live) => {
                // The cart changed since this session was made (or it is about to
                // expire): close it at Stripe so it can no longer be paid, then let
                // its stock go.
                retire(db, payments, &live, now).await?;
                continue;
            }
            None => {}
        }
        let Some(checkout_id) = reserve(db, &payer, cart_id, &frozen, now).await? else {
            // Someone else (another tab) reserved first; look again.
            continue;
        };
        return match create_session(
            payments,
            base_url,
            &payer,
            cart_id,
            checkout_id,
            &frozen,
            now,
        )
        .await
        {
            Ok((session_id, url, expires_at)) => {
                db.execute_raw(statement(
                    db,
                    "UPDATE checkouts SET status = 'open', stripe_session_id = $1, stripe_url = $2, \
                     expires_at = $3, updated_at = $4 WHERE id = $5 AND status = 'creating'",
                    vec![session_id.clone().into(), url.clone().into(), expires_at.into(), now.into(), checkout_id.into()],
                ))
                .await?;
                tracing::info!(checkout = checkout_id, stripe_session = %session_id, total = frozen.total, "checkout opened");
                Ok(url)
            }
            Err(err) => {
                release(db, checkout_id, "failed", &["creating"], now).await?;
                Err(err)
            }
        };
    }
    Err(AppError::Conflict(
        "Your checkout is taking longer than usual to prepare. Please try again in a moment."
            .to_owned(),
    ))
}

/// The checkout being prepared, open or processing for this cart, if any.
async fn live_checkout(db: &impl ConnectionTrait, cart_id: i32) -> Result<Option<Live>, AppError> {
    let row = db
        .query_one_raw(statement(
            db,
            "SELECT id, status, fingerprint, stripe_session_id, stripe_url, expires_at, updated_at \
             FROM checkouts WHERE open_key = $1",
            vec![cart_id.into()],
        ))
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Live {
        id: row.try_get("", "id")?,
        status: row.try_get("", "status")?,
        fingerprint: row.try_get("", "fingerprint")?,
        stripe_session_id: row.try_get("", "stripe_session_id")?,
        stripe_url: row.try_get("", "stripe_url")?,
        expires_at: row.try_get("", "expires_at")?,
        updated_at: row.try_get("", "updated_at")?,
    }))
}

/// Units of each product a checkout holds.
async fn reserved_by(
    db: &impl ConnectionTrait,
    checkout_id: i32,
) -> Result<HashMap<i32, i32>, AppError> {
    let rows = db
        .query_all_raw(statement(
            db,
            "SELECT product_id, quantity FROM checkout_lines WHERE checkout_id = $1",
            vec![checkout_id.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "product_id")?, row.try_get("", "quantity")?)))
        .collect()
}

/// The cart priced from the catalog now, checked line by line: every product
/// still sold and in stock (counting what this cart already holds in reserve).
async fn freeze(
    db: &impl ConnectionTrait,
    cart_id: i32,
    own: &HashMap<i32, i32>,
) -> Result<Frozen, AppError> {
    let rows = db
        .query_all_raw(statement(
            db,
            "SELECT l.product_id, l.quantity, p.name, p.price_minor, p.currency, p.stock, p.active, p.image_path \
             FROM cart_lines l JOIN products p ON p.id = l.product_id \
             WHERE l.cart_id = $1 ORDER BY l.created_at, l.id",
            vec![cart_id.into()],
        ))
        .await?;
    if rows.is_empty() {
        return Err(AppError::bad_request("Your cart is empty"));
    }
    if rows.len() > MAX_CHECKOUT_LINES {
        return Err(AppError::bad_request(format!(
            "A checkout can hold at most {MAX_CHECKOUT_LINES} different products and your cart has {}. Please remove some and check out the rest.",
            rows.len()
        )));
    }
    let mut lines = Vec::with_capacity(rows.len());
    let mut currency: Option<Currency> = None;
    let mut total: i64 = 0;
    let mut hash = Sha256::new();
    for row in rows {
        let product_id: i32 = row.try_get("", "product_id")?;
        let quantity: i32 = row.try_get("", "quantity")?;
        let name: String = row.try_get("", "name")?;
        let unit_amount: i64 = row.try_get("", "price_minor")?;
        let code: String = row.try_get("", "currency")?;
        let stock: i32 = row.try_get("", "stock")?;
        let active: bool = row.try_get("", "active")?;
        if !active {
            return Err(AppError::Conflict(format!(
                "{name} is no longer sold. Please remove it from your cart to check out."
            )));
        }
        let available = stock.saturating_add(own.get(&product_id).copied().unwrap_or(0));
        if available < quantity {
            return Err(AppError::Conflict(if available <= 0 {
                format!("{name} has sold out. Please remove it from your cart to check out.")
            } else {
                format!("Only {available} of {name} left. Please lower the quantity to check out.")
            }));
        }
        let line_currency = Currency::from_code(&code).ok_or_else(|| {
            tracing::error!(product = product_id, %code, "a product is priced in an unknown currency");
            AppError::Internal
        })?;
        if currency.is_some_and(|c| c != line_currency) {
            tracing::error!(cart = cart_id, "a cart mixes currencies");
            return Err(AppError::Internal);
        }
        currency = Some(line_currency);
        let line_total = unit_amount
            .checked_mul(i64::from(quantity))
            .ok_or(AppError::Internal)?;
        total = total.checked_add(line_total).ok_or(AppError::Internal)?;
        hash.update(format!("{product_id}:{quantity}:{unit_amount};"));
        lines.push(FrozenLine {
            product_id,
            name,
            image_path: row.try_get("", "image_path")?,
            unit_amount,
            quantity,
            line_total,
        });
    }
    let currency = currency.ok_or(AppError::Internal)?;
    hash.update(currency.code());
    let fingerprint = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Frozen {
        lines,
        currency,
        total,
        fingerprint,
    })
}

/// Writes the checkout record and reserves its stock in one transaction.
/// `None`: another request holds this cart's live checkout.
async fn reserve(
    db: &DatabaseConnection,
    payer: &Payer<'_>,
    cart_id: i32,
    frozen: &Frozen,
    now: i64,
) -> Result<Option<i32>, AppError> {
    let (user_id, session_id): (Option<i32>, Option<String>) = match payer.owner {
        Owner::User(id) => (Some(*id), None),
        Owner::Guest(session) => (None, Some(session.clone())),
    };
    let txn = db.begin().await?;
    let inserted = txn
        .query_one_raw(statement(
            &txn,
            "INSERT INTO checkouts (cart_id, user_id, session_id, status, open_key, currency, amount_total, \
             fingerprint, expires_at, email, created_at, updated_at) \
             VALUES ($1, $2, $3, 'creating', $1, $4, $5, $6, $7, $8, $9, $9) \
             ON CONFLICT (open_key) DO NOTHING RETURNING id",
            vec![
                cart_id.into(),
                user_id.into(),
                session_id.into(),
                frozen.currency.code().into(),
                frozen.total.into(),
                frozen.fingerprint.clone().into(),
                (now + SESSION_LIFETIME_SECS).into(),
                payer.email.map(str::to_owned).into(),
                now.into(),
            ],
        ))
        .await?;
    let Some(row) = inserted else {
        txn.rollback().await?;
        return Ok(None);
    };
    let checkout_id: i32 = row.try_get("", "id")?;
    for line in &frozen.lines {
        let taken = txn
            .execute_raw(statement(
                &txn,
                "UPDATE products SET stock = stock - $1 WHERE id = $2 AND active AND stock >= $1",
                vec![line.quantity.into(), line.product_id.into()],
            ))
            .await?
            .rows_affected();
        if taken == 0 {
            txn.rollback().await?;
            return Err(AppError::Conflict(format!(
                "Someone else has just bought the last of {}. Please lower the quantity or remove it to check out.",
                line.name
            )));
        }
        txn.execute_raw(statement(
            &txn,
            "INSERT INTO checkout_lines (checkout_id, product_id, name, unit_amount, quantity, line_total) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            vec![
                checkout_id.into(),
                line.product_id.into(),
                line.name.clone().into(),
                line.unit_amount.into(),
                line.quantity.into(),
                line.line_total.into(),
            ],
        ))
        .await?;
    }
    txn.commit().await?;
    Ok(Some(checkout_id))
}

/// Ends a checkout that was not paid: its status becomes `status` if it is still
/// one of `from`, and then (only then) its reserved stock goes back on sale. Safe
/// to run any number of times.
pub async fn release(
    db: &DatabaseConnection,
    checkout_id: i32,
    status: &str,
    from: &[&str],
    now: i64,
) -> Result<bool, AppError> {
    let txn = db.begin().await?;
    let released = release_in(&txn, checkout_id, status, from, now).await?;
    txn.commit().await?;
    Ok(released)
}

/// [`release`] inside the caller's transaction.
pub async fn release_in(
    txn: &impl ConnectionTrait,
    checkout_id: i32,
    status: &str,
    from: &[&str],
    now: i64,
) -> Result<bool, AppError> {
    let placeholders: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 4)).collect();
    let mut values: Vec<Value> = vec![status.into(), now.into(), checkout_id.into()];
    values.extend(from.iter().map(|s| Value::from(*s)));
    let changed = txn
        .execute_raw(statement(
            txn,
            &format!(
                "UPDATE checkouts SET status = $1, open_key = NULL, updated_at = $2 \
                 WHERE id = $3 AND status IN ({})",
                placeholders.join(", ")
            ),
            values,
        ))
        .await?
        .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    txn.execute_raw(statement(
        txn,
        "UPDATE products SET stock = stock + (SELECT COALESCE(SUM(l.quantity), 0) FROM checkout_lines l \
         WHERE l.checkout_id = $1 AND l.product_id = products.id) \
         WHERE id IN (SELECT product_id FROM checkout_lines WHERE checkout_id = $1)",
        vec![checkout_id.into()],
    ))
    .await?;
    tracing::info!(
        checkout = checkout_id,
        status,
        "checkout closed and its stock released"
    );
    Ok(true)
}

/// Closes an open session whose cart changed: expire it at Stripe, then release.
async fn retire(
    db: &DatabaseConnection,
    payments: &Payments,
    live: &Live,
    now: i64,
) -> Result<(), AppError> {
    use stripe_checkout::checkout_session::{ExpireCheckoutSession, RetrieveCheckoutSession};
    use stripe_shared::CheckoutSessionStatus;
    if let Some(session_id) = &live.stripe_session_id {
        if let Err(err) = ExpireCheckoutSession::new(session_id.as_str())
            .send(payments.client())
            .await
        {
            // Already expired (its event is on its way) is fine; paid is not.
            let session = RetrieveCheckoutSession::new(session_id.as_str())
                .send(payments.client())
                .await
                .map_err(|retrieve| {
                    tracing::warn!(error = %err, retrieve = %retrieve, "could not close an outdated checkout session");
                    AppError::Conflict(STRIPE_UNAVAILABLE.to_owned())
                })?;
            if session.status != Some(CheckoutSessionStatus::Expired) {
                return Err(AppError::Conflict(
                    "Your payment for this cart has just gone through. Please check your email or your orders before paying again."
                        .to_owned(),
                ));
            }
        }
    }
    release(db, live.id, "canceled", &["open"], now).await?;
    Ok(())
}

/// Creates the Stripe Checkout Session for a reserved checkout.
async fn create_session(
    payments: &Payments,
    base_url: &str,
    payer: &Payer<'_>,
    cart_id: i32,
    checkout_id: i32,
    frozen: &Frozen,
    now: i64,
) -> Result<(String, String, i64), AppError> {
    use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
    use stripe_checkout::checkout_session::{
        CreateCheckoutSession, CreateCheckoutSessionLineItems,
        CreateCheckoutSessionLineItemsPriceData, CreateCheckoutSessionPaymentIntentData,
        ProductData,
    };
    use stripe_shared::CheckoutSessionMode;

    let currency = stripe_types::Currency::from_str(&frozen.currency.code().to_ascii_lowercase())
        .map_err(|_| AppError::Internal)?;
    let mut items = Vec::with_capacity(frozen.lines.len());
    for line in &frozen.lines {
        let mut product = ProductData::new(line.name.clone());
        product.images = Some(vec![format!("{base_url}{}", line.image_path)]);
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency.clone());
        price.unit_amount = Some(line.unit_amount);
        price.product_data = Some(product);
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price_data = Some(price);
        item.quantity = Some(u64::try_from(line.quantity).map_err(|_| AppError::Internal)?);
        items.push(item);
    }
    // Ids only: never the session cookie's token.
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
        .expires_at(expires_at);
    if let Some(email) = payer.email {
        request = request.customer_email(email);
    }
    // The key names this checkout record: a retry of the same call gets the same
    // session back instead of a second one.
    let key = IdempotencyKey::new(format!(
        "shopfront-checkout-{checkout_id}-{}",
        &frozen.fingerprint[..16]
    ))
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
    Ok((session.id.as_str().to_owned(), url, session.expires_at))
}

/// Releases checkouts whose Stripe session should have expired an hour ago but
/// whose `checkout.session.expired` never arrived, so their stock is not held for
/// ever; returns how many. Run by the server's hourly housekeeping.
pub async fn release_lapsed(db: &DatabaseConnection, now: i64) -> Result<usize, AppError> {
    let rows = db
        .query_all_raw(statement(
            db,
            "SELECT id FROM checkouts WHERE status IN ('open', 'creating') AND expires_at < $1",
            vec![(now - 3600).into()],
        ))
        .await?;
    let mut released = 0;
    for row in rows {
        let id: i32 = row.try_get("", "id")?;
        if release(db, id, "expired", &["open", "creating"], now).await? {
            released += 1;
        }
    }
    Ok(released)
}
