//! The HTML around the stand-in's pages: maud templates, which escape every
//! value by construction, and one small stylesheet whose colours are the store's
//! own theme tokens (read from `style/main.css`), so the pages look like the
//! store's payment step and work with no JavaScript and no external files.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use std::sync::OnceLock;

/// The store's stylesheet, where THEME.md's tokens are defined once.
const STORE_CSS: &str = include_str!("../../../style/main.css");

/// The stand-in's own layout rules; every colour is a theme token.
const COMPONENTS: &str = r#"
*{box-sizing:border-box}
body{margin:0;background:var(--color-canvas);color:var(--color-ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--color-brand)}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:2px solid var(--color-brand);outline-offset:2px}
.bar{position:sticky;top:0;display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.5rem 1rem;background:var(--color-surface);border-bottom:1px solid var(--color-line)}
.back{display:inline-flex;align-items:center;gap:.5rem;min-height:44px;text-decoration:none;font-weight:600}
.badge{border-radius:9999px;padding:.125rem .625rem;font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.05em;color:var(--color-ink);border:1px solid var(--color-warning)}
.page{max-width:72rem;margin:0 auto;padding:1.5rem 1rem 3rem;display:grid;gap:1.5rem}
@media (min-width:640px){.page{padding-left:1.5rem;padding-right:1.5rem}}
@media (min-width:1024px){.page.two{grid-template-columns:1fr 1fr;gap:2rem;padding-left:2rem;padding-right:2rem}}
.card{background:var(--color-surface);border:1px solid var(--color-line);border-radius:1rem;padding:1rem;box-shadow:0 1px 2px rgb(0 0 0/.05)}
@media (min-width:640px){.card{padding:1.5rem}}
h1{font-size:1.5rem;line-height:2rem;font-weight:600;letter-spacing:-.025em;margin:0 0 1rem}
@media (min-width:640px){h1{font-size:1.875rem;line-height:2.25rem}}
h2{font-size:1.125rem;font-weight:600;margin:0 0 1rem}
.caption{font-size:.875rem;color:var(--color-muted);margin:0}
.total{font-size:2rem;font-weight:600;font-variant-numeric:tabular-nums;margin:.25rem 0 1rem}
.items{list-style:none;margin:0;padding:0;display:grid;gap:1rem}
.item{display:grid;grid-template-columns:3rem 1fr auto;gap:.75rem;align-items:center}
.item img,.item .ph{width:3rem;height:3rem;border-radius:.75rem;object-fit:cover;background:var(--color-canvas);border:1px solid var(--color-line)}
.item p{margin:0}
.num{font-variant-numeric:tabular-nums;text-align:right}
.sum{display:flex;justify-content:space-between;border-top:1px solid var(--color-line);margin-top:1rem;padding-top:1rem;font-size:1.125rem;font-weight:600}
form{display:grid;gap:1rem}
label{font-size:.875rem;font-weight:600;display:block;margin-bottom:.25rem}
input{width:100%;min-height:44px;border:1px solid var(--color-line);border-radius:.75rem;padding:.5rem .75rem;font:inherit;background:var(--color-surface);color:var(--color-ink)}
select{width:100%;min-height:44px;border:1px solid var(--color-line);border-radius:.75rem;padding:.5rem .75rem;font:inherit;background:var(--color-surface);color:var(--color-ink)}
.choice{display:grid;grid-template-columns:auto 1fr auto;gap:.75rem;align-items:center;min-height:44px;border:1px solid var(--color-line);border-radius:.75rem;padding:.5rem .75rem;margin:0;font-weight:400;cursor:pointer}
.choice input{width:1.25rem;min-height:1.25rem;height:1.25rem;margin:0;accent-color:var(--color-brand)}
.choice:has(input:checked){border-color:var(--color-brand)}
.choice strong{display:block;font-weight:600}
.check{display:flex;gap:.75rem;align-items:flex-start;font-weight:400;min-height:44px;cursor:pointer;margin:0}
.check input{width:1.25rem;min-height:1.25rem;height:1.25rem;margin:.125rem 0 0;accent-color:var(--color-brand)}
.code{display:grid;grid-template-columns:1fr auto;gap:.5rem}
.figures{margin:1rem 0 0;display:grid;gap:.5rem}
.figures div{display:flex;justify-content:space-between;gap:1rem}
.figures dt{color:var(--color-muted)}
.figures dd{margin:0}
input[readonly]{background:var(--color-canvas);color:var(--color-muted)}
input[aria-invalid=true]{border-color:var(--color-danger)}
fieldset{border:0;margin:0;padding:0;display:grid;gap:.75rem}
legend{font-size:.875rem;font-weight:600;margin-bottom:.25rem;padding:0}
.row{display:grid;grid-template-columns:1fr 1fr;gap:.75rem}
.field-error{color:var(--color-danger);font-size:.875rem;margin:.25rem 0 0}
.btn{display:inline-flex;align-items:center;justify-content:center;gap:.5rem;min-height:44px;height:2.75rem;padding:0 1rem;border-radius:.75rem;font:inherit;font-weight:600;cursor:pointer;text-decoration:none;border:1px solid transparent}
.btn-primary{background:var(--color-brand);color:var(--color-brand-ink);width:100%}
.btn-secondary{background:var(--color-surface);color:var(--color-ink);border-color:var(--color-line)}
.alert{display:flex;gap:.5rem;align-items:flex-start;border:1px solid currentColor;border-radius:.75rem;padding:.75rem;margin:0}
.alert.danger{color:var(--color-danger)}
.alert.success{color:var(--color-success)}
.alert.warning{color:var(--color-warning)}
details{font-size:.875rem;color:var(--color-muted)}
summary{cursor:pointer;min-height:44px;display:flex;align-items:center}
details ul{margin:.5rem 0 0;padding-left:1.25rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.875em}
table{width:100%;border-collapse:collapse;font-size:.875rem}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--color-line);vertical-align:top}
.scroll{overflow-x:auto}
.ok{color:var(--color-success)}.bad{color:var(--color-danger)}.wait{color:var(--color-warning)}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
"#;

/// The `--color-*` declarations of the store's `@theme` (light) and of its dark
/// `:root`, in order.
fn store_tokens() -> (Vec<&'static str>, Vec<&'static str>) {
    let (mut light, mut dark) = (Vec::new(), Vec::new());
    let mut into: Option<&mut Vec<&'static str>> = None;
    for line in STORE_CSS.lines() {
        let line = line.trim();
        if line.starts_with("@theme") {
            into = Some(&mut light);
        } else if line.starts_with("@media (prefers-color-scheme: dark)") {
            into = Some(&mut dark);
        } else if line.starts_with("@layer") || line.starts_with("@utility") {
            into = None;
        } else if let (Some(list), Some(declaration)) =
            (into.as_mut(), line.strip_prefix("--color-"))
        {
            let declaration = declaration.split("/*").next().unwrap_or(declaration).trim();
            list.push(declaration.trim_end_matches(';'));
        }
    }
    (light, dark)
}

/// The page's stylesheet: the store's colour tokens, then the layout rules.
pub fn stylesheet() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(|| {
        let (light, dark) = store_tokens();
        let vars = |list: &[&str]| {
            list.iter()
                .map(|declaration| format!("--color-{declaration};"))
                .collect::<String>()
        };
        format!(
            ":root{{{}color-scheme:light dark}}@media (prefers-color-scheme:dark){{:root{{{}}}}}{COMPONENTS}",
            vars(&light),
            vars(&dark)
        )
    })
}

/// An arrow pointing back, as lucide draws it.
fn back_arrow() -> Markup {
    html! {
        svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" {
            path d="m12 19-7-7 7-7" {}
            path d="M19 12H5" {}
        }
    }
}

/// A circle with an exclamation mark, for a refusal.
pub fn alert_icon() -> Markup {
    html! {
        svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" {
            circle cx="12" cy="12" r="10" {}
            line x1="12" x2="12" y1="8" y2="12" {}
            line x1="12" x2="12.01" y1="16" y2="16" {}
        }
    }
}

/// A whole page with the stand-in's bar on top; `back` is a link and its label.
pub fn page(status: StatusCode, title: &str, back: Option<(&str, &str)>, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                style { (PreEscaped(stylesheet())) }
            }
            body {
                header.bar {
                    @if let Some((href, label)) = back {
                        a.back href=(href) { (back_arrow()) (label) }
                    } @else {
                        span {}
                    }
                    span.badge { "Test mode" }
                }
                (body)
            }
        }
    };
    (status, Html(markup.into_string())).into_response()
}

/// A page with one card: a heading and a sentence.
pub fn message_page(
    status: StatusCode,
    title: &str,
    back: Option<(&str, &str)>,
    text: &str,
) -> Response {
    page(
        status,
        title,
        back,
        html! { main.page { section.card { h1 { (title) } @if !text.is_empty() { p { (text) } } } } },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped_by_construction() {
        let hostile = r#"<script>"a" & 'b'</script>"#;
        let markup = html! { a href=(hostile) { (hostile) } }.into_string();
        assert!(!markup.contains("<script>"), "{markup}");
        assert!(
            markup.contains("&lt;script&gt;&quot;a&quot; &amp; 'b'&lt;/script&gt;"),
            "{markup}"
        );
    }

    #[test]
    fn the_colours_are_the_stores_theme_tokens() {
        let (light, dark) = store_tokens();
        for list in [&light, &dark] {
            for token in [
                "canvas",
                "surface",
                "ink",
                "muted",
                "line",
                "brand",
                "brand-ink",
                "success",
                "danger",
                "warning",
            ] {
                assert!(
                    list.iter().any(|d| d.starts_with(&format!("{token}:"))),
                    "{token} missing from {list:?}"
                );
            }
        }
        let css = stylesheet();
        let brand = light.iter().find(|d| d.starts_with("brand:")).unwrap();
        assert!(css.contains(&format!("--color-{brand};")), "{css}");
        assert!(
            !COMPONENTS.contains('#'),
            "no colour is copied into the stand-in's own rules"
        );
    }
}
