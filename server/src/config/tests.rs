//! The settings as an operator meets them: defaults, mistakes, refusals.
use super::*;
use std::collections::HashMap;

fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_lookup(|name| map.get(name).cloned())
}

#[test]
fn defaults_run_on_a_sqlite_file_and_the_local_stripe() {
    let s = settings(&[]).unwrap();
    assert_eq!(
        s.database_url.expose(),
        "sqlite://data/shopfront.db?mode=rwc"
    );
    assert_eq!(s.site_addr.to_string(), "127.0.0.1:3000");
    assert_eq!(s.public_base_url, "http://127.0.0.1:3000");
    assert!(s.stripe.secret_key.is_none());
    assert!(s.stripe.webhook_secrets.is_empty());
    assert!(s.uses_default_sqlite());
}

#[test]
fn reads_postgres_and_several_webhook_secrets() {
    let s = settings(&[
        ("DATABASE_URL", "postgres://shop:pw@localhost/shop"),
        ("PUBLIC_BASE_URL", "https://shop.example.com/"),
        ("STRIPE_SECRET_KEY", "sk_test_123"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_new, whsec_old"),
    ])
    .unwrap();
    assert_eq!(s.database_url.expose(), "postgres://shop:pw@localhost/shop");
    assert_eq!(s.public_base_url, "https://shop.example.com");
    assert_eq!(
        s.stripe.webhook_secrets,
        vec![Secret::new("whsec_new"), Secret::new("whsec_old")]
    );
    assert!(!s.uses_default_sqlite());
}

#[test]
fn each_malformed_value_names_its_variable() {
    let cases = [
        ("DATABASE_URL", "mysql://x"),
        ("LEPTOS_SITE_ADDR", "localhost"),
        ("PUBLIC_BASE_URL", "shop.example.com"),
        ("STRIPE_SECRET_KEY", "pk_test_123"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_ok,not-a-secret"),
        ("LOCAL_STRIPE_ADDR", "nowhere"),
        ("LOCAL_STRIPE_WEBHOOK_URL", "localhost:3000/api/stripe"),
        ("LOCAL_STRIPE_RETRY_FIRST_MS", "soon"),
        ("LOCAL_STRIPE_RETRY_MAX_ATTEMPTS", "0"),
        ("SMTP_URL", "mail.example.com"),
        ("HEADER_READ_TIMEOUT_SECS", "0"),
        ("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal"),
        ("UNITS_HELD_PER_CLIENT", "0"),
        ("NEW_CARTS_PER_CLIENT_PER_HOUR", "many"),
        ("BODY_TIMEOUT_SECS", "soon"),
        ("REQUEST_TIMEOUT_SECS", "99999"),
    ];
    for (variable, value) in cases {
        let err = settings(&[(variable, value)]).unwrap_err();
        assert_eq!(err.variable, variable);
        assert!(err.to_string().starts_with(variable), "{err}");
        assert!(!err.to_string().contains('\n'), "one line: {err}");
    }
}

#[test]
fn a_live_key_needs_an_https_address() {
    let err = settings(&[
        ("STRIPE_SECRET_KEY", "sk_live_abc"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_abc"),
    ])
    .unwrap_err();
    assert_eq!(err.variable, "STRIPE_SECRET_KEY");
    assert!(settings(&[
        ("STRIPE_SECRET_KEY", "sk_live_abc"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_abc"),
        ("PUBLIC_BASE_URL", "https://shop.example.com")
    ])
    .is_ok());
}

#[test]
fn secrets_never_print() {
    let s = settings(&[
        ("STRIPE_SECRET_KEY", "sk_test_topsecret"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_hidden"),
        (
            "DATABASE_URL",
            "postgres://shop:dbpassword@db.internal/shop",
        ),
        ("SMTP_URL", "smtps://mailer:mailpassword@mail.example.com"),
        ("LOCAL_STRIPE_KEY", "sk_test_standinkey"),
    ])
    .unwrap();
    let printed = format!("{s:?}");
    for secret in [
        "topsecret",
        "hidden",
        "dbpassword",
        "db.internal",
        "mailpassword",
        "standinkey",
    ] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
}

/// The one line an operator reads when the store refuses to start.
fn refusal(vars: &[(&str, &str)]) -> ConfigError {
    let err = settings(vars).unwrap_err();
    assert!(!err.to_string().contains('\n'), "one line: {err}");
    err
}

#[test]
fn an_empty_key_on_a_public_address_refuses_to_start_instead_of_taking_fake_payments() {
    // `.env.example` ships `STRIPE_SECRET_KEY=` empty: a failed secret injection.
    for vars in [
        &[
            ("STRIPE_SECRET_KEY", ""),
            ("LEPTOS_SITE_ADDR", "0.0.0.0:3000"),
        ][..],
        &[("LEPTOS_SITE_ADDR", "10.0.0.5:3000")],
        &[("PUBLIC_BASE_URL", "https://shop.example.com")],
        &[("PUBLIC_BASE_URL", "http://shop.example.com")],
        &[("LOCAL_STRIPE", "off")],
    ] {
        let err = refusal(vars);
        assert_eq!(err.variable, "STRIPE_SECRET_KEY", "{vars:?}");
        assert!(err.to_string().contains("LOCAL_STRIPE=on"), "{err}");
    }
}

#[test]
fn the_stand_in_runs_on_a_developers_machine_or_when_asked_for_by_name() {
    let on_loopback = settings(&[("PUBLIC_BASE_URL", "http://localhost:3000")]).unwrap();
    assert!(on_loopback.stripe.secret_key.is_none());
    assert!(on_loopback.stripe.test_mode());
    assert_eq!(
        on_loopback.local_stripe.api_key.expose(),
        local_stripe::DEFAULT_API_KEY
    );
    let asked = settings(&[
        ("LOCAL_STRIPE", "on"),
        ("LEPTOS_SITE_ADDR", "0.0.0.0:3000"),
        ("PUBLIC_BASE_URL", "https://staging.example.com"),
        ("LOCAL_STRIPE_KEY", "sk_test_staging_only"),
    ])
    .unwrap();
    assert!(asked.stripe.secret_key.is_none());
    assert_eq!(asked.local_stripe.api_key.expose(), "sk_test_staging_only");
    assert_eq!(refusal(&[("LOCAL_STRIPE", "yes")]).variable, "LOCAL_STRIPE");
    assert_eq!(
        refusal(&[("LOCAL_STRIPE_KEY", "sk_live_abcdefgh")]).variable,
        "LOCAL_STRIPE_KEY"
    );
    assert_eq!(
        refusal(&[
            ("LOCAL_STRIPE", "on"),
            ("STRIPE_SECRET_KEY", "sk_test_abc"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_abc"),
        ])
        .variable,
        "LOCAL_STRIPE"
    );
}

#[test]
fn a_real_key_without_a_webhook_secret_refuses_to_start() {
    for key in ["sk_test_abc", "rk_live_abc", "sk_live_abc"] {
        let err = refusal(&[
            ("STRIPE_SECRET_KEY", key),
            ("PUBLIC_BASE_URL", "https://shop.example.com"),
        ]);
        assert_eq!(err.variable, "STRIPE_WEBHOOK_SECRET", "{key}");
    }
    let live = settings(&[
        ("STRIPE_SECRET_KEY", "sk_live_abc"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_abc"),
        ("PUBLIC_BASE_URL", "https://shop.example.com"),
        ("LEPTOS_SITE_ADDR", "0.0.0.0:3000"),
    ])
    .unwrap();
    assert!(!live.stripe.test_mode());
}

#[test]
fn checkout_settings_read_countries_phone_tax_and_the_currency() {
    let s = settings(&[]).unwrap();
    assert!(s.checkout.automatic_tax, "tax is on with the local Stripe");
    assert!(!s.checkout.collect_phone);
    assert_eq!(s.checkout.shipping_countries.len(), 30);
    assert_eq!(s.store_currency, app::types::Currency::Usd);
    assert!(!s.checkout.terms_of_service);
    assert_eq!(s.store_name, "Shopfront");
    assert_eq!(
        s.store_email, "orders@shopfront.invalid",
        "MAIL_FROM's address"
    );

    let s = settings(&[
        ("STRIPE_SECRET_KEY", "sk_test_abc"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_abc"),
        ("SHIPPING_COUNTRIES", "us, gb"),
        ("COLLECT_PHONE", "on"),
        ("STORE_CURRENCY", "kwd"),
    ])
    .unwrap();
    assert!(
        !s.checkout.automatic_tax,
        "real keys need Stripe Tax turned on"
    );
    assert!(s.checkout.collect_phone);
    assert_eq!(&*s.checkout.shipping_countries, ["US", "GB"]);
    assert_eq!(s.store_currency, app::types::Currency::Kwd);

    for (variable, value) in [
        ("STORE_CURRENCY", "XYZ"),
        ("SHIPPING_COUNTRIES", "USA"),
        ("AUTOMATIC_TAX", "maybe"),
        ("LOCAL_STRIPE_TAX_RATES", "GB=twenty"),
        ("TERMS_OF_SERVICE", "yes"),
    ] {
        let err = settings(&[(variable, value)]).unwrap_err();
        assert_eq!(err.variable, variable);
    }
}
