//! A serde `Deserializer` over a decoded Stripe form, so each endpoint's
//! parameters are a plain struct with `deny_unknown_fields`.
//!
//! Everything in a form is text: numbers and booleans are parsed where the struct
//! asks for them, arrays are maps keyed `0`, `1`, ... (`expand[]=a` appends), and
//! an empty value (`metadata=`) reads as an empty hash or array, as at Stripe.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

use crate::form::Param;

/// Why a form could not be read as the parameters asked for. The caller adds
/// where (the parameter's path) and turns it into Stripe's error.
#[derive(Debug, PartialEq, Eq)]
pub enum Problem {
    /// A parameter the endpoint does not take.
    Unknown,
    /// A required parameter, by its name under the current path.
    Missing(&'static str),
    NotInteger(String),
    NotBoolean(String),
    /// A hash where text belongs.
    NotString,
    /// Text where a hash belongs.
    NotHash,
    /// Neither a list nor empty where an array belongs.
    NotArray,
    /// A value outside the allowed set (an enum's variants).
    NotOneOf(String, &'static [&'static str]),
    Other(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for Problem {}

impl de::Error for Problem {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::Other(msg.to_string())
    }

    fn unknown_field(_field: &str, _expected: &'static [&'static str]) -> Self {
        Self::Unknown
    }

    fn missing_field(field: &'static str) -> Self {
        Self::Missing(field)
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::NotOneOf(variant.to_owned(), expected)
    }
}

/// The top level of a form: a hash of parameters.
pub struct Form<'a>(pub &'a BTreeMap<String, Param>);

impl<'de> de::Deserializer<'de> for Form<'de> {
    type Error = Problem;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        visitor.visit_map(Entries {
            entries: self.0.iter(),
            value: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// One parameter, a value or a hash.
pub struct Field<'a>(pub &'a Param);

impl<'a> Field<'a> {
    fn text(&self) -> Result<&'a str, Problem> {
        match self.0 {
            Param::Value(value) => Ok(value),
            Param::Map(_) => Err(Problem::NotString),
        }
    }
}

macro_rules! parse_number {
    ($($method:ident => $visit:ident as $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
            let text = self.text()?;
            let number: $ty = text
                .trim()
                .parse()
                .map_err(|_| Problem::NotInteger(text.to_owned()))?;
            visitor.$visit(number)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Field<'de> {
    type Error = Problem;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        match self.0 {
            Param::Value(value) => visitor.visit_borrowed_str(value),
            Param::Map(map) => Form(map).deserialize_any(visitor),
        }
    }

    parse_number! {
        deserialize_i8 => visit_i64 as i64,
        deserialize_i16 => visit_i64 as i64,
        deserialize_i32 => visit_i64 as i64,
        deserialize_i64 => visit_i64 as i64,
        deserialize_u8 => visit_u64 as u64,
        deserialize_u16 => visit_u64 as u64,
        deserialize_u32 => visit_u64 as u64,
        deserialize_u64 => visit_u64 as u64,
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        match self.text()? {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            other => Err(Problem::NotBoolean(other.to_owned())),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        visitor.visit_borrowed_str(self.text()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        self.deserialize_str(visitor)
    }

    /// Present is `Some`; an absent parameter never reaches here.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Problem> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        match self.0 {
            Param::Value(value) if value.is_empty() => {
                visitor.visit_seq(Items(Vec::new().into_iter()))
            }
            Param::Value(_) => Err(Problem::NotArray),
            Param::Map(_) => {
                let items = self.0.as_list().ok_or(Problem::NotArray)?;
                visitor.visit_seq(Items(items.into_iter()))
            }
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        match self.0 {
            Param::Map(map) => Form(map).deserialize_any(visitor),
            Param::Value(value) if value.is_empty() => visitor.visit_map(Entries {
                entries: std::collections::btree_map::Iter::default(),
                value: None,
            }),
            Param::Value(_) => Err(Problem::NotHash),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Problem> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Problem> {
        visitor.visit_enum(de::value::BorrowedStrDeserializer::<Problem>::new(
            self.text()?,
        ))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 f64 char bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

/// The entries of a hash, keys first.
struct Entries<'a> {
    entries: std::collections::btree_map::Iter<'a, String, Param>,
    value: Option<&'a Param>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Problem;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Problem> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(de::value::BorrowedStrDeserializer::<Problem>::new(key))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Problem> {
        let value = self
            .value
            .take()
            .ok_or_else(|| Problem::Other("a value was read before its key".to_owned()))?;
        seed.deserialize(Field(value))
    }
}

/// The items of an array, in index order.
struct Items<'a>(std::vec::IntoIter<&'a Param>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Problem;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Problem> {
        match self.0.next() {
            Some(item) => seed.deserialize(Field(item)).map(Some),
            None => Ok(None),
        }
    }
}
