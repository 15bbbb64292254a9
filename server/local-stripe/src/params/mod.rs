//! Each endpoint's parameters as a typed struct, read from Stripe's bracket form
//! with serde: `deny_unknown_fields` answers Stripe's `parameter_unknown`, a
//! missing field `parameter_missing`, and text that is not a number
//! `parameter_invalid_integer`, each naming the parameter as Stripe does
//! (`line_items[0][price_data][currency]`).

mod de;
pub mod session;
pub mod shipping;

use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

use crate::error::ApiError;
use crate::form::Param;
use de::{Form, Problem};

/// Which related objects a response should embed instead of naming by id.
#[derive(Clone, Copy, Debug, Default)]
pub struct Expand {
    pub line_items: bool,
    pub payment_intent: bool,
    /// `discounts.promotion_code`: each discount's promotion code object.
    pub promotion_code: bool,
    /// `total_details.breakdown`: the discounts and taxes behind the totals.
    pub breakdown: bool,
    /// `shipping_cost.shipping_rate`: the chosen rate object.
    pub shipping_rate: bool,
}

impl Expand {
    /// Reads `expand[]` from the request's parameters.
    pub fn from_params(params: &BTreeMap<String, Param>) -> Result<Self, ApiError> {
        let mut expand = Self::default();
        let Some(list) = params.get("expand") else {
            return Ok(expand);
        };
        let items = list
            .as_list()
            .ok_or_else(|| ApiError::invalid_param("expand", "Invalid array: expand"))?;
        for item in items {
            match item.as_str() {
                Some("line_items") => expand.line_items = true,
                Some("payment_intent") => expand.payment_intent = true,
                Some("discounts.promotion_code") => expand.promotion_code = true,
                Some("total_details.breakdown") => expand.breakdown = true,
                Some("shipping_cost.shipping_rate") => expand.shipping_rate = true,
                Some(other) => {
                    return Err(ApiError::invalid_param(
                        "expand",
                        format!(
                            "This property cannot be expanded ({other}). The local Stripe expands line_items, payment_intent, discounts.promotion_code, total_details.breakdown and shipping_cost.shipping_rate."
                        ),
                    ))
                }
                None => return Err(ApiError::invalid_param("expand", "Invalid array: expand")),
            }
        }
        Ok(expand)
    }
}

/// Reads `params` as `T`, or answers Stripe's error for the first problem.
pub fn read<T: DeserializeOwned>(params: &BTreeMap<String, Param>) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(Form(params)).map_err(|err| {
        let at = stripe_path(err.path());
        stripe_error(&at, err.into_inner())
    })
}

/// `line_items[0][price_data]` from serde's path `line_items.0.price_data`.
fn stripe_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut name = String::new();
    for segment in path.iter() {
        let part = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => continue,
        };
        if name.is_empty() {
            name = part;
        } else {
            name.push('[');
            name.push_str(&part);
            name.push(']');
        }
    }
    name
}

/// `parent[child]`, or `child` at the top.
pub fn child(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}[{child}]")
    }
}

fn stripe_error(at: &str, problem: Problem) -> ApiError {
    match problem {
        Problem::Unknown => ApiError::unknown(at),
        Problem::Missing(field) => ApiError::missing(&child(at, field)),
        Problem::NotInteger(text) => {
            ApiError::invalid_integer(at, format!("Invalid integer: {text}"))
        }
        Problem::NotBoolean(text) => {
            ApiError::invalid_param(at, format!("Invalid boolean: {text}"))
        }
        Problem::NotString => ApiError::invalid_param(
            at,
            format!("Invalid string: {at} must be a string, not a hash."),
        ),
        Problem::NotHash => {
            ApiError::invalid_param(at, format!("Invalid object: {at} must be a hash."))
        }
        Problem::NotArray => ApiError::invalid_param(at, format!("Invalid array: {at}")),
        Problem::NotOneOf(value, allowed) => ApiError::invalid_param(
            at,
            format!(
                "Invalid {at}: must be one of {} (got {value}).",
                allowed.join(", ")
            ),
        ),
        Problem::Other(message) => ApiError::invalid_param(at, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Line {
        quantity: i64,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Request {
        name: String,
        #[serde(default)]
        lines: Vec<Line>,
        #[serde(default)]
        metadata: BTreeMap<String, String>,
        flag: Option<bool>,
    }

    fn read_body(body: &str) -> Result<Request, ApiError> {
        read(&crate::form::decode(body.as_bytes()).unwrap())
    }

    #[test]
    fn a_form_reads_as_its_struct() {
        let request = read_body(
            "name=a&lines[0][quantity]=2&lines[1][quantity]=3&lines[1][tags][]=x&lines[1][tags][]=y&metadata[k]=v&flag=true",
        )
        .unwrap();
        assert_eq!(request.name, "a");
        assert_eq!(
            request.lines[1],
            Line {
                quantity: 3,
                tags: vec!["x".into(), "y".into()]
            }
        );
        assert_eq!(request.metadata["k"], "v");
        assert_eq!(request.flag, Some(true));
        assert_eq!(read_body("name=a&metadata=").unwrap().metadata.len(), 0);
    }

    #[test]
    fn problems_name_the_parameter_as_stripe_does() {
        let err = read_body("name=a&lines[0][quantity]=2&lines[0][colour]=red").unwrap_err();
        assert_eq!(err.code, Some("parameter_unknown"));
        assert_eq!(err.param.as_deref(), Some("lines[0][colour]"));

        let err = read_body("name=a&lines[0][tags][]=x").unwrap_err();
        assert_eq!(err.code, Some("parameter_missing"));
        assert_eq!(err.param.as_deref(), Some("lines[0][quantity]"));

        let err = read_body("name=a&lines[0][quantity]=two").unwrap_err();
        assert_eq!(err.code, Some("parameter_invalid_integer"));
        assert_eq!(err.param.as_deref(), Some("lines[0][quantity]"));
        assert_eq!(err.message, "Invalid integer: two");

        let err = read_body("name[x]=a").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("name"));
        assert_eq!(
            err.message,
            "Invalid string: name must be a string, not a hash."
        );

        let err = read_body("name=a&metadata=x").unwrap_err();
        assert_eq!(err.message, "Invalid object: metadata must be a hash.");

        let err = read_body("name=a&lines=x").unwrap_err();
        assert_eq!(err.message, "Invalid array: lines");

        let err = read_body("lines[0][quantity]=1").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("name"));
    }
}
