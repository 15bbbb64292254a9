use std::process::ExitCode;

use server::config::Settings;
use server::startup::{leptos_options, Application};
use server::telemetry;

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
