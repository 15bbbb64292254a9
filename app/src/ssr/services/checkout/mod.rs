//! From cart to Stripe: the cart is frozen into a checkout record at today's
//! prices, its stock is reserved, and a Checkout Session is created for exactly
//! that record. The same cart contents reuse the open session; changed contents
//! expire it first; a failed call leaves nothing reserved.
//!
//! One live checkout per cart is a unique key (`checkouts.live_cart_id`); a
//! reservation is a conditional stock decrement, so two shoppers racing for the
//! last unit cannot both hold it.

mod lifecycle;
pub mod options;
mod step;
mod stock;
mod stripe_api;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TryInsertResult,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Duration;

use crate::error::AppError;
use crate::ssr::db::begin_write;
use crate::ssr::domain::Owner;
use crate::ssr::entities::attempt::Action;
use crate::ssr::entities::checkout::{self, CheckoutStatus};
use crate::ssr::entities::checkout_line;
use crate::ssr::payments::{Payments, SESSION_LIFETIME_SECS};
use crate::ssr::services::catalog;
use crate::ssr::services::throttle::{self, Limits};
use crate::types::Currency;

pub use lifecycle::{
    adopt_guest_checkouts, by_payment_intent, close_unpaid, lock_by_stripe_session, mark_paid,
    mark_processing, payment_intent_of, record_payment_failure, release, release_in,
    release_lapsed, IntentOwner,
};
pub use step::{next_step, Step};
pub use stock::{adjust_stock, put_back, sell_released_stock};
use stock::{take_stock, units_held_by};
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
            let (_turn, txn) = begin_write(db).await?;
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
    let (_turn, txn) = begin_write(db).await?;
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
