//! Connecting to the store's database and bringing its schema up to date.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use std::time::Duration;

/// Opens a pool to `url` (SQLite or PostgreSQL), tuned for this store.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut options = ConnectOptions::new(url.to_owned());
    options
        // An in-memory SQLite database exists per connection: keep exactly one.
        .max_connections(if in_memory { 1 } else { 16 })
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite && !in_memory {
        // Readers never wait for the writer, and writers queue instead of failing.
        db.execute_unprepared("PRAGMA journal_mode = WAL;").await?;
        db.execute_unprepared("PRAGMA busy_timeout = 5000;").await?;
    }
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA foreign_keys = ON;").await?;
    }
    Ok(db)
}

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
