//! How the forms that post the server fns are read in the browser: one field
//! each, by name, as the store's own forms name them.

use super::account::{SignIn, SignUp};
use super::cart::{AddToCart, RemoveCartLine, UpdateCartLine};
use super::checkout::CreateStripeCheckoutSession;
use crate::components::FormArgs;

impl FormArgs for AddToCart {
    fn from_fields(field: &dyn Fn(&str) -> Option<String>) -> Option<Self> {
        Some(Self {
            slug: field("slug")?,
            quantity: field("quantity")?,
        })
    }
}

impl FormArgs for UpdateCartLine {
    fn from_fields(field: &dyn Fn(&str) -> Option<String>) -> Option<Self> {
        Some(Self {
            line_id: field("line_id")?,
            quantity: field("quantity")?,
            step: field("step"),
        })
    }
}

impl FormArgs for RemoveCartLine {
    fn from_fields(field: &dyn Fn(&str) -> Option<String>) -> Option<Self> {
        Some(Self {
            line_id: field("line_id")?,
        })
    }
}

impl FormArgs for CreateStripeCheckoutSession {
    fn from_fields(field: &dyn Fn(&str) -> Option<String>) -> Option<Self> {
        Some(Self {
            cart_id: field("cart_id")?,
        })
    }
}

impl FormArgs for SignIn {
    fn from_fields(field: &dyn Fn(&str) -> Option<String>) -> Option<Self> {
        Some(Self {
            email: field("email")?,
            password: field("password")?,
            next: field("next"),
        })
    }
}

impl FormArgs for SignUp {
    fn from_fields(field: &dyn Fn(&str) -> Option<String>) -> Option<Self> {
        Some(Self {
            email: field("email")?,
            password: field("password")?,
            next: field("next"),
        })
    }
}
