//! `GET /healthz`: whether this instance can serve shoppers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use sea_orm::DatabaseConnection;

use app::ssr::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(db): State<DatabaseConnection>) -> (StatusCode, &'static str) {
    if app::ssr::db::ping(&db).await {
        (StatusCode::OK, "ok\n")
    } else {
        tracing::warn!("health check: the database did not answer");
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
    }
}
