//! Who is asking: the session behind the request's cookie, and the cookies the
//! response must carry.

use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::error::AppError;
use crate::ssr::domain::Owner;
use crate::ssr::entities::shopper_session;
use crate::ssr::sessions::{self, NewSession};
use crate::ssr::{clock, AppState};

/// The shopper behind a request: their live session, if they have one.
#[derive(Clone, Debug)]
pub struct Shopper {
    pub session: Option<shopper_session::Model>,
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

/// The request being answered, as Leptos hands it to server fns and pages.
pub fn request_parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The request's session token, from its `Cookie` header.
fn cookie_token(secure: bool) -> Option<String> {
    let parts = request_parts()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|header| sessions::token_from_cookie_header(header, secure))
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

/// The client the request came from, as the throttles key it (see
/// [`crate::ssr::client`]): behind a trusted proxy, the address it recorded.
pub fn client_address(state: &AppState) -> String {
    request_parts()
        .and_then(|parts| {
            let peer = parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?
                .0
                .ip();
            Some(crate::ssr::client::key(crate::ssr::client::address(
                peer,
                &parts.headers,
                &state.trusted_proxies,
            )))
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Adds a `Set-Cookie` header to the response being made.
pub fn set_cookie(value: String) {
    if let (Some(options), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(&value),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

/// Whether the store is served over https (cookies are then `Secure`).
pub fn secure(state: &AppState) -> bool {
    state.public_base_url.starts_with("https://")
}

/// The shopper making this request. Reading never creates a session; a live one
/// has its expiry slid forward.
pub async fn current(state: &AppState) -> Result<Shopper, AppError> {
    let Some(token) = cookie_token(secure(state)) else {
        return Ok(Shopper { session: None });
    };
    let now = clock::now();
    let session = sessions::find(&state.db, &token, now).await?;
    if let Some(session) = &session {
        if sessions::refresh(&state.db, session, now).await? {
            set_cookie(sessions::cookie(&token, secure(state)));
        }
    }
    Ok(Shopper { session })
}

/// Starts a guest session for a shopper who has none (see
/// [`RequestContext`](crate::ssr::RequestContext)): the first write to a cart is
/// what starts one.
///
/// One client may start only so many an hour: a script adding to cart without a
/// cookie would otherwise mint a cart (and, with checkout, a reservation) per
/// request.
pub async fn start_session(state: &AppState) -> Result<shopper_session::Model, AppError> {
    let now = clock::now();
    crate::ssr::services::throttle::admit(
        &state.db,
        crate::ssr::entities::attempt::Action::NewSession,
        &client_address(state),
        None,
        state.limits.new_sessions,
        now,
        "Too many new carts have been started from your network. Please try again in an hour.",
    )
    .await?;
    let NewSession { token, session } = {
        let _turn = crate::ssr::db::take_turn(&state.db).await;
        sessions::create(&state.db, None, now).await?
    };
    set_cookie(sessions::cookie(&token, secure(state)));
    Ok(session)
}

/// Starts a signed-in session for `user_id` in place of the shopper's current one
/// (a new id, so a token planted before sign-in is worth nothing after it), and
/// hands the guest's cart and orders to the account.
pub async fn sign_in_as(state: &AppState, user_id: i32) -> Result<(), AppError> {
    let previous = current(state).await?.session;
    let now = clock::now();
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
