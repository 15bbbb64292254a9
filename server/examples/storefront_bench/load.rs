//! Driving the release server: wrk and its scripts, the server process, its
//! memory, the bare axum ceiling and the first-load bytes.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::report::Load;
use crate::{project_root, Config, SECRET};

// wrk

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
pub fn wrk(
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

pub const POOL_SCRIPT: &str = r#"
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

pub const GET_SCRIPT: &str = r#"
function init(args)
  wrk.headers["Cookie"] = args[1]
  wrk.headers["Accept-Encoding"] = "gzip"
end
"#;

// server

pub struct Server {
    pub child: Child,
    pub address: String,
    pub dir: PathBuf,
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

pub async fn start_server(config: &Config, database_url: &str, name: &str) -> Server {
    start_server_under(config, database_url, name, &[]).await
}

/// The release server, run by `wrapper` (a profiler and its arguments) if any.
pub async fn start_server_under(
    config: &Config,
    database_url: &str,
    name: &str,
    wrapper: &[&str],
) -> Server {
    let dir = config.work.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let root = project_root();
    let mut command = match wrapper.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(&config.server_bin);
            command
        }
        None => Command::new(&config.server_bin),
    };
    let child = command
        .current_dir(&root)
        .env("LEPTOS_SITE_ROOT", root.join("target/site"))
        .env("DATABASE_URL", database_url)
        .env("SHOPFRONT_DATA_DIR", &dir)
        .env("LEPTOS_SITE_ADDR", &address)
        .env("STRIPE_WEBHOOK_SECRET", SECRET)
        // wrk's connections all come from this machine: one client to the
        // per-client limits, which the benchmark is not about.
        .env("NEW_CARTS_PER_CLIENT_PER_HOUR", "100000000")
        .env("CHECKOUTS_PER_CLIENT_PER_HOUR", "100000000")
        .env("UNITS_HELD_PER_CLIENT", "100000000")
        .env("RUST_LOG", "warn")
        .env_remove("STRIPE_SECRET_KEY")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the release server starts");
    let server = Server {
        child,
        address: format!("http://{address}"),
        dir,
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
        server.dir.join("server.log").display()
    );
}

/// The warnings and errors in a server's log from byte `from` on, counted by
/// message: what a run's failed requests ran into.
pub fn logged_problems(log: &Path, from: usize) -> String {
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

/// Two fields of a process's `/proc/<pid>/status`, in MiB.
fn status_mib(pid: u32, names: [&str; 2]) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field(names[0]), field(names[1]))
}

/// Resident memory of a process in MiB: now (`VmRSS`) and its peak (`VmHWM`).
pub fn memory(pid: u32) -> (f64, f64) {
    status_mib(pid, ["VmRSS:", "VmHWM:"])
}

/// Resident memory now, in MiB: anonymous (the heap, stacks) and file-backed
/// (the pages of the binary itself that have been touched).
pub fn memory_split(pid: u32) -> (f64, f64) {
    status_mib(pid, ["RssAnon:", "RssFile:"])
}

/// Announces a phase with the server's memory so far, which shows where the
/// peak was reached, and returns that reading (now, peak).
pub fn phase(name: &str, what: &str, pid: u32) -> (f64, f64) {
    let (now, peak) = memory(pid);
    println!("== {name}: {what} (server RSS {now:.1} MiB, peak so far {peak:.1} MiB)");
    (now, peak)
}

// the ceiling

pub async fn bare_axum() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/")
}

// first load

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

/// The bytes a first visit to /cart fetches besides the HTML: CSS, JS, WASM,
/// and the JS modules the page's JS imports (the split loader).
pub async fn first_load(base: &str, scratch: &Path) -> (Vec<(String, usize, usize)>, usize) {
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
    let mut next = 0;
    while let Some(asset) = assets.get(next).cloned() {
        next += 1;
        let bytes = client
            .get(format!("{base}{asset}"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        if asset.ends_with(".js") {
            for module in js_imports(&String::from_utf8_lossy(&bytes)) {
                let path = format!("/pkg/{module}");
                if !assets.contains(&path) {
                    assets.push(path);
                }
            }
        }
        sizes.push((asset, bytes.len(), gzip_size(&bytes, scratch)));
    }
    (sizes, html.len())
}

/// The modules a JS module imports statically from beside it (`from"./x.js"`).
fn js_imports(js: &str) -> Vec<String> {
    js.split("from")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start().strip_prefix(['"', '\''])?;
            let module = rest.split(['"', '\'']).next()?.strip_prefix("./")?;
            (module.ends_with(".js") && !module.contains('/')).then(|| module.to_owned())
        })
        .collect()
}
