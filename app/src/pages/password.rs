use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use lucide_leptos::{LogIn, Mail};

use crate::components::{EmailField, InPlace, LiveForm, PasswordField, PendingIcon};
use crate::icon;
use crate::server_fns::password::{RequestPasswordReset, ResetPassword};

/// `/account/forgot-password`: asks for the email to send a link to.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    view! {
        <Title text="Forgot your password?" />
        <section class="page max-w-md">
            <div class="card flex flex-col gap-6">
                <div class="flex flex-col gap-1">
                    <h1 class="page-title">"Forgot your password?"</h1>
                    <p class="caption">"We will email you a link to choose a new one."</p>
                </div>
                <InPlace>
                    <LiveForm
                        action=RequestPasswordReset::url()
                        success=crate::types::RESET_LINK_SENT
                        testid="reset-request-result"
                    >
                        <div class="flex flex-col gap-4">
                            <EmailField />
                            <button type="submit" class="btn-primary w-full">
                                <PendingIcon>{icon!(Mail, 20)}</PendingIcon>
                                "Email me a link"
                            </button>
                        </div>
                    </LiveForm>
                </InPlace>
                <p class="caption">
                    <a href="/account/sign-in" class="font-medium text-brand hover:underline">
                        "Back to sign in"
                    </a>
                </p>
            </div>
        </section>
    }
}

/// `/account/reset-password?token=...`: the emailed link's page.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    view! {
        <Title text="Choose a new password" />
        <section class="page max-w-md">
            <div class="card flex flex-col gap-6">
                <div class="flex flex-col gap-1">
                    <h1 class="page-title">"Choose a new password"</h1>
                    <p class="caption">
                        "Every device signed in to your account will be signed out."
                    </p>
                </div>
                <InPlace>
                    <LiveForm action=ResetPassword::url() testid="reset-result">
                        <div class="flex flex-col gap-4">
                            <input type="hidden" name="token" value=token />
                            <PasswordField label="New password" autocomplete="new-password" />
                            <button type="submit" class="btn-primary w-full">
                                <PendingIcon>{icon!(LogIn, 20)}</PendingIcon>
                                "Save and sign in"
                            </button>
                        </div>
                    </LiveForm>
                </InPlace>
            </div>
        </section>
    }
}
