//! What the back office needs:
//! - `users.role`: `shopper`, or `owner` for the people who run the store
//!   (granted from the command line, never by signing up);
//! - `audit_entries`: every owner action, who did it, when, and the record
//!   before and after; `request_key` is unique, so a form submitted twice is
//!   recorded (and acted on) once;
//! - `orders.shipped_at`, `shipping_carrier`, `tracking_number`: when and how an
//!   order left; `orders.restocked_at`: when its units went back in stock, once;
//! - `stock_movements`: every change to a product's stock made by hand, and why;
//! - `stripe_events.order_id`: the order an event touched, for its history;
//! - indexes for the back office's order list: by status, by email, by mode.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261130_000006_order_status_and_livemode::alter;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        alter(manager, Users::Table, |t| {
            t.add_column(string_len(Users::Role, 16).default("shopper"))
        })
        .await?;
        for column in [Orders::ShippedAt, Orders::RestockedAt] {
            alter(manager, Orders::Table, |t| {
                t.add_column(big_integer_null(column))
            })
            .await?;
        }
        for column in [Orders::ShippingCarrier, Orders::TrackingNumber] {
            alter(manager, Orders::Table, |t| {
                t.add_column(string_len_null(column, 64))
            })
            .await?;
        }
        alter(manager, StripeEvents::Table, |t| {
            t.add_column(integer_null(StripeEvents::OrderId))
        })
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEntries::Table)
                    .if_not_exists()
                    .col(pk_auto(AuditEntries::Id))
                    .col(integer_null(AuditEntries::ActorUserId))
                    .col(string_len(AuditEntries::Actor, 255))
                    .col(string_len(AuditEntries::Action, 32))
                    .col(string_len(AuditEntries::Subject, 128))
                    .col(text_null(AuditEntries::Before))
                    .col(text_null(AuditEntries::After))
                    .col(string_len_null(AuditEntries::RequestKey, 128).unique_key())
                    .col(big_integer(AuditEntries::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StockMovements::Table)
                    .if_not_exists()
                    .col(pk_auto(StockMovements::Id))
                    .col(integer(StockMovements::ProductId))
                    .col(integer(StockMovements::Delta))
                    .col(string_len(StockMovements::Reason, 16))
                    .col(integer_null(StockMovements::OrderId))
                    .col(string_len(StockMovements::Actor, 255))
                    .col(big_integer(StockMovements::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StockMovements::Table, StockMovements::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes: [(&str, DynIden, Vec<DynIden>); 6] = [
            (
                "audit_entries_subject",
                AuditEntries::Table.into_iden(),
                vec![
                    AuditEntries::Subject.into_iden(),
                    AuditEntries::Id.into_iden(),
                ],
            ),
            (
                "stock_movements_product",
                StockMovements::Table.into_iden(),
                vec![StockMovements::ProductId.into_iden()],
            ),
            (
                "stripe_events_order",
                StripeEvents::Table.into_iden(),
                vec![StripeEvents::OrderId.into_iden()],
            ),
            (
                "orders_status_id",
                Orders::Table.into_iden(),
                vec![Orders::Status.into_iden(), Orders::Id.into_iden()],
            ),
            (
                "orders_email",
                Orders::Table.into_iden(),
                vec![Orders::Email.into_iden()],
            ),
            (
                "orders_created_at",
                Orders::Table.into_iden(),
                vec![Orders::CreatedAt.into_iden()],
            ),
        ];
        for (name, table, columns) in indexes {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "orders_created_at",
            "orders_email",
            "orders_status_id",
            "stripe_events_order",
        ] {
            manager
                .drop_index(Index::drop().name(name).to_owned())
                .await?;
        }
        for table in [
            StockMovements::Table.into_iden(),
            AuditEntries::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        alter(manager, StripeEvents::Table, |t| {
            t.drop_column(StripeEvents::OrderId)
        })
        .await?;
        for column in [
            Orders::TrackingNumber,
            Orders::ShippingCarrier,
            Orders::RestockedAt,
            Orders::ShippedAt,
        ] {
            alter(manager, Orders::Table, |t| t.drop_column(column)).await?;
        }
        alter(manager, Users::Table, |t| t.drop_column(Users::Role)).await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Role,
}

#[derive(DeriveIden, Clone, Copy)]
enum Orders {
    Table,
    Id,
    Status,
    Email,
    CreatedAt,
    ShippedAt,
    RestockedAt,
    ShippingCarrier,
    TrackingNumber,
}

#[derive(DeriveIden)]
enum StripeEvents {
    Table,
    OrderId,
}

#[derive(DeriveIden)]
enum AuditEntries {
    Table,
    Id,
    ActorUserId,
    Actor,
    Action,
    Subject,
    Before,
    After,
    RequestKey,
    At,
}

#[derive(DeriveIden)]
enum StockMovements {
    Table,
    Id,
    ProductId,
    Delta,
    Reason,
    OrderId,
    Actor,
    At,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}
