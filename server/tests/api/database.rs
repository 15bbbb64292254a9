//! The SQLite pool: every connection it opens has the store's settings, not
//! only the first one.

use app::ssr::db;
use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement, TransactionTrait};

async fn pragma(txn: &DatabaseTransaction, name: &str) -> String {
    let row = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0)
        .map(|n| n.to_string())
        .or_else(|_| row.try_get_by_index::<String>(0))
        .unwrap()
}

#[tokio::test]
async fn every_pooled_sqlite_connection_waits_for_the_writer_and_enforces_foreign_keys() {
    let dir = crate::helpers::fresh_data_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("store.db").display());
    let pool = db::connect(&url).await.unwrap();

    // Transactions held open at once each hold a connection of their own.
    let mut open = Vec::new();
    for _ in 0..4 {
        open.push(pool.begin().await.unwrap());
    }
    for txn in &open {
        assert_eq!(pragma(txn, "busy_timeout").await, "10000");
        assert_eq!(pragma(txn, "foreign_keys").await, "1");
        assert_eq!(pragma(txn, "journal_mode").await, "wal");
    }
    drop(open);
    pool.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
