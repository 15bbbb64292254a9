//! Small leaf components that take plain data.

mod add_to_cart;
mod alert;
mod header;
mod price;
pub mod product_tile;
mod quantity_stepper;

pub use add_to_cart::AddToCartForm;
pub use alert::{Alert, AlertKind};
pub use header::Header;
pub use price::Price;
pub use product_tile::ProductTile;
pub use quantity_stepper::QuantityStepper;
