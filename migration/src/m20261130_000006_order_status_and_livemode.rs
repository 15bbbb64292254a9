//! Orders say what they are, where every reader sees it:
//! - `status`: `paid`, or `on_hold` when Stripe's amount or currency differs from
//!   the frozen checkout, or the payment came after its stock was released. It
//!   replaces the `needs_review` flag, which no page showed; `hold_reason` says
//!   which.
//! - `livemode`: Stripe's own `livemode` of the session that paid. Orders made
//!   before it was recorded are live when their session id is (`cs_live_...`).
//!
//! Checkouts record the PaymentIntent Stripe made for them once it is known, so
//! a PaymentIntent's events are matched by id, never by its metadata.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes a single change per `ALTER TABLE`.
        for column in [
            string_len(Orders::Status, 16).default("paid").to_owned(),
            string_len_null(Orders::HoldReason, 32).to_owned(),
            boolean(Orders::Livemode).default(false).to_owned(),
        ] {
            alter(manager, Orders::Table, |t| t.add_column(column)).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE orders SET status = 'on_hold', hold_reason = CASE \
               WHEN stripe_amount_total IS NULL OR stripe_amount_total <> amount_total \
               THEN 'amount_mismatch' ELSE 'stock_released' END \
             WHERE needs_review",
        )
        .await?;
        db.execute_unprepared("UPDATE orders SET livemode = stripe_session_id LIKE 'cs_live_%'")
            .await?;
        alter(manager, Orders::Table, |t| {
            t.drop_column(Orders::NeedsReview)
        })
        .await?;

        alter(manager, Checkouts::Table, |t| {
            t.add_column(string_len_null(Checkouts::StripePaymentIntentId, 255))
        })
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("checkouts_stripe_payment_intent_id")
                    .table(Checkouts::Table)
                    .col(Checkouts::StripePaymentIntentId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("checkouts_stripe_payment_intent_id")
                    .table(Checkouts::Table)
                    .to_owned(),
            )
            .await?;
        alter(manager, Checkouts::Table, |t| {
            t.drop_column(Checkouts::StripePaymentIntentId)
        })
        .await?;
        alter(manager, Orders::Table, |t| {
            t.add_column(boolean(Orders::NeedsReview).default(false))
        })
        .await?;
        manager
            .get_connection()
            .execute_unprepared("UPDATE orders SET needs_review = (status = 'on_hold')")
            .await?;
        for column in [Orders::Livemode, Orders::HoldReason, Orders::Status] {
            alter(manager, Orders::Table, |t| t.drop_column(column)).await?;
        }
        Ok(())
    }
}

pub(crate) async fn alter(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + 'static,
    change: impl FnOnce(&mut TableAlterStatement) -> &mut TableAlterStatement,
) -> Result<(), DbErr> {
    let mut statement = Table::alter();
    statement.table(table);
    change(&mut statement);
    manager.alter_table(statement).await
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Status,
    HoldReason,
    Livemode,
    NeedsReview,
}

#[derive(DeriveIden)]
enum Checkouts {
    Table,
    StripePaymentIntentId,
}
