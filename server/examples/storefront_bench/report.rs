//! The figures: one row per measure, and the report written to BENCHMARKS.md.

use std::fmt::Write as _;
use std::process::Command;

use crate::backend::Backend;
use crate::Config;

/// What wrk measured for one row.
#[derive(Default, Clone)]
pub struct Load {
    pub requests: u64,
    pub seconds: f64,
    pub rate: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub non_2xx: u64,
    pub errors: u64,
}

pub struct Row {
    pub measure: String,
    pub figure: String,
    pub target: String,
    pub met: Option<bool>,
}

pub fn row(measure: &str, figure: String, target: &str, met: Option<bool>) -> Row {
    Row {
        measure: measure.to_owned(),
        figure,
        target: target.to_owned(),
        met,
    }
}

pub fn load_row(
    measure: &str,
    load: &Load,
    unit: &str,
    min_rate: f64,
    max_p99: Option<f64>,
) -> Row {
    let mut figure = format!(
        "{:.0} {unit}/s, p50 {:.2} ms, p99 {:.2} ms ({} requests",
        load.rate, load.p50_ms, load.p99_ms, load.requests
    );
    if load.non_2xx > 0 || load.errors > 0 {
        let _ = write!(
            figure,
            ", {} non-2xx, {} socket errors",
            load.non_2xx, load.errors
        );
    }
    figure.push(')');
    let mut target = String::new();
    if min_rate > 0.0 {
        let _ = write!(target, "≥ {min_rate:.0} {unit}/s");
    }
    if let Some(p99) = max_p99 {
        if !target.is_empty() {
            target.push_str(", ");
        }
        let _ = write!(target, "p99 ≤ {p99:.0} ms");
    }
    let met = (load.rate >= min_rate && max_p99.is_none_or(|p| load.p99_ms <= p))
        && load.non_2xx == 0
        && load.errors == 0;
    let target = if target.is_empty() {
        "printed".to_owned()
    } else {
        target
    };
    row(
        measure,
        figure,
        &target,
        (min_rate > 0.0 || max_p99.is_some()).then_some(met),
    )
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("MemTotal"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    let kernel = Command::new("uname")
        .arg("-sr")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let postgres = Command::new("psql")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let wrk = Command::new("wrk")
        .arg("-v")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .unwrap_or_default();
    format!("{cores} cores ({cpu}), {memory:.0} GiB, {kernel}; {postgres}; {wrk}; the load generator shares the machine")
}

/// The report: the machine, the command, and each backend's table.
pub fn write(
    config: &Config,
    started: chrono::DateTime<chrono::Utc>,
    backends: &[Backend],
    first_load_rows: &[Row],
) -> String {
    let mut report = String::new();
    let _ = writeln!(report, "# Benchmarks\n");
    let _ = writeln!(
        report,
        "Run on {} (UTC).\n",
        started.format("%Y-%m-%d %H:%M")
    );
    let _ = writeln!(report, "Machine: {}.\n", machine());
    let _ = writeln!(
        report,
        "Command: `bash .ci/bench` (`cargo leptos build --release --split`, then `cargo run --release -p server --example storefront_bench`). Each row: `wrk -t{} -c{} -d{}s --latency` after a {} s warm-up, pages asked for with `Accept-Encoding: gzip` as a browser does; PostgreSQL 15 with default settings (`synchronous_commit` on); SQLite in WAL mode. The store runs with `RUST_LOG=warn` and the local Stripe stand-in mounted.\n",
        config.threads, config.connections, config.seconds, config.warmup
    );
    for backend in backends {
        let _ = writeln!(report, "## {}\n", backend.name);
        let _ = writeln!(
            report,
            "| measure | figure | target | met |\n|---|---|---|---|"
        );
        for r in &backend.rows {
            let met = match r.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "",
            };
            let _ = writeln!(
                report,
                "| {} | {} | {} | {met} |",
                r.measure, r.figure, r.target
            );
        }
        for note in &backend.notes {
            let _ = writeln!(report, "\n- {note}");
        }
        report.push('\n');
    }
    let _ = writeln!(
        report,
        "## Per request, and the first load\n\n| measure | figure | target | met |\n|---|---|---|---|"
    );
    for r in first_load_rows {
        let _ = writeln!(
            report,
            "| {} | {} | {} | {} |",
            r.measure,
            r.figure,
            r.target,
            match r.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "",
            }
        );
    }
    report
}
