//! The back office's order list: filtered, newest first, a page at a time by
//! keyset (`id < before`), never by OFFSET, so the thousandth page costs what
//! the first does. The CSV export walks the same pages.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::error::AppError;
use crate::ssr::entities::order::{self, OrderStatus};
use crate::ssr::services::accounts;
use crate::ssr::services::orders::status_label;
use crate::types::admin::{AdminOrderPage, AdminOrderRow, OrderFilter};
use crate::types::{Currency, Money};

/// Orders on one page of the list.
pub const PAGE_SIZE: u64 = 50;

/// A checked filter, ready to be a `WHERE`.
#[derive(Clone, Debug)]
pub struct Checked {
    condition: Condition,
}

fn day_start(text: &str, field: &str) -> Result<i64, AppError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc().timestamp())
        .ok_or_else(|| {
            AppError::bad_request(format!(
                "The {field} date must be a day written as YYYY-MM-DD, such as 2026-11-30."
            ))
        })
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Checks the filter the owner sent; a clear sentence for anything it cannot be.
pub fn check(filter: &OrderFilter) -> Result<Checked, AppError> {
    let mut condition = Condition::all();
    if let Some(status) = given(&filter.status) {
        condition = condition.add(match status {
            "shipped" => order::Column::ShippedAt.is_not_null(),
            "paid" => order::Column::Status.eq(OrderStatus::Paid),
            "on_hold" => order::Column::Status.eq(OrderStatus::OnHold),
            "partially_refunded" => order::Column::Status.eq(OrderStatus::PartiallyRefunded),
            "refunded" => order::Column::Status.eq(OrderStatus::Refunded),
            "disputed" => order::Column::Status.is_in([
                OrderStatus::Disputed,
                OrderStatus::DisputeWon,
                OrderStatus::DisputeLost,
            ]),
            _ => {
                return Err(AppError::bad_request(
                    "Choose a status from the list, or any status.",
                ))
            }
        });
    }
    if let Some(mode) = given(&filter.mode) {
        condition = condition.add(match mode {
            "live" => order::Column::Livemode.eq(true),
            "test" => order::Column::Livemode.eq(false),
            _ => return Err(AppError::bad_request("Choose test, live, or both.")),
        });
    }
    let from = given(&filter.from)
        .map(|day| day_start(day, "first"))
        .transpose()?;
    let to = given(&filter.to)
        .map(|day| day_start(day, "last").map(|start| start + 24 * 60 * 60))
        .transpose()?;
    if let (Some(from), Some(to)) = (from, to) {
        if from >= to {
            return Err(AppError::bad_request(
                "The first date must not be after the last.",
            ));
        }
    }
    if let Some(from) = from {
        condition = condition.add(order::Column::CreatedAt.gte(from));
    }
    if let Some(to) = to {
        condition = condition.add(order::Column::CreatedAt.lt(to));
    }
    if let Some(q) = given(&filter.q) {
        if q.chars().count() > 254 {
            return Err(AppError::bad_request(
                "Search for an order number or an email address.",
            ));
        }
        condition = condition.add(if q.contains('@') {
            let email = accounts::normalize_email(q).unwrap_or_else(|_| q.to_lowercase());
            order::Column::Email.eq(email)
        } else {
            order::Column::Number.eq(order_number(q))
        });
    }
    Ok(Checked { condition })
}

/// `sf-42`, `42` and `SF-000042` all name order SF-000042.
fn order_number(q: &str) -> String {
    let upper = q.trim().to_ascii_uppercase();
    let digits = upper.strip_prefix("SF-").unwrap_or(&upper);
    match digits.parse::<u32>() {
        Ok(n) if digits.bytes().all(|b| b.is_ascii_digit()) => format!("SF-{n:06}"),
        _ => upper,
    }
}

/// Up to `limit` orders matching `filter`, older than the order `before`.
pub async fn rows(
    db: &impl ConnectionTrait,
    filter: &Checked,
    before: Option<i32>,
    limit: u64,
) -> Result<Vec<order::Model>, AppError> {
    let mut query = order::Entity::find().filter(filter.condition.clone());
    if let Some(before) = before {
        query = query.filter(order::Column::Id.lt(before));
    }
    Ok(query
        .order_by_desc(order::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// One page of the list, and the keyset of the next.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Checked,
    before: Option<i32>,
) -> Result<AdminOrderPage, AppError> {
    let mut found = rows(db, filter, before, PAGE_SIZE + 1).await?;
    let next_before = if found.len() as u64 > PAGE_SIZE {
        found.truncate(PAGE_SIZE as usize);
        found.last().map(|row| row.id)
    } else {
        None
    };
    Ok(AdminOrderPage {
        rows: found.iter().map(row_of).collect::<Result<_, _>>()?,
        next_before,
    })
}

fn minute(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn row_of(order: &order::Model) -> Result<AdminOrderRow, AppError> {
    let currency = Currency::from_code(&order.currency).ok_or(AppError::Internal)?;
    Ok(AdminOrderRow {
        number: order.number.clone(),
        placed_at: minute(order.created_at),
        email: order.email.clone(),
        status: status_label(order.status, order.shipped_at.is_some()).to_owned(),
        shipped: order.shipped_at.is_some(),
        test: !order.livemode,
        total: Money::new(order.amount_total, currency),
        refunded: (order.amount_refunded > 0).then(|| Money::new(order.amount_refunded, currency)),
    })
}

/// The export's first line.
pub const CSV_HEADER: [&str; 12] = [
    "number",
    "placed_at",
    "email",
    "status",
    "test",
    "currency",
    "subtotal",
    "discount",
    "shipping",
    "tax",
    "total",
    "refunded",
];

/// A cell as a spreadsheet will read it: text that would start a formula is
/// made plain text, so an address typed at Stripe cannot run in the owner's
/// spreadsheet.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Orders as CSV lines (amounts in minor units, as stored), the header first
/// when `header` is set.
pub fn csv_lines(rows: &[order::Model], header: bool) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 128));
    let failed = |err: csv::Error| {
        tracing::error!(error = %err, "could not write CSV");
        AppError::Internal
    };
    if header {
        writer.write_record(CSV_HEADER).map_err(failed)?;
    }
    for order in rows {
        writer
            .write_record([
                order.number.clone(),
                minute(order.created_at),
                cell(order.email.as_deref().unwrap_or_default()),
                status_label(order.status, order.shipped_at.is_some()).to_owned(),
                (!order.livemode).to_string(),
                order.currency.to_uppercase(),
                order.amount_subtotal.to_string(),
                order.amount_discount.to_string(),
                order.amount_shipping.to_string(),
                order.amount_tax.to_string(),
                order.amount_total.to_string(),
                order.amount_refunded.to_string(),
            ])
            .map_err(failed)?;
    }
    writer.into_inner().map_err(|err| {
        tracing::error!(error = %err, "could not finish CSV");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_number_is_found_however_it_is_typed() {
        assert_eq!(order_number("sf-42"), "SF-000042");
        assert_eq!(order_number("42"), "SF-000042");
        assert_eq!(order_number(" SF-000042 "), "SF-000042");
        assert_eq!(order_number("SF-1234567"), "SF-1234567");
    }

    #[test]
    fn a_cell_never_starts_a_formula() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("ada@example.com"), "ada@example.com");
    }

    #[test]
    fn a_bad_filter_is_refused_with_a_sentence() {
        let bad = |filter: OrderFilter| {
            check(&filter)
                .err()
                .map(|err| err.to_string())
                .unwrap_or_default()
        };
        assert!(bad(OrderFilter {
            status: Some("lost".into()),
            ..Default::default()
        })
        .contains("status"));
        assert!(bad(OrderFilter {
            from: Some("30/11/2026".into()),
            ..Default::default()
        })
        .contains("YYYY-MM-DD"));
        assert!(bad(OrderFilter {
            from: Some("2026-12-01".into()),
            to: Some("2026-11-01".into()),
            ..Default::default()
        })
        .contains("after"));
    }
}
