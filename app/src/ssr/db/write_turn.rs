//! Write transactions take turns on SQLite, in the order they asked.
//!
//! SQLite lets one connection write at a time. A connection that finds the
//! lock taken waits in SQLite's busy handler, which sleeps and tries again
//! (after 1, 2, 5, 10, 15, 20, 25 … up to 100 ms), with no queue: under load a
//! writer can lose the race again and again while later ones win, and a few
//! shoppers wait hundreds of milliseconds for an add that takes one. Here a
//! writer first waits for its turn in the process, in arrival order (tokio's
//! mutex is fair), so it meets the lock free and never sleeps in SQLite.
//!
//! Every pool opened on the same file shares one queue, so two instances of the
//! store in one process (as in the tests) take turns with each other as well.
//! PostgreSQL locks rows, not the whole database, and takes no turns.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, TransactionTrait};
use tokio::sync::{Mutex as Queue, OwnedMutexGuard};

/// A writer's turn at the database; the next writer goes when it is dropped.
/// Keep it beside the transaction: `let (_turn, txn) = begin_write(db).await?;`
/// declares the turn first, so it is given up after the transaction ends.
#[must_use = "the turn ends as soon as it is dropped"]
pub struct WriteTurn {
    _held: Option<OwnedMutexGuard<()>>,
}

/// Begins a transaction that writes, once it is this writer's turn.
pub async fn begin_write(
    db: &DatabaseConnection,
) -> Result<(WriteTurn, DatabaseTransaction), DbErr> {
    let turn = take_turn(db).await;
    let txn = db.begin().await?;
    Ok((turn, txn))
}

/// This writer's turn, for a statement that writes on its own, outside any
/// transaction: SQLite makes it a transaction of its own, which meets the busy
/// handler just the same.
pub async fn take_turn(db: &DatabaseConnection) -> WriteTurn {
    let held = match queue_for(db) {
        Some(queue) => Some(queue.lock_owned().await),
        None => None,
    };
    WriteTurn { _held: held }
}

/// The queue writers to `db`'s file wait in; none for PostgreSQL, nor for a
/// pool of one connection (an in-memory database), which queues by itself.
fn queue_for(db: &DatabaseConnection) -> Option<Arc<Queue<()>>> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let pool = db.get_sqlite_connection_pool();
    if pool.options().get_max_connections() <= 1 {
        return None;
    }
    let file = pool.connect_options().get_filename().to_path_buf();
    static QUEUES: LazyLock<Mutex<HashMap<PathBuf, Arc<Queue<()>>>>> =
        LazyLock::new(Mutex::default);
    let mut queues = QUEUES.lock().unwrap_or_else(PoisonError::into_inner);
    Some(queues.entry(file).or_default().clone())
}
