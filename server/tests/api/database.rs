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

/// Whether `task` has still not finished after half a second.
async fn still_waiting<T>(task: &mut tokio::task::JoinHandle<T>) -> bool {
    tokio::time::timeout(std::time::Duration::from_millis(500), task)
        .await
        .is_err()
}

/// A directory of its own with the URL of a new SQLite file in it.
fn fresh_sqlite_file() -> (std::path::PathBuf, String) {
    let dir = crate::helpers::fresh_data_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("store.db").display());
    (dir, url)
}

#[tokio::test]
async fn every_pooled_sqlite_connection_waits_for_the_writer_and_enforces_foreign_keys() {
    let (dir, url) = fresh_sqlite_file();
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

/// Writers to one SQLite file take turns in arrival order, even from two pools
/// (two instances of the store): a second writer is not let in while the first
/// holds its turn, and is as soon as it gives it up.
#[tokio::test]
async fn sqlite_writers_take_turns_across_pools_on_one_file() {
    let (dir, url) = fresh_sqlite_file();
    let (one, other) = (
        db::connect(&url).await.unwrap(),
        db::connect(&url).await.unwrap(),
    );

    let (turn, txn) = db::begin_write(&one).await.unwrap();
    let mut second = tokio::spawn(async move {
        let (_turn, txn) = db::begin_write(&other).await.unwrap();
        txn.commit().await.unwrap();
        other
    });
    // Without turns the second writer is in within a few milliseconds.
    assert!(
        still_waiting(&mut second).await,
        "the second writer went in during the first one's turn"
    );

    txn.commit().await.unwrap();
    drop(turn);
    let other = second.await.unwrap();
    one.close().await.unwrap();
    other.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A statement that writes on its own (here a throttled attempt, which every
/// checkout and every new guest cart writes) waits for its turn too, rather
/// than meeting SQLite's busy handler when a writer holds the lock.
#[tokio::test]
async fn a_throttled_attempt_waits_its_turn_behind_a_writer() {
    use app::ssr::entities::attempt::Action;
    use app::ssr::services::throttle::{self, Limit};

    let (dir, url) = fresh_sqlite_file();
    let one = db::connect(&url).await.unwrap();
    db::migrate(&one).await.unwrap();
    let other = db::connect(&url).await.unwrap();
    let limit = Limit {
        max: 5,
        window_secs: 3600,
    };

    let (turn, txn) = db::begin_write(&one).await.unwrap();
    let mut attempt = tokio::spawn(async move {
        let admitted = throttle::admit(
            &other,
            Action::Checkout,
            "203.0.113.9",
            None,
            limit,
            1,
            "no",
        )
        .await;
        (admitted.is_ok(), other)
    });
    // Without a turn the attempt is written at once: the writer has not yet
    // written anything, so SQLite's lock is free.
    assert!(
        still_waiting(&mut attempt).await,
        "the attempt was written during the writer's turn"
    );

    txn.commit().await.unwrap();
    drop(turn);
    let (admitted, other) = attempt.await.unwrap();
    assert!(
        admitted,
        "the attempt is admitted once the turn is given up"
    );
    one.close().await.unwrap();
    other.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
