//! What every server fn starts from: the app's state, the shopper behind the
//! request and the time, read once (as realworld's `AuthUser` extractor does).

use sea_orm::DatabaseConnection;

use crate::error::AppError;
use crate::ssr::domain::Owner;
use crate::ssr::shopper::{self, Shopper};
use crate::ssr::{app_state, clock, AppState};

/// One request, as a server fn sees it.
pub struct RequestContext {
    pub state: AppState,
    pub shopper: Shopper,
    /// When the request is handled, in Unix seconds.
    pub now: i64,
}

impl RequestContext {
    /// Reads the state and the shopper's live session (never creating one).
    pub async fn read() -> Result<Self, AppError> {
        let state = app_state()?;
        let shopper = shopper::current(&state).await?;
        Ok(Self {
            state,
            shopper,
            now: clock::now(),
        })
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// Whose cart and orders this shopper sees, if they have a session.
    pub fn owner(&self) -> Option<Owner> {
        self.shopper.owner()
    }

    /// The owner, or `refusal` for a shopper with no session: there is nothing of
    /// theirs to act on.
    pub fn require_owner(&self, refusal: impl FnOnce() -> AppError) -> Result<Owner, AppError> {
        self.owner().ok_or_else(refusal)
    }

    /// The signed-in account, if any.
    pub fn user_id(&self) -> Option<i32> {
        self.shopper.user_id()
    }
}
