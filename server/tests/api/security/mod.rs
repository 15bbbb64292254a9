//! What an attacker tries, and what the store does instead. Each test is named
//! after the attempt. This file holds the cross-site and error-text attempts;
//! the modules below hold the rest.

mod amounts;
mod cross_site;
mod declines;
mod password_reset;
mod stand_in;
mod throttling;
mod transport;

use app::error::AppError;
use leptos::server_fn::error::ServerFnUrlError;

use crate::helpers::spawn_app;

/// A link that carries an error in Leptos' own form (`__err`) once made the store
/// show any sentence in its red alert. Errors now travel only in a cookie that
/// the store itself sets.
#[tokio::test]
async fn a_link_with_a_forged_error_cannot_put_words_in_the_stores_mouth() {
    let app = spawn_app().await;
    let forged = ServerFnUrlError::new(
        "/api/add_to_cart",
        AppError::bad_request("Your account is locked. Call 555-0100 to unlock it."),
    );
    for page in ["/", "/products/stoneware-mug", "/cart", "/account/sign-in"] {
        let link = forged.to_url(&app.url(page)).unwrap().to_string();
        let html = app
            .client
            .get(&link)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("555-0100"), "{page} showed the forged text");
    }
}

/// A form post whose `Referer` names another site is sent back to this store,
/// never to that site.
#[tokio::test]
async fn a_form_post_never_redirects_to_another_site() {
    let app = spawn_app().await;
    for referer in ["https://evil.example/", "http://127.0.0.1:1/cart"] {
        let response = app
            .form_post_from(
                "add_to_cart",
                &[("slug", "stoneware-mug"), ("quantity", "0")],
                referer,
            )
            .await;
        assert!(response.status().is_redirection(), "{referer}");
        let location = response.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with(&app.url("/")),
            "{referer} sent the shopper to {location}"
        );
        assert!(!location.contains("__err"), "{location}");
    }
}

/// A field the server fn cannot read is refused by Leptos before the store's code
/// runs; that refusal too comes back to the store's page as its own sentence, with
/// nothing in the address.
#[tokio::test]
async fn a_form_post_missing_a_field_comes_back_with_the_stores_sentence() {
    let app = spawn_app().await;
    let response = app
        .form_post(
            "add_to_cart",
            &[("quantity", "1")],
            "/products/stoneware-mug",
        )
        .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, app.url("/products/stoneware-mug"));
    let html = app
        .client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Some of the details sent were missing or not in the expected form."),
        "the product page shows the refusal"
    );
    let again = app
        .client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !again.contains("Some of the details sent were missing"),
        "and only once"
    );
}
