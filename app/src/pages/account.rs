use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use lucide_leptos::LogIn;

use crate::components::{EmailField, InPlace, LiveForm, PasswordField, PendingIcon};
use crate::icon;
use crate::server_fns::account::{SignIn, SignUp};

/// Which of the two account forms a page shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    SignIn,
    SignUp,
}

/// `/account/sign-in`.
#[component]
pub fn SignInPage() -> impl IntoView {
    view! { <AccountForm mode=Mode::SignIn /> }
}

/// `/account/sign-up`.
#[component]
pub fn SignUpPage() -> impl IntoView {
    view! { <AccountForm mode=Mode::SignUp /> }
}

#[component]
fn AccountForm(mode: Mode) -> impl IntoView {
    let query = use_query_map();
    let next = query
        .read_untracked()
        .get("next")
        .unwrap_or_else(|| "/cart".to_owned());
    // Sent here by "Create an account" on the success page: the email has one.
    // Only an order number is shown: a link cannot put other words on the page.
    let order = query.read_untracked().get("order").filter(|order| {
        order.len() <= 16
            && order.strip_prefix("SF-").is_some_and(|digits| {
                !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
            })
    });
    let caption = match (mode, order) {
        (Mode::SignIn, Some(order)) => format!(
            "You already have an account with the email on order {order}. Sign in, and the order joins it."
        ),
        _ => "Your cart comes with you when you sign in.".to_owned(),
    };
    let (title, other_text, other_label, other_path) = match mode {
        Mode::SignIn => (
            "Sign in",
            "New here?",
            "Create an account",
            "/account/sign-up",
        ),
        Mode::SignUp => (
            "Create an account",
            "Have an account?",
            "Sign in",
            "/account/sign-in",
        ),
    };
    let other_href = format!("{other_path}?next={next}");
    view! {
        <Title text=title />
        <section class="page max-w-md">
            <div class="card flex flex-col gap-6">
                <div class="flex flex-col gap-1">
                    <h1 class="page-title">{title}</h1>
                    <p class="caption" data-testid="account-caption">{caption}</p>
                </div>
                <AccountFields sign_up=mode == Mode::SignUp next />
                {(mode == Mode::SignIn)
                    .then(|| {
                        view! {
                            <p class="caption">
                                <a
                                    href="/account/forgot-password"
                                    class="font-medium text-brand hover:underline"
                                >
                                    "Forgot your password?"
                                </a>
                            </p>
                        }
                    })}
                <p class="caption">
                    {other_text} " "
                    <a href=other_href class="font-medium text-brand hover:underline">
                        {other_label}
                    </a>
                </p>
            </div>
        </section>
    }
}

/// The email and password form, posting to `sign_in` or `sign_up`. Hydrated, it
/// answers in place ([`InPlace`]): a refusal appears under the button with the
/// typed email kept, and success goes on to `next`.
#[component]
fn AccountFields(sign_up: bool, next: String) -> impl IntoView {
    let (url, button) = if sign_up {
        (SignUp::url(), "Create account")
    } else {
        (SignIn::url(), "Sign in")
    };
    view! {
        <InPlace>
            <LiveForm action=url testid="account-error">
                <div class="flex flex-col gap-4">
                    <input type="hidden" name="next" value=next />
                    <EmailField />
                    <PasswordField
                        label="Password"
                        autocomplete=if sign_up { "new-password" } else { "current-password" }
                    />
                    <button type="submit" class="btn-primary w-full">
                        <PendingIcon>
                            {icon!(LogIn, 20)}
                        </PendingIcon>
                        {button}
                    </button>
                </div>
            </LiveForm>
        </InPlace>
    }
}
