//! One route a file.
//!
//! A page's `<Suspense>` holds a `Suspend` itself, never a closure that makes
//! one (`move || Suspend::new(..)`). Pages are drawn on the server only, where
//! nothing re-runs them, and Suspense walks its children three times (to find
//! their resources, to check again once they are loaded, and to draw them): a
//! closure would build the whole page three times to draw it once.

mod account;
mod admin;
mod cart;
mod checkout_success;
mod error;
mod home;
mod not_found;
mod order_status;
mod orders;
mod password;
mod policy;
mod product;

pub use account::{SignInPage, SignUpPage};
pub use admin::{
    AdminHomePage, AdminOrderPage, AdminOrdersPage, AdminProductPage, AdminProductsPage,
};
pub use cart::CartPage;
pub use checkout_success::CheckoutSuccessPage;
pub use error::ErrorPanel;
pub use home::HomePage;
pub use not_found::NotFound;
pub use order_status::{FindOrderPage, OrderStatusPage};
pub use orders::{OrderPage, OrdersPage};
pub use password::{ForgotPasswordPage, ResetPasswordPage};
pub use policy::PolicyPage;
pub use product::ProductPage;
