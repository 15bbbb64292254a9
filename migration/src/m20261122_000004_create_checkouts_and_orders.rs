//! Checkout records (the cart frozen at the moment the shopper pays, with its stock
//! reserved), orders, and the Stripe events already handled.
//!
//! Every "exactly once" in checkout is one of these unique keys: one checkout
//! being prepared or paid per cart (`checkouts.open_key`), one checkout per Stripe
//! session, one order per Stripe session and per checkout, one row per Stripe event.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_create_products::Products;
use crate::m20261122_000003_create_accounts_and_carts::{Carts, Users};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Checkouts::Table)
                    .if_not_exists()
                    .col(pk_auto(Checkouts::Id))
                    .col(integer(Checkouts::CartId))
                    .col(integer_null(Checkouts::UserId))
                    // The guest session that started it (its id is the token's hash).
                    .col(string_len_null(Checkouts::SessionId, 64))
                    // creating, open, processing, paid, expired, failed, canceled
                    .col(string_len(Checkouts::Status, 16))
                    // The cart id while a checkout is being prepared, open or
                    // processing; NULL after: one live checkout per cart.
                    .col(integer_null(Checkouts::OpenKey).unique_key())
                    .col(string_len(Checkouts::Currency, 3))
                    .col(big_integer(Checkouts::AmountTotal))
                    // SHA-256 of the lines, prices and currency: the same cart
                    // contents reuse the open Stripe session.
                    .col(string_len(Checkouts::Fingerprint, 64))
                    .col(string_len_null(Checkouts::StripeSessionId, 255).unique_key())
                    .col(text_null(Checkouts::StripeUrl))
                    .col(big_integer(Checkouts::ExpiresAt))
                    .col(string_len_null(Checkouts::Email, 254))
                    // The last declined attempt, in the shopper's words.
                    .col(text_null(Checkouts::LastPaymentError))
                    .col(big_integer(Checkouts::CreatedAt))
                    .col(big_integer(Checkouts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Checkouts::Table, Checkouts::CartId)
                            .to(Carts::Table, Carts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_checkouts_cart")
                    .table(Checkouts::Table)
                    .col(Checkouts::CartId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CheckoutLines::Table)
                    .if_not_exists()
                    .col(pk_auto(CheckoutLines::Id))
                    .col(integer(CheckoutLines::CheckoutId))
                    .col(integer(CheckoutLines::ProductId))
                    .col(string_len(CheckoutLines::Name, 200))
                    .col(big_integer(CheckoutLines::UnitAmount))
                    .col(integer(CheckoutLines::Quantity))
                    .col(big_integer(CheckoutLines::LineTotal))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CheckoutLines::Table, CheckoutLines::CheckoutId)
                            .to(Checkouts::Table, Checkouts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CheckoutLines::Table, CheckoutLines::ProductId)
                            .to(Products::Table, Products::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_checkout_lines_checkout")
                    .table(CheckoutLines::Table)
                    .col(CheckoutLines::CheckoutId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .if_not_exists()
                    .col(pk_auto(Orders::Id))
                    .col(string_len_uniq(Orders::Number, 32))
                    .col(integer_uniq(Orders::CheckoutId))
                    .col(string_len_uniq(Orders::StripeSessionId, 255))
                    .col(integer_null(Orders::UserId))
                    // Not a foreign key: the order outlives the guest's session.
                    .col(string_len_null(Orders::GuestSessionId, 64))
                    .col(string_len_null(Orders::Email, 254))
                    .col(string_len(Orders::Currency, 3))
                    .col(big_integer(Orders::AmountTotal))
                    .col(big_integer_null(Orders::StripeAmountTotal))
                    .col(boolean(Orders::NeedsReview).default(false))
                    .col(big_integer_null(Orders::ConfirmationSentAt))
                    .col(big_integer(Orders::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Orders::Table, Orders::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_orders_user", Orders::UserId),
            ("idx_orders_guest_session", Orders::GuestSessionId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Orders::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(OrderItems::Table)
                    .if_not_exists()
                    .col(pk_auto(OrderItems::Id))
                    .col(integer(OrderItems::OrderId))
                    .col(integer(OrderItems::ProductId))
                    .col(string_len(OrderItems::Name, 200))
                    .col(big_integer(OrderItems::UnitAmount))
                    .col(integer(OrderItems::Quantity))
                    .col(big_integer(OrderItems::LineTotal))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderItems::Table, OrderItems::OrderId)
                            .to(Orders::Table, Orders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_order_items_order")
                    .table(OrderItems::Table)
                    .col(OrderItems::OrderId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StripeEvents::Table)
                    .if_not_exists()
                    .col(string_len(StripeEvents::Id, 255).primary_key())
                    .col(string_len(StripeEvents::Type, 100))
                    .col(big_integer(StripeEvents::ReceivedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StripeEvents::Table.into_iden(),
            OrderItems::Table.into_iden(),
            Orders::Table.into_iden(),
            CheckoutLines::Table.into_iden(),
            Checkouts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Checkouts {
    Table,
    Id,
    CartId,
    UserId,
    SessionId,
    Status,
    OpenKey,
    Currency,
    AmountTotal,
    Fingerprint,
    StripeSessionId,
    StripeUrl,
    ExpiresAt,
    Email,
    LastPaymentError,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum CheckoutLines {
    Table,
    Id,
    CheckoutId,
    ProductId,
    Name,
    UnitAmount,
    Quantity,
    LineTotal,
}

#[derive(DeriveIden)]
pub enum Orders {
    Table,
    Id,
    Number,
    CheckoutId,
    StripeSessionId,
    UserId,
    GuestSessionId,
    Email,
    Currency,
    AmountTotal,
    StripeAmountTotal,
    NeedsReview,
    ConfirmationSentAt,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum OrderItems {
    Table,
    Id,
    OrderId,
    ProductId,
    Name,
    UnitAmount,
    Quantity,
    LineTotal,
}

#[derive(DeriveIden)]
pub enum StripeEvents {
    Table,
    Id,
    Type,
    ReceivedAt,
}
