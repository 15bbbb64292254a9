//! Structured logs, one line per event, each request tagged with its id.

use tracing_subscriber::{fmt, EnvFilter};

/// Starts the global subscriber; a second call (as in tests) leaves the first in place.
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}
