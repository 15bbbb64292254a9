//! The store's rules, as plain functions over a database connection.

pub mod accounts;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod orders;
