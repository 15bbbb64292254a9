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

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "whsec_shopfront_bench";

struct Config {
    server_bin: PathBuf,
    postgres: Option<String>,
    seconds: u64,
    warmup: u64,
    connections: u32,
    threads: u32,
    work: PathBuf,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What wrk measured for one row.
#[derive(Default, Clone)]
struct Load {
    requests: u64,
    seconds: f64,
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
    errors: u64,
}

struct Row {
    measure: String,
    figure: String,
    target: String,
    met: Option<bool>,
}

fn row(measure: &str, figure: String, target: &str, met: Option<bool>) -> Row {
    Row {
        measure: measure.to_owned(),
        figure,
        target: target.to_owned(),
        met,
    }
}

fn load_row(measure: &str, load: &Load, unit: &str, min_rate: f64, max_p99: Option<f64>) -> Row {
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

// ------------------------------------------------------------------ wrk

fn parse_duration_ms(text: &str) -> f64 {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        (text, 1.0)
    };
    number.parse::<f64>().unwrap_or(f64::NAN) * scale
}

fn parse_wrk(output: &str) -> Load {
    let mut load = Load::default();
    for line in output.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("50%") {
            load.p50_ms = parse_duration_ms(rest);
        } else if let Some(rest) = line.strip_prefix("99%") {
            load.p99_ms = parse_duration_ms(rest);
        } else if let Some(rest) = line.strip_prefix("Requests/sec:") {
            load.rate = rest.trim().parse().unwrap_or(0.0);
        } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
            load.non_2xx = rest.trim().parse().unwrap_or(0);
        } else if let Some(rest) = line.strip_prefix("Socket errors:") {
            load.errors = rest
                .split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum();
        } else if line.contains(" requests in ") {
            let mut words = line.split_whitespace();
            load.requests = words.next().and_then(|n| n.parse().ok()).unwrap_or(0);
            load.seconds = words
                .nth(2)
                .map(|d| parse_duration_ms(d.trim_end_matches(',')) / 1000.0)
                .unwrap_or(0.0);
        }
    }
    load
}

/// Runs wrk for a warm-up and then for the measured period; returns the latter.
fn wrk(
    config: &Config,
    url: &str,
    script: Option<(&Path, &[String])>,
    warmup_script: Option<&[String]>,
) -> Load {
    let run = |seconds: u64, args: Option<&[String]>| {
        let mut command = Command::new("wrk");
        command
            .arg(format!("-t{}", config.threads))
            .arg(format!("-c{}", config.connections))
            .arg(format!("-d{seconds}s"))
            .arg("--latency")
            .arg("--timeout")
            .arg("10s");
        if let Some((path, _)) = script {
            command.arg("-s").arg(path);
        }
        command.arg(url);
        if let Some(args) = args {
            command.arg("--").args(args);
        }
        let output = command.output().expect("wrk runs (apt-get install wrk)");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            eprintln!(
                "wrk failed: {text}{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        text
    };
    if config.warmup > 0 {
        run(
            config.warmup,
            warmup_script.or(script.map(|(_, args)| args)),
        );
    }
    let text = run(config.seconds, script.map(|(_, args)| args));
    parse_wrk(&text)
}

const POOL_SCRIPT: &str = r#"
-- Each line of the file is one request: header value, a tab, then the body.
-- Threads take every Nth line, so no line is sent twice in one run unless the
-- file runs out (then it starts again, and the driver says so).
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local lines = {}
local at = 0
local path, kind
function init(args)
  path, kind = args[1], args[2]
  local threads = tonumber(args[3])
  local k = 0
  for line in io.lines(path) do
    if k % threads == id then
      local tab = line:find("\t", 1, true)
      lines[#lines + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
    end
    k = k + 1
  end
end

function request()
  at = at + 1
  if at > #lines then at = 1 end
  local item = lines[at]
  if kind == "webhook" then
    return wrk.format("POST", "/api/stripe",
      { ["Content-Type"] = "application/json", ["Stripe-Signature"] = item[1] }, item[2])
  else
    return wrk.format("POST", kind,
      { ["Content-Type"] = "application/x-www-form-urlencoded", ["Accept"] = "application/json",
        ["Cookie"] = item[1] }, item[2])
  end
end
"#;

const GET_SCRIPT: &str = r#"
function init(args)
  wrk.headers["Cookie"] = args[1]
  wrk.headers["Accept-Encoding"] = "gzip"
end
"#;

// ------------------------------------------------------------------ server

struct Server {
    child: Child,
    address: String,
    _dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_server(config: &Config, database_url: &str, name: &str) -> Server {
    let dir = config.work.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let root = project_root();
    let child = Command::new(&config.server_bin)
        .current_dir(&root)
        .env("LEPTOS_SITE_ROOT", root.join("target/site"))
        .env("DATABASE_URL", database_url)
        .env("SHOPFRONT_DATA_DIR", &dir)
        .env("LEPTOS_SITE_ADDR", &address)
        .env("STRIPE_WEBHOOK_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .env_remove("STRIPE_SECRET_KEY")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the release server starts");
    let server = Server {
        child,
        address: format!("http://{address}"),
        _dir: dir,
    };
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(response) = client
            .get(format!("{}/healthz", server.address))
            .send()
            .await
        {
            if response.status().is_success() {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the server did not become healthy; see {}",
        server._dir.join("server.log").display()
    );
}

/// The warnings and errors in a server's log from byte `from` on, counted by
/// message: what a run's failed requests ran into.
fn logged_problems(log: &Path, from: usize) -> String {
    let text = std::fs::read(log).unwrap_or_default();
    let text = String::from_utf8_lossy(text.get(from..).unwrap_or_default());
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for line in text
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
    {
        // Drop the timestamp and span fields; keep the level, target and message.
        let message = line
            .split_once(" WARN ")
            .or_else(|| line.split_once(" ERROR "))
            .map_or(line, |(_, rest)| rest);
        let message: String = message.chars().take(240).collect();
        *counts.entry(message).or_default() += 1;
    }
    if counts.is_empty() {
        return "no warnings or errors".to_owned();
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    counts
        .iter()
        .take(3)
        .map(|(message, n)| format!("{n} x `{message}`"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Resident memory of a process in MiB: now (`VmRSS`) and its peak (`VmHWM`).
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Announces a phase with the server's memory so far, which shows where the
/// peak was reached, and returns that reading (now, peak).
fn phase(name: &str, what: &str, pid: u32) -> (f64, f64) {
    let (now, peak) = memory(pid);
    println!("== {name}: {what} (server RSS {now:.1} MiB, peak so far {peak:.1} MiB)");
    (now, peak)
}

// ------------------------------------------------------------------ shoppers

/// A browser's session cookie (`name=value`) from a response, if it set one.
fn cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .next()
}

async fn add(
    client: &reqwest::Client,
    base: &str,
    cookie: Option<&str>,
    slug: &str,
) -> Option<String> {
    let mut request = client
        .post(format!("{base}/api/add_to_cart"))
        .header("accept", "application/json")
        .form(&[("slug", slug), ("quantity", "1")]);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.ok()?;
    assert_eq!(response.status(), 200, "adding {slug} for the benchmark");
    cookie_of(&response).or(cookie.map(str::to_owned))
}

async fn cart_id(client: &reqwest::Client, base: &str, cookie: &str) -> i64 {
    let cart: Value = client
        .post(format!("{base}/api/get_cart"))
        .header("accept", "application/json")
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    cart["cart_id"].as_i64().unwrap()
}

/// `count` guest shoppers with one unit of a product each in their cart.
async fn shoppers(
    base: &str,
    slugs: &[String],
    count: usize,
    with_cart_id: bool,
) -> Vec<(String, i64)> {
    let client = reqwest::Client::new();
    let mut made = Vec::with_capacity(count);
    let mut batches = Vec::new();
    for start in (0..count).step_by(32) {
        batches.push(start..(start + 32).min(count));
    }
    for batch in batches {
        let mut tasks = Vec::new();
        for i in batch {
            let client = client.clone();
            let base = base.to_owned();
            let slug = slugs[i % slugs.len()].clone();
            tasks.push(tokio::spawn(async move {
                let cookie = add(&client, &base, None, &slug).await.unwrap();
                let id = if with_cart_id {
                    cart_id(&client, &base, &cookie).await
                } else {
                    0
                };
                (cookie, id)
            }));
        }
        for task in tasks {
            made.push(task.await.unwrap());
        }
    }
    made
}

// ------------------------------------------------------------------ database

async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn execute(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Checkouts `first..first+count` as if shoppers had started them: a guest
/// session, a cart with one line, a checkout for it with its stock reserved and a
/// Stripe session id `cs_bench_<n>`. Product n % 12 + 1, quantity n % 3 + 1.
async fn seed_checkouts(db: &DatabaseConnection, first: i64, count: i64, now: i64) {
    let last = first + count - 1;
    let series = format!(
        "WITH RECURSIVE n(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM n WHERE i < {last})"
    );
    let product = "(n.i % 12) + 1";
    let quantity = "((n.i % 3) + 1)";
    execute(
        db,
        &format!(
            "{series} INSERT INTO sessions (id, user_id, created_at, expires_at) \
             SELECT 'bench' || CAST(n.i AS TEXT), NULL, {now}, {now} + 86400 FROM n"
        ),
    )
    .await;
    execute(
        db,
        &format!(
            "{series} INSERT INTO carts (id, user_id, session_id, open_key, status, notice, created_at, updated_at) \
             SELECT n.i, NULL, 'bench' || CAST(n.i AS TEXT), 'session:bench' || CAST(n.i AS TEXT), 'open', NULL, {now}, {now} FROM n"
        ),
    )
    .await;
    execute(
        db,
        &format!(
            "{series} INSERT INTO cart_lines (cart_id, product_id, quantity, created_at) \
             SELECT n.i, {product}, {quantity}, {now} FROM n"
        ),
    )
    .await;
    execute(
        db,
        &format!(
            "{series} INSERT INTO checkouts (id, cart_id, user_id, session_id, status, open_key, currency, amount_total, \
             fingerprint, stripe_session_id, stripe_url, expires_at, email, last_payment_error, created_at, updated_at) \
             SELECT n.i, n.i, NULL, 'bench' || CAST(n.i AS TEXT), 'open', n.i, 'usd', p.price_minor * {quantity}, \
             'bench', 'cs_bench_' || CAST(n.i AS TEXT), NULL, {now} + 2100, NULL, NULL, {now}, {now} \
             FROM n JOIN products p ON p.id = {product}"
        ),
    )
    .await;
    execute(
        db,
        &format!(
            "{series} INSERT INTO checkout_lines (checkout_id, product_id, name, unit_amount, quantity, line_total) \
             SELECT n.i, p.id, p.name, p.price_minor, {quantity}, p.price_minor * {quantity} \
             FROM n JOIN products p ON p.id = {product}"
        ),
    )
    .await;
}

/// Signed `checkout.session.completed` events for checkouts `ids`, one per line.
fn write_events(path: &Path, ids: impl IntoIterator<Item = i64>, prices: &[i64], template: &Value) {
    use std::io::Write;
    let now = chrono::Utc::now().timestamp();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for n in ids {
        let quantity = n % 3 + 1;
        let amount = prices[(n % 12) as usize] * quantity;
        let mut session = template.clone();
        session["id"] = json!(format!("cs_bench_{n}"));
        session["status"] = json!("complete");
        session["payment_status"] = json!("paid");
        session["amount_total"] = json!(amount);
        session["amount_subtotal"] = json!(amount);
        session["currency"] = json!("usd");
        session["client_reference_id"] = json!(n.to_string());
        session["metadata"] = json!({ "checkout_id": n.to_string(), "cart_id": n.to_string() });
        let body = json!({
            "id": format!("evt_bench_{n}"),
            "object": "event",
            "api_version": "2026-09-30.endive",
            "created": now,
            "data": { "object": session },
            "livemode": false,
            "pending_webhooks": 1,
            "request": { "id": null, "idempotency_key": null },
            "type": "checkout.session.completed"
        })
        .to_string();
        let header = server::local_stripe::signature::header(SECRET, now, body.as_bytes());
        writeln!(out, "{header}\t{body}").unwrap();
    }
    out.flush().unwrap();
}

/// The counts the store must agree with after the webhook rows.
struct Audit {
    orders: i64,
    events: i64,
    duplicate_checkouts: i64,
    totals_off: i64,
    lines_off: i64,
}

async fn audit(db: &DatabaseConnection) -> Audit {
    Audit {
        orders: number(db, "SELECT COUNT(*) FROM orders WHERE stripe_session_id LIKE 'cs_bench_%'").await,
        events: number(db, "SELECT COUNT(*) FROM stripe_events WHERE id LIKE 'evt_bench_%'").await,
        duplicate_checkouts: number(
            db,
            "SELECT COUNT(*) FROM (SELECT checkout_id FROM orders GROUP BY checkout_id HAVING COUNT(*) > 1) d",
        )
        .await,
        totals_off: number(
            db,
            "SELECT COUNT(*) FROM orders o WHERE o.amount_total <> \
             (SELECT COALESCE(SUM(i.line_total), 0) FROM order_items i WHERE i.order_id = o.id)",
        )
        .await,
        lines_off: number(
            db,
            "SELECT COUNT(*) FROM order_items WHERE line_total <> unit_amount * quantity",
        )
        .await,
    }
}

// ------------------------------------------------------------------ the ceiling

async fn bare_axum() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/")
}

// ------------------------------------------------------------------ first load

fn gzip_size(bytes: &[u8], scratch: &Path) -> usize {
    // Through a file: writing a large input into gzip's stdin while its stdout
    // pipe fills up would leave both sides waiting on each other.
    std::fs::write(scratch, bytes).unwrap();
    let output = Command::new("gzip")
        .arg("-9c")
        .arg(scratch)
        .output()
        .expect("gzip");
    output.stdout.len()
}

/// The bytes a first visit to /cart fetches besides the HTML: CSS, JS, WASM.
async fn first_load(base: &str, scratch: &Path) -> (Vec<(String, usize, usize)>, usize) {
    let client = reqwest::Client::new();
    let html = client
        .get(format!("{base}/cart"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut assets: Vec<String> = Vec::new();
    for piece in html.split(['"', '\'']) {
        if piece.starts_with("/pkg/") && !assets.iter().any(|a| a == piece) {
            assets.push(piece.to_owned());
        }
    }
    let mut sizes = Vec::new();
    for asset in assets {
        let bytes = client
            .get(format!("{base}{asset}"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        sizes.push((asset, bytes.len(), gzip_size(&bytes, scratch)));
    }
    (sizes, html.len())
}

// ------------------------------------------------------------------ one backend

struct Backend {
    name: &'static str,
    rows: Vec<Row>,
    notes: Vec<String>,
}

async fn bench_backend(
    config: &Config,
    name: &'static str,
    database_url: &str,
    ceiling: &Load,
) -> Backend {
    println!("\n== {name}: starting the release server");
    let server = start_server(config, database_url, name).await;
    let pid = server.child.id();
    let db = Database::connect(database_url).await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (idle, _) = memory(pid);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let base = server.address.clone();
    let script_dir = config.work.join(name);
    let pool_script = script_dir.join("pool.lua");
    std::fs::write(&pool_script, POOL_SCRIPT).unwrap();
    let get_script = script_dir.join("get.lua");
    std::fs::write(&get_script, GET_SCRIPT).unwrap();

    let products: Vec<(i64, String, i64)> = {
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT CAST(id AS BIGINT), slug, CAST(price_minor AS BIGINT) FROM products ORDER BY id",
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|r| {
                (
                    r.try_get_by_index(0).unwrap(),
                    r.try_get_by_index(1).unwrap(),
                    r.try_get_by_index(2).unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        products.iter().map(|p| p.0).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>(),
        "the benchmark expects the twelve seeded products, ids 1 to 12"
    );
    let slugs: Vec<String> = products.iter().map(|p| p.1.clone()).collect();
    let prices: Vec<i64> = products.iter().map(|p| p.2).collect();

    // Pages.
    phase(name, "GET /", pid);
    let home = wrk(
        config,
        &format!("{base}/"),
        Some((&get_script, &["x=y".to_owned()])),
        None,
    );
    rows.push(load_row(
        "GET / (12 products)",
        &home,
        "req",
        5000.0,
        Some(15.0),
    ));

    phase(name, "GET /cart with five items", pid);
    let client = reqwest::Client::new();
    let mut cookie = add(&client, &base, None, &slugs[0]).await.unwrap();
    for slug in &slugs[1..5] {
        cookie = add(&client, &base, Some(&cookie), slug).await.unwrap();
    }
    let cart = wrk(
        config,
        &format!("{base}/cart"),
        Some((&get_script, &[cookie.clone()])),
        None,
    );
    rows.push(load_row(
        "GET /cart, 5-item cart",
        &cart,
        "req",
        5000.0,
        Some(15.0),
    ));

    // Stock high enough that neither adding nor reserving ever runs out.
    execute(&db, "UPDATE products SET stock = 1000000000").await;

    phase(name, "add_to_cart", pid);
    // Each shopper adds one unit of each product at a time, far below 99 a line.
    let pool = shoppers(&base, &slugs, 600, false).await;
    let adds_file = script_dir.join("adds.txt");
    {
        let mut text = String::new();
        for round in 0..90 {
            for (s, (cookie, _)) in pool.iter().enumerate() {
                let slug = &slugs[(s + round) % slugs.len()];
                let _ = writeln!(text, "{cookie}\tslug={slug}&quantity=1");
            }
        }
        std::fs::write(&adds_file, text).unwrap();
    }
    let args = [
        adds_file.display().to_string(),
        "/api/add_to_cart".to_owned(),
        config.threads.to_string(),
    ];
    let adds = wrk(
        config,
        &format!("{base}/"),
        Some((&pool_script, &args)),
        None,
    );
    rows.push(load_row(
        "add to cart (server fn)",
        &adds,
        "ops",
        3000.0,
        None,
    ));
    if adds.requests as usize > pool.len() * 90 {
        notes.push(format!(
            "{name}: the add_to_cart pool ran out; some adds were refused at 99"
        ));
    }

    phase(
        name,
        "create_stripe_checkout_session against the local stand-in",
        pid,
    );
    let carts = shoppers(&base, &slugs, 12_000, true).await;
    let carts_file = script_dir.join("checkouts.txt");
    {
        let mut text = String::new();
        for (cookie, id) in &carts {
            let _ = writeln!(text, "{cookie}\tcart_id={id}");
        }
        std::fs::write(&carts_file, text).unwrap();
    }
    let args = [
        carts_file.display().to_string(),
        "/api/create_stripe_checkout_session".to_owned(),
        config.threads.to_string(),
    ];
    let log = server._dir.join("server.log");
    let logged_before = std::fs::read(&log).map_or(0, |text| text.len());
    let sessions = wrk(
        config,
        &format!("{base}/"),
        Some((&pool_script, &args)),
        None,
    );
    let made = number(
        &db,
        "SELECT COUNT(*) FROM checkouts WHERE stripe_session_id LIKE 'cs_test_%'",
    )
    .await;
    rows.push(load_row(
        "create_stripe_checkout_session (local stand-in)",
        &sessions,
        "req",
        0.0,
        Some(20.0),
    ));
    notes.push(format!(
        "{name}: create_stripe_checkout_session made {made} Stripe sessions for {} shoppers' carts ({} calls in all, warm-up included; a repeated call for an unchanged cart reuses its open session)",
        carts.len(),
        sessions.requests
    ));
    if sessions.non_2xx > 0 || sessions.errors > 0 {
        notes.push(format!(
            "{name}: the server's log during the checkout run: {}",
            logged_problems(&log, logged_before)
        ));
    }

    // Webhooks: new paid sessions, then the same events again.
    phase(
        name,
        "POST /api/stripe, new checkout.session.completed events",
        pid,
    );
    let template: Value = serde_json::from_str(include_str!(
        "../tests/fixtures/stripe/fixture_checkout_session.json"
    ))
    .unwrap();
    let warm_ids = 1_000_000..1_040_000;
    let main_ids = 2_000_000..2_150_000;
    let seeding = Instant::now();
    seed_checkouts(
        &db,
        warm_ids.start,
        warm_ids.end - warm_ids.start,
        chrono::Utc::now().timestamp(),
    )
    .await;
    seed_checkouts(
        &db,
        main_ids.start,
        main_ids.end - main_ids.start,
        chrono::Utc::now().timestamp(),
    )
    .await;
    println!(
        "   seeded {} checkouts in {:.1} s",
        (warm_ids.end - warm_ids.start) + (main_ids.end - main_ids.start),
        seeding.elapsed().as_secs_f64()
    );
    let warm_file = script_dir.join("events-warm.txt");
    let main_file = script_dir.join("events.txt");
    write_events(&warm_file, warm_ids.clone(), &prices, &template);
    write_events(&main_file, main_ids.clone(), &prices, &template);
    let threads = config.threads.to_string();
    let main_args = [
        main_file.display().to_string(),
        "webhook".to_owned(),
        threads.clone(),
    ];
    let warm_args = [
        warm_file.display().to_string(),
        "webhook".to_owned(),
        threads.clone(),
    ];
    let before = audit(&db).await;
    let fresh = wrk(
        config,
        &format!("{base}/api/stripe"),
        Some((&pool_script, &main_args)),
        Some(&warm_args),
    );
    let after = audit(&db).await;
    let target = if name == "PostgreSQL" { 3800.0 } else { 0.0 };
    rows.push(load_row(
        "POST /api/stripe, new completed events → orders",
        &fresh,
        "events",
        target,
        None,
    ));
    if fresh.requests > (main_ids.end - main_ids.start) as u64 {
        notes.push(format!(
            "{name}: the new-event pool ran out; the rate includes redeliveries"
        ));
    }
    let made_now = after.orders - before.orders;
    let exact = after.events == after.orders
        && after.duplicate_checkouts == 0
        && after.totals_off == 0
        && after.lines_off == 0;
    rows.push(row(
        "  check: each event one order, items add up",
        format!(
            "{} events recorded, {} orders ({made_now} made during the warm-up and the run; wrk counted {} answers in the measured run alone), {} duplicate orders, {} orders whose items do not add up to the total, {} order lines off",
            after.events, after.orders, fresh.requests, after.duplicate_checkouts, after.totals_off, after.lines_off
        ),
        "exactly one each, all add up",
        Some(exact),
    ));

    phase(
        name,
        "POST /api/stripe, redeliveries of processed events",
        pid,
    );
    // The same events, signed afresh (a signature is good for five minutes).
    let processed: Vec<i64> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM stripe_events WHERE id LIKE 'evt_bench_%'",
        ))
        .await
        .unwrap()
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .filter_map(|id| id.trim_start_matches("evt_bench_").parse().ok())
        .collect();
    write_events(&main_file, processed, &prices, &template);
    let replays = wrk(
        config,
        &format!("{base}/api/stripe"),
        Some((&pool_script, &main_args)),
        None,
    );
    let replayed = audit(&db).await;
    let target = if name == "PostgreSQL" { 8000.0 } else { 0.0 };
    rows.push(load_row(
        "POST /api/stripe, redeliveries",
        &replays,
        "events",
        target,
        None,
    ));
    rows.push(row(
        "  check: redeliveries changed nothing",
        format!(
            "orders {} -> {}, events {} -> {}",
            after.orders, replayed.orders, after.events, replayed.events
        ),
        "no change",
        Some(replayed.orders == after.orders && replayed.events == after.events),
    ));

    let (now_rss, peak) = phase(name, "done", pid);
    rows.push(row(
        "server RSS: idle, peak under load",
        format!("{idle:.1} MiB idle, {peak:.1} MiB peak ({now_rss:.1} MiB at the end)"),
        "peak ≤ 40 MiB",
        Some(peak <= 40.0),
    ));
    rows.push(load_row(
        "ceiling: bare axum static 200 (same run)",
        ceiling,
        "req",
        0.0,
        None,
    ));
    drop(server);
    Backend { name, rows, notes }
}

// ------------------------------------------------------------------ main

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
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

fn bench_database_name() -> String {
    format!("shopfront_bench_{}", std::process::id())
}

async fn fresh_postgres(admin: &str) -> String {
    let name = bench_database_name();
    let db = Database::connect(admin)
        .await
        .expect("BENCH_DATABASE_URL connects");
    execute(&db, &format!("DROP DATABASE IF EXISTS {name}")).await;
    execute(&db, &format!("CREATE DATABASE {name}")).await;
    let (head, query) = admin
        .split_once('?')
        .map_or((admin, None), |(h, q)| (h, Some(q)));
    let base = head.rsplit_once('/').map_or(head, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
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
    let bare = bare_axum().await;
    let ceiling = wrk(&config, &bare, None, None);

    let mut backends = Vec::new();
    let sqlite_url = format!("sqlite://{}?mode=rwc", work.join("bench.db").display());
    backends.push(bench_backend(&config, "SQLite", &sqlite_url, &ceiling).await);
    let mut first_load_rows = Vec::new();
    if let Some(admin) = &config.postgres {
        let url = fresh_postgres(admin).await;
        backends.push(bench_backend(&config, "PostgreSQL", &url, &ceiling).await);
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
            "≤ 100 KB gzip",
            Some(gz as f64 / 1024.0 <= 100.0),
        ));
    }

    // The report.
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
        "Command: `bash .ci/bench` (`cargo leptos build --release`, then `cargo run --release -p server --example storefront_bench`). Each row: `wrk -t{} -c{} -d{}s --latency` after a {} s warm-up; PostgreSQL 15 with default settings (`synchronous_commit` on); SQLite in WAL mode. The store runs with `RUST_LOG=warn` and the local Stripe stand-in mounted.\n",
        config.threads, config.connections, config.seconds, config.warmup
    );
    for backend in &backends {
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
        "## First load\n\n| measure | figure | target | met |\n|---|---|---|---|"
    );
    for r in &first_load_rows {
        let _ = writeln!(
            report,
            "| {} | {} | {} | {} |",
            r.measure,
            r.figure,
            r.target,
            if r.met == Some(true) { "yes" } else { "**no**" }
        );
    }
    println!("\n{report}");
    let out = std::env::var("BENCH_REPORT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| project_root().join("BENCHMARKS.md"));
    std::fs::write(&out, &report).unwrap();
    println!("written to {}", out.display());
    let _ = std::fs::remove_dir_all(&work);
}
