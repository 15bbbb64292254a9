//! Server-only code: state, database access and the services the server fns call.

pub mod client;
pub mod clock;
pub mod context;
pub mod db;
pub mod domain;
pub mod entities;
pub mod form_outcome;
pub mod mail;
pub mod payments;
pub mod services;
pub mod sessions;
pub mod shopper;
pub mod state;

pub use context::RequestContext;
pub use state::{app_state, AppState, AppStateInner};
