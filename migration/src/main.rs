//! Runs Shopfront's migrations by hand: `migration [up|down|status|fresh]`.
//!
//! The server applies pending migrations at start-up on its own; this binary is for
//! operators who want to look or act first. It reads `DATABASE_URL`.

use migration::{Migrator, MigratorTrait};
use sea_orm_migration::sea_orm::Database;

#[tokio::main]
async fn main() {
    let command = std::env::args().nth(1).unwrap_or_else(|| "up".to_owned());
    let Ok(url) = std::env::var("DATABASE_URL") else {
        eprintln!("DATABASE_URL is not set: point it at the database to migrate (e.g. sqlite://data/shopfront.db?mode=rwc).");
        std::process::exit(2);
    };
    let db = match Database::connect(&url).await {
        Ok(db) => db,
        Err(err) => {
            eprintln!("could not connect to DATABASE_URL: {err}");
            std::process::exit(1);
        }
    };
    let outcome = match command.as_str() {
        "up" => Migrator::up(&db, None).await,
        "down" => Migrator::down(&db, Some(1)).await,
        "fresh" => Migrator::fresh(&db).await,
        "status" => Migrator::status(&db).await,
        other => {
            eprintln!("unknown command {other:?}: use up, down, status or fresh");
            std::process::exit(2);
        }
    };
    if let Err(err) = outcome {
        eprintln!("migration {command} failed: {err}");
        std::process::exit(1);
    }
}
