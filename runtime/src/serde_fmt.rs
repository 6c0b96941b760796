//! Wire formats that differ from serde's defaults, for use in `#[serde(with = ...)]` and
//! `#[serde(deserialize_with = ...)]` attributes of generated shapes.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::primitives::DateTime;

/// `Option<DateTime>` as an RFC 3339 string (`timestampFormat: date-time`).
pub mod date_time {
    use super::*;

    /// Writes the timestamp as RFC 3339.
    pub fn serialize<S: Serializer>(value: &Option<DateTime>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            None => s.serialize_none(),
            Some(v) => match v.to_rfc3339() {
                Some(text) => s.serialize_str(&text),
                None => Err(serde::ser::Error::custom(
                    "timestamp outside RFC 3339 range",
                )),
            },
        }
    }

    /// Reads an RFC 3339 string; `null` reads as absent.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| DateTime::parse_rfc3339(&t).map_err(de::Error::custom))
            .transpose()
    }
}

/// `Option<DateTime>` as an IMF-fixdate string (`timestampFormat: http-date`).
pub mod http_date {
    use super::*;

    /// Writes the timestamp as an HTTP date.
    pub fn serialize<S: Serializer>(value: &Option<DateTime>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            None => s.serialize_none(),
            Some(v) => match v.to_http_date() {
                Some(text) => s.serialize_str(&text),
                None => Err(serde::ser::Error::custom(
                    "timestamp outside HTTP date range",
                )),
            },
        }
    }

    /// Reads an HTTP date string; `null` reads as absent.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| DateTime::parse_http_date(&t).map_err(de::Error::custom))
            .transpose()
    }
}

/// A floating-point number whose non-finite values travel as `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub trait WireFloat: Copy + Sized {
    /// Converts from `f64` (narrowing for `f32`).
    fn from_f64(v: f64) -> Self;
    /// Widens to `f64`.
    fn to_f64(self) -> f64;
}

impl WireFloat for f32 {
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

impl WireFloat for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }
    fn to_f64(self) -> f64 {
        self
    }
}

fn serialize_float<S: Serializer>(v: f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_nan() {
        s.serialize_str("NaN")
    } else if v == f64::INFINITY {
        s.serialize_str("Infinity")
    } else if v == f64::NEG_INFINITY {
        s.serialize_str("-Infinity")
    } else {
        s.serialize_f64(v)
    }
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v {
            "NaN" => Ok(Some(f64::NAN)),
            "Infinity" => Ok(Some(f64::INFINITY)),
            "-Infinity" => Ok(Some(f64::NEG_INFINITY)),
            other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// `Option<f32>` / `Option<f64>` with non-finite values as strings.
pub mod float_opt {
    use super::*;

    /// Writes the number.
    pub fn serialize<T: WireFloat, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(v) => serialize_float(v.to_f64(), s),
        }
    }

    /// Reads the number; `null` reads as absent.
    pub fn deserialize<'de, T: WireFloat, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        Ok(d.deserialize_any(FloatVisitor)?.map(T::from_f64))
    }
}

/// `f32` / `f64` members that have a default, with non-finite values as strings.
pub mod float {
    use super::*;

    /// Writes the number.
    pub fn serialize<T: WireFloat, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        serialize_float(v.to_f64(), s)
    }

    /// Reads the number; `null` reads as the default zero.
    pub fn deserialize<'de, T: WireFloat, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        Ok(T::from_f64(d.deserialize_any(FloatVisitor)?.unwrap_or(0.0)))
    }
}

/// Reads `null` as the type's default: for members that have a modelled default.
pub fn null_as_default<'de, T, D>(d: D) -> Result<T, D::Error>
where
    T: Deserialize<'de> + Default,
    D: Deserializer<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Reads a dense list, dropping `null` entries the service may send, in one pass.
pub fn dense_list<'de, T, D>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    struct DenseVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for DenseVisitor<T> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list or null")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_seq(self)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element::<Option<T>>()? {
                items.extend(item);
            }
            Ok(Some(items))
        }
    }

    d.deserialize_option(DenseVisitor(std::marker::PhantomData))
}

/// Reads a string enum without allocating for known values: the text is borrowed from the
/// input (or a transient buffer) and handed to the enum's `From<&str>`.
pub fn enum_from_str<'de, T, D>(d: D) -> Result<T, D::Error>
where
    T: for<'a> From<&'a str>,
    D: Deserializer<'de>,
{
    struct EnumVisitor<T>(std::marker::PhantomData<T>);

    impl<T: for<'a> From<&'a str>> Visitor<'_> for EnumVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an enum value as a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
    }

    d.deserialize_str(EnumVisitor(std::marker::PhantomData))
}

/// Reads a dense map, dropping entries whose value is `null`.
pub fn dense_map<'de, T, D>(d: D) -> Result<Option<HashMap<String, T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Ok(
        Option::<HashMap<String, Option<T>>>::deserialize(d)?.map(|items| {
            items
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?)))
                .collect()
        }),
    )
}

/// Serializes any value as JSON bytes; `{}` for an empty input.
pub fn to_body<T: Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(value)
}

/// Reads a union: a JSON object with exactly one non-null member (`__type` ignored), returned
/// as its key and value for the generated code to dispatch on.
pub fn union_member<'de, D: Deserializer<'de>>(
    d: D,
    union: &str,
) -> Result<(String, serde_json::Value), D::Error> {
    let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
    let mut set = map
        .into_iter()
        .filter(|(k, v)| k != "__type" && !v.is_null());
    match (set.next(), set.next()) {
        (Some(entry), None) => Ok(entry),
        (None, _) => Err(de::Error::custom(format!(
            "union {union} has no member set"
        ))),
        (Some((a, _)), Some((b, _))) => Err(de::Error::custom(format!(
            "union {union} has more than one member set ({a}, {b})"
        ))),
    }
}
