//! The catalog and add-to-cart server fns, called as the browser calls them.

use crate::helpers::{message, spawn_app, TestApp};
use serde_json::Value;

#[tokio::test]
async fn list_products_returns_prices_in_minor_units() {
    let app = spawn_app().await;
    let response = app.server_fn("list_products", &[]).await;
    assert_eq!(response.status(), 200);
    let products: Value = response.json().await.unwrap();
    let products = products.as_array().unwrap();
    assert_eq!(products.len(), 12);
    assert_eq!(products[0]["slug"], "stoneware-mug");
    assert_eq!(products[0]["price"]["minor"], 1800);
    assert_eq!(products[0]["price"]["currency"], "Usd");
}

#[tokio::test]
async fn get_product_answers_404_for_unknown_and_inactive_products() {
    let app = spawn_app().await;
    let response = app
        .server_fn("get_product", &[("slug", "no-such-thing")])
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        message(response).await,
        "That product is not in our catalog."
    );

    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("UPDATE products SET active = false WHERE slug = 'glass-carafe'")
        .await
        .unwrap();
    // Changed behind the store's back, as another instance would: the page
    // leaves within a second.
    let changed = std::time::Instant::now();
    loop {
        let response = app
            .server_fn("get_product", &[("slug", "glass-carafe")])
            .await;
        if response.status() == 404 {
            break;
        }
        assert!(changed.elapsed() < std::time::Duration::from_secs(1));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(app.get("/products/glass-carafe").await.status(), 404);
}

#[tokio::test]
async fn add_to_cart_refuses_bad_quantities_with_the_allowed_range() {
    let app = spawn_app().await;
    for quantity in [
        "0",
        "-1",
        "100",
        "abc",
        "",
        "1.5",
        "99999999999999999999999",
    ] {
        let response = app
            .server_fn(
                "add_to_cart",
                &[("slug", "stoneware-mug"), ("quantity", quantity)],
            )
            .await;
        assert_eq!(response.status(), 400, "quantity {quantity:?}");
        let message = message(response).await;
        assert!(
            message.contains("from 1 to 40"),
            "quantity {quantity:?}: {message}"
        );
    }
    let response = app
        .server_fn("add_to_cart", &[("slug", "canvas-tote"), ("quantity", "4")])
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        message(response).await,
        "Only 3 left in stock. Choose a quantity from 1 to 3."
    );
}

#[tokio::test]
async fn add_to_cart_answers_unknown_products_missing_fields_and_sold_out() {
    let app = spawn_app().await;
    let response = app
        .server_fn(
            "add_to_cart",
            &[("slug", "<script>alert(1)</script>"), ("quantity", "1")],
        )
        .await;
    assert_eq!(response.status(), 404);

    let response = app.server_fn("add_to_cart", &[("quantity", "1")]).await;
    assert_eq!(
        response.status(),
        400,
        "a missing slug is the sender's mistake"
    );

    let response = app
        .server_fn(
            "add_to_cart",
            &[("slug", "brass-bottle-opener"), ("quantity", "1")],
        )
        .await;
    assert_eq!(response.status(), 409);
    assert_eq!(message(response).await, "Brass Bottle Opener is sold out.");
}

#[tokio::test]
async fn a_form_posted_without_javascript_returns_to_its_page_with_the_message() {
    let app = spawn_app().await;
    let response = app
        .form_post(
            "add_to_cart",
            &[("slug", "stoneware-mug"), ("quantity", "0")],
            "/products/stoneware-mug",
        )
        .await;
    let location = redirected_to(&response);
    assert!(
        location.starts_with(&app.url("/products/stoneware-mug?")),
        "{location}"
    );

    // Following the redirect shows the sentence on the product page.
    let page = app.client.get(&location).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Choose a quantity from 1 to 40."), "{html}");
}

#[tokio::test]
async fn a_form_posted_from_the_grid_comes_back_with_the_outcome_under_its_own_product() {
    let app = spawn_app().await;

    // Added: the page names the product, and only that tile says so.
    let response = app
        .form_post(
            "add_to_cart",
            &[("slug", "stoneware-mug"), ("quantity", "1")],
            "/?item=beeswax-candle",
        )
        .await;
    let location = redirected_to(&response);
    assert_eq!(location, app.url("/?item=stoneware-mug"));
    let html = app.page(&location).await;
    assert_eq!(html.matches("Added to your cart.").count(), 1, "{html}");
    let tile = tile_of(&html, "stoneware-mug");
    assert!(tile.contains("Added to your cart."), "{tile}");

    // Refused: the sentence sits under the tile that was used, not above the grid.
    let response = app
        .form_post(
            "add_to_cart",
            &[("slug", "brass-bottle-opener"), ("quantity", "1")],
            "/",
        )
        .await;
    let location = redirected_to(&response);
    assert!(location.contains("item=brass-bottle-opener"), "{location}");
    let html = app.page(&location).await;
    assert!(!html.contains("Added to your cart."), "{html}");
    assert!(!html.contains(r#"data-testid="page-result""#), "{html}");
    let tile = tile_of(&html, "brass-bottle-opener");
    assert!(tile.contains("Brass Bottle Opener is sold out."), "{tile}");
}

#[tokio::test]
async fn a_tiles_answer_is_shown_to_the_shopper_who_used_it_once_and_to_nobody_else() {
    let app = spawn_app().await;
    let other = app.other_shopper();
    let added = |html: &str| html.matches("Added to your cart.").count();

    // The shopper's answer comes first, before anyone has been shown the grid.
    let html = add_from_the_grid(&app, "stoneware-mug").await;
    assert!(tile_of(&html, "stoneware-mug").contains("Added to your cart."));
    assert_eq!(added(&home(&other).await), 0, "not another's");
    assert_eq!(added(&home(&app).await), 0, "shown once");

    // And after: the grid everyone is shown does not hide it either.
    let html = add_from_the_grid(&other, "linen-tea-towel").await;
    assert_eq!(added(&html), 1, "{html}");
    assert!(tile_of(&html, "linen-tea-towel").contains("Added to your cart."));
    assert_eq!(added(&home(&app).await), 0, "not another's");
}

/// The home page as `shopper` is shown it.
async fn home(shopper: &TestApp) -> String {
    shopper.page(&shopper.url("/")).await
}

/// Adds one `slug` from the home grid without JavaScript; the page it returns to.
async fn add_from_the_grid(shopper: &TestApp, slug: &str) -> String {
    let form = [("slug", slug), ("quantity", "1")];
    let response = shopper.form_post("add_to_cart", &form, "/").await;
    shopper.page(&redirected_to(&response)).await
}

/// Where a form post was sent back to (it must be a redirect).
fn redirected_to(response: &reqwest::Response) -> String {
    assert!(
        response.status().is_redirection(),
        "got {}",
        response.status()
    );
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The HTML of the product grid's tile for `slug`, up to the next tile.
fn tile_of<'a>(html: &'a str, slug: &str) -> &'a str {
    let start = html
        .find(&format!(r#"value="{slug}""#))
        .unwrap_or_else(|| panic!("no form for {slug}"));
    let rest = &html[start..];
    let end = rest.find("<article").unwrap_or(rest.len());
    &rest[..end]
}
