//! A checkout's hold on stock, as single statements. Each is raw SQL because the
//! check and the change must be one statement over rows that other checkouts
//! are changing at the same moment; the query builder would need a read and then
//! a write.

use sea_orm::ConnectionTrait;

use crate::error::AppError;
use crate::ssr::db::statement;

/// Takes `quantity` units of a product out of stock, only if that many are there.
///
/// Raw SQL because the check and the decrement must be one statement: a read
/// followed by a write would let two shoppers both take the last unit.
pub async fn take_stock(
    txn: &impl ConnectionTrait,
    product_id: i32,
    quantity: i32,
) -> Result<bool, AppError> {
    let taken = txn
        .execute_raw(statement(
            txn,
            "UPDATE products SET stock = stock - $1 WHERE id = $2 AND active AND stock >= $1",
            vec![quantity.into(), product_id.into()],
        ))
        .await?
        .rows_affected();
    Ok(taken == 1)
}

/// Puts `quantity` units of a product back on sale (a refunded order's units,
/// at the owner's word).
///
/// Raw SQL because the increment must be one statement: a read and a write
/// would lose a sale made between them.
pub async fn put_back(
    txn: &impl ConnectionTrait,
    product_id: i32,
    quantity: i32,
) -> Result<(), AppError> {
    txn.execute_raw(statement(
        txn,
        "UPDATE products SET stock = stock + $1 WHERE id = $2",
        vec![quantity.into(), product_id.into()],
    ))
    .await?;
    Ok(())
}

/// Changes a product's stock by `delta` units, only if it stays between zero
/// and `max`; whether it did.
///
/// Raw SQL because the check and the change must be one statement: units
/// reserved between a read and a write would be counted wrong.
pub async fn adjust_stock(
    txn: &impl ConnectionTrait,
    product_id: i32,
    delta: i32,
    max: i32,
) -> Result<bool, AppError> {
    let changed = txn
        .execute_raw(statement(
            txn,
            "UPDATE products SET stock = stock + $1 WHERE id = $2 AND stock + $1 >= 0 AND stock + $1 <= $3",
            vec![delta.into(), product_id.into(), max.into()],
        ))
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// Puts every unit a checkout reserved back on sale.
///
/// Raw SQL because it is one set-based update over the checkout's lines; the
/// query builder would need a read and a write per product.
pub async fn return_stock(txn: &impl ConnectionTrait, checkout_id: i32) -> Result<(), AppError> {
    txn.execute_raw(statement(
        txn,
        "UPDATE products SET stock = stock + (SELECT COALESCE(SUM(l.quantity), 0) FROM checkout_lines l \
         WHERE l.checkout_id = $1 AND l.product_id = products.id) \
         WHERE id IN (SELECT product_id FROM checkout_lines WHERE checkout_id = $1)",
        vec![checkout_id.into()],
    ))
    .await?;
    Ok(())
}

/// Paid after its reservation lapsed: the goods are sold all the same, down to
/// zero at the least.
///
/// Raw SQL because it is one set-based update of every product on the checkout,
/// each clamped at zero in the same statement.
pub async fn sell_released_stock(
    txn: &impl ConnectionTrait,
    checkout_id: i32,
) -> Result<(), AppError> {
    txn.execute_raw(statement(
        txn,
        "UPDATE products SET stock = CASE WHEN stock >= l.quantity THEN stock - l.quantity ELSE 0 END \
         FROM checkout_lines l WHERE l.checkout_id = $1 AND l.product_id = products.id",
        vec![checkout_id.into()],
    ))
    .await?;
    Ok(())
}

/// The units `client` holds in checkouts that still reserve stock.
pub(super) async fn units_held_by(
    txn: &impl ConnectionTrait,
    client: &str,
) -> Result<i64, AppError> {
    let row = txn
        .query_one_raw(statement(
            txn,
            "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) AS units \
             FROM checkout_lines l JOIN checkouts c ON c.id = l.checkout_id \
             WHERE c.client = $1 AND c.status IN ('creating', 'open', 'processing')",
            vec![client.into()],
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get::<i64>("", "units"))
        .transpose()?
        .unwrap_or(0))
}
