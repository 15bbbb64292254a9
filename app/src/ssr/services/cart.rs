//! The shopper's cart: one open cart per owner, lines unique per product, prices
//! always read from the catalog. Every change that touches more than one row is
//! one transaction whose first statement writes, so SQLite queues concurrent
//! writers instead of failing them, and PostgreSQL row locks order them.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait, Value,
};
use std::collections::HashMap;

use crate::error::AppError;
use crate::ssr::db::statement;
use crate::ssr::entities::{cart, cart_line, product, session};
use crate::ssr::services::catalog;
use crate::types::{CartLineView, CartView, MAX_LINE_QUANTITY};

/// The sentence for a line the shopper does not have (or that is not theirs: the
/// answer is the same, so nothing leaks).
pub const LINE_NOT_FOUND: &str = "That item is not in your cart.";

/// Who a cart belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    User(i32),
    /// A guest, by session id.
    Guest(String),
}

impl Owner {
    /// The owner of a session's cart: the account when signed in, else the session.
    pub fn of(session: &session::Model) -> Self {
        match session.user_id {
            Some(user_id) => Self::User(user_id),
            None => Self::Guest(session.id.clone()),
        }
    }

    /// The value of `carts.open_key` for this owner's open cart.
    pub fn open_key(&self) -> String {
        match self {
            Self::User(id) => format!("user:{id}"),
            Self::Guest(session) => format!("session:{session}"),
        }
    }
}

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
    let (user_id, session_id): (Option<i32>, Option<String>) = match owner {
        Owner::User(id) => (Some(*id), None),
        Owner::Guest(session) => (None, Some(session.clone())),
    };
    db.execute_raw(statement(
        db,
        "INSERT INTO carts (user_id, session_id, open_key, status, notice, created_at, updated_at) \
         VALUES ($1, $2, $3, 'open', NULL, $4, $4) ON CONFLICT (open_key) DO NOTHING",
        vec![user_id.into(), session_id.into(), owner.open_key().into(), now.into()],
    ))
    .await?;
    open_cart(db, owner)
        .await?
        .map(|cart| cart.id)
        .ok_or(AppError::Internal)
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
    db.execute_raw(statement(
        db,
        "UPDATE carts SET updated_at = $1, notice = NULL WHERE id = $2",
        vec![now.into(), cart_id.into()],
    ))
    .await?;
    Ok(())
}

/// Adds `quantity` of a product to the owner's cart, never past 99 or the stock.
pub async fn add_to_cart(
    db: &DatabaseConnection,
    owner: &Owner,
    slug: &str,
    quantity: &str,
    now: i64,
) -> Result<(), AppError> {
    let wanted = Addition::check(db, slug, quantity).await?;
    add_checked(db, owner, wanted, now).await
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

    let txn = db.begin().await?;
    let cart_id = ensure_open_cart(&txn, owner, now).await?;
    // One statement adds or tops up the line, and only while it stays within the
    // ceiling: two adds racing cannot pass it.
    let changed = txn
        .execute_raw(statement(
            &txn,
            "INSERT INTO cart_lines (cart_id, product_id, quantity, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = cart_lines.quantity + excluded.quantity \
             WHERE cart_lines.quantity + excluded.quantity <= $5",
            vec![cart_id.into(), product.id.into(), quantity.into(), now.into(), ceiling.into()],
        ))
        .await?
        .rows_affected();
    if changed == 0 {
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
    touch(&txn, cart_id, now).await?;
    txn.commit().await?;
    Ok(())
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

    change_line(
        db,
        cart.id,
        now,
        "UPDATE cart_lines SET quantity = $1 WHERE id = $2 AND cart_id = $3",
        vec![wanted.into(), line.id.into(), cart.id.into()],
    )
    .await
}

/// Takes a line out of the owner's cart.
pub async fn remove_line(
    db: &DatabaseConnection,
    owner: &Owner,
    line_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let (cart, line) = owned_line(db, owner, line_id).await?;
    change_line(
        db,
        cart.id,
        now,
        "DELETE FROM cart_lines WHERE id = $1 AND cart_id = $2",
        vec![line.id.into(), cart.id.into()],
    )
    .await
}

/// Runs one statement on a line of cart `cart_id` and clears the cart's notice, in
/// one transaction; a statement that touched no row means the line is gone.
async fn change_line(
    db: &DatabaseConnection,
    cart_id: i32,
    now: i64,
    sql: &str,
    values: Vec<Value>,
) -> Result<(), AppError> {
    let txn = db.begin().await?;
    let changed = txn
        .execute_raw(statement(&txn, sql, values))
        .await?
        .rows_affected();
    if changed == 0 {
        txn.rollback().await?;
        return Err(AppError::not_found(LINE_NOT_FOUND));
    }
    touch(&txn, cart_id, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The owner's cart, priced from the catalog now.
pub async fn view(db: &impl ConnectionTrait, owner: Option<&Owner>) -> Result<CartView, AppError> {
    let Some(owner) = owner else {
        return Ok(CartView::empty());
    };
    let Some(cart) = open_cart(db, owner).await? else {
        return Ok(CartView::empty());
    };
    let lines = cart_line::Entity::find()
        .filter(cart_line::Column::CartId.eq(cart.id))
        .order_by_asc(cart_line::Column::CreatedAt)
        .order_by_asc(cart_line::Column::Id)
        .all(db)
        .await?;
    let products: HashMap<i32, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(lines.iter().map(|l| l.product_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();

    // Units this cart's own open checkout holds in reserve are still the shopper's.
    let reserved: HashMap<i32, i32> = db
        .query_all_raw(statement(
            db,
            "SELECT l.product_id, l.quantity FROM checkout_lines l \
             JOIN checkouts k ON k.id = l.checkout_id WHERE k.open_key = $1",
            vec![cart.id.into()],
        ))
        .await?
        .iter()
        .map(|row| Ok((row.try_get("", "product_id")?, row.try_get("", "quantity")?)))
        .collect::<Result<_, AppError>>()?;
    let mut view = CartView {
        cart_id: Some(cart.id),
        notice: cart.notice,
        payment_error: crate::ssr::services::orders::last_payment_error(db, cart.id).await?,
        ..CartView::empty()
    };
    for line in lines {
        let Some(product) = products.get(&line.product_id) else {
            continue;
        };
        let unit_price = catalog::price_of(product)?;
        let line_total = unit_price
            .checked_mul(i64::from(line.quantity))
            .ok_or(AppError::Internal)?;
        let stock = product
            .stock
            .saturating_add(reserved.get(&product.id).copied().unwrap_or(0));
        let available = product.active && stock >= line.quantity;
        if available {
            view.subtotal = view.subtotal.checked_add(line_total).ok_or_else(|| {
                tracing::error!(cart = cart.id, "cart mixes currencies or overflows");
                AppError::Internal
            })?;
            view.item_count += u32::try_from(line.quantity).unwrap_or(0);
        }
        view.lines.push(CartLineView {
            id: line.id,
            slug: product.slug.clone(),
            name: product.name.clone(),
            image_path: product.image_path.clone(),
            unit_price,
            quantity: line.quantity,
            line_total,
            max_quantity: stock.clamp(1, MAX_LINE_QUANTITY),
            available,
        });
    }
    Ok(view)
}

/// How many units the owner's cart holds, for the header badge.
///
/// One query on every page, counting exactly what [`view`] counts: units of lines
/// whose product is still sold and in stock for that quantity.
pub async fn item_count(db: &impl ConnectionTrait, owner: Option<&Owner>) -> Result<u32, AppError> {
    let Some(owner) = owner else {
        return Ok(0);
    };
    let row = db
        .query_one_raw(statement(
            db,
            "SELECT COALESCE(SUM(l.quantity), 0) AS units FROM cart_lines l \
             JOIN carts c ON c.id = l.cart_id JOIN products p ON p.id = l.product_id \
             WHERE c.open_key = $1 AND p.active AND p.stock + COALESCE((SELECT SUM(r.quantity) \
             FROM checkout_lines r JOIN checkouts k ON k.id = r.checkout_id \
             WHERE k.open_key = c.id AND r.product_id = p.id), 0) >= l.quantity",
            vec![owner.open_key().into()],
        ))
        .await?;
    let units: i64 = match row {
        Some(row) => row.try_get("", "units")?,
        None => 0,
    };
    u32::try_from(units).map_err(|_| AppError::Internal)
}

/// What a merge did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MergeOutcome {
    /// Whether a guest cart was found and folded in.
    pub merged: bool,
    /// Sentences about lines that could not come over whole.
    pub notes: Vec<String>,
}

/// Folds a guest session's open cart into the account's open cart, in one
/// transaction: quantities of the same product add up, capped at 99 and at the
/// stock (the cart page then says so), and the guest cart is closed.
///
/// Closing the guest cart is the first statement and is conditional on it being
/// open, so a second run (or a racing sign-in from the same guest) finds nothing
/// to move and changes nothing.
pub async fn merge_guest_cart(
    db: &DatabaseConnection,
    guest_session_id: &str,
    user_id: i32,
    now: i64,
) -> Result<MergeOutcome, AppError> {
    let guest = Owner::Guest(guest_session_id.to_owned());
    let account = Owner::User(user_id);
    let txn = db.begin().await?;

    let closed = txn
        .query_one_raw(statement(
            &txn,
            "UPDATE carts SET status = 'merged', open_key = NULL, updated_at = $1 \
             WHERE open_key = $2 RETURNING id",
            vec![now.into(), guest.open_key().into()],
        ))
        .await?;
    // Orders placed as a guest in this browser become the account's, whether or
    // not there is a cart to bring over.
    crate::ssr::services::orders::adopt_guest_orders(&txn, guest_session_id, user_id).await?;
    let Some(row) = closed else {
        txn.commit().await?;
        return Ok(MergeOutcome::default());
    };
    let guest_cart_id: i32 = row.try_get("", "id")?;

    let guest_lines = cart_line::Entity::find()
        .filter(cart_line::Column::CartId.eq(guest_cart_id))
        .order_by_asc(cart_line::Column::Id)
        .all(&txn)
        .await?;
    let mut outcome = MergeOutcome {
        merged: true,
        notes: Vec::new(),
    };
    if guest_lines.is_empty() {
        txn.commit().await?;
        return Ok(outcome);
    }

    let account_cart_id = ensure_open_cart(&txn, &account, now).await?;
    let held: HashMap<i32, i32> = cart_line::Entity::find()
        .filter(cart_line::Column::CartId.eq(account_cart_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|line| (line.product_id, line.quantity))
        .collect();
    let products: HashMap<i32, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(guest_lines.iter().map(|l| l.product_id)))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();

    for line in guest_lines {
        let Some(product) = products.get(&line.product_id).filter(|p| p.active) else {
            continue;
        };
        let already = held.get(&product.id).copied().unwrap_or(0);
        let ceiling = product.stock.min(MAX_LINE_QUANTITY);
        let wanted = already.saturating_add(line.quantity);
        let kept = wanted.min(ceiling).max(already);
        if kept < wanted {
            outcome.notes.push(if ceiling <= 0 {
                format!("{} is sold out, so it was not added.", product.name)
            } else if product.stock <= MAX_LINE_QUANTITY {
                format!("{} is now {kept}, all we have in stock.", product.name)
            } else {
                format!("{} is now {kept}, the most per order.", product.name)
            });
        }
        if kept == 0 || kept == already {
            continue;
        }
        txn.execute_raw(statement(
            &txn,
            "INSERT INTO cart_lines (cart_id, product_id, quantity, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity",
            vec![account_cart_id.into(), product.id.into(), kept.into(), now.into()],
        ))
        .await?;
    }

    let notice = if outcome.notes.is_empty() {
        None
    } else {
        Some(format!(
            "We brought your cart over from before you signed in. {}",
            outcome.notes.join(" ")
        ))
    };
    txn.execute_raw(statement(
        &txn,
        "UPDATE carts SET updated_at = $1, notice = $2 WHERE id = $3",
        vec![now.into(), notice.into(), account_cart_id.into()],
    ))
    .await?;
    txn.commit().await?;
    Ok(outcome)
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

    #[test]
    fn owners_have_distinct_open_keys() {
        assert_eq!(Owner::User(7).open_key(), "user:7");
        assert_eq!(Owner::Guest("ab".into()).open_key(), "session:ab");
    }
}
