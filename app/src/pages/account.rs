use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use lucide_leptos::LogIn;

use crate::components::{Alert, AlertKind, PendingIcon, PostForm};
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
                    <p class="caption">"Your cart comes with you when you sign in."</p>
                </div>
                <AccountFields sign_up=mode == Mode::SignUp next />
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

/// The email and password form. An island: hydrated, a refusal answers in place
/// (the typed email stays) with a pending state; success goes on to `next`.
#[island]
fn AccountFields(sign_up: bool, next: String) -> impl IntoView {
    crate::live::provide_posted_form_error();
    let sign_in_action = ServerAction::<SignIn>::new();
    let sign_up_action = ServerAction::<SignUp>::new();
    let pending = move || {
        if sign_up {
            sign_up_action.pending().get()
        } else {
            sign_in_action.pending().get()
        }
    };
    let outcome = move || {
        if sign_up {
            sign_up_action.value().get()
        } else {
            sign_in_action.value().get()
        }
    };
    // Signed in: on to where the shopper was going, as a fresh page.
    let destination = next.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = outcome() {
            let _ = window().location().set_href(&destination);
        }
    });
    let error = move || {
        outcome()
            .and_then(Result::err)
            .map(|err| view! { <Alert kind=AlertKind::Danger message=err.to_string() /> })
    };
    let button = if sign_up { "Create account" } else { "Sign in" };
    let fields = move || {
        view! {
            <input type="hidden" name="next" value=next.clone() />
            <div class="flex flex-col gap-1">
                <label for="email" class="text-sm font-medium">
                    "Email"
                </label>
                <input
                    id="email"
                    name="email"
                    type="text"
                    inputmode="email"
                    autocomplete="email"
                    autocapitalize="none"
                    spellcheck="false"
                    class="h-11 rounded-xl border border-line bg-surface px-3 text-ink"
                />
            </div>
            <div class="flex flex-col gap-1">
                <label for="password" class="text-sm font-medium">
                    "Password"
                </label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete=if sign_up { "new-password" } else { "current-password" }
                    class="h-11 rounded-xl border border-line bg-surface px-3 text-ink"
                />
                {sign_up.then(|| view! { <p class="caption">"8 to 128 characters."</p> })}
            </div>
            <button type="submit" class="btn-primary w-full" disabled=pending>
                <PendingIcon pending=Signal::derive(pending)>
                    <LogIn size=20 />
                </PendingIcon>
                {button}
            </button>
            <div aria-live="polite" data-testid="account-error">{error}</div>
        }
    };
    if sign_up {
        Either::Left(
            view! { <PostForm action=sign_up_action><div class="flex flex-col gap-4">{fields}</div></PostForm> },
        )
    } else {
        Either::Right(
            view! { <PostForm action=sign_in_action><div class="flex flex-col gap-4">{fields}</div></PostForm> },
        )
    }
}
