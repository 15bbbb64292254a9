//! The back office's server fns. Each answers anyone but a signed-in owner
//! with the 404 a missing page gets (the server's gate refuses them before
//! they run, too; see `server::admin_gate`). Actions answer a browser's plain
//! form post by going back to the order's page with their outcome.

use leptos::prelude::*;

use crate::error::AppError;
use crate::types::admin::{AdminOrder, AdminOrderPage, OrderFilter};

/// The owner making this request, or the 404 anyone else gets.
#[cfg(feature = "ssr")]
pub(super) async fn owner() -> Result<
    (
        crate::ssr::RequestContext,
        crate::ssr::services::admin::StoreOwner,
    ),
    AppError,
> {
    let request = crate::ssr::RequestContext::read().await?;
    let owner = crate::ssr::services::admin::owner_of(request.db(), request.user_id()).await?;
    Ok((request, owner))
}

/// Answers an action: a form post goes back to its page with the outcome; an
/// outsider's 404 is left as it is, so nothing is said about the page.
#[cfg(feature = "ssr")]
fn answer(
    path: &str,
    number: &str,
    outcome: Result<crate::ssr::services::admin::order_actions::Done, AppError>,
    outsider: bool,
) -> Result<(), AppError> {
    let outcome = outcome.map(|_| ());
    if !outsider {
        crate::ssr::form_outcome::answer(path, Some(number), &outcome);
    }
    outcome
}

/// A page of orders, newest first, filtered; `before` is the keyset of the
/// page after the first.
#[server(endpoint = "admin_orders")]
pub async fn admin_orders(
    filter: OrderFilter,
    before: Option<i32>,
) -> Result<AdminOrderPage, AppError> {
    use crate::ssr::services::admin::order_list;
    let (request, _) = owner().await?;
    let checked = order_list::check(&filter)?;
    order_list::page(request.db(), &checked, before).await
}

/// One order, with everything the owner needs to act on it.
#[server(endpoint = "admin_order")]
pub async fn get_admin_order(number: String) -> Result<AdminOrder, AppError> {
    use crate::ssr::services::admin::order_record;
    let (request, _) = owner().await?;
    order_record::order_record(request.db(), &number).await
}

/// Marks the order shipped; the shopper gets an email.
#[server(endpoint = "admin_ship_order")]
pub async fn admin_ship_order(
    number: String,
    carrier: String,
    tracking_number: String,
    key: String,
) -> Result<(), AppError> {
    use crate::ssr::services::admin::order_actions;
    use leptos::server_fn::ServerFn;
    let (request, owner) = match owner().await {
        Ok(found) => found,
        Err(err) => return answer(AdminShipOrder::PATH, &number, Err(err), true),
    };
    let outcome = order_actions::ship(
        request.db(),
        &owner,
        &number,
        &carrier,
        &tracking_number,
        &key,
        request.now,
    )
    .await;
    if outcome.is_ok() {
        request.state.emails.wake();
    }
    answer(AdminShipOrder::PATH, &number, outcome, false)
}

/// Refunds the order through Stripe (all that is left, or `amount`), and
/// with `restock` puts its units back on sale.
#[server(endpoint = "admin_refund_order")]
pub async fn admin_refund_order(
    number: String,
    amount: String,
    restock: Option<String>,
    key: String,
) -> Result<(), AppError> {
    use crate::ssr::services::admin::order_actions::{self, RefundRequest};
    use leptos::server_fn::ServerFn;
    let (request, owner) = match owner().await {
        Ok(found) => found,
        Err(err) => return answer(AdminRefundOrder::PATH, &number, Err(err), true),
    };
    let outcome = order_actions::refund(
        request.db(),
        &request.state.payments,
        &owner,
        &RefundRequest {
            number: &number,
            amount: &amount,
            restock: restock.is_some(),
            key: &key,
        },
        request.now,
    )
    .await;
    answer(AdminRefundOrder::PATH, &number, outcome, false)
}

/// Sends the order's confirmation again.
#[server(endpoint = "admin_resend_confirmation")]
pub async fn admin_resend_confirmation(number: String, key: String) -> Result<(), AppError> {
    use crate::ssr::services::admin::order_actions;
    use leptos::server_fn::ServerFn;
    let (request, owner) = match owner().await {
        Ok(found) => found,
        Err(err) => return answer(AdminResendConfirmation::PATH, &number, Err(err), true),
    };
    let outcome =
        order_actions::resend_confirmation(request.db(), &owner, &number, &key, request.now).await;
    if outcome.is_ok() {
        request.state.emails.wake();
    }
    answer(AdminResendConfirmation::PATH, &number, outcome, false)
}

/// Releases an order held for a check.
#[server(endpoint = "admin_release_order")]
pub async fn admin_release_order(number: String, key: String) -> Result<(), AppError> {
    use crate::ssr::services::admin::order_actions;
    use leptos::server_fn::ServerFn;
    let (request, owner) = match owner().await {
        Ok(found) => found,
        Err(err) => return answer(AdminReleaseOrder::PATH, &number, Err(err), true),
    };
    let outcome = order_actions::release(request.db(), &owner, &number, &key, request.now).await;
    answer(AdminReleaseOrder::PATH, &number, outcome, false)
}
