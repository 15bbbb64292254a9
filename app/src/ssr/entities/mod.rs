//! SeaORM entities: the database's rows, which never leave the server.

pub mod cart;
pub mod cart_line;
pub mod product;
pub mod session;
pub mod sign_in_failure;
pub mod user;
