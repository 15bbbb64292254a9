//! The back office: only owners get in; an owner ships, refunds and restocks,
//! each action audited, and a double submit acts once.

use serde_json::Value;

use crate::helpers::{session_id_of, spawn_app, TestApp};

pub(crate) const CARD: &str = "4242424242424242";
const OWNER: &str = "owner@example.com";
const PASSWORD: &str = "correct horse battery";

/// Signs `browser` up as `email`.
pub(crate) async fn sign_up(browser: &TestApp, email: &str) {
    let response = browser
        .server_fn("sign_up", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), 200, "signing up {email}");
}

/// `server owner …` against the app's database: its exit code and what it said.
pub(crate) fn owner_command(app: &TestApp, args: &[&str]) -> (i32, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("owner")
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("SHOPFRONT_DATA_DIR", &app.data_dir)
        .env("RUST_LOG", "error")
        .output()
        .expect("the server binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A browser signed in as an owner, made one from the command line.
pub(crate) async fn owner_browser(app: &TestApp) -> TestApp {
    let owner = app.other_shopper();
    sign_up(&owner, OWNER).await;
    let (code, said) = owner_command(app, &["add", OWNER]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("is now an owner"), "{said}");
    owner
}

/// Two mugs ($36.00) with Standard shipping ($5.00), paid by a guest: the
/// order's number.
pub(crate) async fn paid_order(app: &TestApp) -> String {
    app.add("stoneware-mug", "2").await;
    let url = app.checkout_url().await;
    assert_eq!(app.pay(&url, CARD).await.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders WHERE status = 'paid'", 1)
        .await;
    let _ = session_id_of(&url);
    app.text("SELECT number FROM orders").await
}

/// The audit log's actions, oldest first.
pub(crate) async fn audited(app: &TestApp) -> Vec<String> {
    use sea_orm::ConnectionTrait;
    app.db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT action FROM audit_entries ORDER BY id",
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect()
}

/// An owner's plain form post from the order's back-office page.
async fn act(owner: &TestApp, action: &str, number: &str, form: &[(&str, &str)]) -> u16 {
    let mut fields = vec![("number", number)];
    fields.extend_from_slice(form);
    owner
        .form_post(action, &fields, &format!("/admin/orders/{number}"))
        .await
        .status()
        .as_u16()
}

/// The form key the order's back-office page gives its forms.
pub(crate) async fn form_key(owner: &TestApp, number: &str) -> String {
    key_on(owner, &format!("/admin/orders/{number}")).await
}

/// The first form key on the back-office page at `path`.
pub(crate) async fn key_on(owner: &TestApp, path: &str) -> String {
    let page = owner.page(&owner.url(path)).await;
    let marker = "name=\"key\" value=\"";
    let start = page.find(marker).expect("a form key on the page") + marker.len();
    page[start..start + 64].to_owned()
}

#[tokio::test]
async fn guests_and_shoppers_get_404_on_every_admin_page_and_action() {
    let app = spawn_app().await;
    let number = paid_order(&app).await;
    let shopper = app.other_shopper();
    sign_up(&shopper, "shopper@example.com").await;
    let guest = app.other_shopper();

    for outsider in [&app, &shopper, &guest] {
        for path in [
            "/admin".to_owned(),
            "/admin/orders?status=paid".to_owned(),
            format!("/admin/orders/{number}"),
            "/admin/orders.csv".to_owned(),
            "/admin/products".to_owned(),
            "/admin/products/stoneware-mug".to_owned(),
        ] {
            let response = outsider.get(&path).await;
            assert_eq!(response.status(), 404, "{path}");
            let body = response.text().await.unwrap();
            assert!(!body.contains(&number), "{path} says nothing of the order");
        }
        for (action, form) in [
            ("admin_orders", vec![]),
            ("admin_order", vec![("number", number.as_str())]),
            (
                "admin_ship_order",
                vec![
                    ("number", number.as_str()),
                    ("carrier", "UPS"),
                    ("tracking_number", "1Z"),
                    ("key", "k1"),
                ],
            ),
            (
                "admin_refund_order",
                vec![("number", number.as_str()), ("amount", ""), ("key", "k2")],
            ),
            (
                "admin_resend_confirmation",
                vec![("number", number.as_str()), ("key", "k3")],
            ),
            (
                "admin_release_order",
                vec![("number", number.as_str()), ("key", "k4")],
            ),
            ("admin_dashboard", vec![]),
            ("admin_products", vec![]),
            ("admin_product", vec![("slug", "stoneware-mug")]),
            (
                "admin_save_product",
                vec![
                    ("slug", "stoneware-mug"),
                    ("name", "Mug"),
                    ("description", ""),
                    ("price", "0.01"),
                    ("key", "k5"),
                ],
            ),
            (
                "admin_adjust_stock",
                vec![
                    ("slug", "stoneware-mug"),
                    ("change", "-40"),
                    ("reason", "damaged"),
                    ("key", "k6"),
                ],
            ),
        ] {
            let hydrated = outsider.server_fn(action, &form).await;
            assert_eq!(hydrated.status(), 404, "{action} called as a script");
            let posted = outsider
                .form_post(action, &form, &format!("/admin/orders/{number}"))
                .await;
            assert_eq!(posted.status(), 404, "{action} posted as a form");
        }
    }
    assert!(audited(&app).await.is_empty(), "nothing was done");
    assert_eq!(
        app.number("SELECT price_minor FROM products WHERE slug = 'stoneware-mug'")
            .await,
        1800
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM orders WHERE shipped_at IS NULL AND amount_refunded = 0")
            .await,
        1
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM orders WHERE shipped_at IS NOT NULL")
            .await,
        0
    );

    // A shopper made an owner gets in; removed again, they are out.
    let (code, said) = owner_command(&app, &["add", "shopper@example.com"]);
    assert_eq!(code, 0, "{said}");
    assert_eq!(shopper.get("/admin/orders").await.status(), 200);
    let (code, said) = owner_command(&app, &["remove", "shopper@example.com"]);
    assert_eq!(code, 0, "{said}");
    assert_eq!(shopper.get("/admin/orders").await.status(), 404);
    let (code, said) = owner_command(&app, &["add", "nobody@example.com"]);
    assert_eq!(code, 2);
    assert!(said.contains("No account has the email"), "{said}");
    assert_eq!(
        audited(&app).await,
        ["user.role", "user.role"],
        "each change of role is audited, the refused one is not"
    );
}

#[tokio::test]
async fn an_owner_finds_ships_refunds_in_two_steps_and_restocks_and_the_audit_says_so() {
    let app = spawn_app().await;
    let number = paid_order(&app).await;
    let stock = app.stock("stoneware-mug").await;
    let owner = owner_browser(&app).await;

    // Found by the buyer's email, in the list and in the export.
    let list = owner
        .page(&owner.url("/admin/orders?q=ADA%40example.com"))
        .await;
    assert!(list.contains(&number), "{list}");
    let none = owner
        .page(&owner.url("/admin/orders?q=someone%40example.com"))
        .await;
    assert!(!none.contains(&number));
    let csv = owner.get("/admin/orders.csv?status=paid").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("number,placed_at,email,status"));
    let row = lines.next().unwrap();
    assert!(
        row.starts_with(&number) && row.contains("ada@example.com") && row.ends_with(",4100,0"),
        "{row}"
    );

    // Shipped: the shopper reads it on their order page and in an email.
    let key = form_key(&owner, &number).await;
    let status = act(
        &owner,
        "admin_ship_order",
        &number,
        &[
            ("carrier", "UPS"),
            ("tracking_number", "1Z999AA10123456784"),
            ("key", &key),
        ],
    )
    .await;
    assert_eq!(status, 302);
    app.outbox_after(2).await;
    let email = app.outbox_file(&format!("{number}-shipped"));
    assert!(
        email.contains("is on its way") && email.contains("1Z999AA10123456784"),
        "{email}"
    );
    let link = email
        .lines()
        .find(|line| line.contains("/orders/status?token="))
        .unwrap()
        .trim()
        .to_owned();
    let page = app.page(&link).await;
    assert!(
        page.contains("Shipped") && page.contains("1Z999AA10123456784"),
        "{page}"
    );

    // $10.00 back, then the rest with the units put back in stock.
    let key = form_key(&owner, &number).await;
    let status = act(
        &owner,
        "admin_refund_order",
        &number,
        &[("amount", "10.00"), ("key", &key)],
    )
    .await;
    assert_eq!(status, 302);
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE status = 'partially_refunded' AND amount_refunded = 1000",
        1,
    )
    .await;
    assert_eq!(app.stock("stoneware-mug").await, stock, "no restock asked");
    let key = form_key(&owner, &number).await;
    let status = act(
        &owner,
        "admin_refund_order",
        &number,
        &[("amount", ""), ("restock", "on"), ("key", &key)],
    )
    .await;
    assert_eq!(status, 302);
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE status = 'refunded' AND amount_refunded = 4100",
        1,
    )
    .await;
    assert_eq!(app.stock("stoneware-mug").await, stock + 2);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM stock_movements WHERE reason = 'returned' AND delta = 2")
            .await,
        1
    );

    // Too much, once everything is back: refused with a sentence.
    let key = form_key(&owner, &number).await;
    let refused = owner
        .server_fn(
            "admin_refund_order",
            &[
                ("number", number.as_str()),
                ("amount", "1.00"),
                ("key", key.as_str()),
            ],
        )
        .await;
    assert_eq!(refused.status(), 400);
    let said: Value = refused.json().await.unwrap();
    assert!(said.to_string().contains("at most $0.00"), "{said}");

    assert_eq!(
        audited(&app).await,
        [
            "user.role",
            "order.ship",
            "order.refund",
            "order.refund",
            "order.restock"
        ]
    );
    let record = owner
        .page(&owner.url(&format!("/admin/orders/{number}")))
        .await;
    for seen in [
        "Marked shipped: UPS, tracking 1Z999AA10123456784, by owner@example.com",
        "Partly refunded",
        "Units put back in stock, by owner@example.com",
        "refund.created",
        "https://dashboard.stripe.com/test/payments/pi_",
        "Shipping notice to ada@example.com: sent",
    ] {
        assert!(record.contains(seen), "{seen} in {record}");
    }
}

#[tokio::test]
async fn a_refund_submitted_twice_at_once_refunds_once() {
    let app = spawn_app().await;
    let number = paid_order(&app).await;
    let owner = owner_browser(&app).await;
    let key = form_key(&owner, &number).await;
    let form = [
        ("number", number.as_str()),
        ("amount", "5.00"),
        ("key", key.as_str()),
    ];
    let page = format!("/admin/orders/{number}");
    let (first, second) = tokio::join!(
        owner.form_post("admin_refund_order", &form, &page),
        owner.form_post("admin_refund_order", &form, &page),
    );
    assert_eq!(first.status(), 302);
    assert_eq!(second.status(), 302);
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE status = 'partially_refunded' AND amount_refunded = 500",
        1,
    )
    .await;
    let intent = app
        .text("SELECT stripe_payment_intent_id FROM checkouts WHERE stripe_payment_intent_id IS NOT NULL")
        .await;
    let charge = app.stripe_api(&format!("payment_intents/{intent}")).await;
    let charge_id = charge["latest_charge"].as_str().unwrap().to_owned();
    let charge = app.stripe_api(&format!("charges/{charge_id}")).await;
    assert_eq!(charge["amount_refunded"], 500, "Stripe refunded once");
    assert_eq!(app.number("SELECT COUNT(*) FROM refunds").await, 1);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM audit_entries WHERE action = 'order.refund'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_owner_resends_the_confirmation_and_releases_an_order_on_hold() {
    let app = spawn_app().await;
    let number = paid_order(&app).await;
    let owner = owner_browser(&app).await;
    app.outbox_after(1).await;

    let key = form_key(&owner, &number).await;
    assert_eq!(
        act(
            &owner,
            "admin_resend_confirmation",
            &number,
            &[("key", &key)]
        )
        .await,
        302
    );
    assert_eq!(
        act(
            &owner,
            "admin_resend_confirmation",
            &number,
            &[("key", &key)]
        )
        .await,
        302
    );
    app.outbox_after(2).await;
    let again = app.outbox_file(&format!("{number}-resent-{}", &key[..16]));
    assert!(again.contains(&format!("Order {number}")), "{again}");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM emails WHERE kind = 'order_confirmation'")
            .await,
        2,
        "the same form twice sends once more, not twice"
    );

    // Not on hold: refused. On hold (as when Stripe's amount differed): released.
    let key = form_key(&owner, &number).await;
    let refused = owner
        .server_fn(
            "admin_release_order",
            &[("number", number.as_str()), ("key", key.as_str())],
        )
        .await;
    assert_eq!(refused.status(), 409);
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("UPDATE orders SET status = 'on_hold', hold_reason = 'amount_mismatch'")
        .await
        .unwrap();
    let page = owner
        .page(&owner.url(&format!("/admin/orders/{number}")))
        .await;
    assert!(page.contains("Release the order"), "{page}");
    let key = form_key(&owner, &number).await;
    assert_eq!(
        act(&owner, "admin_release_order", &number, &[("key", &key)]).await,
        302
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM orders WHERE status = 'paid' AND hold_reason IS NULL")
            .await,
        1
    );
    let page = owner
        .page(&owner.url(&format!("/admin/orders/{number}")))
        .await;
    assert!(
        page.contains("Released from hold by owner@example.com"),
        "{page}"
    );
}
