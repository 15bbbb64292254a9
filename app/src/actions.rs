//! The server actions behind what the page frame reports (Sign out, the home
//! page's report of an Add to cart refusal that names no product). Created
//! once inside the router, so that a form posted without JavaScript brings its
//! error back to them in the page's address.

use leptos::prelude::*;

use crate::server_fns::account::SignOut;
use crate::server_fns::cart::AddToCart;

#[derive(Clone, Copy)]
pub struct StoreActions {
    pub add: ServerAction<AddToCart>,
    pub sign_out: ServerAction<SignOut>,
}

impl StoreActions {
    fn new() -> Self {
        Self {
            add: ServerAction::new(),
            sign_out: ServerAction::new(),
        }
    }

    /// Creates the actions and puts them in context for the pages below.
    pub fn provide() -> Self {
        let actions = Self::new();
        provide_context(actions);
        actions
    }

    /// The actions in context; a fresh set if none was provided, so a page
    /// rendered on its own still works.
    pub fn from_context() -> Self {
        use_context::<Self>().unwrap_or_else(Self::new)
    }
}
