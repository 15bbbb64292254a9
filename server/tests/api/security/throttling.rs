//! Guessing passwords, locking someone out, minting accounts, and holding the
//! catalogue hostage: each is limited per client, and the client is who the
//! socket (or a proxy the operator trusts) says it is.

use std::time::{Duration, Instant};

use crate::helpers::{spawn_app, spawn_app_with, TestApp};

const VICTIM: &str = "victim@example.com";
const PASSWORD: &str = "the victim's long password";

async fn sign_in_from(app: &TestApp, forwarded_for: Option<&str>, password: &str) -> u16 {
    let mut request = crate::helpers::browser()
        .post(app.url("/api/sign_in"))
        .header("accept", "application/json")
        .form(&[("email", VICTIM), ("password", password)]);
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn with_victim(extra: &[(&str, &str)]) -> TestApp {
    let app = spawn_app_with(extra).await;
    let answer = app
        .server_fn("sign_up", &[("email", VICTIM), ("password", PASSWORD)])
        .await;
    assert!(answer.status().is_success(), "{}", answer.status());
    app
}

/// Fifty guesses at once used to all pass a count of four, made before any of
/// them was recorded. Now each is recorded first: five are checked.
#[tokio::test]
async fn fifty_parallel_guesses_get_five_tries() {
    let app = with_victim(&[]).await;
    let guesses: Vec<_> = (0..50)
        .map(|n| {
            let app_url = app.url("/api/sign_in");
            tokio::spawn(async move {
                crate::helpers::browser()
                    .post(app_url)
                    .header("accept", "application/json")
                    .form(&[
                        ("email", VICTIM),
                        ("password", &format!("guess number {n}")),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut checked = 0;
    for guess in guesses {
        match guess.await.unwrap() {
            401 => checked += 1,
            429 => {}
            other => panic!("a guess answered {other}"),
        }
    }
    assert!(checked <= 5, "{checked} guesses were checked");
}

/// Without TRUSTED_PROXIES a client cannot escape its limit by naming another
/// address; behind a trusted proxy, one client's guesses do not lock out the
/// others, and no number of clients can lock the victim out of their account.
#[tokio::test]
async fn forged_addresses_do_not_help_and_nobody_can_lock_an_account() {
    let direct = with_victim(&[]).await;
    for n in 0..5 {
        let forged = format!("203.0.113.{n}");
        assert_eq!(
            sign_in_from(&direct, Some(&forged), "wrong password!").await,
            401
        );
    }
    assert_eq!(
        sign_in_from(&direct, Some("198.51.100.99"), "wrong password!").await,
        429,
        "the header is not believed from an untrusted peer"
    );

    let proxied = with_victim(&[("TRUSTED_PROXIES", "127.0.0.0/8")]).await;
    for _ in 0..5 {
        sign_in_from(&proxied, Some("203.0.113.200"), "wrong password!").await;
    }
    assert_eq!(
        sign_in_from(&proxied, Some("203.0.113.200"), "wrong password!").await,
        429,
        "the persistent guesser is stopped"
    );
    for attacker in ["203.0.113.1", "203.0.113.2"] {
        assert_eq!(
            sign_in_from(&proxied, Some(attacker), "wrong password!").await,
            401,
            "other clients are still checked"
        );
    }
    let started = Instant::now();
    assert_eq!(
        sign_in_from(&proxied, Some("192.0.2.10"), PASSWORD).await,
        200,
        "the victim still gets in"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "but an email under attack answers slowly ({:?})",
        started.elapsed()
    );
}

#[tokio::test]
async fn one_client_cannot_mint_accounts_without_end() {
    let app = spawn_app_with(&[("SIGN_UPS_PER_CLIENT_PER_HOUR", "3")]).await;
    let mut statuses = Vec::new();
    for n in 0..5 {
        let answer = crate::helpers::browser()
            .post(app.url("/api/sign_up"))
            .header("accept", "application/json")
            .form(&[
                ("email", format!("bot{n}@example.com")),
                ("password", "a long enough password".to_owned()),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    assert_eq!(app.number("SELECT COUNT(*) FROM users").await, 3);
}

/// A script that adds to cart without a cookie and checks out, again and again,
/// once reserved the whole catalogue for the sessions' lifetime. One client now
/// holds at most its share, and the rest of the catalogue stays on sale.
#[tokio::test]
async fn one_client_cannot_make_the_catalogue_read_sold_out() {
    let app = spawn_app().await;
    let slugs = [
        "linen-tea-towel",
        "beeswax-candle",
        "stoneware-mug",
        "glass-carafe",
        "ceramic-dripper",
        "enamel-bowl-set",
        "cast-iron-skillet",
        "pour-over-kettle",
        "walnut-cutting-board",
        "merino-throw",
        "canvas-tote",
    ];
    let sold_out_before = sold_out(&app).await;
    assert_eq!(
        sold_out_before, 1,
        "the seed's one sold-out product is counted"
    );
    let mut refused = 0;
    for _round in 0..3 {
        for slug in slugs {
            let bot = app.other_shopper();
            let stock = app.stock(slug).await.min(99);
            if stock == 0 || bot.try_add(slug, &stock.to_string()).await.status() != 200 {
                refused += 1;
                continue;
            }
            if bot.checkout().await.status() == 429 {
                refused += 1;
            }
        }
    }
    assert!(refused > 0, "the script was never stopped");
    let held = app
        .number(
            "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM checkout_lines l \
             JOIN checkouts c ON c.id = l.checkout_id WHERE c.status IN ('creating', 'open')",
        )
        .await;
    assert!(held <= 30, "{held} units held by one client");
    let sold_out_after = sold_out(&app).await;
    assert!(
        sold_out_after <= sold_out_before + 2,
        "{sold_out_before} products sold out before, {sold_out_after} after"
    );
}

/// The products the home page offers as sold out: each such tile's button is
/// named "Sold out: <product>".
async fn sold_out(app: &TestApp) -> usize {
    app.get("/")
        .await
        .text()
        .await
        .unwrap()
        .matches("aria-label=\"Sold out: ")
        .count()
}
