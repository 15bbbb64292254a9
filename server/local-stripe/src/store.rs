//! Where the stand-in keeps its objects: its own SQLite file, so sessions and
//! undelivered events survive a restart, whatever database the store itself uses.

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};
use serde::de::DeserializeOwned;
use std::time::Duration;

use super::objects::{PaymentIntentRecord, SessionRecord};

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS ls_checkout_sessions (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ls_checkout_sessions_due ON ls_checkout_sessions (status, expires_at)",
    "CREATE TABLE IF NOT EXISTS ls_payment_intents (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ls_idempotency (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        created INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ls_idempotency_created ON ls_idempotency (created)",
    "CREATE TABLE IF NOT EXISTS ls_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        object_id TEXT NOT NULL,
        created INTEGER NOT NULL,
        body TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms INTEGER)",
    "CREATE INDEX IF NOT EXISTS ls_events_due ON ls_events (state, next_attempt_ms)",
    "CREATE TABLE IF NOT EXISTS ls_attempts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        status INTEGER,
        error TEXT,
        duration_ms INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ls_attempts_event ON ls_attempts (event_id)",
    "CREATE TABLE IF NOT EXISTS ls_coupons (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ls_promotion_codes (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ls_promotion_codes_code ON ls_promotion_codes (code)",
    "CREATE TABLE IF NOT EXISTS ls_charges (id TEXT PRIMARY KEY, payment_intent TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ls_charges_payment_intent ON ls_charges (payment_intent)",
    "CREATE TABLE IF NOT EXISTS ls_refunds (id TEXT PRIMARY KEY, charge TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ls_refunds_charge ON ls_refunds (charge)",
    "CREATE TABLE IF NOT EXISTS ls_disputes (id TEXT PRIMARY KEY, charge TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ls_disputes_charge ON ls_disputes (charge)",
];

/// Opens (creating if needed) the stand-in's database.
pub async fn open(url: &str) -> Result<DatabaseConnection, DbErr> {
    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
    // Each connection to an in-memory database would be a database of its own.
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10))
        .max_connections(if in_memory { 1 } else { POOL_SIZE })
        .min_connections(1)
        // On every connection the pool opens: readers never wait for the writer,
        // and a writer waits its turn rather than failing at once.
        .map_sqlx_sqlite_opts(move |sqlite| {
            let sqlite = sqlite
                .busy_timeout(Duration::from_secs(5))
                .synchronous(SqliteSynchronous::Normal);
            if in_memory {
                sqlite
            } else {
                sqlite.journal_mode(SqliteJournalMode::Wal)
            }
        });
    let db = Database::connect(options).await?;
    for statement in SCHEMA {
        db.execute_unprepared(statement).await?;
    }
    Ok(db)
}

/// Connections: sessions are created and read side by side while a payment,
/// a refund or the delivery worker writes.
const POOL_SIZE: u32 = 4;

/// A transaction that holds SQLite's write lock from its first statement.
/// Every transaction that writes starts so: one that read first and then
/// wrote would be refused outright if another connection wrote in between,
/// where this one waits for the lock.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

pub(crate) fn stmt(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
}

fn decode<T: DeserializeOwned>(body: &str) -> Result<T, DbErr> {
    serde_json::from_str(body)
        .map_err(|err| DbErr::Custom(format!("stored object is unreadable: {err}")))
}

pub(crate) fn encode<T: serde::Serialize>(value: &T) -> Result<String, DbErr> {
    serde_json::to_string(value)
        .map_err(|err| DbErr::Custom(format!("object cannot be stored: {err}")))
}

/// The object stored in the `body` of the first row `sql` finds.
pub(crate) async fn body_of<T: DeserializeOwned>(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Option<T>, DbErr> {
    let row = db.query_one_raw(stmt(sql, values)).await?;
    row.map(|row| {
        row.try_get::<String>("", "body")
            .and_then(|body| decode(&body))
    })
    .transpose()
}

/// The objects stored in the `body` of every row `sql` finds.
pub(crate) async fn bodies_of<T: DeserializeOwned>(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<T>, DbErr> {
    let rows = db.query_all_raw(stmt(sql, values)).await?;
    rows.iter()
        .map(|row| {
            row.try_get::<String>("", "body")
                .and_then(|body| decode(&body))
        })
        .collect()
}

pub async fn session(db: &impl ConnectionTrait, id: &str) -> Result<Option<SessionRecord>, DbErr> {
    body_of(
        db,
        "SELECT body FROM ls_checkout_sessions WHERE id = $1",
        vec![id.into()],
    )
    .await
}

pub async fn save_session(db: &impl ConnectionTrait, session: &SessionRecord) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        "INSERT INTO ls_checkout_sessions (id, status, expires_at, body) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, expires_at = excluded.expires_at, body = excluded.body",
        vec![
            session.id.clone().into(),
            session.status.as_str().into(),
            session.expires_at.into(),
            encode(session)?.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Sessions newest first, at most `limit`, with this PaymentIntent and status
/// when given.
pub async fn sessions(
    db: &impl ConnectionTrait,
    payment_intent: Option<&str>,
    status: Option<&str>,
    limit: usize,
) -> Result<Vec<SessionRecord>, DbErr> {
    bodies_of(
        db,
        "SELECT body FROM ls_checkout_sessions
         WHERE ($1 IS NULL OR json_extract(body, '$.payment_intent') = $1)
           AND ($2 IS NULL OR status = $2)
         ORDER BY rowid DESC LIMIT $3",
        vec![
            payment_intent.map(str::to_owned).into(),
            status.map(str::to_owned).into(),
            i64::try_from(limit).unwrap_or(i64::MAX).into(),
        ],
    )
    .await
}

/// Ids of open sessions whose `expires_at` has passed.
pub async fn due_sessions(db: &impl ConnectionTrait, now: i64) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            "SELECT id FROM ls_checkout_sessions WHERE status = 'open' AND expires_at <= $1 LIMIT 100",
            vec![now.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String>("", "id"))
        .collect()
}

pub async fn payment_intent(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<PaymentIntentRecord>, DbErr> {
    body_of(
        db,
        "SELECT body FROM ls_payment_intents WHERE id = $1",
        vec![id.into()],
    )
    .await
}

pub async fn save_payment_intent(
    db: &impl ConnectionTrait,
    intent: &PaymentIntentRecord,
) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        "INSERT INTO ls_payment_intents (id, body) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        vec![intent.id.clone().into(), encode(intent)?.into()],
    ))
    .await?;
    Ok(())
}

/// A response kept for an idempotency key.
pub struct Remembered {
    pub fingerprint: String,
    pub status: u16,
    pub body: String,
}

/// The answer kept for `key`, unless it was kept before `since`.
pub async fn remembered(
    db: &impl ConnectionTrait,
    key: &str,
    since: i64,
) -> Result<Option<Remembered>, DbErr> {
    let row = db
        .query_one_raw(stmt(
            "SELECT fingerprint, status, body FROM ls_idempotency WHERE key = $1 AND created >= $2",
            vec![key.into(), since.into()],
        ))
        .await?;
    row.map(|row| {
        Ok(Remembered {
            fingerprint: row.try_get("", "fingerprint")?,
            status: u16::try_from(row.try_get::<i64>("", "status")?).unwrap_or(200),
            body: row.try_get("", "body")?,
        })
    })
    .transpose()
}

/// Keeps the answer to `key`, in place of one kept before `stale_before`. A key
/// still answering for a request is never overwritten: that is an error.
pub async fn remember(
    db: &impl ConnectionTrait,
    key: &str,
    kept: &Remembered,
    now: i64,
    stale_before: i64,
) -> Result<(), DbErr> {
    let done = db
        .execute_raw(stmt(
            "INSERT INTO ls_idempotency (key, fingerprint, status, body, created) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint,
             status = excluded.status, body = excluded.body, created = excluded.created
             WHERE ls_idempotency.created < $6",
            vec![
                key.into(),
                kept.fingerprint.clone().into(),
                i64::from(kept.status).into(),
                kept.body.clone().into(),
                now.into(),
                stale_before.into(),
            ],
        ))
        .await?;
    if done.rows_affected() == 0 {
        return Err(DbErr::Custom(format!(
            "the answer to idempotency key {key} is already kept"
        )));
    }
    Ok(())
}

/// Forgets the answers kept before `stale_before`.
pub async fn forget_old_keys(db: &impl ConnectionTrait, stale_before: i64) -> Result<u64, DbErr> {
    let done = db
        .execute_raw(stmt(
            "DELETE FROM ls_idempotency WHERE created < $1",
            vec![stale_before.into()],
        ))
        .await?;
    Ok(done.rows_affected())
}

/// An event to store: `deliver` false keeps it for the log only.
pub struct NewEvent<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub object_id: &'a str,
    pub created: i64,
    pub body: &'a str,
    pub deliver: bool,
}

/// Queues an event for delivery from `now_ms`.
pub async fn insert_event(
    db: &impl ConnectionTrait,
    event: NewEvent<'_>,
    now_ms: i64,
) -> Result<(), DbErr> {
    let NewEvent {
        id,
        kind,
        object_id,
        created,
        body,
        deliver,
    } = event;
    db.execute_raw(stmt(
        "INSERT INTO ls_events (id, type, object_id, created, body, state, next_attempt_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        vec![
            id.into(),
            kind.into(),
            object_id.into(),
            created.into(),
            body.into(),
            if deliver { "pending" } else { "no_endpoint" }.into(),
            if deliver { Some(now_ms) } else { None::<i64> }.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// An event waiting to be (re)delivered.
pub struct Due {
    pub id: String,
    pub body: String,
    pub attempts: i64,
}

pub async fn due_events(db: &impl ConnectionTrait, now_ms: i64) -> Result<Vec<Due>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            "SELECT id, body, attempts FROM ls_events WHERE state = 'pending' AND next_attempt_ms <= $1 ORDER BY seq LIMIT 50",
            vec![now_ms.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Due {
                id: row.try_get("", "id")?,
                body: row.try_get("", "body")?,
                attempts: row.try_get("", "attempts")?,
            })
        })
        .collect()
}

/// When the next pending delivery falls due, if any is pending.
pub async fn next_due_ms(db: &impl ConnectionTrait) -> Result<Option<i64>, DbErr> {
    let row = db
        .query_one_raw(stmt(
            "SELECT MIN(next_attempt_ms) AS next FROM ls_events WHERE state = 'pending'",
            vec![],
        ))
        .await?;
    Ok(row.and_then(|row| row.try_get::<Option<i64>>("", "next").ok().flatten()))
}

/// One delivery attempt: when, what came back, how long it took.
pub struct Attempt<'a> {
    pub event_id: &'a str,
    pub at_ms: i64,
    pub status: Option<u16>,
    pub error: Option<&'a str>,
    pub duration_ms: i64,
}

/// Records one delivery attempt and what happens next to the event: delivered,
/// retried at `next`, or (no `next`) given up.
pub async fn record_attempt(
    db: &impl ConnectionTrait,
    attempt: Attempt<'_>,
    next: Option<i64>,
    delivered: bool,
) -> Result<(), DbErr> {
    let Attempt {
        event_id,
        at_ms,
        status,
        error,
        duration_ms,
    } = attempt;
    db.execute_raw(stmt(
        "INSERT INTO ls_attempts (event_id, at_ms, status, error, duration_ms) VALUES ($1, $2, $3, $4, $5)",
        vec![
            event_id.into(),
            at_ms.into(),
            status.map(i64::from).into(),
            error.map(str::to_owned).into(),
            duration_ms.into(),
        ],
    ))
    .await?;
    let state = match (delivered, next) {
        (true, _) => "delivered",
        (false, Some(_)) => "pending",
        (false, None) => "failed",
    };
    db.execute_raw(stmt(
        "UPDATE ls_events SET attempts = attempts + 1, state = $2, next_attempt_ms = $3 WHERE id = $1",
        vec![event_id.into(), state.into(), next.into()],
    ))
    .await?;
    Ok(())
}

/// Puts an event back in the queue now (the events page's Resend).
pub async fn resend(db: &impl ConnectionTrait, event_id: &str, now_ms: i64) -> Result<bool, DbErr> {
    let done = db
        .execute_raw(stmt(
            "UPDATE ls_events SET state = 'pending', next_attempt_ms = $2 WHERE id = $1",
            vec![event_id.into(), now_ms.into()],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One line of the events page.
pub struct EventRow {
    pub id: String,
    pub kind: String,
    pub object_id: String,
    pub created: i64,
    pub state: String,
    pub attempts: Vec<AttemptRow>,
}

pub struct AttemptRow {
    pub at_ms: i64,
    pub status: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// The newest events, newest first, each with its attempts.
pub async fn recent_events(db: &impl ConnectionTrait, limit: i64) -> Result<Vec<EventRow>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            "SELECT id, type, object_id, created, state FROM ls_events ORDER BY seq DESC LIMIT $1",
            vec![limit.into()],
        ))
        .await?;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("", "id")?;
        let attempts = db
            .query_all_raw(stmt(
                "SELECT at_ms, status, error, duration_ms FROM ls_attempts WHERE event_id = $1 ORDER BY seq",
                vec![id.clone().into()],
            ))
            .await?
            .iter()
            .map(|a| {
                Ok(AttemptRow {
                    at_ms: a.try_get("", "at_ms")?,
                    status: a.try_get("", "status")?,
                    error: a.try_get("", "error")?,
                    duration_ms: a.try_get("", "duration_ms")?,
                })
            })
            .collect::<Result<Vec<_>, DbErr>>()?;
        events.push(EventRow {
            kind: row.try_get("", "type")?,
            object_id: row.try_get("", "object_id")?,
            created: row.try_get("", "created")?,
            state: row.try_get("", "state")?,
            attempts,
            id,
        });
    }
    Ok(events)
}

/// The stored body of one event.
pub async fn event_body(db: &impl ConnectionTrait, id: &str) -> Result<Option<String>, DbErr> {
    let row = db
        .query_one_raw(stmt(
            "SELECT body FROM ls_events WHERE id = $1",
            vec![id.into()],
        ))
        .await?;
    row.map(|row| row.try_get::<String>("", "body")).transpose()
}
