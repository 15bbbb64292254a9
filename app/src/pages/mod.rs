//! One route a file.

mod error;
mod home;
mod not_found;
mod product;

pub use error::ErrorPanel;
pub use home::HomePage;
pub use not_found::NotFound;
pub use product::ProductPage;
