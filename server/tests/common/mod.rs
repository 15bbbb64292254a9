//! Starts the real application on a free port with a database of its own.
//!
//! Each test gets a fresh SQLite file, or, when `TEST_DATABASE_URL` points at a
//! PostgreSQL server, a fresh database created on it for that test alone.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use leptos::config::LeptosOptions;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use server::config::Settings;
use server::startup::Application;

pub struct TestApp {
    pub address: String,
    /// The Stripe stand-in the app pays through (tests run without keys).
    pub stripe: Option<server::local_stripe::LocalStripe>,
    /// Follows no redirects and keeps cookies, like a careful browser.
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub database_url: String,
    /// The app's data folder (the stand-in's database, the email outbox).
    pub data_dir: std::path::PathBuf,
}

/// A browser of its own: a fresh cookie jar, no redirects followed, and a time
/// limit, so a request that never gets an answer fails its test instead of
/// hanging the run.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

impl TestApp {
    /// The same app seen from another shopper's browser.
    pub fn other_shopper(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            stripe: self.stripe.clone(),
            client: browser(),
            db: self.db.clone(),
            database_url: self.database_url.clone(),
            data_dir: self.data_dir.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// Calls a server fn the way hydrated code does (a form body, JSON back).
    pub async fn server_fn(&self, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{name}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request failed")
    }

    /// Submits a server fn's form the way a browser without JavaScript does.
    pub async fn form_post(
        &self,
        name: &str,
        form: &[(&str, &str)],
        referer: &str,
    ) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{name}")))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", self.url(referer))
            .form(form)
            .send()
            .await
            .expect("request failed")
    }
}

/// Which database the tests run on, for messages.
pub fn backend() -> &'static str {
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// A database URL no other test uses.
pub async fn fresh_database_url() -> String {
    let name = format!("shopfront_test_{}", uuid::Uuid::new_v4().simple());
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) => {
            let admin = Database::connect(&admin_url)
                .await
                .expect("TEST_DATABASE_URL does not connect");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("could not create a test database");
            admin.close().await.ok();
            with_database_name(&admin_url, &name)
        }
        Err(_) => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            format!("sqlite://{}?mode=rwc", path.display())
        }
    }
}

/// `postgres://u:p@h:5432/postgres?x=y` with its database name replaced.
fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let prefix = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{prefix}/{name}?{query}"),
        None => format!("{prefix}/{name}"),
    }
}

/// A folder no other test uses, for the files the app keeps (the stand-in's data).
/// The first column of the first row of `sql`, as a whole number.
pub async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

pub fn fresh_data_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("shopfront_data_{}", uuid::Uuid::new_v4().simple()))
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the app with extra settings (`NAME`, value) on top of the test defaults.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn_app_on(fresh_database_url().await, extra).await
}

/// Starts the app on an existing database (another instance may share it).
pub async fn spawn_app_on(database_url: String, extra: &[(&str, &str)]) -> TestApp {
    // The store's warnings and errors, shown with the output of a test that fails.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
        .with_test_writer()
        .try_init();
    let data_dir = fresh_data_dir();
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let settings = Settings::from_lookup(|name| {
        if let Some((_, value)) = extra.iter().find(|(k, _)| k == name) {
            return Some(value.clone());
        }
        match name {
            "DATABASE_URL" => Some(database_url.clone()),
            "SHOPFRONT_DATA_DIR" => Some(data_dir.display().to_string()),
            "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".to_owned()),
            "LOCAL_STRIPE_RETRY_FIRST_MS" => Some("100".to_owned()),
            "RUST_LOG" => Some("warn".to_owned()),
            _ => None,
        }
    })
    .expect("test settings are valid");
    let options = LeptosOptions::builder()
        .output_name("shopfront")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(settings.site_addr)
        .build();
    let application = Application::build(&settings, options)
        .await
        .expect("the app starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let db = application.db().clone();
    let stripe = application.local_stripe().cloned();
    tokio::spawn(application.run_until_stopped());

    let client = browser();
    TestApp {
        address,
        stripe,
        client,
        db,
        database_url,
        data_dir,
    }
}

#[test]
fn replaces_only_the_database_name() {
    assert_eq!(
        with_database_name("postgres://u:p@localhost:5432/postgres", "t1"),
        "postgres://u:p@localhost:5432/t1"
    );
    assert_eq!(
        with_database_name("postgres://u:p@localhost/postgres?sslmode=disable", "t1"),
        "postgres://u:p@localhost/t1?sslmode=disable"
    );
    assert_eq!(
        with_database_name("postgres://localhost", "t1"),
        "postgres://localhost/t1"
    );
}
