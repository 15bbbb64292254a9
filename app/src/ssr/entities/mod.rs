//! SeaORM entities: the database's rows, which never leave the server.

pub mod cart;
pub mod cart_line;
pub mod checkout;
pub mod checkout_line;
pub mod order;
pub mod order_item;
pub mod product;
pub mod shopper_session;
pub mod sign_in_failure;
pub mod stripe_event;
pub mod user;
