//! Stripe's error object and the statuses it travels with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// An error as Stripe's API answers it: `{"error": {type, code, param, message}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub code: Option<&'static str>,
    pub decline_code: Option<&'static str>,
    pub param: Option<String>,
    pub message: String,
}

impl ApiError {
    fn invalid(code: Option<&'static str>, param: Option<&str>, message: String) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid_request_error",
            code,
            decline_code: None,
            param: param.map(str::to_owned),
            message,
        }
    }

    /// A required parameter is absent.
    pub fn missing(param: &str) -> Self {
        Self::invalid(
            Some("parameter_missing"),
            Some(param),
            format!("Missing required param: {param}."),
        )
    }

    /// A parameter this API does not know.
    pub fn unknown(param: &str) -> Self {
        Self::invalid(
            Some("parameter_unknown"),
            Some(param),
            format!(
                "Received unknown parameter: {param}. The local Stripe implements the \
                 parameters Shopfront uses; see the README for the list."
            ),
        )
    }

    /// A parameter with a value that cannot be used.
    pub fn invalid_param(param: &str, message: impl Into<String>) -> Self {
        Self::invalid(
            Some("parameter_invalid_string"),
            Some(param),
            message.into(),
        )
    }

    /// A parameter that should be a whole number.
    pub fn invalid_integer(param: &str, message: impl Into<String>) -> Self {
        Self::invalid(
            Some("parameter_invalid_integer"),
            Some(param),
            message.into(),
        )
    }

    /// A request that is well formed but not allowed in the object's state.
    pub fn state(message: impl Into<String>) -> Self {
        Self::invalid(None, None, message.into())
    }

    /// An id that names nothing: 404 `resource_missing`.
    pub fn no_such(object: &str, id: &str, param: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            kind: "invalid_request_error",
            code: Some("resource_missing"),
            decline_code: None,
            param: Some(param.to_owned()),
            message: format!("No such {object}: '{id}'"),
        }
    }

    /// A path this API does not serve.
    pub fn unrecognized(method: &str, path: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            kind: "invalid_request_error",
            code: None,
            decline_code: None,
            param: None,
            message: format!(
                "Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."
            ),
        }
    }

    /// No usable API key.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            kind: "invalid_request_error",
            code: None,
            decline_code: None,
            param: None,
            message: message.into(),
        }
    }

    /// An idempotency key reused with different parameters.
    pub fn idempotency(key: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            kind: "idempotency_error",
            code: None,
            decline_code: None,
            param: None,
            message: format!(
                "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
            ),
        }
    }

    /// An idempotency key whose first request is still being answered: 409,
    /// as Stripe answers a second request sent before the first one's answer.
    pub fn key_in_use(key: &str) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            kind: "idempotency_error",
            code: Some("idempotency_key_in_use"),
            decline_code: None,
            param: None,
            message: format!(
                "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): {key}. Please try again later."
            ),
        }
    }

    /// Something broke inside the stand-in itself.
    pub fn internal() -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            kind: "api_error",
            code: None,
            decline_code: None,
            param: None,
            message: "The local Stripe could not complete the request; its log says why."
                .to_owned(),
        }
    }

    /// The `error` object's body.
    pub fn body(&self) -> Value {
        let mut error = Map::new();
        if let Some(code) = self.code {
            error.insert("code".into(), json!(code));
            error.insert(
                "doc_url".into(),
                json!(format!(
                    "https://stripe.com/docs/error-codes/{}",
                    code.replace('_', "-")
                )),
            );
        }
        if let Some(decline_code) = self.decline_code {
            error.insert("decline_code".into(), json!(decline_code));
        }
        error.insert("message".into(), json!(self.message));
        if let Some(param) = &self.param {
            error.insert("param".into(), json!(param));
        }
        error.insert("type".into(), json!(self.kind));
        json!({ "error": error })
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = %err, "local Stripe storage failed");
        Self::internal()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}
