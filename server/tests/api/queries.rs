//! How many statements a page or an event costs the database, read from the
//! store's own counter at `/metrics`.

use crate::helpers::*;

impl TestApp {
    /// The store's statement counter, once no background work (a confirmation
    /// email, the hourly purge at start) is still adding to it.
    pub(crate) async fn settled_queries(&self) -> u64 {
        let mut last = u64::MAX;
        for _ in 0..200 {
            let text = self
                .client
                .get(self.url("/metrics"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let count = server::health::queries_total(&text).expect("the counter is in /metrics");
            if count == last {
                return count;
            }
            last = count;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the store never stopped querying its database");
    }
}

#[tokio::test]
async fn metrics_are_answered_only_to_this_machine_directly() {
    let app = spawn_app().await;
    let local = app.get("/metrics").await;
    assert_eq!(local.status(), 200);
    let text = local.text().await.unwrap();
    assert!(text.contains("# TYPE shopfront_database_queries_total counter"));
    for header in ["x-forwarded-for", "forwarded"] {
        let proxied = app
            .client
            .get(app.url("/metrics"))
            .header(header, "203.0.113.9")
            .send()
            .await
            .unwrap();
        assert_eq!(proxied.status(), 404, "through a proxy ({header})");
    }
}

#[tokio::test]
async fn the_grid_and_product_pages_read_the_catalogue_once_per_freshness_window() {
    use app::ssr::services::catalogue_cache::FRESH_FOR;
    let app = spawn_app().await;
    assert_eq!(app.get("/").await.status(), 200);
    let before = app.settled_queries().await;
    let started = std::time::Instant::now();
    for _ in 0..10 {
        let home = app.get("/").await;
        assert_eq!(home.status(), 200);
        assert!(home.text().await.unwrap().contains("product-grid"));
        let page = app.get("/products/stoneware-mug").await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Stoneware Mug"));
    }
    let windows = 1 + started.elapsed().as_millis() / FRESH_FOR.as_millis();
    // Each read of /metrics costs nothing, so the difference is the pages'.
    let statements = app.settled_queries().await - before;
    assert!(
        statements <= windows as u64,
        "{statements} statements for 20 pages over {windows} freshness windows"
    );
}

#[tokio::test]
async fn a_cart_page_reads_the_session_and_the_cart_once_each() {
    let app = spawn_app().await;
    for slug in [
        "stoneware-mug",
        "linen-tea-towel",
        "beeswax-candle",
        "glass-carafe",
        "merino-throw",
    ] {
        app.add(slug, "1").await;
    }
    let page = app.get("/cart").await.text().await.unwrap();
    assert!(page.contains("Merino Wool Throw"), "five lines in the cart");
    let before = app.settled_queries().await;
    for _ in 0..3 {
        let page = app.get("/cart").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Stoneware Mug") && html.contains("Merino Wool Throw"));
    }
    assert_eq!(
        app.settled_queries().await - before,
        6,
        "two statements a page: the header's badge and the page share one cart"
    );
}

#[tokio::test]
async fn adding_to_a_cart_costs_five_statements() {
    let app = spawn_app().await;
    app.add("stoneware-mug", "1").await;
    let before = app.settled_queries().await;
    // A new line, then more of a line the cart holds.
    app.add("linen-tea-towel", "1").await;
    app.add("stoneware-mug", "2").await;
    assert_eq!(
        app.settled_queries().await - before,
        10,
        "the session, the product, the cart (made or touched), the line, and the badge's count"
    );
    let cart = app.cart().await;
    assert_eq!(cart["item_count"], 4, "every unit arrived");
}

#[tokio::test]
async fn a_redelivered_event_costs_one_lookup_and_changes_nothing() {
    // The stand-in's own deliveries go nowhere: this test delivers the event.
    let app =
        spawn_app_with(&[("LOCAL_STRIPE_WEBHOOK_URL", "http://127.0.0.1:9/api/stripe")]).await;
    app.add("stoneware-mug", "1").await;
    let url = app.checkout_url().await;
    let id = session_id_of(&url);
    app.pay(&url, "4242424242424242").await;
    let body = app.stored_event("checkout.session.completed", &id).await;
    let first = app.post_signed(&body).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.text().await.unwrap(), "Received.");
    assert_eq!(app.orders().await, 1);

    let before = app.settled_queries().await;
    for _ in 0..3 {
        let again = app.post_signed(&body).await;
        assert_eq!(again.status(), 200);
        assert_eq!(again.text().await.unwrap(), "Already processed.");
    }
    let after = app.settled_queries().await;
    assert_eq!(after - before, 3, "one lookup a redelivery");
    assert_eq!(app.orders().await, 1);

    // A redelivery whose signature is wrong is refused as before, lookup or not.
    let forged = app
        .post_event(&body, Some(sign("whsec_not_the_secret", now(), &body)))
        .await;
    assert_eq!(forged.status(), 400);
}

#[tokio::test]
async fn the_frame_around_an_empty_page_renders_without_the_database() {
    let app = spawn_app().await;
    let before = app.settled_queries().await;
    let page = app.get("/healthz/page").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
    // Leptos's hydration markers are all there is in it.
    let shown = main
        .trim_start_matches("<main>")
        .replace("<!>", "")
        .replace("<!--<() />-->", "");
    assert!(shown.is_empty(), "nothing in <main>: {main}");
    assert!(
        html.contains("<header") && html.contains("<footer"),
        "the frame is all there"
    );
    assert_eq!(
        app.settled_queries().await - before,
        0,
        "no statement for a guest"
    );
}
