//! The store's integration tests, in one binary (one link, one place to look).
//!
//! HTTP tests start the real application on a free port with a fresh database
//! (see [`helpers`]); service tests open a fresh database themselves. Every test
//! runs on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.

// A panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// Leptos' statically typed views nest deeply when the router renders them.
#![recursion_limit = "512"]

mod helpers;

mod admin;
mod admin_catalogue;
mod bad_input;
mod carts_http;
mod catalog_api;
mod catalog_service;
mod catalogue_cache;
mod checkout;
mod currencies;
mod database;
mod emails;
mod faults;
mod local_stripe;
mod merge;
mod order_status;
mod policies;
mod prices;
mod queries;
mod refunds;
mod security;
mod sessions;
mod shipping;
mod storefront;
mod stripe_schema;
