//! Fulfilment: the one path from "Stripe says paid" to an order, used by the
//! webhook and by the success page alike, and the order pages' reads.
//!
//! [`fulfil`] runs inside the caller's transaction. The order's unique Stripe
//! session id makes any number of racing fulfilments of one session produce one
//! order; everything else (items, stock, cart) happens only for the one that
//! inserted it.

use sea_orm::{ConnectionTrait, DatabaseConnection, Value};

use crate::error::AppError;
use crate::ssr::db::statement;
use crate::ssr::mail::Mailer;
use crate::ssr::services::cart::Owner;
use crate::ssr::services::checkout::release_in;
use crate::types::{Currency, Money, OrderItemView, OrderView};

/// What Stripe says about a Checkout Session, from a verified event or from
/// Stripe's API; never from the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFacts {
    pub id: String,
    pub complete: bool,
    pub paid: bool,
    pub amount_total: Option<i64>,
    pub currency: Option<String>,
    pub email: Option<String>,
}

impl From<&stripe_shared::CheckoutSession> for SessionFacts {
    fn from(session: &stripe_shared::CheckoutSession) -> Self {
        use stripe_shared::{CheckoutSessionPaymentStatus, CheckoutSessionStatus};
        Self {
            id: session.id.as_str().to_owned(),
            complete: session.status == Some(CheckoutSessionStatus::Complete),
            paid: session.payment_status == CheckoutSessionPaymentStatus::Paid,
            amount_total: session.amount_total,
            currency: session.currency.as_ref().map(|c| c.to_string()),
            email: session
                .customer_details
                .as_ref()
                .and_then(|details| details.email.clone())
                .or_else(|| session.customer_email.clone()),
        }
    }
}

/// Whether `owner` is the account (`user_id`), or, for a record no account has
/// adopted, the guest session (`session_id`) it belongs to.
fn owned_by(user_id: Option<i32>, session_id: Option<&str>, owner: Option<&Owner>) -> bool {
    match owner {
        Some(Owner::User(id)) => user_id == Some(*id),
        Some(Owner::Guest(session)) => user_id.is_none() && session_id == Some(session.as_str()),
        None => false,
    }
}

/// What fulfilling a session did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fulfilment {
    /// The order exists; `created` is true for the call that made it.
    Placed {
        order_id: i32,
        number: String,
        created: bool,
    },
    /// Stripe does not (yet) say the session is complete and paid.
    NotPaid,
    /// No checkout of this store made this session.
    Unknown,
}

/// The checkout a Stripe session belongs to.
#[derive(Clone, Debug)]
pub struct CheckoutRecord {
    pub id: i32,
    pub cart_id: i32,
    pub user_id: Option<i32>,
    pub session_id: Option<String>,
    pub status: String,
    pub currency: String,
    pub amount_total: i64,
    pub email: Option<String>,
}

impl CheckoutRecord {
    /// Whether `owner` started this checkout (or adopted it by signing in).
    pub fn belongs_to(&self, owner: Option<&Owner>) -> bool {
        owned_by(self.user_id, self.session_id.as_deref(), owner)
    }
}

pub async fn checkout_by_session(
    db: &impl ConnectionTrait,
    stripe_session_id: &str,
) -> Result<Option<CheckoutRecord>, AppError> {
    let row = db
        .query_one_raw(statement(
            db,
            "SELECT id, cart_id, user_id, session_id, status, currency, amount_total, email \
             FROM checkouts WHERE stripe_session_id = $1",
            vec![stripe_session_id.into()],
        ))
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(CheckoutRecord {
        id: row.try_get("", "id")?,
        cart_id: row.try_get("", "cart_id")?,
        user_id: row.try_get("", "user_id")?,
        session_id: row.try_get("", "session_id")?,
        status: row.try_get("", "status")?,
        currency: row.try_get("", "currency")?,
        amount_total: row.try_get("", "amount_total")?,
        email: row.try_get("", "email")?,
    }))
}

/// The order number for a checkout: readable, and never reused because checkout
/// ids are not.
pub fn order_number(checkout_id: i32) -> String {
    format!("SF-{checkout_id:06}")
}

/// Turns a complete, paid session into its order, in the caller's transaction.
pub async fn fulfil(
    txn: &impl ConnectionTrait,
    facts: &SessionFacts,
    now: i64,
) -> Result<Fulfilment, AppError> {
    // Write first: SQLite then queues this transaction behind any other writer
    // instead of refusing it later, and PostgreSQL locks the checkout's row, so
    // racing fulfilments of one session take turns.
    txn.execute_raw(statement(
        txn,
        "UPDATE checkouts SET updated_at = updated_at WHERE stripe_session_id = $1",
        vec![facts.id.clone().into()],
    ))
    .await?;
    let Some(checkout) = checkout_by_session(txn, &facts.id).await? else {
        tracing::warn!(stripe_session = %facts.id, "a paid session this store did not create; no order made");
        return Ok(Fulfilment::Unknown);
    };
    if !(facts.complete && facts.paid) {
        return Ok(Fulfilment::NotPaid);
    }
    let amount_matches = facts.amount_total == Some(checkout.amount_total)
        && facts
            .currency
            .as_deref()
            .is_none_or(|c| c.eq_ignore_ascii_case(&checkout.currency));
    let stock_was_released = matches!(checkout.status.as_str(), "expired" | "failed" | "canceled");
    let needs_review = !amount_matches || stock_was_released;
    let number = order_number(checkout.id);
    let email = facts.email.clone().or_else(|| checkout.email.clone());

    let inserted = txn
        .query_one_raw(statement(
            txn,
            "INSERT INTO orders (number, checkout_id, stripe_session_id, user_id, guest_session_id, email, \
             currency, amount_total, stripe_amount_total, needs_review, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (stripe_session_id) DO NOTHING RETURNING id",
            vec![
                number.clone().into(),
                checkout.id.into(),
                facts.id.clone().into(),
                checkout.user_id.into(),
                checkout.session_id.clone().into(),
                email.into(),
                checkout.currency.clone().into(),
                checkout.amount_total.into(),
                facts.amount_total.into(),
                needs_review.into(),
                now.into(),
            ],
        ))
        .await?;
    let Some(row) = inserted else {
        let existing = txn
            .query_one_raw(statement(
                txn,
                "SELECT id FROM orders WHERE stripe_session_id = $1",
                vec![facts.id.clone().into()],
            ))
            .await?
            .ok_or(AppError::Internal)?;
        return Ok(Fulfilment::Placed {
            order_id: existing.try_get("", "id")?,
            number,
            created: false,
        });
    };
    let order_id: i32 = row.try_get("", "id")?;

    txn.execute_raw(statement(
        txn,
        "INSERT INTO order_items (order_id, product_id, name, unit_amount, quantity, line_total) \
         SELECT $1, product_id, name, unit_amount, quantity, line_total FROM checkout_lines \
         WHERE checkout_id = $2 ORDER BY id",
        vec![order_id.into(), checkout.id.into()],
    ))
    .await?;

    txn.execute_raw(statement(
        txn,
        "UPDATE checkouts SET status = 'paid', open_key = NULL, last_payment_error = NULL, updated_at = $1 \
         WHERE id = $2",
        vec![now.into(), checkout.id.into()],
    ))
    .await?;
    if stock_was_released {
        // Paid after its reservation lapsed: the goods are sold all the same.
        txn.execute_raw(statement(
            txn,
            "UPDATE products SET stock = CASE WHEN stock >= l.quantity THEN stock - l.quantity ELSE 0 END \
             FROM checkout_lines l WHERE l.checkout_id = $1 AND l.product_id = products.id",
            vec![checkout.id.into()],
        ))
        .await?;
        tracing::error!(order = %number, checkout = checkout.id, status = %checkout.status, "paid after its stock was released; flagged for review");
    }

    // The bought units leave the cart (or, after a sign-in, the account's cart).
    txn.execute_raw(statement(
        txn,
        "UPDATE cart_lines SET quantity = quantity - (SELECT l.quantity FROM checkout_lines l \
         WHERE l.checkout_id = $1 AND l.product_id = cart_lines.product_id) \
         WHERE cart_id IN (SELECT id FROM carts WHERE id = $2 OR open_key = $3) \
         AND quantity > (SELECT COALESCE(MAX(l.quantity), 2147483647) FROM checkout_lines l \
         WHERE l.checkout_id = $1 AND l.product_id = cart_lines.product_id)",
        vec![
            checkout.id.into(),
            checkout.cart_id.into(),
            account_cart_key(&checkout).into(),
        ],
    ))
    .await?;
    txn.execute_raw(statement(
        txn,
        "DELETE FROM cart_lines WHERE cart_id IN (SELECT id FROM carts WHERE id = $2 OR open_key = $3) \
         AND quantity <= (SELECT COALESCE(MAX(l.quantity), 0) FROM checkout_lines l \
         WHERE l.checkout_id = $1 AND l.product_id = cart_lines.product_id)",
        vec![
            checkout.id.into(),
            checkout.cart_id.into(),
            account_cart_key(&checkout).into(),
        ],
    ))
    .await?;

    if !amount_matches {
        tracing::error!(
            order = %number,
            expected = checkout.amount_total,
            stripe = ?facts.amount_total,
            "Stripe's amount differs from the checkout; the order is flagged for review"
        );
    }
    tracing::info!(order = %number, checkout = checkout.id, total = checkout.amount_total, "order placed");
    Ok(Fulfilment::Placed {
        order_id,
        number,
        created: true,
    })
}

/// The open-cart key of the account that owns the checkout, if one does.
fn account_cart_key(checkout: &CheckoutRecord) -> Option<String> {
    checkout.user_id.map(|id| Owner::User(id).open_key())
}

/// `checkout.session.completed` with `unpaid` (a delayed payment method).
pub async fn mark_processing(
    txn: &impl ConnectionTrait,
    stripe_session_id: &str,
    now: i64,
) -> Result<bool, AppError> {
    let changed = txn
        .execute_raw(statement(
            txn,
            "UPDATE checkouts SET status = 'processing', updated_at = $1 \
             WHERE stripe_session_id = $2 AND status = 'open'",
            vec![now.into(), stripe_session_id.into()],
        ))
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// The session will never be paid (expired, or a delayed payment failed): its
/// stock goes back on sale. The cart was never closed, so it is still there.
pub async fn close_unpaid(
    txn: &impl ConnectionTrait,
    stripe_session_id: &str,
    status: &str,
    now: i64,
) -> Result<bool, AppError> {
    let Some(checkout) = checkout_by_session(txn, stripe_session_id).await? else {
        tracing::info!(stripe_session = %stripe_session_id, "an event for a session this store did not create");
        return Ok(false);
    };
    release_in(txn, checkout.id, status, &["open", "processing"], now).await
}

/// A declined attempt: remembered for the cart page; the session stays open.
pub async fn record_payment_failure(
    txn: &impl ConnectionTrait,
    checkout_id: i32,
    message: &str,
    now: i64,
) -> Result<bool, AppError> {
    let changed = txn
        .execute_raw(statement(
            txn,
            "UPDATE checkouts SET last_payment_error = $1, updated_at = $2 \
             WHERE id = $3 AND status IN ('open', 'processing')",
            vec![message.into(), now.into(), checkout_id.into()],
        ))
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// At sign-in: the guest session's orders and checkouts become the account's.
pub async fn adopt_guest_orders(
    txn: &impl ConnectionTrait,
    guest_session_id: &str,
    user_id: i32,
) -> Result<(), AppError> {
    for table_column in [("orders", "guest_session_id"), ("checkouts", "session_id")] {
        txn.execute_raw(statement(
            txn,
            &format!(
                "UPDATE {} SET user_id = $1 WHERE {} = $2 AND user_id IS NULL",
                table_column.0, table_column.1
            ),
            vec![user_id.into(), guest_session_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// The reason the cart's last payment attempt was declined, while its checkout
/// is still open.
pub async fn last_payment_error(
    db: &impl ConnectionTrait,
    cart_id: i32,
) -> Result<Option<String>, AppError> {
    let row = db
        .query_one_raw(statement(
            db,
            "SELECT last_payment_error FROM checkouts WHERE open_key = $1",
            vec![cart_id.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get("", "last_payment_error")?,
        None => None,
    })
}

/// An order's owner fields, to check before showing it.
struct OrderRow {
    id: i32,
    number: String,
    user_id: Option<i32>,
    guest_session_id: Option<String>,
    email: Option<String>,
    currency: String,
    amount_total: i64,
    created_at: i64,
}

fn owns(order: &OrderRow, owner: Option<&Owner>) -> bool {
    owned_by(order.user_id, order.guest_session_id.as_deref(), owner)
}

const ORDER_COLUMNS: &str =
    "id, number, user_id, guest_session_id, email, currency, amount_total, created_at";

impl OrderRow {
    fn read(row: &sea_orm::QueryResult) -> Result<Self, AppError> {
        Ok(Self {
            id: row.try_get("", "id")?,
            number: row.try_get("", "number")?,
            user_id: row.try_get("", "user_id")?,
            guest_session_id: row.try_get("", "guest_session_id")?,
            email: row.try_get("", "email")?,
            currency: row.try_get("", "currency")?,
            amount_total: row.try_get("", "amount_total")?,
            created_at: row.try_get("", "created_at")?,
        })
    }
}

async fn order_row(
    db: &impl ConnectionTrait,
    column: &str,
    value: Value,
) -> Result<Option<OrderRow>, AppError> {
    let row = db
        .query_one_raw(statement(
            db,
            &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE {column} = $1"),
            vec![value],
        ))
        .await?;
    row.as_ref().map(OrderRow::read).transpose()
}

fn day(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

async fn view_of(db: &impl ConnectionTrait, order: OrderRow) -> Result<OrderView, AppError> {
    let currency = Currency::from_code(&order.currency).ok_or(AppError::Internal)?;
    let rows = db
        .query_all_raw(statement(
            db,
            "SELECT name, unit_amount, quantity, line_total FROM order_items WHERE order_id = $1 ORDER BY id",
            vec![order.id.into()],
        ))
        .await?;
    let items = rows
        .iter()
        .map(|row| {
            Ok(OrderItemView {
                name: row.try_get("", "name")?,
                quantity: row.try_get("", "quantity")?,
                unit_price: Money::new(row.try_get("", "unit_amount")?, currency),
                line_total: Money::new(row.try_get("", "line_total")?, currency),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(OrderView {
        number: order.number,
        placed_on: day(order.created_at),
        items,
        total: Money::new(order.amount_total, currency),
        email: order.email,
    })
}

/// The same answer for a missing order and someone else's: nothing leaks.
pub const ORDER_NOT_FOUND: &str = "We could not find that order.";

/// The order with this number, for its owner only.
pub async fn order_for(
    db: &impl ConnectionTrait,
    owner: Option<&Owner>,
    number: &str,
) -> Result<OrderView, AppError> {
    let order = order_row(db, "number", number.trim().into())
        .await?
        .filter(|order| owns(order, owner))
        .ok_or_else(|| AppError::not_found(ORDER_NOT_FOUND))?;
    view_of(db, order).await
}

/// The order made from a Stripe session, for its owner only.
pub async fn order_for_session(
    db: &impl ConnectionTrait,
    owner: Option<&Owner>,
    stripe_session_id: &str,
) -> Result<Option<OrderView>, AppError> {
    match order_row(db, "stripe_session_id", stripe_session_id.into()).await? {
        Some(order) if owns(&order, owner) => Ok(Some(view_of(db, order).await?)),
        Some(_) => Err(AppError::not_found(ORDER_NOT_FOUND)),
        None => Ok(None),
    }
}

/// A signed-in shopper's orders, newest first (including guest orders adopted
/// at sign-in).
pub async fn orders_of(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<OrderView>, AppError> {
    let rows = db
        .query_all_raw(statement(
            db,
            &format!(
                "SELECT {ORDER_COLUMNS} FROM orders WHERE user_id = $1 ORDER BY id DESC LIMIT 100"
            ),
            vec![user_id.into()],
        ))
        .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in &rows {
        orders.push(view_of(db, OrderRow::read(row)?).await?);
    }
    Ok(orders)
}

/// Sends the order confirmation once: the claim is a conditional update, so a
/// second caller (a redelivered event, the success page) sends nothing. Runs
/// after the order's transaction committed. A failure is logged; the order stands.
pub async fn send_confirmation(
    db: &DatabaseConnection,
    mailer: &Mailer,
    order_id: i32,
    now: i64,
) -> Result<bool, AppError> {
    let claimed = db
        .execute_raw(statement(
            db,
            "UPDATE orders SET confirmation_sent_at = $1 WHERE id = $2 AND confirmation_sent_at IS NULL",
            vec![now.into(), order_id.into()],
        ))
        .await?
        .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    let order = order_row(db, "id", order_id.into())
        .await?
        .ok_or(AppError::Internal)?;
    let Some(to) = order.email.clone() else {
        tracing::warn!(order = %order.number, "no email address for the order confirmation");
        return Ok(false);
    };
    let number = order.number.clone();
    let view = view_of(db, order).await?;
    let subject = format!("Your Shopfront order {number}");
    match mailer
        .send(&number, &to, &subject, confirmation_text(&view))
        .await
    {
        Ok(how) => {
            tracing::info!(order = %number, to = %to, "order confirmation {how}");
            Ok(true)
        }
        Err(why) => {
            tracing::error!(order = %number, "the order confirmation was not sent: {why}");
            Ok(false)
        }
    }
}

/// The confirmation's text: the order number, each line, the total.
pub fn confirmation_text(order: &OrderView) -> String {
    let mut body = format!("Thank you for your order.\n\nOrder {}\n\n", order.number);
    for item in &order.items {
        body.push_str(&format!(
            "{} x {}  {}\n",
            item.quantity, item.name, item.line_total
        ));
    }
    body.push_str(&format!("\nTotal paid: {}\n", order.total));
    body
}
