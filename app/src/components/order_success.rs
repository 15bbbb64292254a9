use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use lucide_leptos::{ArrowLeft, CircleCheck, Package, UserPlus};

use crate::components::{
    Alert, AlertKind, IconLink, LiveForm, OrderItems, OrderShipTo, PasswordField, PendingIcon,
};
use crate::icon;
use crate::server_fns::account::CreateAccountForOrder;
use crate::types::{OrderView, TEST_ORDER};

/// The confirmation a shopper sees after paying: the order number, what they
/// bought, what they paid, and where the receipt went.
///
/// A guest who paid in this browser (`session_id`, the Checkout Session) is
/// offered an account with the order's email, to track it from anywhere.
#[component]
pub fn OrderSuccess(
    order: OrderView,
    signed_in: bool,
    #[prop(optional)] session_id: Option<String>,
) -> impl IntoView {
    let offer = session_id
        .filter(|_| !signed_in)
        .zip(order.email.clone())
        .map(|(session_id, email)| view! { <AccountOffer session_id email /> });
    let count = match order.item_count() {
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    };
    view! {
        <section class="card mx-auto flex max-w-2xl flex-col gap-6" data-testid="order-success">
            <div class="flex flex-col items-center gap-2 text-center">
                <span class="text-success" aria-hidden="true">
                    {icon!(CircleCheck, 24)}
                </span>
                <h1 class="page-title">"Thank you, your order is placed"</h1>
                <p class="text-muted">
                    "Order " <span class="font-semibold text-ink" data-testid="order-number">{order.number.clone()}</span>
                    " · " {count}
                </p>
            </div>
            <OrderNotices order=order.clone() />
            <OrderItems order=order.clone() />
            <OrderShipTo order=order.clone() />
            {order
                .email
                .clone()
                .map(|email| {
                    view! {
                        <p class="caption text-center" data-testid="receipt-email">
                            "A receipt is on its way to " <span class="text-ink">{email}</span> "."
                        </p>
                    }
                })}
            {offer}
            <div class="flex flex-col gap-3 sm:flex-row sm:justify-center">
                <IconLink href="/" class="btn-primary" icon=icon!(ArrowLeft, 20)>
                    "Continue shopping"
                </IconLink>
                {signed_in
                    .then(|| {
                        view! {
                            <IconLink href="/account/orders" class="btn-secondary" icon=icon!(Package, 20)>
                                "View your orders"
                            </IconLink>
                        }
                    })}
            </div>
        </section>
    }
}

/// What the buyer must know about an order before its lines: that it was a test
/// (no money taken), and why it is held, if it is.
#[component]
pub fn OrderNotices(order: OrderView) -> impl IntoView {
    view! {
        {order
            .test_order
            .then(|| {
                view! {
                    <div data-testid="test-order">
                        <Alert kind=AlertKind::Notice message=TEST_ORDER />
                    </div>
                }
            })}
        {order
            .payment_note
            .clone()
            .map(|note| {
                view! {
                    <div data-testid="order-payment-note">
                        <Alert kind=AlertKind::Notice message=note />
                    </div>
                }
            })}
        {order
            .hold
            .map(|hold| {
                view! {
                    <div data-testid="order-on-hold">
                        <Alert kind=AlertKind::Notice message=hold.sentence() />
                    </div>
                }
            })}
    }
}

/// "Create an account to track this order": the email is the order's, so only a
/// password is asked. A plain form: it leaves the page for the order's page (or
/// for sign-in, when the email has an account already).
#[component]
fn AccountOffer(session_id: String, email: String) -> impl IntoView {
    view! {
        <section class="flex flex-col gap-3 border-t border-line pt-6" aria-labelledby="account-offer-title" data-testid="account-offer">
            <h2 id="account-offer-title" class="text-lg font-semibold">
                "Create an account to track this order"
            </h2>
            <p class="caption">
                "Your account uses " <span class="text-ink">{email}</span>
                ". Choose a password, and this order and your cart stay with you."
            </p>
            <LiveForm action=CreateAccountForOrder::url() testid="account-offer-error">
                <div class="flex flex-col gap-4">
                    <input type="hidden" name="session_id" value=session_id />
                    <PasswordField label="Password" autocomplete="new-password" />
                    <button type="submit" class="btn-secondary sm:self-start">
                        <PendingIcon>
                            {icon!(UserPlus, 20)}
                        </PendingIcon>
                        "Create account"
                    </button>
                </div>
            </LiveForm>
        </section>
    }
}
