//! What the services share: who owns a cart, a checkout or an order.

use crate::ssr::entities::shopper_session;

/// Who a cart, checkout or order belongs to: an account, or a guest by their
/// shopper session's id (the hash of their cookie's token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    User(i32),
    Guest(String),
}

impl Owner {
    /// The owner of a shopper session's cart: the account when signed in, else the
    /// guest session itself.
    pub fn of(session: &shopper_session::Model) -> Self {
        match session.user_id {
            Some(user_id) => Self::User(user_id),
            None => Self::Guest(session.id.clone()),
        }
    }

    /// The value of `carts.open_key` for this owner's open cart.
    pub fn open_key(&self) -> String {
        match self {
            Self::User(id) => format!("user:{id}"),
            Self::Guest(session) => format!("session:{session}"),
        }
    }

    /// The two columns a row records its owner in: the account's id, or the guest
    /// session's id. The one place an owner is split into them.
    pub fn columns(&self) -> (Option<i32>, Option<String>) {
        match self {
            Self::User(id) => (Some(*id), None),
            Self::Guest(session) => (None, Some(session.clone())),
        }
    }

    /// Whether this owner is the account `user_id` or, for a row no account has
    /// adopted, the guest session `guest_session_id` that made it.
    pub fn owns(&self, user_id: Option<i32>, guest_session_id: Option<&str>) -> bool {
        match self {
            Self::User(id) => user_id == Some(*id),
            Self::Guest(session) => user_id.is_none() && guest_session_id == Some(session.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_have_distinct_open_keys() {
        assert_eq!(Owner::User(7).open_key(), "user:7");
        assert_eq!(Owner::Guest("ab".into()).open_key(), "session:ab");
    }

    #[test]
    fn a_guest_owns_only_what_no_account_has_adopted() {
        let guest = Owner::Guest("g".into());
        assert!(guest.owns(None, Some("g")));
        assert!(!guest.owns(Some(3), Some("g")));
        assert!(!guest.owns(None, Some("h")));
        assert!(Owner::User(3).owns(Some(3), Some("g")));
        assert!(!Owner::User(3).owns(Some(4), None));
    }
}
