//! Starts the real application on a free port with a database of its own.
//!
//! Each test gets a fresh SQLite file, or, when `TEST_DATABASE_URL` points at a
//! PostgreSQL server, a fresh database created on it for that test alone.
use leptos::config::LeptosOptions;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{json, Value};
use server::config::Settings;
use server::startup::Application;
use std::time::Duration;

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
}

/// The shopper's flows, as the hydrated pages and the hosted payment page drive
/// them. Each asserts only what every caller relies on.
impl TestApp {
    /// Adds to the cart as the hydrated form does; the store's answer as it is.
    pub async fn try_add(&self, slug: &str, quantity: &str) -> reqwest::Response {
        self.server_fn("add_to_cart", &[("slug", slug), ("quantity", quantity)])
            .await
    }

    /// Adds to the cart, which must succeed.
    pub async fn add(&self, slug: &str, quantity: &str) {
        let response = self.try_add(slug, quantity).await;
        assert_eq!(response.status(), 200, "adding {slug}");
    }

    /// The cart as `get_cart` answers it.
    pub async fn cart(&self) -> Value {
        let response = self.server_fn("get_cart", &[]).await;
        assert_eq!(response.status(), 200);
        json(response).await
    }

    pub async fn cart_id(&self) -> String {
        self.cart().await["cart_id"].as_i64().unwrap().to_string()
    }

    /// Calls the checkout server fn as the hydrated button does.
    pub async fn checkout(&self) -> reqwest::Response {
        let id = self.cart_id().await;
        self.server_fn("create_stripe_checkout_session", &[("cart_id", &id)])
            .await
    }

    /// Checks out and returns the payment page's address.
    pub async fn checkout_url(&self) -> String {
        let response = self.checkout().await;
        assert_eq!(response.status(), 200);
        response.json::<String>().await.unwrap()
    }

    /// Pays on the hosted page as a browser without JavaScript does, shipping
    /// to Oregon (no sales tax in the stand-in's table) by the default method.
    pub async fn pay(&self, url: &str, card: &str) -> reqwest::Response {
        self.pay_with(url, card, &[]).await
    }

    /// [`TestApp::pay`], with `choices` added to or replacing the form's fields.
    pub async fn pay_with(
        &self,
        url: &str,
        card: &str,
        choices: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("email", "ada@example.com")];
        form.extend(SHIP_TO);
        form.extend([
            ("card_number", card),
            ("card_expiry", "12 / 34"),
            ("card_cvc", "123"),
        ]);
        for (key, value) in choices {
            form.retain(|(k, _)| k != key);
            form.push((key, value));
        }
        self.client.post(url).form(&form).send().await.unwrap()
    }

    /// The first column of the first row of `sql` in the store's database.
    pub async fn number(&self, sql: &str) -> i64 {
        number(&self.db, sql).await
    }

    pub async fn stock(&self, slug: &str) -> i64 {
        self.number(&format!(
            "SELECT CAST(stock AS BIGINT) FROM products WHERE slug = '{slug}'"
        ))
        .await
    }

    pub async fn orders(&self) -> i64 {
        self.number("SELECT COUNT(*) FROM orders").await
    }

    /// The emails written to the local outbox folder, once `sent` of the owed
    /// emails have been delivered (the sender works in the background).
    pub async fn outbox_after(&self, sent: i64) -> usize {
        self.eventually(
            "SELECT COUNT(*) FROM emails WHERE sent_at IS NOT NULL",
            sent,
        )
        .await;
        std::fs::read_dir(self.data_dir.join("outbox"))
            .map(|dir| dir.count())
            .unwrap_or(0)
    }

    /// Waits for a condition the webhook brings about.
    pub async fn eventually(&self, sql: &str, expected: i64) {
        for _ in 0..200 {
            if self.number(sql).await == expected {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "{sql} never became {expected} (it is {})",
            self.number(sql).await
        );
    }

    /// The secret the stand-in signs its events with.
    pub fn secret(&self) -> String {
        self.stripe
            .as_ref()
            .unwrap()
            .webhook_secret()
            .expose()
            .to_owned()
    }

    /// Posts an event to the webhook, signed with `signature` if given.
    /// Posts `body` to the webhook signed now with the app's secret, as Stripe does.
    pub async fn post_signed(&self, body: &str) -> reqwest::Response {
        self.post_event(body, Some(sign(&self.secret(), now(), body)))
            .await
    }

    pub async fn post_event(&self, body: &str, signature: Option<String>) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url("/api/stripe"))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        request.send().await.unwrap()
    }

    /// The stand-in's stored event of a type, for a session (as Stripe would send it).
    pub async fn stored_event(&self, kind: &str, object_id: &str) -> String {
        let stripe = self.stripe.as_ref().unwrap();
        let row = stripe
            .db()
            .query_one_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                "SELECT body FROM ls_events WHERE type = $1 AND object_id = $2",
                vec![kind.into(), object_id.into()],
            ))
            .await
            .unwrap()
            .expect("the stand-in recorded the event");
        row.try_get("", "body").unwrap()
    }

    /// The first column of each row of `sql` over the stand-in's own database
    /// (what Stripe would have recorded), as text.
    pub async fn stand_in_texts(&self, sql: &str) -> Vec<String> {
        self.stripe
            .as_ref()
            .unwrap()
            .db()
            .query_all_raw(Statement::from_string(sea_orm::DbBackend::Sqlite, sql))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get_by_index(0).unwrap())
            .collect()
    }

    /// The session as Stripe's API shows it now.
    pub async fn stripe_session(&self, id: &str) -> Value {
        self.stripe_api(&format!("checkout/sessions/{id}")).await
    }

    /// An object from the mounted local Stripe's API, `GET /v1/{path}`.
    pub async fn stripe_api(&self, path: &str) -> Value {
        self.client
            .get(self.url(&format!("/local-stripe/v1/{path}")))
            .bearer_auth(server::local_stripe::DEFAULT_API_KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The HTML at an absolute address, as this shopper's browser gets it.
    pub async fn page(&self, address: &str) -> String {
        let response = self.client.get(address).send().await.unwrap();
        response.text().await.unwrap()
    }
}

/// The hosted page's address fields, for a shopper in Oregon (no sales tax in
/// the stand-in's table).
pub const SHIP_TO: [(&str, &str); 6] = [
    ("shipping_name", "Ada Lovelace"),
    ("shipping_country", "US"),
    ("shipping_line1", "12 Analytical Way"),
    ("shipping_city", "Portland"),
    ("shipping_state", "OR"),
    ("shipping_postal_code", "97201"),
];

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

/// A Checkout Session's id, from its payment page's address.
pub fn session_id_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

/// A `Stripe-Signature` header for `body`, as Stripe makes it.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    server::local_stripe::signature::header(secret, timestamp, body.as_bytes())
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// An event of `kind` around `object`, with a fresh id.
pub fn event(kind: &str, object: Value) -> String {
    json!({
        "id": format!("evt_test_{}", uuid::Uuid::new_v4().simple()),
        "object": "event",
        "api_version": server::local_stripe::API_VERSION,
        "created": now(),
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": kind
    })
    .to_string()
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

/// A mail server that keeps each message's text. It refuses the first
/// `refusals` messages with a temporary error (451), as a busy server does,
/// and accepts everything after.
pub fn fake_smtp_server(
    refusals: usize,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let store = received.clone();
    let refused = std::sync::Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let store = store.clone();
            let refused = refused.clone();
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let reader = BufReader::new(stream);
                let _ = writer.write_all(b"220 test ESMTP\r\n");
                let (mut in_data, mut message) = (false, String::new());
                for line in reader.lines() {
                    let Ok(line) = line else { break };
                    if in_data {
                        if line == "." {
                            in_data = false;
                            store.lock().unwrap().push(std::mem::take(&mut message));
                            let _ = writer.write_all(b"250 queued\r\n");
                        } else {
                            message.push_str(&line);
                            message.push('\n');
                        }
                        continue;
                    }
                    let command = line.to_ascii_uppercase();
                    let answer: &[u8] = if command.starts_with("MAIL FROM")
                        && refused.fetch_add(1, Ordering::SeqCst) < refusals
                    {
                        b"451 4.3.0 try again later\r\n"
                    } else if command.starts_with("EHLO") {
                        b"250-test\r\n250 OK\r\n"
                    } else if command.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = writer.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = writer.write_all(answer);
                }
            });
        }
    });
    (url, received)
}

/// Stripe-side setup and the store's records, for the tests of orders that ship.
impl TestApp {
    /// `POST /v1/{path}` on the mounted local Stripe: its status and JSON.
    pub async fn stripe_post(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(&format!("/local-stripe/v1/{path}")))
            .bearer_auth(server::local_stripe::DEFAULT_API_KEY)
            .form(form)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// `POST /v1/refunds` for `intent`, as the back office or Stripe's Dashboard
    /// sends it: `amount` (all that is left when `None`) under `key`.
    pub async fn stripe_refund(
        &self,
        intent: &str,
        amount: Option<&str>,
        key: &str,
    ) -> (u16, Value) {
        let mut form = vec![("payment_intent", intent)];
        form.extend(amount.map(|amount| ("amount", amount)));
        let response = self
            .client
            .post(self.url("/local-stripe/v1/refunds"))
            .bearer_auth(server::local_stripe::DEFAULT_API_KEY)
            .header("idempotency-key", key)
            .form(&form)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// A promotion code `code` for a new coupon of `percent_off`, as the owner
    /// makes one in Stripe's Dashboard; `extra` adds the code's own limits.
    pub async fn promotion_code(&self, code: &str, percent_off: &str, extra: &[(&str, &str)]) {
        let (status, coupon) = self
            .stripe_post(
                "coupons",
                &[("percent_off", percent_off), ("duration", "once")],
            )
            .await;
        assert_eq!(status, 200, "{coupon}");
        let coupon_id = coupon["id"].as_str().unwrap().to_owned();
        let mut form = vec![
            ("promotion[type]", "coupon"),
            ("promotion[coupon]", coupon_id.as_str()),
            ("code", code),
        ];
        form.extend_from_slice(extra);
        let (status, promotion) = self.stripe_post("promotion_codes", &form).await;
        assert_eq!(status, 200, "{promotion}");
    }

    /// The first column of the first row of `sql`, as text.
    pub async fn text(&self, sql: &str) -> String {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<String>(0).unwrap()
    }

    /// The confirmation email of order `number`, once it has been sent.
    pub async fn email_of(&self, number: &str, sent: i64) -> String {
        self.outbox_after(sent).await;
        self.outbox_file(number)
    }

    /// The outbox email saved as `{name}.eml`, its quoted-printable text decoded
    /// (an email with `¥` or `€` in it is sent that way).
    pub fn outbox_file(&self, name: &str) -> String {
        let raw = std::fs::read(self.data_dir.join("outbox").join(format!("{name}.eml"))).unwrap();
        let mut out = Vec::with_capacity(raw.len());
        let mut bytes = raw.iter().copied().peekable();
        while let Some(byte) = bytes.next() {
            if byte != b'=' {
                out.push(byte);
                continue;
            }
            let high = bytes.next().unwrap_or(b'\n');
            if high == b'\r' || high == b'\n' {
                if high == b'\r' && bytes.peek() == Some(&b'\n') {
                    bytes.next();
                }
                continue;
            }
            let low = bytes.next().unwrap_or(b'0');
            let hex = [high, low];
            match u8::from_str_radix(std::str::from_utf8(&hex).unwrap_or("zz"), 16) {
                Ok(value) => out.push(value),
                Err(_) => out.extend_from_slice(&[b'=', high, low]),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}
