use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use lucide_leptos::LogIn;

use crate::actions::StoreActions;
use crate::components::{Alert, AlertKind, PendingIcon};

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
    let actions = StoreActions::from_context();
    let query = use_query_map();
    let next = move || {
        query
            .read()
            .get("next")
            .unwrap_or_else(|| "/cart".to_owned())
    };
    let (title, button, other_text, other_label, other_path) = match mode {
        Mode::SignIn => (
            "Sign in",
            "Sign in",
            "New here?",
            "Create an account",
            "/account/sign-up",
        ),
        Mode::SignUp => (
            "Create an account",
            "Create account",
            "Have an account?",
            "Sign in",
            "/account/sign-in",
        ),
    };
    let other_href = move || format!("{other_path}?next={}", next());
    let pending = move || match mode {
        Mode::SignIn => actions.sign_in.pending().get(),
        Mode::SignUp => actions.sign_up.pending().get(),
    };
    let error = move || {
        let outcome = match mode {
            Mode::SignIn => actions.sign_in.value().get(),
            Mode::SignUp => actions.sign_up.value().get(),
        };
        outcome
            .and_then(Result::err)
            .map(|err| view! { <Alert kind=AlertKind::Danger message=err.to_string() /> })
    };
    let fields = move || {
        view! {
            <input type="hidden" name="next" value=next />
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
                    autocomplete=if mode == Mode::SignUp { "new-password" } else { "current-password" }
                    class="h-11 rounded-xl border border-line bg-surface px-3 text-ink"
                />
                {(mode == Mode::SignUp).then(|| view! { <p class="caption">"8 to 128 characters."</p> })}
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
    let form = match mode {
        Mode::SignIn => view! { <ActionForm action=actions.sign_in><div class="flex flex-col gap-4">{fields}</div></ActionForm> }.into_any(),
        Mode::SignUp => view! { <ActionForm action=actions.sign_up><div class="flex flex-col gap-4">{fields}</div></ActionForm> }.into_any(),
    };
    view! {
        <Title text=title />
        <section class="page max-w-md">
            <div class="card flex flex-col gap-6">
                <div class="flex flex-col gap-1">
                    <h1 class="page-title">{title}</h1>
                    <p class="caption">"Your cart comes with you when you sign in."</p>
                </div>
                {form}
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
