//! Orders a business can ship and reconcile.
//! - `shipping_rates`: the store's rates, offered on every Checkout Session.
//!   Data, not code: seeded with Standard ($5.00, 3–5 business days, free from
//!   $75.00 of subtotal) and Express ($15.00, 1–2 business days), in minor units
//!   of the store's currency.
//! - `checkout_shipping_options`: what one checkout offered, under the ids Stripe
//!   gave the rates, so the order can name the one chosen and check its price.
//! - Orders gain every figure of Stripe's session (subtotal, discount, shipping,
//!   tax; `amount_total` becomes what was charged), the shipping address and
//!   phone, and the promotion code. Older orders had none of these: their
//!   subtotal is their total.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261130_000006_order_status_and_livemode::alter;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// name, amount in minor units, free from this subtotal, business days min–max.
const RATES: &[(&str, i64, Option<i64>, i32, i32)] = &[
    ("Standard", 500, Some(7500), 3, 5),
    ("Express", 1500, None, 1, 2),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ShippingRates::Table)
                    .if_not_exists()
                    .col(pk_auto(ShippingRates::Id))
                    .col(string_len(ShippingRates::Name, 100))
                    .col(big_integer(ShippingRates::Amount))
                    .col(big_integer_null(ShippingRates::FreeFrom))
                    .col(integer(ShippingRates::MinDays))
                    .col(integer(ShippingRates::MaxDays))
                    .col(integer(ShippingRates::Position))
                    .col(boolean(ShippingRates::Active).default(true))
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert();
        seed.into_table(ShippingRates::Table).columns([
            ShippingRates::Name,
            ShippingRates::Amount,
            ShippingRates::FreeFrom,
            ShippingRates::MinDays,
            ShippingRates::MaxDays,
            ShippingRates::Position,
            ShippingRates::Active,
        ]);
        for (position, (name, amount, free_from, min, max)) in RATES.iter().enumerate() {
            seed.values_panic([
                (*name).into(),
                (*amount).into(),
                (*free_from).into(),
                (*min).into(),
                (*max).into(),
                <i32 as std::convert::TryFrom<usize>>::try_from(position)
                    .unwrap_or(0)
                    .into(),
                true.into(),
            ]);
        }
        manager.exec_stmt(seed).await?;

        manager
            .create_table(
                Table::create()
                    .table(CheckoutShippingOptions::Table)
                    .if_not_exists()
                    .col(pk_auto(CheckoutShippingOptions::Id))
                    .col(integer(CheckoutShippingOptions::CheckoutId))
                    .col(
                        string_len(CheckoutShippingOptions::StripeShippingRateId, 255).unique_key(),
                    )
                    .col(string_len(CheckoutShippingOptions::Name, 100))
                    .col(big_integer(CheckoutShippingOptions::Amount))
                    .col(integer(CheckoutShippingOptions::MinDays))
                    .col(integer(CheckoutShippingOptions::MaxDays))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                CheckoutShippingOptions::Table,
                                CheckoutShippingOptions::CheckoutId,
                            )
                            .to(Checkouts::Table, Checkouts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("checkout_shipping_options_checkout")
                    .table(CheckoutShippingOptions::Table)
                    .col(CheckoutShippingOptions::CheckoutId)
                    .to_owned(),
            )
            .await?;

        for column in [
            big_integer(Orders::AmountSubtotal).default(0).to_owned(),
            big_integer(Orders::AmountDiscount).default(0).to_owned(),
            big_integer(Orders::AmountShipping).default(0).to_owned(),
            big_integer(Orders::AmountTax).default(0).to_owned(),
            string_len_null(Orders::ShippingRateName, 100).to_owned(),
            string_len_null(Orders::ShippingName, 255).to_owned(),
            string_len_null(Orders::ShippingLine1, 255).to_owned(),
            string_len_null(Orders::ShippingLine2, 255).to_owned(),
            string_len_null(Orders::ShippingCity, 255).to_owned(),
            string_len_null(Orders::ShippingState, 255).to_owned(),
            string_len_null(Orders::ShippingPostalCode, 64).to_owned(),
            string_len_null(Orders::ShippingCountry, 2).to_owned(),
            string_len_null(Orders::Phone, 64).to_owned(),
            string_len_null(Orders::PromotionCode, 500).to_owned(),
        ] {
            alter(manager, Orders::Table, |t| t.add_column(column)).await?;
        }
        manager
            .get_connection()
            .execute_unprepared("UPDATE orders SET amount_subtotal = amount_total")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Orders::PromotionCode,
            Orders::Phone,
            Orders::ShippingCountry,
            Orders::ShippingPostalCode,
            Orders::ShippingState,
            Orders::ShippingCity,
            Orders::ShippingLine2,
            Orders::ShippingLine1,
            Orders::ShippingName,
            Orders::ShippingRateName,
            Orders::AmountTax,
            Orders::AmountShipping,
            Orders::AmountDiscount,
            Orders::AmountSubtotal,
        ] {
            alter(manager, Orders::Table, |t| t.drop_column(column)).await?;
        }
        manager
            .drop_table(
                Table::drop()
                    .table(CheckoutShippingOptions::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ShippingRates::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ShippingRates {
    Table,
    Id,
    Name,
    Amount,
    FreeFrom,
    MinDays,
    MaxDays,
    Position,
    Active,
}

#[derive(DeriveIden)]
enum CheckoutShippingOptions {
    Table,
    Id,
    CheckoutId,
    StripeShippingRateId,
    Name,
    Amount,
    MinDays,
    MaxDays,
}

#[derive(DeriveIden)]
enum Checkouts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    AmountSubtotal,
    AmountDiscount,
    AmountShipping,
    AmountTax,
    ShippingRateName,
    ShippingName,
    ShippingLine1,
    ShippingLine2,
    ShippingCity,
    ShippingState,
    ShippingPostalCode,
    ShippingCountry,
    Phone,
    PromotionCode,
}
