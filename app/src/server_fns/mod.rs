//! `#[server]` functions, grouped by subject. Each has a fixed endpoint under `/api`.
//!
//! They return [`AppError`](crate::error::AppError); the server turns its variant
//! into the HTTP status, so a server fn only says what went wrong.

pub mod account;
pub mod admin;
pub mod admin_catalogue;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod order_status;
pub mod orders;
pub mod password;
pub mod policies;
