//! The server actions shared across the page frame: created once inside the router
//! (so a form posted without JavaScript brings its error back to them), and
//! counted together so the header badge and the cart refetch after any of them.

use leptos::prelude::*;

use crate::server_fns::account::{SignIn, SignOut, SignUp};
use crate::server_fns::cart::{AddToCart, RemoveCartLine, UpdateCartLine};

#[derive(Clone, Copy)]
pub struct StoreActions {
    pub add: ServerAction<AddToCart>,
    pub update: ServerAction<UpdateCartLine>,
    pub remove: ServerAction<RemoveCartLine>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
}

impl StoreActions {
    fn new() -> Self {
        Self {
            add: ServerAction::new(),
            update: ServerAction::new(),
            remove: ServerAction::new(),
            sign_in: ServerAction::new(),
            sign_up: ServerAction::new(),
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

    /// Changes whenever any of the actions completes: the key for what the shopper
    /// sees of their cart and account.
    pub fn version(&self) -> usize {
        self.add.version().get()
            + self.update.version().get()
            + self.remove.version().get()
            + self.sign_in.version().get()
            + self.sign_up.version().get()
            + self.sign_out.version().get()
    }
}
