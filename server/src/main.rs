use std::process::ExitCode;

use server::config::Settings;
use server::local_stripe::LocalStripe;
use server::startup::{leptos_options, local_stripe_config, reachable_address, Application};
use server::telemetry;

/// jemalloc rather than the system allocator: a page is hundreds of small
/// allocations, and glibc's malloc spent about a fifth of a page's instructions
/// on them. Its settings (two arenas, memory handed back within a second) are
/// built in from `.cargo/config.toml`, so the server stays small under load.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // A missing .env is normal: every variable has a default.
    let _ = dotenvy::dotenv();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("shopfront: cannot start: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log_filter);

    // `server local-stripe`: the Stripe stand-in alone, answering at /v1 like
    // api.stripe.com, for Stripe's own SDKs and for tools.
    if std::env::args().nth(1).as_deref() == Some("local-stripe") {
        return run_local_stripe(&settings).await;
    }

    // `server owner add|remove EMAIL`: who may use the back office.
    if std::env::args().nth(1).as_deref() == Some("owner") {
        return run_owner_command(&settings).await;
    }

    let options = match leptos_options(&settings) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("shopfront: cannot start: Leptos settings: {err}");
            return ExitCode::from(2);
        }
    };
    let application = match Application::build(&settings, options).await {
        Ok(application) => application,
        Err(err) => {
            eprintln!("shopfront: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(url = %settings.public_base_url, port = application.port(), "Shopfront is open");
    if let Err(err) = application.run_until_stopped().await {
        tracing::error!(error = %err, "the server stopped with an error");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn run_owner_command(settings: &Settings) -> ExitCode {
    if settings.uses_default_sqlite() {
        if let Err(err) = std::fs::create_dir_all(&settings.data_dir) {
            eprintln!(
                "owner: cannot create {}: {err}",
                settings.data_dir.display()
            );
            return ExitCode::FAILURE;
        }
    }
    let db = match app::ssr::db::connect(settings.database_url.expose()).await {
        Ok(db) => db,
        Err(err) => {
            eprintln!("owner: cannot open the database: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = app::ssr::db::migrate(&db).await {
        eprintln!("owner: cannot bring the database up to date: {err}");
        return ExitCode::FAILURE;
    }
    let args: Vec<String> = std::env::args().skip(2).collect();
    match server::admin::owner_command(&db, &args).await {
        Ok(said) => {
            eprintln!("{said}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("owner: {why}");
            ExitCode::from(2)
        }
    }
}

async fn run_local_stripe(settings: &Settings) -> ExitCode {
    if let Err(err) = std::fs::create_dir_all(&settings.data_dir) {
        eprintln!(
            "local-stripe: cannot start: cannot create {}: {err}",
            settings.data_dir.display()
        );
        return ExitCode::FAILURE;
    }
    let listener = match tokio::net::TcpListener::bind(settings.local_stripe.addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "local-stripe: cannot start: cannot listen on {}: {err}",
                settings.local_stripe.addr
            );
            return ExitCode::FAILURE;
        }
    };
    let address = match listener.local_addr() {
        Ok(local) => reachable_address(local),
        Err(err) => {
            eprintln!("local-stripe: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    let generated = settings.stripe.webhook_secrets.is_empty();
    let config = local_stripe_config(
        settings,
        format!("http://{address}"),
        settings.local_stripe.webhook_url.clone(),
    );
    let secret = config.webhook_secret.clone();
    let stripe = match LocalStripe::open(config).await {
        Ok(stripe) => stripe,
        Err(err) => {
            eprintln!("local-stripe: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    let worker = stripe.spawn_worker();
    // One line a script can read: where the API is.
    eprintln!("local-stripe: listening on http://{address}");
    if generated && settings.local_stripe.webhook_url.is_some() {
        // The endpoint needs the secret to verify events, as with `stripe listen`.
        eprintln!(
            "local-stripe: your webhook signing secret is {}",
            secret.expose()
        );
    }
    let router = stripe
        .standalone_router::<()>()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, router).await;
    worker.abort();
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("local-stripe: stopped: {err}");
            ExitCode::FAILURE
        }
    }
}
