//! The store's policies: shipping, returns and refunds, privacy, and terms.
//! Each is a text file the owner can replace without a rebuild
//! (`$SHOPFRONT_DATA_DIR/policies/<name>.md`); until then the store's own
//! default is shown. The text is a small, safe subset of Markdown: `## `
//! headings, `- ` list items and paragraphs split by blank lines. It is shown
//! as text, never as HTML.

use std::path::Path;

use crate::types::{PolicyBlock, PolicyView};

/// The policies, by the name in their address: `/policies/<name>`.
pub const POLICIES: [(&str, &str, &str); 4] = [
    (
        "shipping",
        "Shipping",
        include_str!("../../../policies/shipping.md"),
    ),
    (
        "returns",
        "Returns and refunds",
        include_str!("../../../policies/returns.md"),
    ),
    (
        "privacy",
        "Privacy",
        include_str!("../../../policies/privacy.md"),
    ),
    (
        "terms",
        "Terms of service",
        include_str!("../../../policies/terms.md"),
    ),
];

/// The policy `name`, from the owner's file or the default; `None` for a name
/// that is not a policy (or a file that cannot be read, which is logged).
pub fn read(dir: &Path, name: &str) -> Option<PolicyView> {
    let (name, title, default) = POLICIES.iter().find(|(n, _, _)| *n == name)?;
    let text = match std::fs::read_to_string(dir.join(format!("{name}.md"))) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => (*default).to_owned(),
        Err(err) => {
            tracing::error!(policy = name, error = %err, "the owner's policy file cannot be read; showing the default");
            (*default).to_owned()
        }
    };
    Some(PolicyView {
        title: (*title).to_owned(),
        blocks: blocks(&text),
    })
}

/// Paragraphs, headings and lists of `text`.
fn blocks(text: &str) -> Vec<PolicyBlock> {
    let mut blocks = Vec::new();
    for chunk in text.split("\n\n").map(str::trim).filter(|c| !c.is_empty()) {
        let mut paragraph: Vec<&str> = Vec::new();
        let mut items: Vec<String> = Vec::new();
        for line in chunk.lines().map(str::trim) {
            if let Some(heading) = line.strip_prefix("## ").or_else(|| line.strip_prefix("# ")) {
                flush(&mut blocks, &mut paragraph, &mut items);
                blocks.push(PolicyBlock::Heading(heading.to_owned()));
            } else if let Some(item) = line.strip_prefix("- ") {
                if !paragraph.is_empty() {
                    flush(&mut blocks, &mut paragraph, &mut Vec::new());
                }
                items.push(item.to_owned());
            } else {
                paragraph.push(line);
            }
        }
        flush(&mut blocks, &mut paragraph, &mut items);
    }
    blocks
}

fn flush(blocks: &mut Vec<PolicyBlock>, paragraph: &mut Vec<&str>, items: &mut Vec<String>) {
    if !items.is_empty() {
        blocks.push(PolicyBlock::List(std::mem::take(items)));
    }
    if !paragraph.is_empty() {
        blocks.push(PolicyBlock::Paragraph(paragraph.join(" ")));
        paragraph.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_and_paragraphs_are_read_as_text() {
        let blocks = blocks("## Returns\nWithin 30 days.\nUnused.\n\n- one\n- <b>two</b>\n\nLast.");
        assert_eq!(
            blocks,
            [
                PolicyBlock::Heading("Returns".into()),
                PolicyBlock::Paragraph("Within 30 days. Unused.".into()),
                PolicyBlock::List(vec!["one".into(), "<b>two</b>".into()]),
                PolicyBlock::Paragraph("Last.".into()),
            ]
        );
    }

    #[test]
    fn every_default_policy_reads() {
        let nowhere = Path::new("/nonexistent");
        for (name, title, _) in POLICIES {
            let policy = read(nowhere, name).unwrap();
            assert_eq!(policy.title, title);
            assert!(policy.blocks.len() > 2, "{name}");
        }
        assert!(read(nowhere, "../secrets").is_none());
    }
}
