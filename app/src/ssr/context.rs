//! What every server fn starts from: the app's state, the shopper behind the
//! request and the time, read once (as realworld's `AuthUser` extractor does).

use leptos::prelude::use_context;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::OnceCell;

use crate::error::AppError;
use crate::ssr::domain::Owner;
use crate::ssr::services::cart;
use crate::ssr::shopper::{self, Shopper};
use crate::ssr::{app_state, clock, AppState};
use crate::types::CartView;

/// What a page asks more than once while it renders: the header and the page
/// both ask who the shopper is, and the header's badge and the cart page both
/// read the cart. The server provides one for each GET request, which changes
/// neither, so each is read from the database once a page.
#[derive(Clone, Default)]
pub struct ReadOnce {
    shopper: Arc<OnceCell<Shopper>>,
    cart: Arc<OnceCell<CartView>>,
}

/// One request, as a server fn sees it.
pub struct RequestContext {
    pub state: AppState,
    pub shopper: Shopper,
    /// When the request is handled, in Unix seconds.
    pub now: i64,
    once: Option<ReadOnce>,
}

impl RequestContext {
    /// Reads the state and the shopper's live session (never creating one).
    pub async fn read() -> Result<Self, AppError> {
        let state = app_state()?;
        let once = use_context::<ReadOnce>();
        let shopper = match &once {
            Some(once) => {
                let read = || shopper::current(&state);
                once.shopper.get_or_try_init(read).await?.clone()
            }
            None => shopper::current(&state).await?,
        };
        Ok(Self {
            state,
            shopper,
            now: clock::now(),
            once,
        })
    }

    /// The shopper's cart, priced from the catalog now.
    pub async fn cart(&self) -> Result<CartView, AppError> {
        let owner = self.owner();
        let read = || cart::view(self.db(), owner.as_ref());
        match &self.once {
            Some(once) => once.cart.get_or_try_init(read).await.cloned(),
            None => read().await,
        }
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
