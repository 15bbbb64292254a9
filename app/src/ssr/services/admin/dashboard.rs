//! The back office's home: what the store took today and over 30 days (net
//! of refunds), its orders, and what needs the owner: low stock, orders on
//! hold, open disputes.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::catalogue;
use crate::error::AppError;
use crate::ssr::entities::order::{self, OrderStatus};
use crate::types::admin::{Dashboard, DayTakings, OrderToCheck, Takings};
use crate::types::{Currency, Money};

const DAY: i64 = 24 * 60 * 60;
/// Days in the chart and the longer span.
const DAYS: i64 = 30;
/// Orders listed under "on hold" and "disputes".
const LISTED: u64 = 10;

/// One order's figures, as the dashboard sums them.
#[derive(Clone, Copy, Debug)]
struct Paid {
    at: i64,
    charged: i64,
    refunded: i64,
}

fn takings(orders: &[Paid], currency: Currency) -> Takings {
    let count = i64::try_from(orders.len()).unwrap_or(i64::MAX);
    let charged: i64 = orders.iter().map(|o| o.charged).sum();
    let refunded: i64 = orders.iter().map(|o| o.refunded).sum();
    Takings {
        net_revenue: Money::new(charged - refunded, currency),
        orders: count,
        average_order: (count > 0).then(|| Money::new(charged / count, currency)),
    }
}

fn day_of(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Sums `orders` (placed in the 30 days up to `now`) by UTC day, oldest first.
fn by_day(orders: &[Paid], now: i64, currency: Currency) -> Vec<DayTakings> {
    let today = now - now.rem_euclid(DAY);
    let first = today - (DAYS - 1) * DAY;
    let mut nets = vec![0_i64; DAYS as usize];
    for order in orders {
        if let Ok(index) = usize::try_from((order.at - first).div_euclid(DAY)) {
            if let Some(net) = nets.get_mut(index) {
                *net += order.charged - order.refunded;
            }
        }
    }
    nets.into_iter()
        .enumerate()
        .map(|(index, net)| DayTakings {
            day: day_of(first + index as i64 * DAY),
            net_revenue: Money::new(net, currency),
        })
        .collect()
}

async fn to_check(
    db: &impl ConnectionTrait,
    statuses: &[OrderStatus],
    livemode: bool,
) -> Result<Vec<OrderToCheck>, AppError> {
    order::Entity::find()
        .filter(order::Column::Status.is_in(statuses.iter().copied()))
        .filter(order::Column::Livemode.eq(livemode))
        .order_by_desc(order::Column::Id)
        .limit(LISTED)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let currency = Currency::from_code(&row.currency).ok_or(AppError::Internal)?;
            Ok(OrderToCheck {
                total: Money::new(row.amount_total, currency),
                number: row.number,
            })
        })
        .collect()
}

/// The dashboard at `now`, over live orders (or test orders in test mode),
/// in the store's `currency`.
pub async fn dashboard(
    db: &impl ConnectionTrait,
    test_mode: bool,
    currency: Currency,
    now: i64,
) -> Result<Dashboard, AppError> {
    let today = now - now.rem_euclid(DAY);
    let first = today - (DAYS - 1) * DAY;
    let rows: Vec<(i64, i64, Option<i64>, i64)> = order::Entity::find()
        .select_only()
        .column(order::Column::CreatedAt)
        .column(order::Column::AmountTotal)
        .column(order::Column::StripeAmountTotal)
        .column(order::Column::AmountRefunded)
        .filter(order::Column::CreatedAt.gte(first))
        .filter(order::Column::Livemode.eq(!test_mode))
        .filter(order::Column::Currency.eq(currency.code()))
        .into_tuple()
        .all(db)
        .await?;
    let paid: Vec<Paid> = rows
        .into_iter()
        .map(|(at, total, stripe_total, refunded)| Paid {
            at,
            charged: stripe_total.unwrap_or(total),
            refunded,
        })
        .collect();
    let todays: Vec<Paid> = paid.iter().copied().filter(|o| o.at >= today).collect();
    Ok(Dashboard {
        test_mode,
        today: takings(&todays, currency),
        last_30_days: takings(&paid, currency),
        daily: by_day(&paid, now, currency),
        low_stock: catalogue::low_stock(db).await?,
        on_hold: to_check(db, &[OrderStatus::OnHold], !test_mode).await?,
        open_disputes: to_check(db, &[OrderStatus::Disputed], !test_mode).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takings_are_net_of_refunds_and_fall_on_their_day() {
        let now = 1_764_504_000; // 2025-11-30 12:00 UTC
        let orders = [
            Paid {
                at: now - 60,
                charged: 4100,
                refunded: 1000,
            },
            Paid {
                at: now - DAY,
                charged: 2000,
                refunded: 0,
            },
            Paid {
                at: now - 29 * DAY,
                charged: 500,
                refunded: 500,
            },
        ];
        let all = takings(&orders, Currency::Usd);
        assert_eq!(all.net_revenue, Money::new(5100, Currency::Usd));
        assert_eq!(all.orders, 3);
        assert_eq!(all.average_order, Some(Money::new(2200, Currency::Usd)));
        let days = by_day(&orders, now, Currency::Usd);
        assert_eq!(days.len(), 30);
        assert_eq!(days[29].day, "2025-11-30");
        assert_eq!(days[29].net_revenue.minor, 3100);
        assert_eq!(days[28].net_revenue.minor, 2000);
        assert_eq!(days[0].net_revenue.minor, 0);
        assert_eq!(takings(&[], Currency::Jpy).average_order, None);
    }
}
