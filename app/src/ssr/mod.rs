//! Server-only code: state, database access and the services the server fns call.

pub mod db;
pub mod entities;
pub mod mail;
pub mod payments;
pub mod services;
pub mod sessions;
pub mod shopper;
pub mod state;

pub use state::{app_state, AppState};
