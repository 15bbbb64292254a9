//! One route a file.

mod account;
mod cart;
mod error;
mod home;
mod not_found;
mod product;

pub use account::{SignInPage, SignUpPage};
pub use cart::CartPage;
pub use error::ErrorPanel;
pub use home::HomePage;
pub use not_found::NotFound;
pub use product::ProductPage;
