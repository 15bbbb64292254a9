//! One route a file.

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
