//! What happens to an order after it is paid, from wherever it is done (the
//! back office, Stripe's Dashboard, the card network):
//! - `refunds` and `disputes`: Stripe's objects for the order's payment, one row
//!   each, unique by Stripe's id, so every delivery of every event about one
//!   refund or dispute lands on the same row.
//! - `order_status_changes`: the order's history, one row per change of status
//!   (paid → partially refunded → refunded; paid → disputed → won or lost).
//! - Orders gain the amount refunded, and the Charge's own `amount_refunded` as
//!   last reported (`charge.refunded`), for refunds whose events did not come.
//!   Statuses grow longer than 16 characters (`partially_refunded`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::m20261130_000006_order_status_and_livemode::alter;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("ALTER TABLE orders ALTER COLUMN status TYPE varchar(32)")
                .await?;
        }
        for column in [
            big_integer(Orders::AmountRefunded).default(0).to_owned(),
            big_integer(Orders::ChargeAmountRefunded)
                .default(0)
                .to_owned(),
            big_integer(Orders::ChargeReportedAt).default(0).to_owned(),
        ] {
            alter(manager, Orders::Table, |t| t.add_column(column)).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Refunds::Table)
                    .if_not_exists()
                    .col(pk_auto(Refunds::Id))
                    .col(string_len(Refunds::StripeRefundId, 255).unique_key())
                    .col(integer(Refunds::OrderId))
                    .col(big_integer(Refunds::Amount))
                    .col(string_len(Refunds::Currency, 3))
                    .col(string_len(Refunds::Status, 32))
                    .col(string_len_null(Refunds::Reason, 64))
                    .col(big_integer(Refunds::CreatedAt))
                    .col(big_integer(Refunds::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Refunds::Table, Refunds::OrderId)
                            .to(Orders::Table, Orders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Disputes::Table)
                    .if_not_exists()
                    .col(pk_auto(Disputes::Id))
                    .col(string_len(Disputes::StripeDisputeId, 255).unique_key())
                    .col(integer(Disputes::OrderId))
                    .col(big_integer(Disputes::Amount))
                    .col(string_len(Disputes::Currency, 3))
                    .col(string_len(Disputes::Status, 32))
                    .col(string_len(Disputes::Reason, 64))
                    .col(boolean(Disputes::FundsWithdrawn).default(false))
                    .col(big_integer(Disputes::CreatedAt))
                    .col(big_integer(Disputes::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Disputes::Table, Disputes::OrderId)
                            .to(Orders::Table, Orders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderStatusChanges::Table)
                    .if_not_exists()
                    .col(pk_auto(OrderStatusChanges::Id))
                    .col(integer(OrderStatusChanges::OrderId))
                    .col(string_len(OrderStatusChanges::Status, 32))
                    .col(text_null(OrderStatusChanges::Note))
                    .col(string_len_null(OrderStatusChanges::StripeEventId, 255))
                    .col(big_integer(OrderStatusChanges::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderStatusChanges::Table, OrderStatusChanges::OrderId)
                            .to(Orders::Table, Orders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, table, column) in [
            (
                "refunds_order",
                Refunds::Table.into_iden(),
                Refunds::OrderId.into_iden(),
            ),
            (
                "disputes_order",
                Disputes::Table.into_iden(),
                Disputes::OrderId.into_iden(),
            ),
            (
                "order_status_changes_order",
                OrderStatusChanges::Table.into_iden(),
                OrderStatusChanges::OrderId.into_iden(),
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        // Orders made before have one step of history: the status they have.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO order_status_changes (order_id, status, note, stripe_event_id, at) \
                 SELECT id, status, NULL, NULL, created_at FROM orders",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OrderStatusChanges::Table.into_iden(),
            Disputes::Table.into_iden(),
            Refunds::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            Orders::ChargeReportedAt,
            Orders::ChargeAmountRefunded,
            Orders::AmountRefunded,
        ] {
            alter(manager, Orders::Table, |t| t.drop_column(column)).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    AmountRefunded,
    ChargeAmountRefunded,
    ChargeReportedAt,
}

#[derive(DeriveIden)]
enum Refunds {
    Table,
    Id,
    StripeRefundId,
    OrderId,
    Amount,
    Currency,
    Status,
    Reason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Disputes {
    Table,
    Id,
    StripeDisputeId,
    OrderId,
    Amount,
    Currency,
    Status,
    Reason,
    FundsWithdrawn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrderStatusChanges {
    Table,
    Id,
    OrderId,
    Status,
    Note,
    StripeEventId,
    At,
}
