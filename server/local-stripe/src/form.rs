//! Stripe's request encoding: `application/x-www-form-urlencoded` with bracket keys.
//!
//! `line_items[0][price_data][unit_amount]=1999` becomes a tree: the key
//! `line_items`, holding the index `0`, holding `price_data`, and so on. Brackets
//! may arrive raw (POST bodies from the SDKs) or %-encoded (GET query strings).
//! `expand[]=a&expand[]=b` appends, as Stripe's own decoder does.

use std::collections::BTreeMap;

/// Deeper keys than this are refused: no Stripe parameter nests further.
const MAX_DEPTH: usize = 8;
/// More pairs than this are refused before any are decoded.
const MAX_PAIRS: usize = 10_000;

/// One decoded parameter: a string, or a map of named (or numbered) children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    Value(String),
    Map(BTreeMap<String, Param>),
}

/// Why a body could not be decoded. The message is Stripe-style and names the key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FormError {
    pub message: String,
    pub param: Option<String>,
}

fn form_error(message: impl Into<String>, param: Option<&str>) -> FormError {
    FormError {
        message: message.into(),
        param: param.map(str::to_owned),
    }
}

impl Param {
    /// The text of a value, or `None` for a map.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Param::Value(value) => Some(value),
            Param::Map(_) => None,
        }
    }

    /// The children of a map, or `None` for a value.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Param>> {
        match self {
            Param::Map(map) => Some(map),
            Param::Value(_) => None,
        }
    }

    /// The children of a map keyed by array indexes, in index order; `None` when
    /// this is a value or a key is not a whole number.
    pub fn as_list(&self) -> Option<Vec<&Param>> {
        let map = self.as_map()?;
        let mut indexed = map
            .iter()
            .map(|(key, value)| key.parse::<u32>().ok().map(|index| (index, value)))
            .collect::<Option<Vec<_>>>()?;
        indexed.sort_by_key(|(index, _)| *index);
        Some(indexed.into_iter().map(|(_, value)| value).collect())
    }
}

/// Decodes a whole form body or query string into its top-level parameters.
/// A form field's text, trimmed; empty when it is absent.
pub fn text(params: &BTreeMap<String, Param>, key: &str) -> String {
    params
        .get(key)
        .and_then(Param::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

pub fn decode(input: &[u8]) -> Result<BTreeMap<String, Param>, FormError> {
    let mut root = BTreeMap::new();
    if input.is_empty() {
        return Ok(root);
    }
    if input.split(|b| *b == b'&').nth(MAX_PAIRS).is_some() {
        return Err(form_error("Too many parameters in one request.", None));
    }
    for pair in input.split(|b| *b == b'&') {
        if pair.is_empty() {
            continue;
        }
        let (raw_key, raw_value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        let key = percent_decode(raw_key)?;
        let value = percent_decode(raw_value)?;
        let path = split_key(&key)?;
        insert(&mut root, &key, &path, value)?;
    }
    Ok(root)
}

/// `+` is a space; `%XX` is a byte; the result must be UTF-8.
fn percent_decode(raw: &[u8]) -> Result<String, FormError> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut at = 0;
    while at < raw.len() {
        match raw[at] {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = raw
                    .get(at + 1..at + 3)
                    .and_then(|pair| std::str::from_utf8(pair).ok())
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok());
                match hex {
                    Some(byte) => {
                        bytes.push(byte);
                        at += 2;
                    }
                    // A lone `%` is kept, as browsers and Stripe do.
                    None => bytes.push(b'%'),
                }
            }
            byte => bytes.push(byte),
        }
        at += 1;
    }
    String::from_utf8(bytes)
        .map_err(|_| form_error("The request body is not valid UTF-8 text.", None))
}

/// A segment of a key path: a name, or `[]` (append).
#[derive(Debug, PartialEq, Eq)]
enum Segment<'a> {
    Name(&'a str),
    Append,
}

/// `a[b][0][]` -> `a`, `b`, `0`, append.
fn split_key(key: &str) -> Result<Vec<Segment<'_>>, FormError> {
    let invalid = || form_error(format!("Invalid parameter name: {key}"), Some(key));
    let (head, mut rest) = match key.find('[') {
        Some(at) => (&key[..at], &key[at..]),
        None => (key, ""),
    };
    if head.is_empty() || head.contains(']') {
        return Err(invalid());
    }
    let mut path = vec![Segment::Name(head)];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(invalid)?;
        let close = inner.find(']').ok_or_else(invalid)?;
        let name = &inner[..close];
        if name.contains('[') {
            return Err(invalid());
        }
        path.push(if name.is_empty() {
            Segment::Append
        } else {
            Segment::Name(name)
        });
        rest = &inner[close + 1..];
    }
    if path.len() > MAX_DEPTH {
        return Err(form_error(
            format!("Invalid parameter name: {key} nests too deeply"),
            Some(key),
        ));
    }
    Ok(path)
}

fn insert(
    map: &mut BTreeMap<String, Param>,
    key: &str,
    path: &[Segment<'_>],
    value: String,
) -> Result<(), FormError> {
    let conflict = || {
        form_error(
            format!("Invalid parameters: {key} is given both as a value and as a hash."),
            Some(key),
        )
    };
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    let name = match first {
        Segment::Name(name) => (*name).to_owned(),
        Segment::Append => map.len().to_string(),
    };
    if rest.is_empty() {
        return match map.get(&name) {
            Some(Param::Map(_)) => Err(conflict()),
            // A repeated key keeps the last value.
            _ => {
                map.insert(name, Param::Value(value));
                Ok(())
            }
        };
    }
    let child = map
        .entry(name)
        .or_insert_with(|| Param::Map(BTreeMap::new()));
    match child {
        Param::Map(children) => insert(children, key, rest, value),
        Param::Value(_) => Err(conflict()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(params: &BTreeMap<String, Param>, path: &[&str]) -> Option<String> {
        let (first, rest) = path.split_first()?;
        let mut node = params.get(*first)?;
        for key in rest {
            node = node.as_map()?.get(*key)?;
        }
        node.as_str().map(str::to_owned)
    }

    #[test]
    fn decodes_the_body_stripes_sdks_send() {
        let body = include_bytes!("../../tests/fixtures/stripe/sdk_create_session_body.txt");
        let params = decode(body.trim_ascii_end()).unwrap();
        assert_eq!(value(&params, &["mode"]).as_deref(), Some("payment"));
        assert_eq!(
            value(&params, &["line_items", "0", "price_data", "unit_amount"]).as_deref(),
            Some("1999")
        );
        assert_eq!(
            value(
                &params,
                &["line_items", "0", "price_data", "product_data", "name"]
            )
            .as_deref(),
            Some("Mug")
        );
        assert_eq!(
            value(&params, &["success_url"]).as_deref(),
            Some("http://localhost:8080/success?session_id={CHECKOUT_SESSION_ID}")
        );
        assert_eq!(
            value(&params, &["metadata", "cart_id"]).as_deref(),
            Some("cart_abc")
        );
    }

    #[test]
    fn percent_encoded_brackets_mean_the_same_as_raw_ones() {
        let raw = decode(b"expand[0]=line_items&expand[1]=payment_intent").unwrap();
        let encoded = decode(b"expand%5B0%5D=line_items&expand%5B1%5D=payment_intent").unwrap();
        assert_eq!(raw, encoded);
        let list: Vec<_> = raw["expand"]
            .as_list()
            .unwrap()
            .into_iter()
            .filter_map(Param::as_str)
            .collect();
        assert_eq!(list, ["line_items", "payment_intent"]);
    }

    #[test]
    fn empty_brackets_append_in_order() {
        let params = decode(b"expand[]=b&expand[]=a").unwrap();
        let list: Vec<_> = params["expand"]
            .as_list()
            .unwrap()
            .into_iter()
            .filter_map(Param::as_str)
            .collect();
        assert_eq!(list, ["b", "a"]);
    }

    #[test]
    fn indexes_sort_as_numbers_not_text() {
        let body: Vec<String> = (0..12)
            .rev()
            .map(|i| format!("line_items[{i}][quantity]={i}"))
            .collect();
        let params = decode(body.join("&").as_bytes()).unwrap();
        let quantities: Vec<_> = params["line_items"]
            .as_list()
            .unwrap()
            .into_iter()
            .map(|item| {
                item.as_map().unwrap()["quantity"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let expected: Vec<String> = (0..12).map(|i| i.to_string()).collect();
        assert_eq!(quantities, expected);
    }

    #[test]
    fn plus_is_a_space_and_percent_escapes_decode() {
        let params = decode(b"name=Blue+mug%20%E2%82%AC&empty=&bare").unwrap();
        assert_eq!(
            value(&params, &["name"]).as_deref(),
            Some("Blue mug \u{20ac}")
        );
        assert_eq!(value(&params, &["empty"]).as_deref(), Some(""));
        assert_eq!(value(&params, &["bare"]).as_deref(), Some(""));
    }

    #[test]
    fn malformed_keys_and_conflicts_are_refused_with_the_key_named() {
        for body in [
            &b"a[b=1"[..],
            b"[a]=1",
            b"a]=1",
            b"a[b]c=1",
            b"a[[b]]=1",
            b"a=1&a[b]=2",
            b"a[b]=2&a=1",
            b"a[b][c][d][e][f][g][h][i]=1",
        ] {
            let err = decode(body).unwrap_err();
            assert!(err.param.is_some(), "{err:?} for {body:?}");
            assert!(err.message.contains("a"), "{err:?}");
        }
    }

    #[test]
    fn invalid_utf8_is_refused() {
        assert!(decode(b"name=%FF%FE").is_err());
        assert!(decode(b"name=\xff").is_err());
    }

    #[test]
    fn a_lone_percent_sign_is_kept() {
        let params = decode(b"note=100%&x=%zz").unwrap();
        assert_eq!(value(&params, &["note"]).as_deref(), Some("100%"));
        assert_eq!(value(&params, &["x"]).as_deref(), Some("%zz"));
    }

    #[test]
    fn a_non_numeric_index_is_not_a_list() {
        let params = decode(b"line_items[first][quantity]=1").unwrap();
        assert!(params["line_items"].as_list().is_none());
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// A parameter tree no deeper than Stripe's, with non-empty maps.
        fn tree() -> impl Strategy<Value = Param> {
            let leaf = ".{0,12}".prop_map(Param::Value);
            leaf.prop_recursive(5, 24, 4, |inner| {
                prop::collection::btree_map("[a-z0-9_]{1,6}", inner, 1..4).prop_map(Param::Map)
            })
        }

        fn pairs(prefix: &str, param: &Param, raw_brackets: bool, out: &mut Vec<String>) {
            match param {
                Param::Value(value) => {
                    let value: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
                    out.push(format!("{prefix}={value}"));
                }
                Param::Map(children) => {
                    for (name, child) in children {
                        let key = if raw_brackets {
                            format!("{prefix}[{name}]")
                        } else {
                            format!("{prefix}%5B{name}%5D")
                        };
                        pairs(&key, child, raw_brackets, out);
                    }
                }
            }
        }

        fn encode(params: &BTreeMap<String, Param>, raw_brackets: bool) -> Vec<String> {
            let mut out = Vec::new();
            for (name, param) in params {
                pairs(name, param, raw_brackets, &mut out);
            }
            out
        }

        proptest! {
            // Whatever arrives, the decoder answers: a tree or a sentence.
            #[test]
            fn any_bytes_decode_or_are_refused(body in prop::collection::vec(any::<u8>(), 0..400)) {
                if let Err(error) = decode(&body) {
                    prop_assert!(!error.message.is_empty());
                }
            }

            #[test]
            fn any_bracket_soup_decodes_or_is_refused(body in "([a-z0-9]{0,3}[\\[\\]=&%+]{0,3}){0,40}") {
                if let Err(error) = decode(body.as_bytes()) {
                    prop_assert!(!error.message.is_empty());
                }
            }

            // What an SDK encodes comes back as the same tree, with raw or
            // %-encoded brackets and in any order of pairs.
            #[test]
            fn encoded_trees_decode_to_themselves(
                params in prop::collection::btree_map("[a-z_]{1,8}", tree(), 0..5),
                raw_brackets in any::<bool>(),
                order in any::<prop::sample::Index>(),
            ) {
                let mut body = encode(&params, raw_brackets);
                if !body.is_empty() {
                    let at = order.index(body.len());
                    body.rotate_left(at);
                }
                let body = body.join("&");
                prop_assert_eq!(decode(body.as_bytes()), Ok(params));
            }
        }
    }
}
