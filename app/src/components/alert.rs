use leptos::prelude::*;
use lucide_leptos::{CircleAlert, CircleCheck};

use crate::icon;

/// Whether an [`Alert`] reports a problem or a success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    Danger,
    Success,
}

/// An icon and one sentence, placed where the problem is.
#[component]
pub fn Alert(kind: AlertKind, #[prop(into)] message: String) -> impl IntoView {
    let (tone, role) = match kind {
        AlertKind::Danger => ("text-danger", "alert"),
        AlertKind::Success => ("text-success", "status"),
    };
    view! {
        <p role=role class=format!("flex items-start gap-2 text-sm {tone}")>
            <span aria-hidden="true" class="mt-0.5 shrink-0">
                {match kind {
                    AlertKind::Danger => icon!(CircleAlert, 16),
                    AlertKind::Success => icon!(CircleCheck, 16),
                }}
            </span>
            <span>{message}</span>
        </p>
    }
}
