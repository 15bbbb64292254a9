//! Accounts, sessions (guest or signed in), carts and their lines.
//!
//! Times are Unix seconds in BIGINT columns, the same on SQLite and PostgreSQL.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_create_products::Products;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(pk_auto(Users::Id))
                    // Stored trimmed and lower-cased, so uniqueness ignores letter case.
                    .col(string_len_uniq(Users::Email, 254))
                    .col(string_len(Users::PasswordHash, 255))
                    .col(big_integer(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .if_not_exists()
                    // SHA-256 of the cookie's token: a database leak does not leak sessions.
                    .col(string_len(Sessions::Id, 64).primary_key())
                    .col(integer_null(Sessions::UserId))
                    .col(big_integer(Sessions::CreatedAt))
                    .col(big_integer(Sessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_expires_at")
                    .table(Sessions::Table)
                    .col(Sessions::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Carts::Table)
                    .if_not_exists()
                    .col(pk_auto(Carts::Id))
                    .col(integer_null(Carts::UserId))
                    .col(string_len_null(Carts::SessionId, 64))
                    // "user:<id>" or "session:<hash>" while the cart is open, NULL once it
                    // is closed: the unique index allows one open cart per owner.
                    .col(string_len_null(Carts::OpenKey, 80).unique_key())
                    .col(string_len(Carts::Status, 16))
                    // A sentence for the cart page, such as a quantity capped by a merge.
                    .col(text_null(Carts::Notice))
                    .col(big_integer(Carts::CreatedAt))
                    .col(big_integer(Carts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Carts::Table, Carts::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CartLines::Table)
                    .if_not_exists()
                    .col(pk_auto(CartLines::Id))
                    .col(integer(CartLines::CartId))
                    .col(integer(CartLines::ProductId))
                    .col(
                        integer(CartLines::Quantity).check(
                            Expr::col(CartLines::Quantity)
                                .gte(1)
                                .and(Expr::col(CartLines::Quantity).lte(99)),
                        ),
                    )
                    .col(big_integer(CartLines::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CartLines::Table, CartLines::CartId)
                            .to(Carts::Table, Carts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CartLines::Table, CartLines::ProductId)
                            .to(Products::Table, Products::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_cart_lines_cart_product")
                    .table(CartLines::Table)
                    .col(CartLines::CartId)
                    .col(CartLines::ProductId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SignInFailures::Table)
                    .if_not_exists()
                    .col(big_pk_auto(SignInFailures::Id))
                    .col(string_len(SignInFailures::Email, 254))
                    .col(string_len(SignInFailures::Client, 64))
                    .col(big_integer(SignInFailures::At))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_sign_in_failures_email_at", SignInFailures::Email),
            ("idx_sign_in_failures_client_at", SignInFailures::Client),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(SignInFailures::Table)
                        .col(column)
                        .col(SignInFailures::At)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SignInFailures::Table.into_iden(),
            CartLines::Table.into_iden(),
            Carts::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
pub enum Carts {
    Table,
    Id,
    UserId,
    SessionId,
    OpenKey,
    Status,
    Notice,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum CartLines {
    Table,
    Id,
    CartId,
    ProductId,
    Quantity,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum SignInFailures {
    Table,
    Id,
    Email,
    Client,
    At,
}
