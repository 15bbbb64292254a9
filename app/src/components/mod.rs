//! Small leaf components that take plain data.

mod add_to_cart;
mod alert;
mod await_order;
mod cart_drawer;
mod cart_line;
mod cart_lines;
mod cart_summary;
#[cfg(feature = "hydrate")]
pub mod drawn_in_browser;
mod field;
mod footer;
mod header;
pub mod icon;
mod icon_link;
mod in_place;
pub mod live_form;
#[cfg(feature = "hydrate")]
mod live_parts;
mod order_detail;
mod order_items;
mod order_success;
mod pending_icon;
mod price;
pub mod product_tile;
mod quantity_stepper;

pub use add_to_cart::AddToCartForm;
pub use alert::{Alert, AlertKind};
pub use await_order::{next_pause_ms, AwaitOrder, Confirming, TakingLong};
pub use cart_drawer::{CartDrawer, DrawerPanel};
pub use cart_line::CartLineRow;
pub use cart_lines::CartLines;
pub use cart_summary::CartSummary;
pub use field::{EmailField, PasswordField, INPUT};
pub use footer::Footer;
pub use header::Header;
pub use icon_link::IconLink;
pub use in_place::InPlace;
pub use live_form::{FormResult, LiveForm, PageOutcome};
pub use order_detail::OrderDetail;
pub use order_items::{OrderItems, OrderShipTo, OrderShipment};
pub use order_success::{OrderNotices, OrderSuccess};
pub use pending_icon::PendingIcon;
pub use price::Price;
pub use product_tile::ProductTile;
pub use quantity_stepper::QuantityStepper;
