//! Shopfront's server: settings, the router and its start-up.

// Leptos' statically typed views nest deeply when the router renders them.
#![recursion_limit = "512"]

pub mod admin;
pub mod after_payment;
pub mod config;
pub mod cross_site;
pub mod headers;
pub mod health;
pub mod serve;
pub mod server_fn_status;
pub mod startup;
pub mod telemetry;
pub mod uploads;
pub mod verify;
pub mod webhook;

/// The local Stripe, a crate of its own; the store mounts it when it runs without keys.
pub use local_stripe;
