//! "Forgot your password?": the answer does not say whether an account exists,
//! the link works once and for thirty minutes, the store keeps only its hash,
//! and using it ends every other session of the account.

use crate::helpers::{browser, json, spawn_app, TestApp};

const EMAIL: &str = "ada@example.com";

async fn ask_for_link(app: &TestApp, email: &str) -> (u16, String) {
    let answer = browser()
        .post(app.url("/api/request_password_reset"))
        .header("accept", "application/json")
        .form(&[("email", email)])
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// The token in the reset email written to the local outbox.
async fn emailed_token(app: &TestApp) -> String {
    app.eventually(
        "SELECT COUNT(*) FROM emails WHERE kind = 'password_reset' AND sent_at IS NOT NULL",
        1,
    )
    .await;
    let outbox = app.data_dir.join("outbox");
    let email = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .find(|text| text.contains("reset-password?token"))
        .expect("a reset email");
    // The body is quoted-printable: undo its soft line breaks and its `=3D`.
    let flat = email
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    flat.split("reset-password?token=")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

async fn reset(app: &TestApp, client: &reqwest::Client, token: &str, password: &str) -> u16 {
    client
        .post(app.url("/api/reset_password"))
        .header("accept", "application/json")
        .form(&[("token", token), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn asking_for_a_link_does_not_reveal_whether_an_account_exists() {
    let app = spawn_app().await;
    app.server_fn(
        "sign_up",
        &[("email", EMAIL), ("password", "first password")],
    )
    .await;
    let known = ask_for_link(&app, EMAIL).await;
    let unknown = ask_for_link(&app, "nobody@example.com").await;
    assert_eq!(known, unknown);
    assert_eq!(known.0, 200);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM emails WHERE kind = 'password_reset'")
            .await,
        1,
        "only the real account is written to"
    );
}

#[tokio::test]
async fn a_reset_link_works_once_ends_every_session_and_is_stored_only_as_a_hash() {
    let app = spawn_app().await;
    // Signed in on a laptop, with a cart.
    let laptop = app.other_shopper();
    assert_eq!(
        laptop
            .server_fn(
                "sign_up",
                &[("email", EMAIL), ("password", "first password")]
            )
            .await
            .status(),
        200
    );
    assert_eq!(
        json(laptop.server_fn("get_shopper", &[]).await).await["email"],
        EMAIL
    );

    ask_for_link(&app, EMAIL).await;
    let token = emailed_token(&app).await;
    assert_eq!(token.len(), 64, "{token}");
    for table in ["password_resets", "emails"] {
        let leaked = app
            .number(&format!(
                "SELECT COUNT(*) FROM {table} WHERE {} LIKE '%{token}%'",
                if table == "emails" {
                    "key"
                } else {
                    "token_hash"
                }
            ))
            .await;
        assert_eq!(leaked, 0, "the token itself is not in {table}");
    }

    let phone = browser();
    assert_eq!(reset(&app, &phone, &token, "second password").await, 200);
    let laptop_now = json(laptop.server_fn("get_shopper", &[]).await).await;
    assert_eq!(
        laptop_now["email"],
        serde_json::Value::Null,
        "the laptop is signed out"
    );
    assert_eq!(
        reset(&app, &browser(), &token, "third password").await,
        400,
        "a link works once"
    );
    let signed_in = app
        .other_shopper()
        .server_fn(
            "sign_in",
            &[("email", EMAIL), ("password", "second password")],
        )
        .await;
    assert_eq!(signed_in.status(), 200, "the new password works");
}

#[tokio::test]
async fn a_link_older_than_thirty_minutes_is_refused() {
    let app = spawn_app().await;
    app.server_fn(
        "sign_up",
        &[("email", EMAIL), ("password", "first password")],
    )
    .await;
    ask_for_link(&app, EMAIL).await;
    let token = emailed_token(&app).await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "UPDATE password_resets SET expires_at = expires_at - 1801",
    )
    .await
    .unwrap();
    assert_eq!(
        reset(&app, &browser(), &token, "second password").await,
        400
    );
}

/// The whole path as a browser without JavaScript takes it: the link on the
/// sign-in page, the request form and its answer, the emailed page's form.
#[tokio::test]
async fn the_forgot_password_pages_work_without_javascript() {
    let app = spawn_app().await;
    app.server_fn(
        "sign_up",
        &[("email", EMAIL), ("password", "first password")],
    )
    .await;
    let sign_in = app.page(&app.url("/account/sign-in")).await;
    assert!(sign_in.contains(r#"href="/account/forgot-password""#));
    let form = app.page(&app.url("/account/forgot-password")).await;
    assert!(
        form.contains(r#"action="/api/request_password_reset""#),
        "{form}"
    );

    let guest = app.other_shopper();
    let sent = guest
        .form_post(
            "request_password_reset",
            &[("email", EMAIL)],
            "/account/forgot-password",
        )
        .await;
    assert!(sent.status().is_redirection());
    let back = guest
        .page(sent.headers()["location"].to_str().unwrap())
        .await;
    assert!(
        back.contains("a link to choose a new password is on its way"),
        "{back}"
    );

    let token = emailed_token(&app).await;
    let page = guest
        .page(&app.url(&format!("/account/reset-password?token={token}")))
        .await;
    assert!(page.contains(&format!(r#"value="{token}""#)));
    let done = guest
        .form_post(
            "reset_password",
            &[("token", &token), ("password", "second password")],
            &format!("/account/reset-password?token={token}"),
        )
        .await;
    assert_eq!(
        done.headers()["location"].to_str().unwrap(),
        "/account/orders",
        "signed in and on to the orders"
    );
}
