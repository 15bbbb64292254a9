//! The store's one clock. Every service takes `now` as an argument, so tests can
//! set the time; this is where a request reads it.

/// The current time in Unix seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The current time in Unix milliseconds, for schedules finer than a second.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
