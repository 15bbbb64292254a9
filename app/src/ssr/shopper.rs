//! Who is asking: the session behind the request's cookie, and the cookies the
//! response must carry.

use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::error::AppError;
use crate::ssr::entities::session;
use crate::ssr::services::cart::Owner;
use crate::ssr::sessions::{self, NewSession};
use crate::ssr::AppState;

/// The shopper behind a request: their live session, if they have one.
#[derive(Clone, Debug)]
pub struct Shopper {
    pub session: Option<session::Model>,
}

impl Shopper {
    /// Whose cart this shopper reads and writes.
    pub fn owner(&self) -> Option<Owner> {
        self.session.as_ref().map(Owner::of)
    }

    pub fn user_id(&self) -> Option<i32> {
        self.session.as_ref().and_then(|s| s.user_id)
    }
}

fn request_parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The request's session token, from its `Cookie` header.
fn cookie_token() -> Option<String> {
    let parts = request_parts()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(sessions::token_from_cookie_header)
        .map(str::to_owned)
}

/// Whether the request is a plain form post from a browser without JavaScript
/// (it wants a page back, so an answer must be a redirect).
pub fn wants_html() -> bool {
    request_parts().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// Sends a browser's plain form post (see [`wants_html`]) back to the page it
/// came from, naming the `item` the form was about and carrying the store's
/// refusal the way Leptos' form redirects do, so that the page reports the
/// outcome beside that item's own form. Without a usable `Referer`, or for an
/// item no form would send (too long to be a slug), the usual redirect stands.
pub fn return_to_form<T>(server_fn_path: &str, item: &str, outcome: &Result<T, AppError>) {
    if !wants_html() || item.len() > 100 {
        return;
    }
    let Some(mut back) = request_parts()
        .and_then(|parts| parts.headers.get(http::header::REFERER).cloned())
        .and_then(|referer| url::Url::parse(referer.to_str().ok()?).ok())
    else {
        return;
    };
    let kept: Vec<(String, String)> = back
        .query_pairs()
        .filter(|(key, _)| !matches!(key.as_ref(), "item" | "__path" | "__err"))
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    back.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("item", item);
    if let Err(refusal) = outcome {
        match leptos::server_fn::error::ServerFnUrlError::new(server_fn_path, refusal.clone())
            .to_url(back.as_str())
        {
            Ok(with_refusal) => back = with_refusal,
            Err(_) => return,
        }
    }
    leptos_axum::redirect(back.as_str());
}

/// The address the request came from, for throttling sign-in attempts.
pub fn client_address() -> String {
    request_parts()
        .and_then(|parts| {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn set_cookie(value: String) {
    if let (Some(options), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(&value),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

fn secure(state: &AppState) -> bool {
    state.public_base_url.starts_with("https://")
}

/// The shopper making this request. Reading never creates a session; a live one
/// has its expiry slid forward.
pub async fn current(state: &AppState) -> Result<Shopper, AppError> {
    let Some(token) = cookie_token() else {
        return Ok(Shopper { session: None });
    };
    let now = sessions::now();
    let session = sessions::find(&state.db, &token, now).await?;
    if let Some(session) = &session {
        if sessions::refresh(&state.db, session, now).await? {
            set_cookie(sessions::cookie(&token, secure(state)));
        }
    }
    Ok(Shopper { session })
}

/// The shopper's session, created now if they have none: the first write to a
/// cart is what starts a guest session.
pub async fn current_or_new(state: &AppState) -> Result<session::Model, AppError> {
    if let Some(session) = current(state).await?.session {
        return Ok(session);
    }
    let NewSession { token, session } = sessions::create(&state.db, None, sessions::now()).await?;
    set_cookie(sessions::cookie(&token, secure(state)));
    Ok(session)
}

/// Starts a signed-in session for `user_id` in place of the shopper's current one
/// (a new id, so a token planted before sign-in is worth nothing after it), and
/// hands the guest's cart and orders to the account.
pub async fn sign_in_as(state: &AppState, user_id: i32) -> Result<(), AppError> {
    let previous = current(state).await?.session;
    let now = sessions::now();
    let NewSession { token, .. } = sessions::create(&state.db, Some(user_id), now).await?;
    if let Some(previous) = previous {
        if previous.user_id.is_none() {
            crate::ssr::services::cart::merge_guest_cart(&state.db, &previous.id, user_id, now)
                .await?;
        }
        sessions::delete(&state.db, &previous.id).await?;
    }
    set_cookie(sessions::cookie(&token, secure(state)));
    Ok(())
}

/// Ends the shopper's session; the account's cart stays with the account.
pub async fn sign_out(state: &AppState) -> Result<(), AppError> {
    if let Some(session) = current(state).await?.session {
        sessions::delete(&state.db, &session.id).await?;
    }
    set_cookie(sessions::expired_cookie(secure(state)));
    Ok(())
}
