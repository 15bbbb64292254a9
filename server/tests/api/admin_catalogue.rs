//! The back office's catalogue and dashboard: products made and edited, stock
//! changed with a reason, images checked from their bytes, and a price edit
//! that never reaches an open checkout.

use serde_json::Value;

use crate::admin::{audited, key_on, owner_browser, paid_order, sign_up, CARD};
use crate::helpers::{session_id_of, spawn_app, TestApp};

/// An owner's plain form post from a product's page.
async fn post(
    owner: &TestApp,
    action: &str,
    form: &[(&str, &str)],
    from: &str,
) -> reqwest::Response {
    owner.form_post(action, form, from).await
}

/// The sentence the page at `path` shows for the form that just answered.
async fn shown(owner: &TestApp, path: &str) -> String {
    owner.page(&owner.url(path)).await
}

#[tokio::test]
async fn an_owner_adds_and_edits_a_product_and_changes_its_stock_with_a_reason() {
    let app = spawn_app().await;
    let owner = owner_browser(&app).await;
    let key = key_on(&owner, "/admin/products").await;
    let made = post(
        &owner,
        "admin_save_product",
        &[
            ("slug", ""),
            ("name", "Walnut Board"),
            ("description", "Oiled walnut, 40 cm."),
            ("price", "24.50"),
            ("stock", "3"),
            ("active", "on"),
            ("key", &key),
        ],
        "/admin/products",
    )
    .await;
    assert_eq!(made.status(), 302);
    assert_eq!(made.headers()["location"], "/admin/products/walnut-board");
    assert_eq!(
        app.number("SELECT price_minor FROM products WHERE slug = 'walnut-board'")
            .await,
        2450
    );
    let shop = app.page(&app.url("/products/walnut-board")).await;
    assert!(
        shop.contains("Walnut Board") && shop.contains("$24.50"),
        "{shop}"
    );

    // Edited: a new price, taken off sale.
    let path = "/admin/products/walnut-board";
    let key = key_on(&owner, path).await;
    let edit = |price: &'static str, key: String| {
        let owner = &owner;
        async move {
            post(
                owner,
                "admin_save_product",
                &[
                    ("slug", "walnut-board"),
                    ("name", "Walnut Board"),
                    ("description", "Oiled walnut, 40 cm."),
                    ("price", price),
                    ("key", &key),
                ],
                path,
            )
            .await
        }
    };
    assert_eq!(edit("26", key).await.status(), 302);
    assert_eq!(
        app.number("SELECT price_minor FROM products WHERE slug = 'walnut-board' AND NOT active")
            .await,
        2600
    );
    assert_eq!(
        app.get("/products/walnut-board").await.status(),
        404,
        "no longer on sale"
    );
    let key = key_on(&owner, path).await;
    assert_eq!(edit("26.001", key).await.status(), 302);
    assert!(shown(&owner, path)
        .await
        .contains("at most 2 decimal places"));

    // Stock: received, then a damage larger than what is there is refused.
    let key = key_on(&owner, path).await;
    let stock = |change: &'static str, reason: &'static str, key: String| {
        let owner = &owner;
        async move {
            post(
                owner,
                "admin_adjust_stock",
                &[
                    ("slug", "walnut-board"),
                    ("change", change),
                    ("reason", reason),
                    ("key", &key),
                ],
                path,
            )
            .await
            .status()
        }
    };
    assert_eq!(stock("+12", "received", key.clone()).await, 302);
    assert_eq!(
        stock("+12", "received", key).await,
        302,
        "the same form twice"
    );
    assert_eq!(app.stock("walnut-board").await, 15);
    let key = key_on(&owner, path).await;
    assert_eq!(stock("-20", "damaged", key).await, 302);
    assert!(shown(&owner, path)
        .await
        .contains("Stock cannot go below zero"));
    assert_eq!(app.stock("walnut-board").await, 15);
    let key = key_on(&owner, path).await;
    assert_eq!(stock("-2", "damaged", key).await, 302);
    assert_eq!(app.stock("walnut-board").await, 13);
    let page = shown(&owner, path).await;
    assert!(
        page.contains("+12 received, by owner@example.com"),
        "{page}"
    );
    assert!(page.contains("-2 damaged, by owner@example.com"), "{page}");
    assert_eq!(
        audited(&app).await,
        [
            "user.role",
            "product.create",
            "product.update",
            "product.stock",
            "product.stock"
        ]
    );
}

#[tokio::test]
async fn a_price_edit_leaves_an_open_checkout_unchanged() {
    let app = spawn_app().await;
    let owner = owner_browser(&app).await;
    app.add("stoneware-mug", "2").await;
    let url = app.checkout_url().await;

    let path = "/admin/products/stoneware-mug";
    let key = key_on(&owner, path).await;
    let edited = post(
        &owner,
        "admin_save_product",
        &[
            ("slug", "stoneware-mug"),
            ("name", "Stoneware Mug"),
            ("description", "Dishwasher safe."),
            ("price", "25.00"),
            ("active", "on"),
            ("key", &key),
        ],
        path,
    )
    .await;
    assert_eq!(edited.status(), 302);
    assert_eq!(
        app.number("SELECT price_minor FROM products WHERE slug = 'stoneware-mug'")
            .await,
        2500
    );

    // The open checkout pays the price it was given.
    assert_eq!(app.pay(&url, CARD).await.status(), 303);
    app.eventually("SELECT COUNT(*) FROM orders WHERE status = 'paid'", 1)
        .await;
    assert_eq!(app.number("SELECT amount_subtotal FROM orders").await, 3600);
    let session = app.stripe_session(&session_id_of(&url)).await;
    assert_eq!(session["amount_subtotal"], 3600);
    // A new cart is priced at today's price.
    let shopper = app.other_shopper();
    shopper.add("stoneware-mug", "1").await;
    let cart: Value = shopper.cart().await;
    assert_eq!(cart["subtotal"]["minor"], 2500);
}

/// Uploads `bytes` as `name` with the browser's claimed `content_type`.
async fn upload(
    owner: &TestApp,
    slug: &str,
    bytes: Vec<u8>,
    name: &str,
    content_type: &str,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(content_type)
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("slug", slug.to_owned())
        .part("image", part);
    owner
        .client
        .post(owner.url("/admin/product-image"))
        .header("referer", owner.url(&format!("/admin/products/{slug}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The first bytes of a PNG of `width` × `height`: enough for its type and size.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

#[tokio::test]
async fn an_image_that_claims_to_be_a_png_but_is_not_one_is_refused() {
    let app = spawn_app().await;
    let owner = owner_browser(&app).await;
    let before = app
        .text("SELECT image_path FROM products WHERE slug = 'canvas-tote'")
        .await;

    let fake = upload(
        &owner,
        "canvas-tote",
        b"<svg onload=alert(1)></svg>".to_vec(),
        "tote.png",
        "image/png",
    )
    .await;
    assert_eq!(fake.status(), 303);
    let page = shown(&owner, "/admin/products/canvas-tote").await;
    assert!(page.contains("is not a PNG, JPEG or WebP image"), "{page}");
    assert_eq!(
        app.text("SELECT image_path FROM products WHERE slug = 'canvas-tote'")
            .await,
        before
    );
    assert!(
        !app.data_dir.join("uploads").exists()
            || std::fs::read_dir(app.data_dir.join("uploads"))
                .unwrap()
                .count()
                == 0
    );

    let huge = upload(
        &owner,
        "canvas-tote",
        png(8000, 6000),
        "tote.png",
        "image/png",
    )
    .await;
    assert_eq!(huge.status(), 303);
    assert!(shown(&owner, "/admin/products/canvas-tote")
        .await
        .contains("at most 4000"));

    // A real one, whatever the browser calls it.
    let real = upload(
        &owner,
        "canvas-tote",
        png(800, 600),
        "tote.bin",
        "application/octet-stream",
    )
    .await;
    assert_eq!(real.status(), 303);
    let path = app
        .text("SELECT image_path FROM products WHERE slug = 'canvas-tote'")
        .await;
    assert!(
        path.starts_with("/uploads/") && path.ends_with(".png"),
        "{path}"
    );
    let served = app.get(&path).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(
        served.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(served.bytes().await.unwrap().to_vec(), png(800, 600));
    assert!(app
        .page(&app.url("/products/canvas-tote"))
        .await
        .contains(&path));
    assert_eq!(
        app.get("/uploads/..%2F..%2Fshopfront.db").await.status(),
        404
    );

    // A shopper cannot upload at all.
    let shopper = app.other_shopper();
    sign_up(&shopper, "shopper@example.com").await;
    assert_eq!(
        upload(&shopper, "canvas-tote", png(800, 600), "t.png", "image/png")
            .await
            .status(),
        404
    );
    assert!(audited(&app).await.contains(&"product.image".to_owned()));
}

#[tokio::test]
async fn the_dashboard_shows_takings_net_of_refunds_and_what_needs_the_owner() {
    let app = spawn_app().await;
    let number = paid_order(&app).await;
    let owner = owner_browser(&app).await;
    let key = crate::admin::form_key(&owner, &number).await;
    let refunded = owner
        .form_post(
            "admin_refund_order",
            &[
                ("number", number.as_str()),
                ("amount", "10"),
                ("key", key.as_str()),
            ],
            &format!("/admin/orders/{number}"),
        )
        .await;
    assert_eq!(refunded.status(), 302);
    app.eventually(
        "SELECT COUNT(*) FROM orders WHERE amount_refunded = 1000",
        1,
    )
    .await;
    let page = owner.page(&owner.url("/admin")).await;
    // $41.00 paid, $10.00 back: $31.00, one order averaging $41.00.
    assert!(page.contains("$31.00"), "{page}");
    assert!(page.contains("1 order · $41.00 on average"), "{page}");
    assert!(page.contains("the highest was $31.00 on"), "{page}");
    // The tote starts with 3 units: low.
    assert!(page.contains("Canvas Market Tote"), "{page}");
    assert!(page.contains("Brass Bottle Opener"), "{page}");
    assert!(page.contains("No orders are on hold."), "{page}");
}
