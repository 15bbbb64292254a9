use leptos::prelude::*;

use crate::error::AppError;
use crate::types::PolicyView;

/// One of the store's policies, by name (`shipping`, `returns`, `privacy`,
/// `terms`); any other name is a 404.
#[server(endpoint = "get_policy")]
pub async fn get_policy(name: String) -> Result<PolicyView, AppError> {
    use crate::ssr::services::policies;
    let state = crate::ssr::app_state()?;
    policies::read(&state.store.policies_dir, name.trim())
        .ok_or_else(|| AppError::not_found("There is no such policy."))
}
