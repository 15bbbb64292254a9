//! The back office: who may use it, what they did, and what they can do.
//!
//! Only accounts with the owner role get in; everyone else, signed in or not,
//! gets the same 404 as for a page that does not exist, so the back office is
//! not advertised. Every owner action is written to the audit log in the same
//! transaction as the change it makes.

pub mod audit;
pub mod catalogue;
pub mod dashboard;
pub mod images;
pub mod order_actions;
pub mod order_list;
pub mod order_record;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;

use crate::error::AppError;
use crate::ssr::db::begin_write;
use crate::ssr::entities::user::{self, Role};
use crate::ssr::services::accounts;
use crate::ssr::sessions;

/// What anyone but an owner reads at a back-office address.
pub const NOT_FOUND: &str = "We couldn't find that page.";

/// An owner, signed in, acting in the back office.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreOwner {
    pub user_id: i32,
    pub email: String,
}

/// Who an audit row names: an owner, or the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i32>,
    pub name: String,
}

impl From<&StoreOwner> for Actor {
    fn from(owner: &StoreOwner) -> Self {
        Self {
            user_id: Some(owner.user_id),
            name: owner.email.clone(),
        }
    }
}

impl Actor {
    /// `server owner add|remove` at the machine's shell.
    pub fn command_line() -> Self {
        Self {
            user_id: None,
            name: "command line".to_owned(),
        }
    }
}

fn not_found() -> AppError {
    AppError::not_found(NOT_FOUND)
}

/// The owner behind the signed-in account `user_id`, or the 404 anyone else
/// gets.
pub async fn owner_of(
    db: &impl ConnectionTrait,
    user_id: Option<i32>,
) -> Result<StoreOwner, AppError> {
    let user_id = user_id.ok_or_else(not_found)?;
    user::Entity::find_by_id(user_id)
        .filter(user::Column::Role.eq(Role::Owner))
        .one(db)
        .await?
        .map(|user| StoreOwner {
            user_id: user.id,
            email: user.email,
        })
        .ok_or_else(not_found)
}

/// The owner signed in with the session cookie in `cookie_header`, for the
/// back office's routes outside the app's pages (the CSV export).
pub async fn owner_from_cookies(
    db: &impl ConnectionTrait,
    cookie_headers: &[&str],
    secure: bool,
    now: i64,
) -> Result<StoreOwner, AppError> {
    let token = cookie_headers
        .iter()
        .find_map(|header| sessions::token_from_cookie_header(header, secure))
        .ok_or_else(not_found)?;
    let session = sessions::find(db, token, now).await?;
    owner_of(db, session.and_then(|session| session.user_id)).await
}

/// What `server owner add|remove` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleChange {
    Changed,
    Unchanged,
}

/// Gives the account with `email` the `role` (from the command line), and
/// audits the change. The account must exist: owners sign up as shoppers do.
pub async fn set_role(
    db: &DatabaseConnection,
    email: &str,
    role: Role,
    now: i64,
) -> Result<RoleChange, AppError> {
    let email = accounts::normalize_email(email)?;
    let (_turn, txn) = begin_write(db).await?;
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!(
                "No account has the email {email}. Sign up with it in the store first."
            ))
        })?;
    if account.role == role {
        return Ok(RoleChange::Unchanged);
    }
    user::Entity::update_many()
        .col_expr(user::Column::Role, Expr::value(role))
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &audit::Entry {
            actor: &Actor::command_line(),
            action: "user.role",
            subject: &format!("user:{email}"),
            before: Some(json!({ "role": role_name(account.role) })),
            after: Some(json!({ "role": role_name(role) })),
            request_key: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(RoleChange::Changed)
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Shopper => "shopper",
    }
}
