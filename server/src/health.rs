//! `GET /healthz`: whether this instance can serve shoppers; `GET /metrics`: its
//! counters, for a scraper on the same machine.

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;

use app::ssr::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
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

/// The name of the statement counter in `/metrics`.
const QUERIES_TOTAL: &str = "shopfront_database_queries_total";

/// The statement counter read back from a `/metrics` answer, for the tests and
/// the benchmark.
pub fn queries_total(metrics: &str) -> Option<u64> {
    metrics.lines().find_map(|line| {
        let (name, value) = line.split_once(' ')?;
        if name == QUERIES_TOTAL {
            value.trim().parse().ok()
        } else {
            None
        }
    })
}

/// The counters in Prometheus's text format, to a client on this machine that
/// came through no proxy; anyone else is told there is nothing here (404).
async fn metrics(State(state): State<AppState>, request: Request<Body>) -> Response {
    let local = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| peer.ip().is_loopback());
    let proxied = ["forwarded", "x-forwarded-for"]
        .iter()
        .any(|name| request.headers().contains_key(*name));
    if !local || proxied {
        return (StatusCode::NOT_FOUND, "Not found.\n").into_response();
    }
    let body = format!(
        "# HELP {QUERIES_TOTAL} Statements sent to the database since the server started (BEGIN and COMMIT not counted).\n\
         # TYPE {QUERIES_TOTAL} counter\n\
         {QUERIES_TOTAL} {}\n",
        state.queries.get()
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
