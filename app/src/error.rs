//! The one error type of the app. What a shopper sees is a sentence; internals are
//! logged on the server where the error is made and never cross the wire.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Every failure a request can end in, each with the sentence the shopper reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("The store is briefly unavailable. Please try again in a moment.")]
    Unavailable,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
}

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::TooLarge(_) => 413,
            Self::TooManyRequests(_) => 429,
            Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    pub fn bad_request(why: impl Into<String>) -> Self {
        Self::BadRequest(why.into())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request's own fields could not be read: the shopper's input, not our fault.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => Self::BadRequest(
                "Some of the details sent were missing or not in the expected form.".to_owned(),
            ),
            // On the server this can only be the request's body: over the size limit,
            // or not text. (In the browser it is the server's answer, which is ours.)
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(detail) => {
                if detail.contains("length limit exceeded") {
                    Self::TooLarge("The request is too large for the store to read.".to_owned())
                } else {
                    Self::BadRequest(
                        "The request could not be read: it is not valid UTF-8 text.".to_owned(),
                    )
                }
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Unavailable,
            _ => Self::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    /// Database failures are logged here, with their cause, and reach the shopper
    /// only as a sentence.
    fn from(err: sea_orm::DbErr) -> Self {
        use sea_orm::{DbErr, SqlErr};
        if let Some(SqlErr::UniqueConstraintViolation(detail)) = err.sql_err() {
            tracing::warn!(%detail, "unique constraint refused a change");
            return Self::Conflict(
                "That change clashed with another one made at the same moment. Please try again."
                    .to_owned(),
            );
        }
        if refused_text(&err) {
            tracing::warn!(error = %err, "the database refused a character in the input");
            return Self::BadRequest(
                "The text sent contains a character the store cannot accept (a NUL byte)."
                    .to_owned(),
            );
        }
        match &err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                tracing::error!(error = %err, "database unavailable");
                Self::Unavailable
            }
            _ => {
                tracing::error!(error = %err, "database error");
                Self::Internal
            }
        }
    }
}

/// Maps a database error to a 409 with `sentence` when a unique key refused the
/// change (the thing already exists), and to the usual answer otherwise:
/// `insert(db).await.map_err(on_unique("An account with this email already exists."))`.
#[cfg(feature = "ssr")]
pub fn on_unique(sentence: &'static str) -> impl FnOnce(sea_orm::DbErr) -> AppError {
    move |err| match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            AppError::Conflict(sentence.to_owned())
        }
        _ => err.into(),
    }
}

/// PostgreSQL refuses some text SQLite stores: a NUL byte (SQLSTATE 22021) or a
/// character its encoding cannot hold (22P05). That is the input's fault.
#[cfg(feature = "ssr")]
fn refused_text(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    let (DbErr::Query(RuntimeErr::SqlxError(cause)) | DbErr::Exec(RuntimeErr::SqlxError(cause))) =
        err
    else {
        return false;
    };
    cause
        .as_database_error()
        .and_then(|db| db.code())
        .is_some_and(|code| code == "22021" || code == "22P05")
}
