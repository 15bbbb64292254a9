//! The cart as the shopper sees it, read in one statement.

use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::error::AppError;
use crate::ssr::db::statement;
use crate::ssr::domain::Owner;
use crate::ssr::entities::product;
use crate::ssr::services::catalog;
use crate::types::{CartLineView, CartView, Money, MAX_LINE_QUANTITY};

/// The open cart, each of its lines with its product, and the units of that
/// product the cart's own live checkout holds in reserve (still the shopper's).
/// A cart with no lines is one row whose line columns are empty.
///
/// Raw SQL because the cart page and the header's badge read it on every page:
/// one statement where the cart, its lines, the catalog and the checkout's
/// reservations were five round trips.
const CART_ROWS: &str = "SELECT c.id AS cart_id, c.notice AS notice, \
     k.last_payment_error AS payment_error, \
     l.id AS line_id, l.quantity AS quantity, l.added_unit_amount AS added_unit_amount, \
     p.id AS id, p.slug AS slug, p.name AS name, p.description AS description, \
     p.image_path AS image_path, p.price_minor AS price_minor, p.currency AS currency, \
     p.stock AS stock, p.active AS active, \
     COALESCE((SELECT SUM(r.quantity) FROM checkout_lines r \
     WHERE r.checkout_id = k.id AND r.product_id = p.id), 0) AS reserved \
     FROM carts c \
     LEFT JOIN checkouts k ON k.live_cart_id = c.id \
     LEFT JOIN cart_lines l ON l.cart_id = c.id \
     LEFT JOIN products p ON p.id = l.product_id \
     WHERE c.open_key = $1 \
     ORDER BY l.created_at, l.id";

#[derive(FromQueryResult)]
struct CartRow {
    cart_id: i32,
    notice: Option<String>,
    payment_error: Option<String>,
    line_id: Option<i32>,
    quantity: Option<i32>,
    added_unit_amount: Option<i64>,
    #[sea_orm(nested)]
    product: Option<product::Model>,
    reserved: i64,
}

/// The owner's cart, priced from the catalog now.
pub async fn view(db: &impl ConnectionTrait, owner: Option<&Owner>) -> Result<CartView, AppError> {
    let Some(owner) = owner else {
        return Ok(CartView::empty());
    };
    let rows = CartRow::find_by_statement(statement(db, CART_ROWS, vec![owner.open_key().into()]))
        .all(db)
        .await?;
    let Some(first) = rows.first() else {
        return Ok(CartView::empty());
    };
    let mut view = CartView {
        cart_id: Some(first.cart_id),
        notice: first.notice.clone(),
        payment_error: first.payment_error.clone(),
        ..CartView::empty()
    };
    for row in rows {
        let (Some(id), Some(quantity), Some(product)) = (row.line_id, row.quantity, row.product)
        else {
            continue;
        };
        let unit_price = catalog::price_of(&product)?;
        let line_total = unit_price
            .checked_mul(i64::from(quantity))
            .ok_or(AppError::Internal)?;
        let reserved = i32::try_from(row.reserved).unwrap_or(i32::MAX);
        let stock = product.stock.saturating_add(reserved);
        let available = product.active && stock >= quantity;
        if available {
            // The first line sets the currency: the store's, whatever it is.
            view.subtotal = if view.item_count == 0 {
                line_total
            } else {
                view.subtotal.checked_add(line_total).ok_or_else(|| {
                    tracing::error!(cart = row.cart_id, "cart mixes currencies or overflows");
                    AppError::Internal
                })?
            };
            view.item_count += u32::try_from(quantity).unwrap_or(0);
        }
        // Said only in the same currency: a repriced store has no "was".
        let was_price = row
            .added_unit_amount
            .filter(|was| *was != unit_price.minor)
            .map(|was| Money::new(was, unit_price.currency));
        view.lines.push(CartLineView {
            id,
            slug: product.slug,
            name: product.name,
            image_path: product.image_path,
            unit_price,
            was_price,
            quantity,
            line_total,
            max_quantity: stock.clamp(1, MAX_LINE_QUANTITY),
            available,
        });
    }
    Ok(view)
}
