use leptos::prelude::*;
use lucide_leptos::{CircleAlert, CircleCheck};

use crate::icon;

/// Whether an [`Alert`] reports a problem or a success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    Danger,
    Success,
    /// Something to know that is not an error: a test order, a payment being
    /// checked. The icon carries the warning colour; the sentence stays ink, so
    /// it keeps full contrast.
    Notice,
}

/// An icon and one sentence, placed where the problem is.
#[component]
pub fn Alert(kind: AlertKind, #[prop(into)] message: String) -> impl IntoView {
    let (tone, icon_tone, role) = match kind {
        AlertKind::Danger => ("text-danger", "", "alert"),
        AlertKind::Success => ("text-success", "", "status"),
        AlertKind::Notice => ("text-ink", "text-warning", "status"),
    };
    view! {
        <p role=role class=format!("flex items-start gap-2 text-sm {tone}")>
            <span aria-hidden="true" class=format!("mt-0.5 shrink-0 {icon_tone}")>
                {match kind {
                    AlertKind::Danger | AlertKind::Notice => icon!(CircleAlert, 16),
                    AlertKind::Success => icon!(CircleCheck, 16),
                }}
            </span>
            <span>{message}</span>
        </p>
    }
}
