//! The back office's parts outside the app's pages: the gate every back-office
//! server fn passes, the CSV export, and `server owner add|remove`.

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use app::error::AppError;
use app::ssr::entities::user::Role;
use app::ssr::services::admin::{self, order_list, RoleChange, StoreOwner};
use app::ssr::{clock, AppState};
use app::types::admin::OrderFilter;

/// Orders read per step of the export: it is written as it is read, never
/// held whole in memory.
const EXPORT_BATCH: u64 = 500;

/// The back office's routes that are not pages.
pub fn router() -> Router<AppState> {
    Router::new().route("/admin/orders.csv", get(export))
}

fn cookies(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect()
}

pub(crate) async fn owner(state: &AppState, headers: &HeaderMap) -> Result<StoreOwner, AppError> {
    let secure = state.public_base_url.starts_with("https://");
    admin::owner_from_cookies(&state.db, &cookies(headers), secure, clock::now()).await
}

pub(crate) fn refusal(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::NOT_FOUND);
    let body = serde_json::to_string(error).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Every back-office server fn (`/api/admin_…`) answers anyone but a signed-in
/// owner with a 404 before it runs, whatever the request asks for, so the
/// back office is not advertised and a form post cannot be turned into a
/// redirect that says it exists.
pub async fn owners_only(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/admin_") {
        return next.run(request).await;
    }
    match owner(&state, request.headers()).await {
        Ok(_) => next.run(request).await,
        Err(error) => refusal(&error),
    }
}

/// `GET /admin/orders.csv?…`: the filtered list as CSV, newest first, streamed
/// in batches.
async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(filter): Query<OrderFilter>,
) -> Response {
    if let Err(error) = owner(&state, &headers).await {
        return refusal(&error);
    }
    let checked = match order_list::check(&filter) {
        Ok(checked) => checked,
        Err(error) => return refusal(&error),
    };
    let db = state.db.clone();
    // (the next keyset, whether this is the first batch); `None` once done.
    let stream = futures_util::stream::unfold(Some((None::<i32>, true)), move |step| {
        let (db, checked) = (db.clone(), checked.clone());
        async move {
            let (before, first) = step?;
            let rows = match order_list::rows(&db, &checked, before, EXPORT_BATCH).await {
                Ok(rows) => rows,
                Err(error) => {
                    tracing::error!(error = %error, "the order export stopped part way");
                    return Some((Err(std::io::Error::other("export failed")), None));
                }
            };
            let next = (rows.len() as u64 == EXPORT_BATCH)
                .then(|| rows.last().map(|row| (Some(row.id), false)))
                .flatten();
            match order_list::csv_lines(&rows, first) {
                Ok(bytes) => Some((Ok(Bytes::from(bytes)), next)),
                Err(_) => Some((Err(std::io::Error::other("export failed")), None)),
            }
        }
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"orders.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// `server owner add EMAIL` and `server owner remove EMAIL`: what to print,
/// or why it failed.
pub async fn owner_command(
    db: &sea_orm::DatabaseConnection,
    args: &[String],
) -> Result<String, String> {
    let usage = "usage: server owner add EMAIL | server owner remove EMAIL";
    let (role, email) = match args {
        [verb, email] if verb == "add" => (Role::Owner, email),
        [verb, email] if verb == "remove" => (Role::Shopper, email),
        _ => return Err(usage.to_owned()),
    };
    match admin::set_role(db, email, role, clock::now()).await {
        Ok(RoleChange::Changed) if role == Role::Owner => Ok(format!(
            "{email} is now an owner: the back office is at /admin."
        )),
        Ok(RoleChange::Changed) => Ok(format!("{email} is no longer an owner.")),
        Ok(RoleChange::Unchanged) if role == Role::Owner => {
            Ok(format!("{email} was already an owner."))
        }
        Ok(RoleChange::Unchanged) => Ok(format!("{email} was not an owner.")),
        Err(error) => Err(error.to_string()),
    }
}
