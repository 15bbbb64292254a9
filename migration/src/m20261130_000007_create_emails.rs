//! The email outbox: every email the store owes someone, written in the same
//! transaction as what it reports (an order), and delivered by a background
//! sender with retries. A row is sent when `sent_at` is set; until then it is
//! tried again at `due_at_ms`, by the one sender whose lease (`leased_until_ms`)
//! it is under. `(kind, key)` is unique, so an email is owed once.

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
                    .table(Emails::Table)
                    .if_not_exists()
                    .col(pk_auto(Emails::Id))
                    .col(string_len(Emails::Kind, 32))
                    .col(string_len(Emails::Key, 64))
                    .col(string_len(Emails::ToAddress, 320))
                    .col(integer(Emails::Attempts).default(0))
                    .col(big_integer(Emails::DueAtMs))
                    .col(big_integer_null(Emails::LeasedUntilMs))
                    .col(big_integer_null(Emails::SentAt))
                    .col(text_null(Emails::LastError))
                    .col(big_integer(Emails::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("emails_kind_key")
                    .table(Emails::Table)
                    .col(Emails::Kind)
                    .col(Emails::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("emails_due")
                    .table(Emails::Table)
                    .col(Emails::SentAt)
                    .col(Emails::DueAtMs)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Emails::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Emails {
    Table,
    Id,
    Kind,
    Key,
    ToAddress,
    Attempts,
    DueAtMs,
    LeasedUntilMs,
    SentAt,
    LastError,
    CreatedAt,
}
