//! Connecting to the store's database and bringing its schema up to date.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::time::Duration;

/// Opens a pool to `url` (SQLite or PostgreSQL), tuned for this store.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    use sea_orm::sqlx::sqlite::SqliteJournalMode;
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let postgres = url.starts_with("postgres");
    // An in-memory SQLite database exists per connection: keep exactly one.
    let size = if in_memory { 1 } else { POOL_SIZE };
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
            let sqlite = sqlite.foreign_keys(true).busy_timeout(SQLITE_BUSY_TIMEOUT);
            if in_memory {
                sqlite
            } else {
                sqlite.journal_mode(SqliteJournalMode::Wal)
            }
        });
    Database::connect(options).await
}

/// Connections per pool: enough to keep two cores busy while some wait on I/O.
const POOL_SIZE: u32 = 16;

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
