//! The back office at scale: the order list, a page deep in it, its searches
//! and the CSV export, with an owner's session, over at least 100,000 orders:
//! those the webhook runs made, topped up from the checkouts they did not
//! reach.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::load::{memory, phase, wrk};
use crate::report::{load_row, row, Row};
use crate::seed::{execute, number};
use crate::shoppers::cookie_of;
use crate::Config;

/// The list's p99 the back office should stay under, whatever the count.
const LIST_P99_MS: f64 = 100.0;
/// Orders the back office is measured over, at least.
const ORDERS: i64 = 100_000;

/// Makes orders of seeded checkouts that have none, as the webhook would have
/// (one statement): paid, one in twenty refunded, 5,000 buyers with about
/// twenty orders each, spread over 30 days.
async fn top_up_orders(db: &DatabaseConnection) {
    let have = number(db, "SELECT COUNT(*) FROM orders").await;
    if have >= ORDERS {
        return;
    }
    let now = chrono::Utc::now().timestamp();
    let started = Instant::now();
    execute(
        db,
        &format!(
            "INSERT INTO orders (number, checkout_id, stripe_session_id, guest_session_id, email, currency, \
             amount_subtotal, amount_total, stripe_amount_total, amount_refunded, status, livemode, created_at) \
             SELECT 'SF-' || c.id, c.id, c.stripe_session_id, c.guest_session_id, \
             'shopper' || (c.id % 5000) || '@bench.example', c.currency, c.amount_total, c.amount_total, c.amount_total, \
             CASE WHEN c.id % 20 = 0 THEN c.amount_total ELSE 0 END, \
             CASE WHEN c.id % 20 = 0 THEN 'refunded' ELSE 'paid' END, false, {now} - (c.id % 30) * 86400 \
             FROM checkouts c WHERE c.stripe_session_id LIKE 'cs_bench_%' \
             AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.checkout_id = c.id) \
             ORDER BY c.id LIMIT {}",
            ORDERS - have
        ),
    )
    .await;
    // As autovacuum soon would: the planner sees the table as it now is.
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        execute(db, "ANALYZE orders").await;
    }
    println!(
        "   made {} more orders in {:.1} s",
        number(db, "SELECT COUNT(*) FROM orders").await - have,
        started.elapsed().as_secs_f64()
    );
}

async fn text(db: &DatabaseConnection, sql: &str) -> String {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .and_then(|row| row.try_get_by_index::<String>(0).ok())
        .unwrap_or_default()
}

/// An owner's session cookie: signed up through the store, then given the
/// role as `server owner add` does.
async fn owner_cookie(base: &str, db: &DatabaseConnection) -> String {
    let email = "owner@bench.example";
    let response = reqwest::Client::new()
        .post(format!("{base}/api/sign_up"))
        .header("accept", "application/json")
        .form(&[("email", email), ("password", "a bench password")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "signing the owner up");
    let cookie = cookie_of(&response).expect("a session");
    execute(
        db,
        &format!("UPDATE users SET role = 'owner' WHERE email = '{email}'"),
    )
    .await;
    cookie
}

pub async fn back_office(
    config: &Config,
    name: &str,
    base: &str,
    db: &DatabaseConnection,
    pid: u32,
    get_script: &Path,
) -> Vec<Row> {
    top_up_orders(db).await;
    let orders = number(db, "SELECT COUNT(*) FROM orders").await;
    phase(name, &format!("the back office over {orders} orders"), pid);
    let cookie = owner_cookie(base, db).await;
    let args = [cookie.clone()];
    let mut rows = Vec::new();
    let middle = orders / 2;
    let deep_id = number(
        db,
        &format!("SELECT CAST(id AS BIGINT) FROM orders ORDER BY id LIMIT 1 OFFSET {middle}"),
    )
    .await;
    let deep_number = text(
        db,
        &format!("SELECT number FROM orders ORDER BY id LIMIT 1 OFFSET {middle}"),
    )
    .await;
    let deep_email = text(
        db,
        &format!(
            "SELECT email FROM orders WHERE email IS NOT NULL ORDER BY id LIMIT 1 OFFSET {middle}"
        ),
    )
    .await;
    let email_matches = number(
        db,
        &format!("SELECT COUNT(*) FROM orders WHERE email = '{deep_email}'"),
    )
    .await;
    for (measure, query) in [
        (
            format!("GET /admin/orders, newest 50 of {orders}"),
            String::new(),
        ),
        (
            format!("GET /admin/orders, 50 from the middle (keyset before={deep_id})"),
            format!("?before={deep_id}"),
        ),
        (
            "GET /admin/orders, search by order number".to_owned(),
            format!("?q={deep_number}"),
        ),
        (
            format!("GET /admin/orders, search by email ({email_matches} match)"),
            format!("?q={}", deep_email.replace('@', "%40")),
        ),
        (
            "GET /admin/orders, status filter (paid)".to_owned(),
            "?status=paid".to_owned(),
        ),
    ] {
        if query == "?q=" {
            continue;
        }
        let load = wrk(
            config,
            &format!("{base}/admin/orders{query}"),
            Some((get_script, &args)),
            None,
        );
        rows.push(load_row(&measure, &load, "req", 0.0, Some(LIST_P99_MS)));
    }

    // The export, with the server's memory sampled every 10 ms while it streams.
    let (before, _) = memory(pid);
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        tokio::spawn(async move {
            let mut highest = 0.0_f64;
            while !done.load(Ordering::Relaxed) {
                highest = highest.max(memory(pid).0);
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            highest
        })
    };
    let started = Instant::now();
    let mut response = reqwest::Client::new()
        .get(format!("{base}/admin/orders.csv"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the export");
    let (mut bytes, mut lines) = (0_usize, 0_i64);
    while let Some(chunk) = response.chunk().await.unwrap() {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count() as i64;
    }
    let seconds = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let highest = sampler.await.unwrap();
    let grew = (highest - before).max(0.0);
    rows.push(row(
        &format!("CSV export of {orders} orders"),
        format!(
            "{seconds:.2} s, {} lines, {:.1} MB; server RSS {before:.1} MiB before, at most {highest:.1} MiB during it (+{grew:.1} MiB)",
            lines,
            bytes as f64 / 1e6
        ),
        "every order once; memory does not grow with the count (+≤ 16 MiB)",
        Some(lines == orders + 1 && grew <= 16.0),
    ));
    rows
}
