//! SeaORM entities: the database's rows, which never leave the server.

pub mod attempt;
pub mod audit_entry;
pub mod cart;
pub mod cart_line;
pub mod checkout;
pub mod checkout_line;
pub mod checkout_shipping_option;
pub mod dispute;
pub mod email;
pub mod order;
pub mod order_item;
pub mod order_link;
pub mod order_status_change;
pub mod password_reset;
pub mod product;
pub mod refund;
pub mod shipping_rate;
pub mod shopper_session;
pub mod stock_movement;
pub mod stripe_event;
pub mod user;
