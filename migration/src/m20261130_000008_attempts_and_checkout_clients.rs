//! Throttling, in one table: `attempts` records each sign-in, sign-up, new
//! guest session and checkout by client (and, for sign-ins, the email), so a
//! limit is counted after the attempt is written, never before. It replaces
//! `sign_in_failures`, whose few minutes of history are not worth carrying over.
//!
//! Checkouts record the client that started them, so the units one client holds
//! in open checkouts can be capped.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Attempts::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Attempts::Id))
                    .col(string_len(Attempts::Action, 16))
                    .col(string_len(Attempts::Client, 64))
                    .col(string_len_null(Attempts::Subject, 254))
                    .col(big_integer(Attempts::At))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("attempts_by_client", Attempts::Client),
            ("attempts_by_subject", Attempts::Subject),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Attempts::Table)
                        .col(Attempts::Action)
                        .col(column)
                        .col(Attempts::At)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(SignInFailures::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Checkouts::Table)
                    .add_column(string_len_null(Checkouts::Client, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("checkouts_by_client")
                    .table(Checkouts::Table)
                    .col(Checkouts::Client)
                    .col(Checkouts::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("checkouts_by_client")
                    .table(Checkouts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Checkouts::Table)
                    .drop_column(Checkouts::Client)
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
        manager
            .drop_table(Table::drop().table(Attempts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Attempts {
    Table,
    Id,
    Action,
    Client,
    Subject,
    At,
}

#[derive(DeriveIden)]
enum SignInFailures {
    Table,
    Id,
    Email,
    Client,
    At,
}

#[derive(DeriveIden)]
enum Checkouts {
    Table,
    Client,
    Status,
}
