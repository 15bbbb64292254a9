//! Shopfront under load: the release server on SQLite and PostgreSQL, driven by
//! wrk (32 connections, 5 s warm-up, 20 s measured), with the figures printed as
//! one table and written to BENCHMARKS.md. Run it with `bash .ci/bench`, which
//! builds the release server and installs wrk first. (An example rather than a
//! `cargo bench` target: a bench target rebuilds the server binary without the
//! settings cargo-leptos compiles into it.)
//!
//! Settings (environment): `SHOPFRONT_SERVER_BIN` (the release server),
//! `BENCH_DATABASE_URL` (a PostgreSQL server to create a fresh database on; the
//! PostgreSQL rows are skipped without it), `BENCH_SECONDS` (default 20),
//! `BENCH_WARMUP_SECONDS` (default 5), `BENCH_CONNECTIONS` (default 32).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod back_office;
mod backend;
mod ceilings;
mod load;
mod per_request;
mod report;
mod seed;
mod shoppers;

use sea_orm::Database;
use std::path::{Path, PathBuf};

use backend::bench_backend;
use load::{first_load, start_server, wrk};
use report::row;
use seed::{bench_database_name, execute, fresh_postgres};

pub const SECRET: &str = "whsec_shopfront_bench";

pub struct Config {
    pub server_bin: PathBuf,
    pub postgres: Option<String>,
    pub seconds: u64,
    pub warmup: u64,
    pub connections: u32,
    pub threads: u32,
    pub work: PathBuf,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let work = std::env::temp_dir().join(format!("shopfront-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("target"));
    let config = Config {
        server_bin: std::env::var("SHOPFRONT_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|_| target.join("release/server")),
        postgres: std::env::var("BENCH_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty()),
        seconds: env_or("BENCH_SECONDS", 20),
        warmup: env_or("BENCH_WARMUP_SECONDS", 5),
        connections: env_or("BENCH_CONNECTIONS", 32),
        threads: 2,
        work: work.clone(),
    };
    let started = chrono::Utc::now();

    println!("== the ceiling: a bare axum route");
    let bare = load::bare_axum().await;
    let ceiling = wrk(&config, &bare, None, None);

    let mut backends = Vec::new();
    let sqlite_url = format!("sqlite://{}?mode=rwc", work.join("bench.db").display());
    backends.push(bench_backend(&config, "SQLite", &sqlite_url, &ceiling, None).await);
    let mut first_load_rows = Vec::new();

    // Instructions per request, on the SQLite database the run has filled.
    println!("\n== instructions per request, under callgrind");
    match per_request::instructions(
        &config,
        &sqlite_url,
        &[
            ("/healthz/page", "x=y"),
            ("/", "x=y"),
            ("/cart", &backends[0].cart_cookie),
        ],
        50,
    )
    .await
    {
        Some(figures) => first_load_rows.push(row(
            "instructions per request (callgrind, release server, SQLite, gzip)",
            figures
                .iter()
                .map(|(path, n)| format!("GET {path} {:.2} M", *n as f64 / 1e6))
                .collect::<Vec<_>>()
                .join("; "),
            "printed",
            None,
        )),
        None => println!("valgrind is not installed: no instruction counts"),
    }

    if let Some(admin) = &config.postgres {
        let durable = ceilings::pgbench(&config, admin).await;
        let url = fresh_postgres(admin).await;
        backends.push(bench_backend(&config, "PostgreSQL", &url, &ceiling, durable.as_ref()).await);
        // Each run's database is a few hundred MB; leave the cluster as it was.
        let db = Database::connect(admin.as_str()).await.unwrap();
        execute(
            &db,
            &format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                bench_database_name()
            ),
        )
        .await;
    } else {
        println!("BENCH_DATABASE_URL is unset: the PostgreSQL rows are skipped");
    }

    // First load, from a server of its own.
    {
        let server = start_server(
            &config,
            &format!("sqlite://{}?mode=rwc", work.join("first-load.db").display()),
            "first-load",
        )
        .await;
        let (assets, html) = first_load(&server.address, &work.join("asset")).await;
        let raw: usize = assets.iter().map(|a| a.1).sum();
        let gz: usize = assets.iter().map(|a| a.2).sum();
        let detail = assets
            .iter()
            .map(|(path, raw, gz)| {
                format!(
                    "{} {:.1} KB / {:.1} KB",
                    path.trim_start_matches("/pkg/"),
                    *raw as f64 / 1024.0,
                    *gz as f64 / 1024.0
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        first_load_rows.push(row(
            "first-load bytes of /cart (JS + WASM + CSS), raw / gzip",
            format!(
                "{:.1} KB / {:.1} KB gzip ({detail}; the HTML itself {:.1} KB raw)",
                raw as f64 / 1024.0,
                gz as f64 / 1024.0,
                html as f64 / 1024.0
            ),
            "≤ 60 KB gzip",
            Some(gz as f64 / 1024.0 <= 60.0),
        ));
    }

    let report = report::write(&config, started, &backends, &first_load_rows);
    println!("\n{report}");
    let out = std::env::var("BENCH_REPORT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| project_root().join("BENCHMARKS.md"));
    // The Lighthouse scores (`end2end/lighthouse.sh`) are measured apart and kept.
    let kept = std::fs::read_to_string(&out)
        .ok()
        .and_then(|old| old.find("\n## Lighthouse").map(|at| old[at..].to_owned()))
        .unwrap_or_default();
    std::fs::write(&out, format!("{}{kept}", report.trim_end())).unwrap();
    println!("written to {}", out.display());
    let _ = std::fs::remove_dir_all(&work);
}
