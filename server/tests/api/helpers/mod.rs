//! Starts the real application on a free port with a database of its own.
//!
//! Each test gets a fresh SQLite file, or, when `TEST_DATABASE_URL` points at a
//! PostgreSQL server, a fresh database created on it for that test alone.

mod records;
mod shopper;
mod smtp;
mod stripe;

pub use shopper::{session_id_of, SHIP_TO};
pub use smtp::fake_smtp_server;
pub use stripe::{event, now, sign};

use leptos::config::LeptosOptions;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};
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

    /// Submits a server fn's form the way a browser without JavaScript does, from
    /// the page at `referer` (a path of this store).
    pub async fn form_post(
        &self,
        name: &str,
        form: &[(&str, &str)],
        referer: &str,
    ) -> reqwest::Response {
        self.form_post_from(name, form, &self.url(referer)).await
    }

    /// [`TestApp::form_post`] from any page, this store's or another site's.
    pub async fn form_post_from(
        &self,
        name: &str,
        form: &[(&str, &str)],
        referer: &str,
    ) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{name}")))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", referer)
            .form(form)
            .send()
            .await
            .expect("request failed")
    }

    /// The HTML at an absolute address, as this shopper's browser gets it.
    pub async fn page(&self, address: &str) -> String {
        let response = self.client.get(address).send().await.unwrap();
        response.text().await.unwrap()
    }
}

/// A JSON body.
pub async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

/// The sentence of a refusal (the error's one field).
pub async fn message(response: reqwest::Response) -> String {
    let body = json(response).await;
    body.as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
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
            let path = run_dir().join(format!("{name}.db"));
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

/// A folder no other test uses, for the files the app keeps (the stand-in's data).
pub fn fresh_data_dir() -> std::path::PathBuf {
    run_dir().join(uuid::Uuid::new_v4().simple().to_string())
}

/// One folder for this run of the tests, holding every test's files. The
/// folders of earlier runs whose process has ended are removed the first time,
/// so runs do not pile up test databases on the disk.
fn run_dir() -> &'static std::path::Path {
    static RUN: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let temp = std::env::temp_dir();
        let proc = std::path::Path::new("/proc");
        if proc.join("self").exists() {
            for entry in std::fs::read_dir(&temp).into_iter().flatten().flatten() {
                let name = entry.file_name();
                let ended = name
                    .to_str()
                    .and_then(|name| name.strip_prefix("shopfront-tests-"))
                    .is_some_and(|pid| !proc.join(pid).exists());
                if ended {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let run = temp.join(format!("shopfront-tests-{}", std::process::id()));
        std::fs::create_dir_all(&run).expect("the tests' temporary folder");
        run
    })
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
