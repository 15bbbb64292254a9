//! Shopfront's database schema, applied in order at server start-up.
//!
//! Migrations are append-only: a change to the schema is a new file, never an
//! edit of one that has shipped.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_products;
mod m20261122_000002_seed_products;
mod m20261122_000003_create_accounts_and_carts;
mod m20261122_000004_create_checkouts_and_orders;
mod m20261130_000005_rename_checkout_owner_columns;
mod m20261130_000006_order_status_and_livemode;
mod m20261130_000007_create_emails;
mod m20261130_000008_attempts_and_checkout_clients;
mod m20261130_000009_create_password_resets;
mod m20261130_000010_shipping_and_order_figures;
mod m20261130_000011_refunds_disputes_and_status_history;
mod m20261130_000012_cart_prices_and_order_links;
mod m20261130_000013_owners_audit_and_shipments;

/// Every migration the store knows, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_products::Migration),
            Box::new(m20261122_000002_seed_products::Migration),
            Box::new(m20261122_000003_create_accounts_and_carts::Migration),
            Box::new(m20261122_000004_create_checkouts_and_orders::Migration),
            Box::new(m20261130_000005_rename_checkout_owner_columns::Migration),
            Box::new(m20261130_000006_order_status_and_livemode::Migration),
            Box::new(m20261130_000007_create_emails::Migration),
            Box::new(m20261130_000008_attempts_and_checkout_clients::Migration),
            Box::new(m20261130_000009_create_password_resets::Migration),
            Box::new(m20261130_000010_shipping_and_order_figures::Migration),
            Box::new(m20261130_000011_refunds_disputes_and_status_history::Migration),
            Box::new(m20261130_000012_cart_prices_and_order_links::Migration),
            Box::new(m20261130_000013_owners_audit_and_shipments::Migration),
        ]
    }
}
