//! What the machine itself allows, measured in the same run as the store: a
//! bare axum route (in load.rs), and PostgreSQL's durable-commit rate.

use sea_orm::Database;
use std::process::Command;

use crate::seed::{execute, fresh_postgres_named};
use crate::Config;

/// pgbench's TPC-B-like transaction (three updates, a select and an insert, one
/// commit), 32 clients for the run's seconds on a scratch database of the same
/// server, scale 32 so that clients do not queue on one branch row: how many
/// durable commits a second this PostgreSQL makes (`synchronous_commit` on, as
/// the store uses it). `None` when pgbench is not installed.
pub async fn pgbench(config: &Config, admin: &str) -> Option<Durable> {
    Command::new("pgbench").arg("--version").output().ok()?;
    let name = format!("shopfront_pgbench_{}", std::process::id());
    let url = fresh_postgres_named(admin, &name).await;
    println!(
        "== the durable-commit ceiling: pgbench -i -s 32, then -c 32 for {} s",
        config.seconds
    );
    let init = Command::new("pgbench")
        .args(["-i", "-s", "32", "-q", &url])
        .output()
        .expect("pgbench runs");
    assert!(
        init.status.success(),
        "pgbench -i: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let run = Command::new("pgbench")
        .args([
            "-c",
            &config.connections.to_string(),
            "-j",
            &config.threads.to_string(),
            "-T",
            &config.seconds.to_string(),
            &url,
        ])
        .output()
        .expect("pgbench runs");
    let text = String::from_utf8_lossy(&run.stdout).into_owned();
    let db = Database::connect(admin).await.unwrap();
    execute(&db, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    let field = |prefix: &str| {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    let tps = field("tps = ").unwrap_or_else(|| panic!("pgbench said: {text}"));
    Some(Durable {
        tps,
        figure: format!(
            "{tps:.0} transactions/s, latency average {:.2} ms ({} transactions, {} failed; scale 32, {} clients, {} s)",
            field("latency average = ").unwrap_or(f64::NAN),
            field("number of transactions actually processed: ").unwrap_or(0.0),
            field("number of failed transactions: ").unwrap_or(0.0),
            config.connections,
            config.seconds
        ),
    })
}

/// pgbench's rate, and the row's text.
pub struct Durable {
    pub tps: f64,
    pub figure: String,
}
