//! Names the checkout's two ownership columns for what they hold:
//! - `open_key` is the id of the cart while the checkout is live: `live_cart_id`
//!   (`carts.open_key` is text that names the owner, a different thing);
//! - `session_id` is the guest's shopper session, not a Stripe Checkout Session:
//!   `guest_session_id`, as on `orders`.
//!
//! Both keep their constraints; SQLite and PostgreSQL rename in place.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rename(manager, Checkouts::OpenKey, Checkouts::LiveCartId).await?;
        rename(manager, Checkouts::SessionId, Checkouts::GuestSessionId).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rename(manager, Checkouts::GuestSessionId, Checkouts::SessionId).await?;
        rename(manager, Checkouts::LiveCartId, Checkouts::OpenKey).await
    }
}

/// One column a statement: SQLite takes a single change per `ALTER TABLE`.
async fn rename(manager: &SchemaManager<'_>, from: Checkouts, to: Checkouts) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Checkouts::Table)
                .rename_column(from, to)
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden)]
enum Checkouts {
    Table,
    OpenKey,
    LiveCartId,
    SessionId,
    GuestSessionId,
}
