//! What the benchmark puts in the database before it measures, and the counts it
//! checks after: checkouts waiting for their events (through the store's
//! entities, so a migration that changes them breaks this at compile time), the
//! signed events, and the audit.

use app::ssr::domain::Owner;
use app::ssr::entities::cart::CartStatus;
use app::ssr::entities::checkout::CheckoutStatus;
use app::ssr::entities::{cart, cart_line, checkout, checkout_line, product, shopper_session};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, Database, DatabaseConnection, EntityTrait, Statement,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;

use crate::SECRET;

// database

pub async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

pub async fn execute(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Checkouts `first..first+count` as if shoppers had started them: a guest
/// session, a cart with one line, a checkout for it with its stock reserved and a
/// Stripe session id `cs_bench_<n>`. Product n % 12 + 1, quantity n % 3 + 1.
/// Written through the store's entities, a thousand rows a statement.
pub async fn seed_checkouts(db: &DatabaseConnection, first: i64, count: i64, now: i64) {
    const BATCH: i64 = 1_000;
    let products: HashMap<i32, product::Model> = product::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    // Highest ids first: SQLite's AUTOINCREMENT then moves past the whole range
    // at once, so a checkout the store is still finishing (its tasks run on after
    // wrk's connections close) cannot take an id this seed is about to write.
    let mut end = first + count;
    while end > first {
        let start = (end - BATCH).max(first);
        let batch: Vec<Seeded> = (start..end).map(|n| Seeded::new(n, &products)).collect();
        shopper_session::Entity::insert_many(batch.iter().map(|s| shopper_session::ActiveModel {
            id: Set(s.session.clone()),
            user_id: Set(None),
            created_at: Set(now),
            expires_at: Set(now + 86_400),
        }))
        .exec_without_returning(db)
        .await
        .unwrap();
        cart::Entity::insert_many(batch.iter().map(|s| cart::ActiveModel {
            id: Set(s.id),
            user_id: Set(None),
            session_id: Set(Some(s.session.clone())),
            open_key: Set(Some(Owner::Guest(s.session.clone()).open_key())),
            status: Set(CartStatus::Open),
            notice: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }))
        .exec_without_returning(db)
        .await
        .unwrap();
        cart_line::Entity::insert_many(batch.iter().map(|s| cart_line::ActiveModel {
            cart_id: Set(s.id),
            product_id: Set(s.product.id),
            quantity: Set(s.quantity),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(db)
        .await
        .unwrap();
        checkout::Entity::insert_many(batch.iter().map(|s| checkout::ActiveModel {
            id: Set(s.id),
            cart_id: Set(s.id),
            user_id: Set(None),
            guest_session_id: Set(Some(s.session.clone())),
            status: Set(CheckoutStatus::Open),
            live_cart_id: Set(Some(s.id)),
            currency: Set("usd".to_owned()),
            amount_total: Set(s.total()),
            fingerprint: Set("bench".to_owned()),
            stripe_session_id: Set(Some(format!("cs_bench_{}", s.id))),
            stripe_url: Set(None),
            stripe_payment_intent_id: Set(None),
            expires_at: Set(now + 2_100),
            email: Set(None),
            last_payment_error: Set(None),
            client: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }))
        .exec_without_returning(db)
        .await
        .unwrap();
        checkout_line::Entity::insert_many(batch.iter().map(|s| checkout_line::ActiveModel {
            checkout_id: Set(s.id),
            product_id: Set(s.product.id),
            name: Set(s.product.name.clone()),
            unit_amount: Set(s.product.price_minor),
            quantity: Set(s.quantity),
            line_total: Set(s.total()),
            ..Default::default()
        }))
        .exec_without_returning(db)
        .await
        .unwrap();
        end = start;
    }
}

/// One seeded shopper: ids, their guest session, what their cart holds.
struct Seeded {
    id: i32,
    session: String,
    product: product::Model,
    quantity: i32,
}

impl Seeded {
    fn new(n: i64, products: &HashMap<i32, product::Model>) -> Self {
        let product_id = i32::try_from(n % 12 + 1).unwrap();
        Self {
            id: i32::try_from(n).unwrap(),
            session: format!("bench{n}"),
            product: products[&product_id].clone(),
            quantity: i32::try_from(n % 3 + 1).unwrap(),
        }
    }

    fn total(&self) -> i64 {
        self.product.price_minor * i64::from(self.quantity)
    }
}

/// Signed `checkout.session.completed` events for checkouts `ids`, one per line.
pub fn write_events(
    path: &Path,
    ids: impl IntoIterator<Item = i64>,
    prices: &[i64],
    template: &Value,
) {
    use std::io::Write;
    let now = chrono::Utc::now().timestamp();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for n in ids {
        let quantity = n % 3 + 1;
        let amount = prices[(n % 12) as usize] * quantity;
        let mut session = template.clone();
        session["id"] = json!(format!("cs_bench_{n}"));
        session["status"] = json!("complete");
        session["payment_status"] = json!("paid");
        session["amount_total"] = json!(amount);
        session["amount_subtotal"] = json!(amount);
        session["currency"] = json!("usd");
        session["client_reference_id"] = json!(n.to_string());
        session["metadata"] = json!({ "checkout_id": n.to_string(), "cart_id": n.to_string() });
        // Stripe's example carries placeholder figures and one PaymentIntent id;
        // a real session has its own payment and adds up (no shipping, tax or
        // discount on these carts).
        session["payment_intent"] = json!(format!("pi_bench_{n}"));
        session["total_details"] =
            json!({ "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 });
        session["shipping_cost"] = Value::Null;
        session["customer_details"]["email"] = json!(format!("bench{n}@example.com"));
        session["collected_information"]["shipping_details"] = json!({
            "name": "Ada Lovelace",
            "address": {
                "line1": "12 Analytical Way", "line2": null, "city": "Portland",
                "state": "OR", "postal_code": "97201", "country": "US"
            }
        });
        let body = json!({
            "id": format!("evt_bench_{n}"),
            "object": "event",
            "api_version": server::local_stripe::API_VERSION,
            "created": now,
            "data": { "object": session },
            "livemode": false,
            "pending_webhooks": 1,
            "request": { "id": null, "idempotency_key": null },
            "type": "checkout.session.completed"
        })
        .to_string();
        let header = server::local_stripe::signature::header(SECRET, now, body.as_bytes());
        writeln!(out, "{header}\t{body}").unwrap();
    }
    out.flush().unwrap();
}

/// The counts the store must agree with after the webhook rows.
pub struct Audit {
    pub orders: i64,
    pub events: i64,
    pub duplicate_checkouts: i64,
    pub totals_off: i64,
    pub lines_off: i64,
}

pub async fn audit(db: &DatabaseConnection) -> Audit {
    Audit {
        orders: number(db, "SELECT COUNT(*) FROM orders WHERE stripe_session_id LIKE 'cs_bench_%'").await,
        events: number(db, "SELECT COUNT(*) FROM stripe_events WHERE id LIKE 'evt_bench_%'").await,
        duplicate_checkouts: number(
            db,
            "SELECT COUNT(*) FROM (SELECT checkout_id FROM orders GROUP BY checkout_id HAVING COUNT(*) > 1) d",
        )
        .await,
        totals_off: number(
            db,
            "SELECT COUNT(*) FROM orders o WHERE o.amount_total <> \
             (SELECT COALESCE(SUM(i.line_total), 0) FROM order_items i WHERE i.order_id = o.id)",
        )
        .await,
        lines_off: number(
            db,
            "SELECT COUNT(*) FROM order_items WHERE line_total <> unit_amount * quantity",
        )
        .await,
    }
}

pub fn bench_database_name() -> String {
    format!("shopfront_bench_{}", std::process::id())
}

pub async fn fresh_postgres(admin: &str) -> String {
    fresh_postgres_named(admin, &bench_database_name()).await
}

/// A new, empty database `name` on the server `admin` connects to; its URL.
pub async fn fresh_postgres_named(admin: &str, name: &str) -> String {
    let db = Database::connect(admin)
        .await
        .expect("BENCH_DATABASE_URL connects");
    execute(&db, &format!("DROP DATABASE IF EXISTS {name}")).await;
    execute(&db, &format!("CREATE DATABASE {name}")).await;
    let (head, query) = admin
        .split_once('?')
        .map_or((admin, None), |(h, q)| (h, Some(q)));
    let base = head.rsplit_once('/').map_or(head, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}
