//! merge_guest_cart, against a real database: the merge table, the caps,
//! idempotence, and two sign-ins racing from the same guest session. Runs on
//! SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

use app::ssr::domain::Owner;
use app::ssr::entities::user;
use app::ssr::services::cart::{self, Addition};
use app::ssr::{db, sessions};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};

const NOW: i64 = 1_800_000_000;

/// Cart lines as (slug, quantity).
type Lines<'a> = &'a [(&'a str, i32)];

async fn store() -> DatabaseConnection {
    let conn = db::connect(&crate::helpers::fresh_database_url().await)
        .await
        .unwrap();
    db::migrate(&conn).await.unwrap();
    conn
}

async fn account(conn: &DatabaseConnection, email: &str) -> i32 {
    user::ActiveModel {
        email: Set(email.to_owned()),
        password_hash: Set("not used here".to_owned()),
        created_at: Set(NOW),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap()
    .id
}

async fn guest(conn: &DatabaseConnection) -> String {
    sessions::create(conn, None, NOW).await.unwrap().session.id
}

async fn add(conn: &DatabaseConnection, owner: &Owner, slug: &str, quantity: i32) {
    let wanted = Addition::check(conn, slug, &quantity.to_string())
        .await
        .unwrap();
    cart::add_checked(conn, owner, wanted, NOW).await.unwrap();
}

/// (slug, quantity) of the owner's open cart, in line order.
async fn lines(conn: &DatabaseConnection, owner: &Owner) -> Vec<(String, i32)> {
    cart::view(conn, Some(owner))
        .await
        .unwrap()
        .lines
        .into_iter()
        .map(|line| (line.slug, line.quantity))
        .collect()
}

fn pairs(expected: &[(&str, i32)]) -> Vec<(String, i32)> {
    expected.iter().map(|(s, q)| (s.to_string(), *q)).collect()
}

#[tokio::test]
async fn the_merge_table() {
    // (guest lines, account lines, account lines after the merge)
    let cases: [(Lines, Lines, Lines); 6] = [
        (&[], &[], &[]),
        (&[], &[("stoneware-mug", 2)], &[("stoneware-mug", 2)]),
        (&[], &[("glass-carafe", 1)], &[("glass-carafe", 1)]),
        (&[("stoneware-mug", 3)], &[], &[("stoneware-mug", 3)]),
        (
            &[("stoneware-mug", 3)],
            &[("stoneware-mug", 2)],
            &[("stoneware-mug", 5)],
        ),
        (
            &[("stoneware-mug", 3), ("beeswax-candle", 1)],
            &[("glass-carafe", 1)],
            &[
                ("glass-carafe", 1),
                ("stoneware-mug", 3),
                ("beeswax-candle", 1),
            ],
        ),
    ];
    let conn = store().await;
    for (index, (guest_lines, account_lines, expected)) in cases.iter().enumerate() {
        let user_id = account(&conn, &format!("case{index}@example.com")).await;
        let guest_id = guest(&conn).await;
        let (guest_owner, account_owner) = (Owner::Guest(guest_id.clone()), Owner::User(user_id));
        for (slug, quantity) in account_lines.iter() {
            add(&conn, &account_owner, slug, *quantity).await;
        }
        for (slug, quantity) in guest_lines.iter() {
            add(&conn, &guest_owner, slug, *quantity).await;
        }

        let outcome = cart::merge_guest_cart(&conn, &guest_id, user_id, NOW)
            .await
            .unwrap();
        assert_eq!(
            lines(&conn, &account_owner).await,
            pairs(expected),
            "case {index} on {}",
            crate::helpers::backend()
        );
        assert!(
            lines(&conn, &guest_owner).await.is_empty(),
            "case {index}: the guest cart is closed"
        );
        assert!(outcome.notes.is_empty(), "case {index}: nothing capped");
        let notice = cart::view(&conn, Some(&account_owner))
            .await
            .unwrap()
            .notice;
        assert_eq!(
            notice, None,
            "case {index}: no notice when nothing was capped"
        );
    }
}

#[tokio::test]
async fn quantities_are_capped_at_stock_and_at_99_and_the_cart_says_so() {
    let conn = store().await;
    conn.execute_unprepared("UPDATE products SET stock = 500 WHERE slug = 'linen-tea-towel'")
        .await
        .unwrap();
    let user_id = account(&conn, "capped@example.com").await;
    let guest_id = guest(&conn).await;
    let (guest_owner, account_owner) = (Owner::Guest(guest_id.clone()), Owner::User(user_id));
    add(&conn, &account_owner, "canvas-tote", 2).await; // 3 in stock
    add(&conn, &account_owner, "linen-tea-towel", 60).await;
    add(&conn, &guest_owner, "canvas-tote", 2).await;
    add(&conn, &guest_owner, "linen-tea-towel", 50).await;

    let outcome = cart::merge_guest_cart(&conn, &guest_id, user_id, NOW)
        .await
        .unwrap();
    assert_eq!(
        lines(&conn, &account_owner).await,
        pairs(&[("canvas-tote", 3), ("linen-tea-towel", 99)])
    );
    assert_eq!(outcome.notes.len(), 2);
    let notice = cart::view(&conn, Some(&account_owner))
        .await
        .unwrap()
        .notice
        .unwrap();
    assert!(
        notice.contains("Canvas Market Tote is now 3, all we have in stock."),
        "{notice}"
    );
    assert!(
        notice.contains("Linen Tea Towel is now 99, the most per order."),
        "{notice}"
    );

    // The notice is read once: the next change to the cart clears it.
    add(&conn, &account_owner, "stoneware-mug", 1).await;
    assert_eq!(
        cart::view(&conn, Some(&account_owner))
            .await
            .unwrap()
            .notice,
        None
    );
}

#[tokio::test]
async fn merging_twice_changes_nothing() {
    let conn = store().await;
    let user_id = account(&conn, "twice@example.com").await;
    let guest_id = guest(&conn).await;
    let account_owner = Owner::User(user_id);
    add(&conn, &Owner::Guest(guest_id.clone()), "stoneware-mug", 2).await;

    let first = cart::merge_guest_cart(&conn, &guest_id, user_id, NOW)
        .await
        .unwrap();
    let second = cart::merge_guest_cart(&conn, &guest_id, user_id, NOW)
        .await
        .unwrap();
    assert!(first.merged);
    assert!(!second.merged);
    assert_eq!(
        lines(&conn, &account_owner).await,
        pairs(&[("stoneware-mug", 2)])
    );
}

#[tokio::test]
async fn two_sign_ins_racing_from_one_guest_session_merge_once() {
    for round in 0..5 {
        let conn = store().await;
        let user_id = account(&conn, "race@example.com").await;
        let guest_id = guest(&conn).await;
        let account_owner = Owner::User(user_id);
        add(&conn, &account_owner, "stoneware-mug", 1).await;
        add(&conn, &Owner::Guest(guest_id.clone()), "stoneware-mug", 2).await;
        add(&conn, &Owner::Guest(guest_id.clone()), "glass-carafe", 1).await;

        let (a, b) = tokio::join!(
            cart::merge_guest_cart(&conn, &guest_id, user_id, NOW),
            cart::merge_guest_cart(&conn, &guest_id, user_id, NOW),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(
            a.merged ^ b.merged,
            "round {round}: exactly one merge moved the lines"
        );
        assert_eq!(
            lines(&conn, &account_owner).await,
            pairs(&[("stoneware-mug", 3), ("glass-carafe", 1)]),
            "round {round} on {}",
            crate::helpers::backend()
        );
    }
}

#[tokio::test]
async fn concurrent_adds_never_pass_the_stock() {
    let conn = store().await;
    let owner = Owner::Guest(guest(&conn).await);
    // Three tote bags in stock; four shoppers' clicks race to add one each.
    let attempts = futures_like_join(&conn, &owner).await;
    assert_eq!(attempts.iter().filter(|ok| **ok).count(), 3);
    assert_eq!(lines(&conn, &owner).await, pairs(&[("canvas-tote", 3)]));
}

async fn futures_like_join(conn: &DatabaseConnection, owner: &Owner) -> Vec<bool> {
    let add = || async {
        let wanted = Addition::check(conn, "canvas-tote", "1").await?;
        cart::add_checked(conn, owner, wanted, NOW).await
    };
    let (a, b, c, d) = tokio::join!(add(), add(), add(), add());
    [a, b, c, d].into_iter().map(|r| r.is_ok()).collect()
}
