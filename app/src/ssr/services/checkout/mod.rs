//! From cart to Stripe: the cart is frozen into a checkout record at today's
//! prices, its stock is reserved, and a Checkout Session is created for exactly
//! that record. The same cart contents reuse the open session; changed contents
//! expire it first; a failed call leaves nothing reserved.
//!
//! One live checkout per cart is a unique key (`checkouts.live_cart_id`); a
//! reservation is a conditional stock decrement, so two shoppers racing for the
//! last unit cannot both hold it.

pub mod options;
mod step;
mod stock;
mod stripe_api;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, TransactionTrait, TryInsertResult, UpdateMany,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;

use crate::error::AppError;
use crate::ssr::db::adopt;
use crate::ssr::domain::Owner;
use crate::ssr::entities::attempt::Action;
use crate::ssr::entities::checkout::{self, CheckoutStatus};
use crate::ssr::entities::checkout_line;
use crate::ssr::payments::{Payments, SESSION_LIFETIME_SECS};
use crate::ssr::services::catalog;
use crate::ssr::services::throttle::{self, Limits};
use crate::types::Currency;

pub use step::{next_step, Step};
pub use stock::sell_released_stock;
use stock::{return_stock, take_stock, units_held_by};
pub use stripe_api::{retrieve_session, session_for_payment_intent};

/// Stripe takes at most this many line items in one session.
pub const MAX_CHECKOUT_LINES: usize = 100;

/// How often a request waits for another that is creating the same cart's session.
const WAIT_TRIES: usize = 100;

/// A product and quantity the shopper asks to pay for, in cart order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wanted {
    pub product_id: i32,
    pub quantity: i32,
}

/// A cart line frozen at checkout.
#[derive(Clone, Debug)]
pub struct FrozenLine {
    pub product_id: i32,
    pub name: String,
    pub image_path: String,
    pub unit_amount: i64,
    pub quantity: i32,
    pub line_total: i64,
}

/// The cart as it will be paid.
#[derive(Clone, Debug)]
pub struct Frozen {
    pub lines: Vec<FrozenLine>,
    pub currency: Currency,
    pub total: i64,
    pub fingerprint: String,
}

/// Who is paying: the cart's owner, the email Stripe should prefill, and the
/// client they are, with what one client may hold.
pub struct Payer<'a> {
    pub owner: &'a Owner,
    pub email: Option<&'a str>,
    pub client: &'a str,
    pub limits: Limits,
}

/// Where checkout sends shoppers to pay: the Stripe client, the store's address
/// (for the return links) and what Checkout should collect.
#[derive(Clone, Copy)]
pub struct Gateway<'a> {
    pub payments: &'a Payments,
    pub base_url: &'a str,
    pub options: &'a options::CheckoutOptions,
}

/// A checkout whose stock is reserved, on its way to Stripe.
pub struct Reserved<'a> {
    pub payer: &'a Payer<'a>,
    pub cart_id: i32,
    pub checkout_id: i32,
    pub frozen: &'a Frozen,
}

/// Freezes `cart_id` (which must be `payer`'s open cart, holding `wanted`) and
/// returns the URL of the Stripe page that pays for it.
pub async fn start(
    db: &DatabaseConnection,
    gateway: &Gateway<'_>,
    payer: Payer<'_>,
    cart_id: i32,
    wanted: &[Wanted],
    now: i64,
) -> Result<String, AppError> {
    for _ in 0..WAIT_TRIES {
        let live = live_checkout(db, cart_id).await?;
        let own = match &live {
            Some(live) => reserved_by(db, live.id).await?,
            None => HashMap::new(),
        };
        let frozen = freeze(db, wanted, &own).await?;
        match next_step(live.as_ref(), &frozen.fingerprint, now) {
            Step::Reuse(url) => return Ok(url),
            Step::Broken => return Err(AppError::Internal),
            Step::StillProcessing => {
                return Err(AppError::Conflict(
                    "Your last payment for this cart is still being confirmed. We will email you as soon as it is; there is no need to pay again."
                        .to_owned(),
                ))
            }
            // A second click while the first is still talking to Stripe waits for it.
            Step::Wait => tokio::time::sleep(Duration::from_millis(100)).await,
            Step::Abandon => {
                if let Some(live) = &live {
                    release(db, live.id, CheckoutStatus::Failed, &[CheckoutStatus::Creating], now)
                        .await?;
                }
            }
            Step::Replace => {
                if let Some(live) = &live {
                    if let Some(session_id) = &live.stripe_session_id {
                        stripe_api::expire_session(gateway.payments, session_id).await?;
                    }
                    release(db, live.id, CheckoutStatus::Canceled, &[CheckoutStatus::Open], now)
                        .await?;
                }
            }
            Step::Reserve => {
                throttle::admit(
                    db,
                    Action::Checkout,
                    payer.client,
                    None,
                    payer.limits.checkouts,
                    now,
                    "Too many checkouts have been started from your network. Please try again in an hour.",
                )
                .await?;
                // `None`: someone else (another tab) reserved first; look again.
                if let Some(checkout_id) = reserve(db, &payer, cart_id, &frozen, now).await? {
                    let reserved = Reserved {
                        payer: &payer,
                        cart_id,
                        checkout_id,
                        frozen: &frozen,
                    };
                    return open(db, gateway, &reserved, now).await;
                }
            }
        }
    }
    Err(AppError::Conflict(
        "Your checkout is taking longer than usual to prepare. Please try again in a moment."
            .to_owned(),
    ))
}

/// Creates the session for a reserved checkout and records it; a refusal undoes
/// the reservation.
async fn open(
    db: &DatabaseConnection,
    gateway: &Gateway<'_>,
    reserved: &Reserved<'_>,
    now: i64,
) -> Result<String, AppError> {
    let (checkout_id, frozen) = (reserved.checkout_id, reserved.frozen);
    let rates = options::offered(db, frozen.total).await?;
    match stripe_api::create_session(gateway, reserved, &rates, now).await {
        Ok(session) => {
            let txn = db.begin().await?;
            options::record_shipping_options(&txn, checkout_id, &rates, &session.shipping_rate_ids)
                .await?;
            checkout::Entity::update_many()
                .col_expr(checkout::Column::Status, Expr::value(CheckoutStatus::Open))
                .col_expr(
                    checkout::Column::StripeSessionId,
                    Expr::value(Some(session.id.clone())),
                )
                .col_expr(
                    checkout::Column::StripeUrl,
                    Expr::value(Some(session.url.clone())),
                )
                .col_expr(checkout::Column::ExpiresAt, Expr::value(session.expires_at))
                .col_expr(checkout::Column::UpdatedAt, Expr::value(now))
                .filter(checkout::Column::Id.eq(checkout_id))
                .filter(checkout::Column::Status.eq(CheckoutStatus::Creating))
                .exec(&txn)
                .await?;
            txn.commit().await?;
            tracing::info!(checkout = checkout_id, stripe_session = %session.id, total = frozen.total, "checkout opened");
            Ok(session.url)
        }
        Err(err) => {
            release(
                db,
                checkout_id,
                CheckoutStatus::Failed,
                &[CheckoutStatus::Creating],
                now,
            )
            .await?;
            Err(err)
        }
    }
}

/// The checkout being prepared, open or processing for this cart, if any.
pub async fn live_checkout(
    db: &impl ConnectionTrait,
    cart_id: i32,
) -> Result<Option<checkout::Model>, AppError> {
    Ok(checkout::Entity::find()
        .filter(checkout::Column::LiveCartId.eq(cart_id))
        .one(db)
        .await?)
}

/// The checkout that made a Stripe Checkout Session.
pub async fn by_stripe_session(
    db: &impl ConnectionTrait,
    stripe_session_id: &str,
) -> Result<Option<checkout::Model>, AppError> {
    Ok(checkout::Entity::find()
        .filter(checkout::Column::StripeSessionId.eq(stripe_session_id))
        .one(db)
        .await?)
}

/// Units of each product a checkout holds.
pub async fn reserved_by(
    db: &impl ConnectionTrait,
    checkout_id: i32,
) -> Result<HashMap<i32, i32>, AppError> {
    Ok(checkout_line::Entity::find()
        .filter(checkout_line::Column::CheckoutId.eq(checkout_id))
        .all(db)
        .await?
        .into_iter()
        .map(|line| (line.product_id, line.quantity))
        .collect())
}

/// The cart priced from the catalog now, checked line by line: every product
/// still sold and in stock (counting what this cart already holds in reserve).
async fn freeze(
    db: &impl ConnectionTrait,
    wanted: &[Wanted],
    own: &HashMap<i32, i32>,
) -> Result<Frozen, AppError> {
    if wanted.is_empty() {
        return Err(AppError::bad_request("Your cart is empty"));
    }
    if wanted.len() > MAX_CHECKOUT_LINES {
        return Err(AppError::bad_request(format!(
            "A checkout can hold at most {MAX_CHECKOUT_LINES} different products and your cart has {}. Please remove some and check out the rest.",
            wanted.len()
        )));
    }
    let products = catalog::by_ids(db, wanted.iter().map(|w| w.product_id)).await?;
    let mut lines = Vec::with_capacity(wanted.len());
    let mut currency: Option<Currency> = None;
    let mut total: i64 = 0;
    let mut hash = Sha256::new();
    for &Wanted {
        product_id,
        quantity,
    } in wanted
    {
        let product = products.get(&product_id).ok_or(AppError::Internal)?;
        let name = &product.name;
        if !product.active {
            return Err(AppError::Conflict(format!(
                "{name} is no longer sold. Please remove it from your cart to check out."
            )));
        }
        let available = product
            .stock
            .saturating_add(own.get(&product_id).copied().unwrap_or(0));
        if available < quantity {
            return Err(AppError::Conflict(if available <= 0 {
                format!("{name} has sold out. Please remove it from your cart to check out.")
            } else {
                format!("Only {available} of {name} left. Please lower the quantity to check out.")
            }));
        }
        let price = catalog::price_of(product)?;
        if currency.is_some_and(|c| c != price.currency) {
            tracing::error!(product = product_id, "a cart mixes currencies");
            return Err(AppError::Internal);
        }
        currency = Some(price.currency);
        let line_total = price
            .minor
            .checked_mul(i64::from(quantity))
            .ok_or(AppError::Internal)?;
        total = total.checked_add(line_total).ok_or(AppError::Internal)?;
        hash.update(format!("{product_id}:{quantity}:{};", price.minor));
        lines.push(FrozenLine {
            product_id,
            name: name.clone(),
            image_path: product.image_path.clone(),
            unit_amount: price.minor,
            quantity,
            line_total,
        });
    }
    let currency = currency.ok_or(AppError::Internal)?;
    hash.update(currency.code());
    Ok(Frozen {
        lines,
        currency,
        total,
        fingerprint: hex::encode(hash.finalize()),
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
    let (user_id, guest_session_id) = payer.owner.columns();
    let txn = db.begin().await?;
    // The unique `live_cart_id` decides which of two racing requests reserves.
    let inserted = checkout::Entity::insert(checkout::ActiveModel {
        cart_id: Set(cart_id),
        user_id: Set(user_id),
        guest_session_id: Set(guest_session_id),
        status: Set(CheckoutStatus::Creating),
        live_cart_id: Set(Some(cart_id)),
        currency: Set(frozen.currency.code().to_owned()),
        amount_total: Set(frozen.total),
        fingerprint: Set(frozen.fingerprint.clone()),
        stripe_session_id: Set(None),
        stripe_url: Set(None),
        expires_at: Set(now + SESSION_LIFETIME_SECS),
        email: Set(payer.email.map(str::to_owned)),
        last_payment_error: Set(None),
        client: Set(Some(payer.client.to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([checkout::Column::LiveCartId])
    .exec(&txn)
    .await?;
    let TryInsertResult::Inserted(inserted) = inserted else {
        txn.rollback().await?;
        return Ok(None);
    };
    let checkout_id = inserted.last_insert_id;
    // Anyone could loop cookieless carts through checkout to hold the whole
    // catalogue for the session's lifetime; one client holds only so much.
    // Counted after the insert above: on SQLite a transaction that reads first
    // could not then write while another does the same.
    let wanted: i64 = frozen.lines.iter().map(|l| i64::from(l.quantity)).sum();
    let held = units_held_by(&txn, payer.client).await?;
    if held + wanted > payer.limits.units_held {
        txn.rollback().await?;
        tracing::warn!(
            client = payer.client,
            held,
            wanted,
            "refused a checkout over the units one client may hold"
        );
        return Err(AppError::TooManyRequests(format!(
            "Your network already has {held} items waiting for payment in other checkouts. Pay for or leave those first, or try again in about half an hour."
        )));
    }
    for line in &frozen.lines {
        if !take_stock(&txn, line.product_id, line.quantity).await? {
            txn.rollback().await?;
            return Err(AppError::Conflict(format!(
                "Someone else has just bought the last of {}. Please lower the quantity or remove it to check out.",
                line.name
            )));
        }
    }
    checkout_line::Entity::insert_many(frozen.lines.iter().map(|line| {
        checkout_line::ActiveModel {
            checkout_id: Set(checkout_id),
            product_id: Set(line.product_id),
            name: Set(line.name.clone()),
            unit_amount: Set(line.unit_amount),
            quantity: Set(line.quantity),
            line_total: Set(line.line_total),
            ..Default::default()
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some(checkout_id))
}

/// Ends a checkout that was not paid: its status becomes `status` if it is still
/// one of `from`, and then (only then) its reserved stock goes back on sale. Safe
/// to run any number of times.
pub async fn release(
    db: &DatabaseConnection,
    checkout_id: i32,
    status: CheckoutStatus,
    from: &[CheckoutStatus],
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
    status: CheckoutStatus,
    from: &[CheckoutStatus],
    now: i64,
) -> Result<bool, AppError> {
    let changed = ending(checkout_id, status, now)
        .filter(checkout::Column::Status.is_in(from.iter().copied()))
        .exec(txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Ok(false);
    }
    return_stock(txn, checkout_id).await?;
    tracing::info!(
        checkout = checkout_id,
        status = ?status,
        "checkout closed and its stock released"
    );
    Ok(true)
}

/// The update that ends checkout `checkout_id` as `status`: it stops holding its
/// cart, so the cart may start another.
fn ending(checkout_id: i32, status: CheckoutStatus, now: i64) -> UpdateMany<checkout::Entity> {
    checkout::Entity::update_many()
        .col_expr(checkout::Column::Status, Expr::value(status))
        .col_expr(
            checkout::Column::LiveCartId,
            Expr::value(Option::<i32>::None),
        )
        .col_expr(checkout::Column::UpdatedAt, Expr::value(now))
        .filter(checkout::Column::Id.eq(checkout_id))
}

/// Takes the row lock of the checkout behind a Stripe session before anything
/// is read: SQLite then queues this transaction behind any other writer instead
/// of refusing it later, and PostgreSQL makes racing fulfilments of one session
/// take turns.
pub async fn lock_by_stripe_session(
    txn: &impl ConnectionTrait,
    stripe_session_id: &str,
) -> Result<(), AppError> {
    checkout::Entity::update_many()
        .col_expr(
            checkout::Column::UpdatedAt,
            Expr::col(checkout::Column::UpdatedAt),
        )
        .filter(checkout::Column::StripeSessionId.eq(stripe_session_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The checkout's order was made: it is paid, and no longer holds its cart.
pub async fn mark_paid(
    txn: &impl ConnectionTrait,
    checkout_id: i32,
    payment_intent: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let mut update = ending(checkout_id, CheckoutStatus::Paid, now).col_expr(
        checkout::Column::LastPaymentError,
        Expr::value(Option::<String>::None),
    );
    if let Some(intent) = payment_intent {
        update = update.col_expr(
            checkout::Column::StripePaymentIntentId,
            Expr::value(intent.to_owned()),
        );
    }
    update.exec(txn).await?;
    Ok(())
}

/// `checkout.session.completed` with `unpaid` (a delayed payment method).
pub async fn mark_processing(
    txn: &impl ConnectionTrait,
    stripe_session_id: &str,
    now: i64,
) -> Result<bool, AppError> {
    let changed = checkout::Entity::update_many()
        .col_expr(
            checkout::Column::Status,
            Expr::value(CheckoutStatus::Processing),
        )
        .col_expr(checkout::Column::UpdatedAt, Expr::value(now))
        .filter(checkout::Column::StripeSessionId.eq(stripe_session_id))
        .filter(checkout::Column::Status.eq(CheckoutStatus::Open))
        .exec(txn)
        .await?
        .rows_affected;
    Ok(changed == 1)
}

/// The session will never be paid (expired, or a delayed payment failed): its
/// stock goes back on sale. The cart was never closed, so it is still there.
pub async fn close_unpaid(
    txn: &impl ConnectionTrait,
    stripe_session_id: &str,
    status: CheckoutStatus,
    now: i64,
) -> Result<bool, AppError> {
    let Some(checkout) = by_stripe_session(txn, stripe_session_id).await? else {
        tracing::info!(stripe_session = %stripe_session_id, "an event for a session this store did not create");
        return Ok(false);
    };
    release_in(
        txn,
        checkout.id,
        status,
        &[CheckoutStatus::Open, CheckoutStatus::Processing],
        now,
    )
    .await
}

/// A declined attempt: remembered for the cart page; the session stays open.
/// Which checkout a declined PaymentIntent belongs to: the one that recorded it,
/// or the one whose Checkout Session Stripe says made it. Never its metadata,
/// which anyone with access to the Stripe account can set on any PaymentIntent.
pub enum IntentOwner<'a> {
    /// The checkout that has already recorded this PaymentIntent.
    Recorded,
    /// The checkout of the session Stripe says made the PaymentIntent.
    Session(&'a str),
}

/// The checkout that has recorded PaymentIntent `intent_id`, if any.
pub async fn by_payment_intent(
    db: &impl ConnectionTrait,
    intent_id: &str,
) -> Result<Option<checkout::Model>, AppError> {
    Ok(checkout::Entity::find()
        .filter(checkout::Column::StripePaymentIntentId.eq(intent_id))
        .one(db)
        .await?)
}

/// Records a declined attempt on the checkout that owns PaymentIntent
/// `intent_id` (see [`IntentOwner`]), remembering the PaymentIntent for next
/// time; `false` when no open checkout of this store owns it.
pub async fn record_payment_failure(
    txn: &impl ConnectionTrait,
    intent_id: &str,
    owner: IntentOwner<'_>,
    message: &str,
    now: i64,
) -> Result<bool, AppError> {
    let mut update = checkout::Entity::update_many()
        .col_expr(
            checkout::Column::LastPaymentError,
            Expr::value(Some(message.to_owned())),
        )
        .col_expr(checkout::Column::UpdatedAt, Expr::value(now))
        .filter(checkout::Column::Status.is_in([CheckoutStatus::Open, CheckoutStatus::Processing]));
    update = match owner {
        IntentOwner::Session(session_id) => update
            .col_expr(
                checkout::Column::StripePaymentIntentId,
                Expr::value(intent_id.to_owned()),
            )
            .filter(checkout::Column::StripeSessionId.eq(session_id))
            .filter(
                Condition::any()
                    .add(checkout::Column::StripePaymentIntentId.is_null())
                    .add(checkout::Column::StripePaymentIntentId.eq(intent_id)),
            ),
        IntentOwner::Recorded => {
            update.filter(checkout::Column::StripePaymentIntentId.eq(intent_id))
        }
    };
    Ok(update.exec(txn).await?.rows_affected == 1)
}

/// At sign-in: the guest's checkouts become the account's.
pub async fn adopt_guest_checkouts(
    txn: &impl ConnectionTrait,
    guest_session_id: &str,
    user_id: i32,
) -> Result<(), AppError> {
    adopt::<checkout::Entity>(
        txn,
        checkout::Column::UserId,
        checkout::Column::GuestSessionId,
        guest_session_id,
        user_id,
    )
    .await
}

/// Releases checkouts whose Stripe session should have expired an hour ago but
/// whose `checkout.session.expired` never arrived, so their stock is not held for
/// ever; returns how many. Run by the server's hourly housekeeping.
pub async fn release_lapsed(db: &DatabaseConnection, now: i64) -> Result<usize, AppError> {
    let lapsed = [CheckoutStatus::Open, CheckoutStatus::Creating];
    let stale = checkout::Entity::find()
        .filter(checkout::Column::Status.is_in(lapsed))
        .filter(checkout::Column::ExpiresAt.lt(now - 3600))
        .all(db)
        .await?;
    let mut released = 0;
    for checkout in stale {
        if release(db, checkout.id, CheckoutStatus::Expired, &lapsed, now).await? {
            released += 1;
        }
    }
    Ok(released)
}
