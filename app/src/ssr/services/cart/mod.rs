//! The shopper's cart: one open cart per owner, lines unique per product, prices
//! always read from the catalog. Every change that touches more than one row is
//! one transaction whose first statement writes, so SQLite queues concurrent
//! writers instead of failing them, and PostgreSQL row locks order them.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QueryTrait, StatementBuilder,
};

use crate::error::AppError;
use crate::ssr::db::{begin_write, statement};
use crate::ssr::domain::Owner;
use crate::ssr::entities::cart::{self, CartStatus};
use crate::ssr::entities::{cart_line, checkout as checkout_row, product};
use crate::ssr::services::{catalog, checkout};
use crate::types::MAX_LINE_QUANTITY;

mod merge;
mod view;
pub use merge::{merge_guest_cart, MergeOutcome};
pub use view::view;

/// The sentence for a line the shopper does not have (or that is not theirs: the
/// answer is the same, so nothing leaks).
pub const LINE_NOT_FOUND: &str = "That item is not in your cart.";

/// Reads a line quantity the shopper typed, allowing 1 to 99 and never more than
/// what is in stock.
pub fn parse_quantity(raw: &str, stock: i32) -> Result<i32, AppError> {
    check_quantity(parse_whole_number(raw, stock)?, stock)
}

/// The number the shopper typed, before any range check.
fn parse_whole_number(raw: &str, stock: i32) -> Result<i64, AppError> {
    raw.trim().parse().map_err(|_| {
        AppError::bad_request(format!(
            "The quantity must be a whole number. {}",
            range(stock)
        ))
    })
}

fn range(stock: i32) -> String {
    let ceiling = stock.min(MAX_LINE_QUANTITY);
    if ceiling <= 1 {
        "Only 1 is left, so the quantity must be 1.".to_owned()
    } else {
        format!("Choose a quantity from 1 to {ceiling}.")
    }
}

fn check_quantity(quantity: i64, stock: i32) -> Result<i32, AppError> {
    let ceiling = stock.min(MAX_LINE_QUANTITY);
    if quantity < 1 || quantity > i64::from(ceiling) {
        let why = if quantity > i64::from(stock) && stock < MAX_LINE_QUANTITY {
            format!("Only {stock} left in stock. {}", range(stock))
        } else {
            range(stock)
        };
        return Err(AppError::bad_request(why));
    }
    i32::try_from(quantity).map_err(|_| AppError::Internal)
}

/// The owner's open cart, created if they have none. Always writes first (an
/// insert that does nothing when the cart exists), so it can open a transaction.
async fn ensure_open_cart(
    db: &impl ConnectionTrait,
    owner: &Owner,
    now: i64,
) -> Result<i32, AppError> {
    let (user_id, session_id) = owner.columns();
    cart::Entity::insert(cart::ActiveModel {
        user_id: Set(user_id),
        session_id: Set(session_id),
        open_key: Set(Some(owner.open_key())),
        status: Set(CartStatus::Open),
        notice: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([cart::Column::OpenKey])
    .exec_without_returning(db)
    .await?;
    open_cart(db, owner)
        .await?
        .map(|cart| cart.id)
        .ok_or(AppError::Internal)
}

/// The owner's open cart, made if there is none, and marked changed now (its
/// one-time notice read); its id.
///
/// Raw SQL because it is one statement where finding, making and touching the
/// cart were three, on every add; and the query builder cannot return the row
/// an upsert updated on SQLite.
async fn touch_open_cart(
    db: &impl ConnectionTrait,
    owner: &Owner,
    now: i64,
) -> Result<i32, AppError> {
    let (user_id, session_id) = owner.columns();
    let row = db
        .query_one_raw(statement(
            db,
            "INSERT INTO carts (user_id, session_id, open_key, status, notice, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, NULL, $5, $6) \
             ON CONFLICT (open_key) DO UPDATE SET updated_at = excluded.updated_at, notice = NULL \
             RETURNING id",
            vec![
                user_id.into(),
                session_id.into(),
                owner.open_key().into(),
                CartStatus::Open.to_value().into(),
                now.into(),
                now.into(),
            ],
        ))
        .await?
        .ok_or(AppError::Internal)?;
    Ok(row.try_get("", "id")?)
}

async fn open_cart(
    db: &impl ConnectionTrait,
    owner: &Owner,
) -> Result<Option<cart::Model>, AppError> {
    Ok(cart::Entity::find()
        .filter(cart::Column::OpenKey.eq(owner.open_key()))
        .one(db)
        .await?)
}

/// Something changed: the cart's one-time notice has been read.
async fn touch(db: &impl ConnectionTrait, cart_id: i32, now: i64) -> Result<(), AppError> {
    cart::Entity::update_many()
        .col_expr(cart::Column::UpdatedAt, Expr::value(now))
        .col_expr(cart::Column::Notice, Expr::value(Option::<String>::None))
        .filter(cart::Column::Id.eq(cart_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A product and quantity that may go into a cart, checked before anything is
/// written, so that a refused add starts no session.
pub struct Addition {
    product: product::Model,
    quantity: i32,
}

impl Addition {
    /// Checks the product is sold and in stock and the quantity is allowed.
    pub async fn check(
        db: &DatabaseConnection,
        slug: &str,
        quantity: &str,
    ) -> Result<Self, AppError> {
        let product = catalog::find_active(db, slug).await?;
        if product.stock <= 0 {
            return Err(AppError::Conflict(format!("{} is sold out.", product.name)));
        }
        let quantity = parse_quantity(quantity, product.stock)?;
        Ok(Self { product, quantity })
    }
}

/// Adds a checked addition to the owner's open cart.
pub async fn add_checked(
    db: &DatabaseConnection,
    owner: &Owner,
    wanted: Addition,
    now: i64,
) -> Result<(), AppError> {
    let Addition { product, quantity } = wanted;
    let ceiling = product.stock.min(MAX_LINE_QUANTITY);

    let (_turn, txn) = begin_write(db).await?;
    let cart_id = touch_open_cart(&txn, owner, now).await?;
    let line = NewUnits {
        cart_id,
        product_id: product.id,
        quantity,
        unit_amount: product.price_minor,
    };
    if !add_within(&txn, &line, ceiling, now).await? {
        let held = cart_line::Entity::find()
            .filter(cart_line::Column::CartId.eq(cart_id))
            .filter(cart_line::Column::ProductId.eq(product.id))
            .one(&txn)
            .await?
            .map_or(0, |line| line.quantity);
        txn.rollback().await?;
        let room = (ceiling - held).max(0);
        return Err(AppError::bad_request(if room == 0 {
            format!(
                "Your cart already holds {held} of {}, the most you can buy.",
                product.name
            )
        } else {
            format!(
                "Your cart already holds {held} of {}; you can add up to {room} more.",
                product.name
            )
        }));
    }
    txn.commit().await?;
    Ok(())
}

/// Units of one product going into a cart, at the catalogue's price now.
struct NewUnits {
    cart_id: i32,
    product_id: i32,
    quantity: i32,
    unit_amount: i64,
}

/// Adds units to the cart's line for a product (making the line if there is
/// none), only while the line stays within `ceiling`; `false` when it would not.
/// The line then remembers today's price: the shopper has just seen it.
///
/// Raw SQL because the upsert and its `WHERE` must be one statement: two adds
/// racing each other cannot then pass the ceiling together, and the query
/// builder's `ON CONFLICT` has no `WHERE` on its update.
async fn add_within(
    txn: &impl ConnectionTrait,
    line: &NewUnits,
    ceiling: i32,
    now: i64,
) -> Result<bool, AppError> {
    let changed = txn
        .execute_raw(statement(
            txn,
            "INSERT INTO cart_lines (cart_id, product_id, quantity, created_at, added_unit_amount) \
             VALUES ($1, $2, $3, $4, $6) ON CONFLICT (cart_id, product_id) DO UPDATE \
             SET quantity = cart_lines.quantity + excluded.quantity, added_unit_amount = excluded.added_unit_amount \
             WHERE cart_lines.quantity + excluded.quantity <= $5",
            vec![
                line.cart_id.into(),
                line.product_id.into(),
                line.quantity.into(),
                now.into(),
                ceiling.into(),
                line.unit_amount.into(),
            ],
        ))
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// The owner's line `line_id`, with its product; a line in anyone else's cart is
/// answered exactly like a missing one.
async fn owned_line(
    db: &impl ConnectionTrait,
    owner: &Owner,
    line_id: &str,
) -> Result<(cart::Model, cart_line::Model), AppError> {
    let not_found = || AppError::not_found(LINE_NOT_FOUND);
    let line_id: i32 = line_id.trim().parse().map_err(|_| not_found())?;
    let cart = open_cart(db, owner).await?.ok_or_else(not_found)?;
    let line = cart_line::Entity::find_by_id(line_id)
        .filter(cart_line::Column::CartId.eq(cart.id))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    Ok((cart, line))
}

/// Sets a line's quantity: the typed `quantity`, moved by `step` (-1 or +1) when
/// the shopper pressed Minus or Plus.
pub async fn set_quantity(
    db: &DatabaseConnection,
    owner: &Owner,
    line_id: &str,
    quantity: &str,
    step: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let (cart, line) = owned_line(db, owner, line_id).await?;
    let product = product::Entity::find_by_id(line.product_id)
        .one(db)
        .await?
        .filter(|p| p.active)
        .ok_or_else(|| {
            AppError::Conflict("That product is no longer sold; you can remove it.".to_owned())
        })?;
    let typed = parse_whole_number(quantity, product.stock)?;
    let step: i64 = match step.map(str::trim) {
        None | Some("") | Some("0") => 0,
        Some("-1") => -1,
        Some("1") | Some("+1") => 1,
        Some(_) => {
            return Err(AppError::bad_request(
                "A quantity can only step up or down by one.",
            ))
        }
    };
    let wanted = check_quantity(typed.saturating_add(step), product.stock)?;

    let change = cart_line::Entity::update_many()
        .col_expr(cart_line::Column::Quantity, Expr::value(wanted))
        .filter(cart_line::Column::Id.eq(line.id))
        .filter(cart_line::Column::CartId.eq(cart.id))
        .into_query();
    change_line(db, cart.id, now, &change).await
}

/// Takes a line out of the owner's cart.
pub async fn remove_line(
    db: &DatabaseConnection,
    owner: &Owner,
    line_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let (cart, line) = owned_line(db, owner, line_id).await?;
    let change = cart_line::Entity::delete_many()
        .filter(cart_line::Column::Id.eq(line.id))
        .filter(cart_line::Column::CartId.eq(cart.id))
        .into_query();
    change_line(db, cart.id, now, &change).await
}

/// Runs one change to a line of cart `cart_id` and clears the cart's notice, in
/// one transaction; a change that touched no row means the line is gone.
async fn change_line(
    db: &DatabaseConnection,
    cart_id: i32,
    now: i64,
    change: &impl StatementBuilder,
) -> Result<(), AppError> {
    let (_turn, txn) = begin_write(db).await?;
    if txn.execute(change).await?.rows_affected() == 0 {
        txn.rollback().await?;
        return Err(AppError::not_found(LINE_NOT_FOUND));
    }
    touch(&txn, cart_id, now).await?;
    txn.commit().await?;
    Ok(())
}

/// What cart `cart_id` asks to pay for, in the order the lines were added.
pub async fn wanted(
    db: &impl ConnectionTrait,
    cart_id: i32,
) -> Result<Vec<checkout::Wanted>, AppError> {
    Ok(cart_line::Entity::find()
        .filter(cart_line::Column::CartId.eq(cart_id))
        .order_by_asc(cart_line::Column::CreatedAt)
        .order_by_asc(cart_line::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|line| checkout::Wanted {
            product_id: line.product_id,
            quantity: line.quantity,
        })
        .collect())
}

/// The bought units leave the cart that paid (or, after a sign-in, the account's
/// open cart): a line bought whole is deleted, a line the shopper has since raised
/// keeps the difference.
///
/// Raw SQL because each statement must compare every cart line with its
/// checkout line in one pass, inside the fulfilment's transaction; reading the
/// lines first and writing them after would race the shopper's own changes.
pub async fn remove_bought_units(
    txn: &impl ConnectionTrait,
    checkout: &checkout_row::Model,
) -> Result<(), AppError> {
    let account_cart_key = checkout.user_id.map(|id| Owner::User(id).open_key());
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
            account_cart_key.clone().into(),
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
            account_cart_key.into(),
        ],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_quantities_within_stock_and_the_line_limit() {
        assert_eq!(parse_quantity("1", 40), Ok(1));
        assert_eq!(parse_quantity(" 12 ", 40), Ok(12));
        assert_eq!(parse_quantity("99", 500), Ok(99));
    }

    #[test]
    fn refuses_out_of_range_quantities_with_the_range() {
        for raw in ["0", "-3", "100", "1000000000000000000000"] {
            let err = parse_quantity(raw, 500).unwrap_err();
            assert_eq!(err.status(), 400, "{raw}");
            assert!(err.to_string().contains("from 1 to 99"), "{raw}: {err}");
        }
    }

    #[test]
    fn refuses_more_than_is_in_stock() {
        let err = parse_quantity("4", 3).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Only 3 left in stock. Choose a quantity from 1 to 3."
        );
    }

    #[test]
    fn refuses_text_that_is_not_a_number() {
        for raw in ["", "two", "1.5", "1e3", "'; DROP TABLE products; --"] {
            let err = parse_quantity(raw, 40).unwrap_err();
            assert_eq!(err.status(), 400);
            assert!(
                err.to_string()
                    .starts_with("The quantity must be a whole number."),
                "{raw}"
            );
        }
    }
}
