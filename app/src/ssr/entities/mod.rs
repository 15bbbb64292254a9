//! SeaORM entities: the database's rows, which never leave the server.

pub mod product;
