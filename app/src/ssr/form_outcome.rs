//! The server's half of [`LiveForm`](crate::components::LiveForm): a browser's
//! plain form post is answered with a redirect back to the page it came from (on
//! this store's origin only), and the outcome rides along in a cookie that lives
//! a minute and is read once. Text in that cookie is only ever written here, so
//! a page shows only the store's own sentences.

use leptos::prelude::use_context;
use leptos::server_fn::error::ServerFnUrlError;

use crate::components::PageOutcome;
use crate::error::AppError;
use crate::ssr::shopper::{self, request_parts, wants_html};
use crate::ssr::AppState;
use crate::types::FormOutcome;

/// The cookie's name; `__Host-` (no Domain, Path=/, Secure) over https.
fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-shopfront_outcome"
    } else {
        "shopfront_outcome"
    }
}

/// How long an outcome waits for its page to show it.
const LIFETIME_SECS: u32 = 60;

/// The cookie's value: the outcome, form-encoded (which leaves nothing a cookie
/// may not hold).
pub fn encode(outcome: &FormOutcome) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    out.append_pair("form", &outcome.form);
    if let Some(item) = &outcome.item {
        out.append_pair("item", item);
    }
    if let Some(refusal) = &outcome.refusal {
        out.append_pair("refusal", refusal);
    }
    out.finish()
}

/// The outcome in a cookie's value, if it is one.
pub fn decode(value: &str) -> Option<FormOutcome> {
    let mut outcome = FormOutcome {
        form: String::new(),
        item: None,
        refusal: None,
    };
    for (key, value) in url::form_urlencoded::parse(value.as_bytes()) {
        match key.as_ref() {
            "form" => outcome.form = value.into_owned(),
            "item" => outcome.item = Some(value.into_owned()),
            "refusal" => outcome.refusal = Some(value.into_owned()),
            _ => return None,
        }
    }
    (!outcome.form.is_empty()).then_some(outcome)
}

/// The `Set-Cookie` value that carries `outcome` to the next page.
pub fn set_cookie(outcome: &FormOutcome, secure: bool) -> String {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{name}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={LIFETIME_SECS}{secure}",
        encode(outcome)
    )
}

/// The `Set-Cookie` value that removes the outcome once shown.
fn clear_cookie(secure: bool) -> String {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The address to send a form post back to: the `Referer`'s path and query when
/// it is a page of this store (`base`, e.g. `https://shop.example`), else the
/// home page; never another site. Leptos' own `__err`/`__path` and a previous
/// `item` are dropped, and `item` names what the form was about.
pub fn back_to(referer: Option<&str>, base: &str, item: Option<&str>) -> String {
    let own = url::Url::parse(base).ok();
    let page = referer
        .and_then(|referer| url::Url::parse(referer).ok())
        .filter(|referer| {
            own.as_ref()
                .is_some_and(|own| referer.origin() == own.origin())
        });
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    let mut path = "/".to_owned();
    if let Some(page) = &page {
        path = page.path().to_owned();
        for (key, value) in page.query_pairs() {
            if !matches!(key.as_ref(), "item" | "__path" | "__err") {
                query.append_pair(&key, &value);
            }
        }
    }
    if let Some(item) = item {
        query.append_pair("item", item);
    }
    let query = query.finish();
    let base = base.trim_end_matches('/');
    if query.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{query}")
    }
}

/// Answers a browser's plain form post to the server fn at `form`: back to its
/// page with the outcome for that page to show. A hydrated call (JSON) is left
/// alone. `item` names what the form was about, when a page has several.
pub fn answer<T>(form: &str, item: Option<&str>, outcome: &Result<T, AppError>) {
    if !wants_html() {
        return;
    }
    let Some(state) = use_context::<AppState>() else {
        return;
    };
    // A slug is short; anything longer is not from one of the store's forms.
    let item = item.filter(|item| item.len() <= 100);
    let referer = request_parts().and_then(|parts| {
        parts
            .headers
            .get(http::header::REFERER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    });
    let outcome = FormOutcome {
        form: form.to_owned(),
        item: item.map(str::to_owned),
        refusal: outcome.as_ref().err().map(ToString::to_string),
    };
    shopper::set_cookie(set_cookie(&outcome, shopper::secure(&state)));
    leptos_axum::redirect(&back_to(referer.as_deref(), &state.public_base_url, item));
}

/// A redirect Leptos made for a form post on its own (the server fn refused
/// before its body ran, e.g. a field that could not be read): its `__err` becomes
/// the outcome cookie, and the address is made this store's. Returns the new
/// address and the cookie to set.
pub fn rewrite_redirect(location: &str, base: &str) -> (String, Option<String>) {
    let mut form = None;
    let mut refusal = None;
    if let Ok(url) = url::Url::parse(location) {
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "__path" => form = Some(value.into_owned()),
                "__err" => {
                    refusal = Some(ServerFnUrlError::<AppError>::decode_err(&value).to_string())
                }
                _ => {}
            }
        }
    }
    let back = back_to(Some(location), base, None);
    let cookie = match (form, refusal) {
        (Some(form), Some(refusal)) => Some(set_cookie(
            &FormOutcome {
                form,
                item: None,
                refusal: Some(refusal),
            },
            base.starts_with("https://"),
        )),
        _ => None,
    };
    (back, cookie)
}

/// The outcome a posted form left for this page, read once: the same response
/// clears the cookie. Called as the page renders.
pub fn take() -> PageOutcome {
    let Some(parts) = request_parts() else {
        return PageOutcome::default();
    };
    let secure = use_context::<AppState>().is_some_and(|state| shopper::secure(&state));
    let name = cookie_name(secure);
    let value = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned());
    let Some(value) = value.filter(|value| !value.is_empty()) else {
        return PageOutcome::default();
    };
    shopper::set_cookie(clear_cookie(secure));
    PageOutcome(decode(&value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_survives_its_cookie() {
        let outcome = FormOutcome {
            form: "/api/add_to_cart".to_owned(),
            item: Some("stoneware-mug".to_owned()),
            refusal: Some("Only 3 left; choose 1 to 3, \"please\"".to_owned()),
        };
        let value = encode(&outcome);
        assert!(
            !value.contains([' ', ';', ',', '"', '\\']),
            "only what a cookie may hold: {value}"
        );
        assert_eq!(decode(&value), Some(outcome));
        assert_eq!(decode("nonsense=1"), None);
    }

    #[test]
    fn a_form_goes_back_only_to_a_page_of_this_store() {
        let base = "https://shop.example";
        assert_eq!(
            back_to(
                Some("https://shop.example/cart?x=1&__err=abc&item=old"),
                base,
                Some("mug")
            ),
            "https://shop.example/cart?x=1&item=mug"
        );
        for foreign in [
            Some("https://evil.example/cart"),
            Some("http://shop.example/cart"),
            Some("https://shop.example.evil.example/"),
            Some("not a url"),
            None,
        ] {
            assert_eq!(
                back_to(foreign, base, None),
                "https://shop.example/",
                "{foreign:?}"
            );
        }
    }

    #[test]
    fn leptos_own_error_redirect_becomes_a_cookie_and_loses_its_query() {
        let error = AppError::bad_request("The quantity must be a whole number.");
        let location = ServerFnUrlError::new("/api/add_to_cart", error)
            .to_url("http://127.0.0.1:3000/products/mug")
            .unwrap()
            .to_string();
        let (back, cookie) = rewrite_redirect(&location, "http://127.0.0.1:3000");
        assert_eq!(back, "http://127.0.0.1:3000/products/mug");
        let cookie = cookie.unwrap();
        let value = cookie
            .strip_prefix("shopfront_outcome=")
            .and_then(|rest| rest.split(';').next())
            .unwrap();
        let outcome = decode(value).unwrap();
        assert_eq!(outcome.form, "/api/add_to_cart");
        assert_eq!(
            outcome.refusal.as_deref(),
            Some("The quantity must be a whole number.")
        );
    }
}
