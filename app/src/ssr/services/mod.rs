//! The store's rules, as plain functions over a database connection.
//!
//! They depend on each other in one direction only: `cart` asks `checkout` and
//! `orders`; `fulfilment` asks `checkout`, `orders` and `confirmation`, which
//! owes its email through `emails`; `email_sender` delivers what `emails` holds;
//! `checkout` asks `catalog`; the pages read it through `catalogue_cache`. Shared types (who owns what) live in `ssr::domain`.

pub mod accounts;
pub mod admin;
pub mod cart;
pub mod catalog;
pub mod catalogue_cache;
pub mod checkout;
pub mod confirmation;
pub mod email_sender;
pub mod emails;
pub mod fulfilment;
pub mod order_links;
pub mod orders;
pub mod password_resets;
pub mod policies;
pub mod reconcile;
pub mod shipping_notice;
pub mod store_currency;
pub mod stripe_events;
pub mod throttle;
