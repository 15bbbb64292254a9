use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .if_not_exists()
                    .col(pk_auto(Products::Id))
                    .col(string_len_uniq(Products::Slug, 96))
                    .col(string_len(Products::Name, 200))
                    .col(text(Products::Description))
                    // Money is stored in the currency's minor unit (cents for USD).
                    .col(
                        big_integer(Products::PriceMinor)
                            .check(Expr::col(Products::PriceMinor).gte(0)),
                    )
                    .col(string_len(Products::Currency, 3))
                    .col(string_len(Products::ImagePath, 255))
                    .col(integer(Products::Stock).check(Expr::col(Products::Stock).gte(0)))
                    .col(boolean(Products::Active).default(true))
                    .col(
                        timestamp_with_time_zone(Products::CreatedAt)
                            .default(Expr::current_timestamp()),
                    )
                    .col(
                        timestamp_with_time_zone(Products::UpdatedAt)
                            .default(Expr::current_timestamp()),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_products_active_name")
                    .table(Products::Table)
                    .col(Products::Active)
                    .col(Products::Name)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Products::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Products {
    Table,
    Id,
    Slug,
    Name,
    Description,
    PriceMinor,
    Currency,
    ImagePath,
    Stock,
    Active,
    CreatedAt,
    UpdatedAt,
}
