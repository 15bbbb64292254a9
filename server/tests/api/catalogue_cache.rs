//! The grid and the product pages come from the process's copy of the
//! catalogue: an owner's edit shows at once on the instance it was made on,
//! and within a second on every other instance sharing the database.

use std::time::{Duration, Instant};

use crate::admin::{key_on, owner_browser};
use crate::helpers::{spawn_app, spawn_app_on, TestApp};

/// Renames the mug and changes its price from the owner's product page.
async fn rename_the_mug(owner: &TestApp) {
    let path = "/admin/products/stoneware-mug";
    let key = key_on(owner, path).await;
    let saved = owner
        .form_post(
            "admin_save_product",
            &[
                ("slug", "stoneware-mug"),
                ("name", "Speckled Mug"),
                ("description", "Speckled stoneware, 350 ml."),
                ("price", "19.50"),
                ("active", "on"),
                ("key", &key),
            ],
            path,
        )
        .await;
    assert_eq!(saved.status(), 302);
}

/// Whether both the grid and the mug's page show the new name and price.
async fn shows_the_new_mug(app: &TestApp) -> bool {
    let home = app.page(&app.url("/")).await;
    let page = app.page(&app.url("/products/stoneware-mug")).await;
    [home, page]
        .iter()
        .all(|html| html.contains("Speckled Mug") && html.contains("$19.50"))
}

#[tokio::test]
async fn an_edit_on_one_instance_is_seen_on_the_other_within_a_second() {
    let first = spawn_app().await;
    let second = spawn_app_on(first.database_url.clone(), &[]).await;
    // Both have read the catalogue and hold it.
    for app in [&first, &second] {
        let home = app.page(&app.url("/")).await;
        assert!(home.contains("Stoneware Mug") && home.contains("$18.00"));
        assert!(!shows_the_new_mug(app).await);
    }
    let owner = owner_browser(&first).await;

    rename_the_mug(&owner).await;
    let edited = Instant::now();
    assert!(
        shows_the_new_mug(&first).await,
        "the instance the owner used shows the edit at once"
    );
    loop {
        if shows_the_new_mug(&second).await {
            break;
        }
        assert!(
            edited.elapsed() < Duration::from_secs(1),
            "the other instance still shows the old mug a second after the edit"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
