//! What one request costs the store: the statements it sends its database (the
//! store's own counter at `/metrics`) and, under callgrind, the instructions it
//! runs. Unlike requests a second, neither drifts with the machine's load.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::load::{start_server_under, Server};
use crate::Config;

/// The store's statement counter, once background work (a confirmation email,
/// the stand-in's deliveries) has stopped adding to it.
pub async fn settled_queries(client: &reqwest::Client, base: &str) -> u64 {
    let mut last = u64::MAX;
    for _ in 0..400 {
        let text = client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let count = server::health::queries_total(&text)
            .expect("the store's /metrics has its statement counter");
        if count == last {
            return count;
        }
        last = count;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the store never stopped querying its database");
}

/// Statements per request over `requests`, sent one after another.
pub async fn queries_per(
    client: &reqwest::Client,
    base: &str,
    requests: Vec<reqwest::RequestBuilder>,
) -> f64 {
    let n = requests.len();
    let before = settled_queries(client, base).await;
    for request in requests {
        let response = request.send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "{status}: {body}");
    }
    let after = settled_queries(client, base).await;
    (after - before) as f64 / n as f64
}

/// Instructions per request for each path (with its cookie), from the release
/// server run under callgrind on `database_url`: the count is switched on for
/// `n` requests of one path at a time, after a few to warm up. `None` when
/// valgrind is not installed.
pub async fn instructions(
    config: &Config,
    database_url: &str,
    paths: &[(&str, &str)],
    n: usize,
) -> Option<Vec<(String, u64)>> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        return None;
    }
    let out = config.work.join("callgrind.out");
    let server: Server = start_server_under(
        config,
        database_url,
        "callgrind",
        &[
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            &format!("--callgrind-out-file={}", out.display()),
        ],
    )
    .await;
    let pid = server.child.id().to_string();
    let client = reqwest::Client::new();
    let get = |path: &str, cookie: &str| {
        client
            .get(format!("{}{path}", server.address))
            .header("cookie", cookie)
            .header("accept-encoding", "gzip")
            .send()
    };
    let control = |what: &str| {
        let status = Command::new("callgrind_control")
            .args([what, &pid])
            .output()
            .expect("callgrind_control runs");
        assert!(status.status.success(), "callgrind_control {what}");
    };
    let mut figures = Vec::new();
    for (part, (path, cookie)) in paths.iter().enumerate() {
        for _ in 0..10 {
            get(path, cookie).await.unwrap().bytes().await.unwrap();
        }
        control("--instr=on");
        for _ in 0..n {
            let response = get(path, cookie).await.unwrap();
            assert!(response.status().is_success(), "GET {path} under callgrind");
            response.bytes().await.unwrap();
        }
        control("--instr=off");
        control("--dump");
        let dump = config.work.join(format!("callgrind.out.{}", part + 1));
        figures.push((path.to_string(), total_instructions(&dump) / n as u64));
    }
    drop(server);
    Some(figures)
}

/// The `totals:` line of a callgrind dump.
fn total_instructions(dump: &Path) -> u64 {
    // The dump is written by the server a moment after callgrind_control returns.
    for _ in 0..100 {
        if let Ok(text) = std::fs::read_to_string(dump) {
            if let Some(total) = text
                .lines()
                .find_map(|line| line.strip_prefix("totals: "))
                .and_then(|n| n.trim().parse().ok())
            {
                return total;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no callgrind dump at {}", dump.display());
}

/// Statements per request for each page and action, twenty of each, sent one
/// at a time between the load runs, while the store has nothing else to do.
pub async fn query_probes(
    base: &str,
    db: &sea_orm::DatabaseConnection,
    cart_cookie: &str,
    slugs: &[String],
    prices: &[i64],
    template: &serde_json::Value,
    dir: &Path,
) -> crate::report::Row {
    const N: usize = 20;
    let client = reqwest::Client::new();
    let get = |path: &str, cookie: &str| {
        client
            .get(format!("{base}{path}"))
            .header("cookie", cookie)
            .header("accept-encoding", "gzip")
    };
    let server_fn = |name: &str, cookie: &str, form: String| {
        client
            .post(format!("{base}/api/{name}"))
            .header("cookie", cookie)
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
    };
    let home = queries_per(&client, base, (0..N).map(|_| get("/", "x=y")).collect()).await;
    let cart = queries_per(
        &client,
        base,
        (0..N).map(|_| get("/cart", cart_cookie)).collect(),
    )
    .await;
    let adders = crate::shoppers::shoppers(base, slugs, N, false).await;
    let add = queries_per(
        &client,
        base,
        adders
            .iter()
            .enumerate()
            .map(|(i, (cookie, _))| {
                let slug = &slugs[(i + 1) % slugs.len()];
                server_fn("add_to_cart", cookie, format!("slug={slug}&quantity=1"))
            })
            .collect(),
    )
    .await;
    let carts = crate::shoppers::shoppers(base, slugs, N, true).await;
    let checkout = queries_per(
        &client,
        base,
        carts
            .iter()
            .map(|(cookie, id)| {
                server_fn(
                    "create_stripe_checkout_session",
                    cookie,
                    format!("cart_id={id}"),
                )
            })
            .collect(),
    )
    .await;
    let ids = 3_000_000..3_000_000 + N as i64;
    crate::seed::seed_checkouts(db, ids.start, N as i64, chrono::Utc::now().timestamp()).await;
    let file = dir.join("probe-events.txt");
    crate::seed::write_events(&file, ids, prices, template);
    let events: Vec<(String, String)> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(header, body)| (header.to_owned(), body.to_owned()))
        .collect();
    let post_events = || {
        events
            .iter()
            .map(|(header, body)| {
                client
                    .post(format!("{base}/api/stripe"))
                    .header("content-type", "application/json")
                    .header("stripe-signature", header)
                    .body(body.clone())
            })
            .collect::<Vec<_>>()
    };
    let event = queries_per(&client, base, post_events()).await;
    let redelivery = queries_per(&client, base, post_events()).await;
    crate::report::row(
        "queries per request (the store's own count, one request at a time)",
        format!(
            "GET / {home:.1}; GET /cart {cart:.1}; add to cart {add:.1}; create_stripe_checkout_session {checkout:.1}; a new event → order {event:.1} (its confirmation email included); a redelivery {redelivery:.1}"
        ),
        "GET / ≤ 1, GET /cart ≤ 2, a redelivery 1",
        Some(home <= 1.0 && cart <= 2.0 && redelivery <= 1.0),
    )
}
