//! What the shopper's path needs remembered:
//! - `cart_lines.added_unit_amount`: the unit price a line was added at, so the
//!   cart can say when the catalogue price has changed since (lines added before
//!   this have none, and say nothing).
//! - `order_links`: the links to an order's status page, sent in its
//!   confirmation email or given after a lookup by number and email. Only the
//!   token's SHA-256 is kept (`token_hash`); each link shows that one order.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261130_000006_order_status_and_livemode::alter;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        alter(manager, CartLines::Table, |t| {
            t.add_column(big_integer_null(CartLines::AddedUnitAmount))
        })
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderLinks::Table)
                    .if_not_exists()
                    .col(pk_auto(OrderLinks::Id))
                    .col(integer(OrderLinks::OrderId))
                    .col(string_len(OrderLinks::TokenHash, 64).unique_key())
                    .col(big_integer(OrderLinks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderLinks::Table, OrderLinks::OrderId)
                            .to(Orders::Table, Orders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OrderLinks::Table).to_owned())
            .await?;
        alter(manager, CartLines::Table, |t| {
            t.drop_column(CartLines::AddedUnitAmount)
        })
        .await
    }
}

#[derive(DeriveIden)]
enum CartLines {
    Table,
    AddedUnitAmount,
}

#[derive(DeriveIden)]
enum OrderLinks {
    Table,
    Id,
    OrderId,
    TokenHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}
