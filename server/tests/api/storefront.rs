//! The storefront as a browser sees it over HTTP: pages, statuses, health.

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_is_ok_while_the_database_answers_and_503_when_it_does_not() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200, "on {}", crate::helpers::backend());
    assert_eq!(response.text().await.unwrap(), "ok\n");

    app.db.close_by_ref().await.unwrap();
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn home_page_lists_the_seeded_catalog_with_prices_and_stock() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().get("x-request-id").is_some(),
        "every answer carries a request id"
    );
    let html = response.text().await.unwrap();

    let names = html.matches("data-testid=\"product-name\"").count();
    assert_eq!(names, 12, "twelve products in the grid");
    for (name, price) in [
        ("Stoneware Mug", "$18.00"),
        ("Merino Wool Throw", "$129.00"),
        ("Linen Tea Towel", "$14.50"),
        ("Brass Bottle Opener", "$12.00"),
    ] {
        assert!(html.contains(name), "{name} is listed");
        assert!(html.contains(price), "{name} shows {price}");
    }
    assert!(html.contains("Sold out"), "the opener has no stock");
    assert!(html.contains("Only 3 left"), "the tote is nearly gone");
    assert!(
        html.contains("/pkg/shopfront.css"),
        "the stylesheet is linked"
    );
}

#[tokio::test]
async fn a_product_page_shows_the_product_and_a_real_add_to_cart_form() {
    let app = spawn_app().await;
    let response = app.get("/products/pour-over-kettle").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("<title>Pour-Over Kettle · Shopfront</title>"),
        "{html}"
    );
    assert!(html.contains("$64.00"));
    assert!(html.contains("gooseneck spout"));
    assert!(
        html.contains(r#"action="/api/add_to_cart""#),
        "the form posts without JavaScript"
    );
    assert!(html.contains(r#"name="quantity""#));
    assert!(html.contains(r#"name="slug" value="pour-over-kettle""#));
}

#[tokio::test]
async fn unknown_pages_and_products_answer_404_with_a_friendly_page() {
    let app = spawn_app().await;
    for path in ["/products/no-such-thing", "/nowhere", "/products/"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("We couldn&#x27;t find that page")
                || html.contains("We couldn't find that page"),
            "{path}"
        );
        assert!(html.contains("Back to the shop"), "{path}");
    }
}

#[tokio::test]
async fn static_files_are_served_and_missing_ones_are_404() {
    let app = spawn_app().await;
    // The test runs from server/, where the images live one folder up under public/;
    // the site root of a built store holds them too. Missing files must not be 500s.
    let response = app.get("/pkg/does-not-exist.js").await;
    assert_eq!(response.status(), 404);
}
