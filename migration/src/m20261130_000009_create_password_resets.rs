//! "Forgot your password?": one row per request. The emailed token is minted
//! when the email is sent and only its SHA-256 is kept (`token_hash`); it works
//! once (`used_at`) and until `expires_at`, thirty minutes after it was sent.

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
                    .table(PasswordResets::Table)
                    .if_not_exists()
                    .col(pk_auto(PasswordResets::Id))
                    .col(integer(PasswordResets::UserId))
                    .col(string_len_null(PasswordResets::TokenHash, 64).unique_key())
                    .col(big_integer(PasswordResets::ExpiresAt))
                    .col(big_integer_null(PasswordResets::UsedAt))
                    .col(big_integer(PasswordResets::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PasswordResets::Table, PasswordResets::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PasswordResets::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Id,
    UserId,
    TokenHash,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
