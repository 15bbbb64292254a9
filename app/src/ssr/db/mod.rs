//! Connecting to the store's database and bringing its schema up to date.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::time::Duration;

mod write_turn;
pub use write_turn::{begin_write, take_turn, WriteTurn};

/// Opens a pool to `url` (SQLite or PostgreSQL), tuned for this store.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    use sea_orm::sqlx::sqlite::SqliteJournalMode;
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let postgres = url.starts_with("postgres");
    // An in-memory SQLite database exists per connection: keep exactly one.
    let size = if in_memory {
        1
    } else if postgres {
        POSTGRES_POOL_SIZE
    } else {
        SQLITE_POOL_SIZE
    };
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(size)
        // PostgreSQL connections are opened before the first request rather than
        // under load, where opening one (a new backend process and a password
        // exchange) competes with the pages for the CPU and takes seconds.
        .min_connections(if postgres { size } else { 1 })
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        // Set on every connection the pool opens, not only the first: foreign keys
        // enforced; readers never wait for the writer (WAL), and writers queue for
        // the write lock instead of failing at once.
        .map_sqlx_sqlite_opts(move |sqlite| {
            let sqlite = sqlite
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .pragma("cache_size", SQLITE_CACHE_SIZE);
            if in_memory {
                sqlite
            } else {
                sqlite.journal_mode(SqliteJournalMode::Wal)
            }
        });
    Database::connect(options).await
}

/// PostgreSQL connections: enough to keep two cores busy while some wait on a
/// commit's fsync.
const POSTGRES_POOL_SIZE: u32 = 16;

/// SQLite connections. SQLite runs in the server's own process and takes one
/// writer at a time, so more connections than this add memory (each keeps its
/// own page cache) and no throughput.
const SQLITE_POOL_SIZE: u32 = 8;

/// Each SQLite connection's page cache, negative for KiB (`PRAGMA cache_size`):
/// 512 KiB rather than SQLite's 2 MiB, since the operating system caches the
/// file as well and the store's hot rows (products, open carts) are small.
const SQLITE_CACHE_SIZE: &str = "-512";

/// How long a SQLite writer waits for another to finish before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Answers whether the database takes a query right now.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// A raw statement with `$n` placeholders for whichever database `db` is.
pub fn statement(
    db: &impl sea_orm::ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> sea_orm::Statement {
    sea_orm::Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// At sign-in: the rows of `E` that a guest shopper session made (its id in
/// `guest`) and no account has adopted yet (`user` empty) become `user_id`'s.
pub async fn adopt<E: sea_orm::EntityTrait>(
    txn: &impl sea_orm::ConnectionTrait,
    user: E::Column,
    guest: E::Column,
    guest_session_id: &str,
    user_id: i32,
) -> Result<(), crate::error::AppError> {
    use sea_orm::{sea_query::Expr, ColumnTrait, QueryFilter};
    E::update_many()
        .col_expr(user, Expr::value(Some(user_id)))
        .filter(guest.eq(guest_session_id))
        .filter(user.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

/// How many statements the store has sent to its database since it started
/// (a transaction's BEGIN and COMMIT are not statements here), for `/metrics`
/// and the benchmark's queries-per-request figures.
#[derive(Clone, Debug, Default)]
pub struct QueryCount(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl QueryCount {
    /// Counts every statement `db` runs from now on, and every clone of it made
    /// after this call.
    pub fn attach(db: &mut DatabaseConnection) -> Self {
        let count = Self::default();
        let counter = count.0.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        count
    }

    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}
