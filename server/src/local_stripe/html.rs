//! The HTML around the stand-in's pages: one small stylesheet carrying the
//! store's theme tokens, so the pages look like the store's payment step and work
//! with no JavaScript and no external files.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Escapes text for HTML element content and quoted attributes.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The theme tokens (THEME.md) as CSS variables, light and dark.
const STYLE: &str = r#"
:root{--color-canvas:#fafaf9;--color-surface:#fff;--color-ink:#1c1917;--color-muted:#78716c;--color-line:#e7e5e4;--color-brand:#4f46e5;--color-brand-ink:#fff;--color-success:#059669;--color-danger:#e11d48;--color-warning:#d97706;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--color-canvas:#0c0a09;--color-surface:#1c1917;--color-ink:#fafaf9;--color-muted:#a8a29e;--color-line:#292524;--color-brand:#818cf8;--color-brand-ink:#0c0a09;--color-success:#34d399;--color-danger:#fb7185;--color-warning:#fbbf24}}
*{box-sizing:border-box}
body{margin:0;background:var(--color-canvas);color:var(--color-ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--color-brand)}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:2px solid var(--color-brand);outline-offset:2px}
.bar{position:sticky;top:0;display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.5rem 1rem;background:var(--color-surface);border-bottom:1px solid var(--color-line)}
.back{display:inline-flex;align-items:center;gap:.5rem;min-height:44px;text-decoration:none;font-weight:600}
.badge{border-radius:9999px;padding:.125rem .625rem;font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.05em;color:var(--color-warning);border:1px solid currentColor}
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

/// A whole page with the stand-in's bar on top.
pub fn page(status: StatusCode, title: &str, back: Option<(&str, &str)>, body: &str) -> Response {
    let back = match back {
        Some((href, label)) => format!(
            r#"<a class="back" href="{}"><svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="m12 19-7-7 7-7"/><path d="M19 12H5"/></svg>{}</a>"#,
            esc(href),
            esc(label)
        ),
        None => "<span></span>".to_owned(),
    };
    let html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>{title}</title><style>{STYLE}</style></head><body><header class="bar">{back}<span class="badge">Test mode</span></header>{body}</body></html>"#,
        title = esc(title),
    );
    (status, Html(html)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_break_out_of_text_or_attributes() {
        assert_eq!(
            esc(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
