//! Catalog and cart rules against a fresh in-memory SQLite database.

use app::error::AppError;
use app::ssr::{db, services};
use app::types::{Currency, Money};
use sea_orm::{ConnectionTrait, DatabaseConnection};

async fn catalog() -> DatabaseConnection {
    let conn = db::connect("sqlite::memory:").await.unwrap();
    db::migrate(&conn).await.unwrap();
    conn
}

#[tokio::test]
async fn the_seeded_catalog_has_twelve_products_in_order_with_integer_prices() {
    let conn = catalog().await;
    let products = services::catalog::list_active(&conn).await.unwrap();
    assert_eq!(products.len(), 12);
    assert_eq!(products[0].name, "Stoneware Mug");
    assert_eq!(products[0].price, Money::new(1800, Currency::Usd));
    assert!(products
        .iter()
        .all(|p| p.image_path == format!("/images/{}.svg", p.slug)));
    assert!(products.iter().all(|p| p.price.minor > 0));
}

#[tokio::test]
async fn migrating_twice_changes_nothing() {
    let conn = catalog().await;
    db::migrate(&conn).await.unwrap();
    assert_eq!(
        services::catalog::list_active(&conn).await.unwrap().len(),
        12
    );
}

#[tokio::test]
async fn inactive_products_leave_the_grid_and_their_page() {
    let conn = catalog().await;
    conn.execute_unprepared("UPDATE products SET active = false WHERE slug = 'merino-throw'")
        .await
        .unwrap();
    let products = services::catalog::list_active(&conn).await.unwrap();
    assert_eq!(products.len(), 11);
    assert!(products.iter().all(|p| p.slug != "merino-throw"));
    assert!(matches!(
        services::catalog::product_detail(&conn, "merino-throw").await,
        Err(AppError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_product_in_an_unknown_currency_is_an_internal_error_not_a_wrong_price() {
    let conn = catalog().await;
    conn.execute_unprepared("UPDATE products SET currency = 'XXX' WHERE slug = 'stoneware-mug'")
        .await
        .unwrap();
    assert_eq!(
        services::catalog::product_detail(&conn, "stoneware-mug").await,
        Err(AppError::Internal)
    );
}

#[tokio::test]
async fn the_database_refuses_negative_prices_and_stock() {
    let conn = catalog().await;
    assert!(conn
        .execute_unprepared("UPDATE products SET price_minor = -1 WHERE slug = 'stoneware-mug'")
        .await
        .is_err());
    assert!(conn
        .execute_unprepared("UPDATE products SET stock = -1 WHERE slug = 'stoneware-mug'")
        .await
        .is_err());
}

#[tokio::test]
async fn adding_checks_the_product_the_stock_and_the_quantity() {
    use app::ssr::domain::Owner;
    use services::cart::{add_checked, view, Addition};
    let conn = catalog().await;
    let owner = Owner::Guest("a-guest-session".to_owned());
    let add = |slug: &'static str, quantity: &'static str| {
        let (conn, owner) = (conn.clone(), owner.clone());
        async move {
            let wanted = Addition::check(&conn, slug, quantity).await?;
            add_checked(&conn, &owner, wanted, 0).await
        }
    };
    assert_eq!(add("nope", "1").await.unwrap_err().status(), 404);
    assert_eq!(
        add("brass-bottle-opener", "1").await.unwrap_err().status(),
        409
    );
    assert_eq!(add("canvas-tote", "4").await.unwrap_err().status(), 400);
    assert_eq!(add("stoneware-mug", "x").await.unwrap_err().status(), 400);
    assert!(
        view(&conn, Some(&owner)).await.unwrap().lines.is_empty(),
        "refusals add nothing"
    );

    add("canvas-tote", "2").await.unwrap();
    add("canvas-tote", "1").await.unwrap();
    let cart = view(&conn, Some(&owner)).await.unwrap();
    assert_eq!(cart.item_count, 3);
    assert_eq!(cart.subtotal, Money::new(3 * 2400, Currency::Usd));
    assert_eq!(
        add("canvas-tote", "1").await.unwrap_err().status(),
        400,
        "no more than the stock"
    );
}
