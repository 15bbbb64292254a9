//! One backend's run: pages, cart, checkout, webhooks, memory.

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::Value;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::ceilings::Durable;
use crate::load::{logged_problems, memory, phase, start_server, wrk, GET_SCRIPT, POOL_SCRIPT};
use crate::report::{load_row, row, Load, Row};
use crate::seed::{audit, execute, number, seed_checkouts, write_events};
use crate::shoppers::{add, shoppers};
use crate::Config;

// one backend

pub struct Backend {
    pub name: &'static str,
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
    /// The session cookie of the five-item cart, for later probes.
    pub cart_cookie: String,
}

/// The targets on one backend: SQLite's, or PostgreSQL's where they differ.
fn target(name: &str, sqlite: f64, postgres: f64) -> f64 {
    if name == "PostgreSQL" {
        postgres
    } else {
        sqlite
    }
}

pub async fn bench_backend(
    config: &Config,
    name: &'static str,
    database_url: &str,
    ceiling: &Load,
    durable: Option<&Durable>,
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
        target(name, 5000.0, 4000.0),
        Some(15.0),
    ));
    phase(
        name,
        "GET /healthz/page, the store's frame around nothing",
        pid,
    );
    let frame = wrk(
        config,
        &format!("{base}/healthz/page"),
        Some((&get_script, &["x=y".to_owned()])),
        None,
    );

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
        target(name, 4000.0, 3000.0),
        Some(15.0),
    ));
    rows.push(load_row(
        "ceiling: the store's frame (head, header, footer) around an empty page, GET /healthz/page",
        &frame,
        "req",
        0.0,
        None,
    ));
    rows.push(row(
        "  pages as a fraction of the frame / of bare axum",
        format!(
            "GET / {:.2} / {:.3}; GET /cart {:.2} / {:.3}; the frame itself {:.3} of bare axum",
            home.rate / frame.rate,
            home.rate / ceiling.rate,
            cart.rate / frame.rate,
            cart.rate / ceiling.rate,
            frame.rate / ceiling.rate
        ),
        "printed",
        None,
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
        target(name, 3000.0, 2000.0),
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
    let log = server.dir.join("server.log");
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
        Some(50.0),
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

    let template: Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/stripe/fixture_checkout_session.json"
    ))
    .unwrap();
    // One request at a time, before the webhook runs leave thousands of
    // confirmation emails for the store to send in the background.
    phase(name, "queries per request", pid);
    rows.push(
        crate::per_request::query_probes(
            &base,
            &db,
            &cookie,
            &slugs,
            &prices,
            &template,
            &script_dir,
        )
        .await,
    );

    // Webhooks: new paid sessions, then the same events again.
    phase(
        name,
        "POST /api/stripe, new checkout.session.completed events",
        pid,
    );
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
    // PostgreSQL's target is half of what pgbench commits durably in this run.
    let half_durable = match (name, durable) {
        ("PostgreSQL", Some(durable)) => durable.tps / 2.0,
        _ => 0.0,
    };
    rows.push(load_row(
        "POST /api/stripe, new completed events → orders",
        &fresh,
        "events",
        half_durable,
        None,
    ));
    if let Some(durable) = durable.filter(|_| name == "PostgreSQL") {
        rows.push(row(
            "ceiling: pgbench TPC-B-like, 32 clients, same PostgreSQL (durable commits)",
            durable.figure.clone(),
            "printed",
            None,
        ));
        rows.push(row(
            "  new events as a fraction of pgbench's rate",
            format!("{:.2}", fresh.rate / durable.tps),
            "≥ 0.5",
            Some(fresh.rate / durable.tps >= 0.5),
        ));
    }
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
    rows.push(load_row(
        "POST /api/stripe, redeliveries",
        &replays,
        "events",
        8000.0,
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
    let (anon, file) = crate::load::memory_split(pid);
    rows.push(row(
        "server RSS: idle, peak under load",
        format!("{idle:.1} MiB idle, {peak:.1} MiB peak ({now_rss:.1} MiB at the end: {anon:.1} MiB heap and stacks, {file:.1} MiB of the binary's own pages)"),
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
    rows.extend(crate::back_office::back_office(config, name, &base, &db, pid, &get_script).await);
    drop(server);
    Backend {
        name,
        rows,
        notes,
        cart_cookie: cookie,
    }
}
