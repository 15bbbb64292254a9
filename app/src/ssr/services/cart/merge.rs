//! A guest's cart folded into the account's at sign-in.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use std::collections::HashMap;

use super::ensure_open_cart;
use crate::error::AppError;
use crate::ssr::db::begin_write;
use crate::ssr::domain::Owner;
use crate::ssr::entities::cart::{self, CartStatus};
use crate::ssr::entities::cart_line;
use crate::ssr::services::{catalog, checkout, orders};
use crate::types::MAX_LINE_QUANTITY;

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
    let (_turn, txn) = begin_write(db).await?;

    let closed = cart::Entity::update_many()
        .col_expr(cart::Column::Status, Expr::value(CartStatus::Merged))
        .col_expr(cart::Column::OpenKey, Expr::value(Option::<String>::None))
        .col_expr(cart::Column::UpdatedAt, Expr::value(now))
        .filter(cart::Column::OpenKey.eq(guest.open_key()))
        .exec_with_returning(&txn)
        .await?;
    // Orders and checkouts made as a guest in this browser become the account's,
    // whether or not there is a cart to bring over.
    orders::adopt_guest_orders(&txn, guest_session_id, user_id).await?;
    checkout::adopt_guest_checkouts(&txn, guest_session_id, user_id).await?;
    let Some(guest_cart_id) = closed.first().map(|cart| cart.id) else {
        txn.commit().await?;
        return Ok(MergeOutcome::default());
    };

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
    let products = catalog::by_ids(&txn, guest_lines.iter().map(|l| l.product_id)).await?;

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
        cart_line::Entity::insert(cart_line::ActiveModel {
            cart_id: Set(account_cart_id),
            product_id: Set(product.id),
            quantity: Set(kept),
            created_at: Set(now),
            added_unit_amount: Set(line.added_unit_amount),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([cart_line::Column::CartId, cart_line::Column::ProductId])
                .update_column(cart_line::Column::Quantity)
                .to_owned(),
        )
        .exec_without_returning(&txn)
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
    cart::Entity::update_many()
        .col_expr(cart::Column::UpdatedAt, Expr::value(now))
        .col_expr(cart::Column::Notice, Expr::value(notice))
        .filter(cart::Column::Id.eq(account_cart_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(outcome)
}
