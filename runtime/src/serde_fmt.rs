//! Wire formats that differ from serde's defaults, for use in `#[serde(with = ...)]` and
//! `#[serde(deserialize_with = ...)]` attributes of generated shapes.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::primitives::{DateTime, DateTimeParseError};

/// A text format for timestamps, chosen by `timestampFormat`.
pub trait TextFormat {
    /// The format's name, for errors.
    const NAME: &'static str;
    /// The timestamp as text; `None` when the format cannot show it.
    fn write(t: &DateTime) -> Option<String>;
    /// Reads the text.
    fn read(text: &str) -> Result<DateTime, DateTimeParseError>;
}

/// RFC 3339 (`timestampFormat: date-time`).
#[derive(Debug, Clone, Copy)]
pub struct Rfc3339;

impl TextFormat for Rfc3339 {
    const NAME: &'static str = "RFC 3339";
    fn write(t: &DateTime) -> Option<String> {
        t.to_rfc3339()
    }
    fn read(text: &str) -> Result<DateTime, DateTimeParseError> {
        DateTime::parse_rfc3339(text)
    }
}

/// IMF-fixdate (`timestampFormat: http-date`).
#[derive(Debug, Clone, Copy)]
pub struct HttpDate;

impl TextFormat for HttpDate {
    const NAME: &'static str = "HTTP date";
    fn write(t: &DateTime) -> Option<String> {
        t.to_http_date()
    }
    fn read(text: &str) -> Result<DateTime, DateTimeParseError> {
        DateTime::parse_http_date(text)
    }
}

/// One timestamp in the text format `F`, so that collections of them can use serde's own
/// list, map and `null` handling.
struct Text<F>(DateTime, PhantomData<F>);

impl<F> Text<F> {
    fn new(t: DateTime) -> Self {
        Self(t, PhantomData)
    }
}

impl<F: TextFormat> Serialize for Text<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match F::write(&self.0) {
            Some(text) => s.serialize_str(&text),
            None => Err(serde::ser::Error::custom(format_args!(
                "timestamp outside {} range",
                F::NAME
            ))),
        }
    }
}

impl<'de, F: TextFormat> Deserialize<'de> for Text<F> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor<F>(PhantomData<F>);

        impl<F: TextFormat> Visitor<'_> for TextVisitor<F> {
            type Value = Text<F>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a timestamp as an {} string", F::NAME)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                F::read(v).map(Text::new).map_err(E::custom)
            }
        }

        d.deserialize_str(TextVisitor(PhantomData))
    }
}

/// A field whose timestamps travel as text: one optional timestamp, or a list or map of them,
/// dense or sparse, optional or with a default. Dense collections drop the `null`s a service may
/// send; a `null` in place of a field with a default reads as empty.
pub trait Timestamps: Sized {
    /// Writes the timestamps in the format `F`.
    fn serialize_as<F: TextFormat, S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
    /// Reads the timestamps in the format `F`.
    fn deserialize_as<'de, F: TextFormat, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

impl Timestamps for Option<DateTime> {
    fn serialize_as<F: TextFormat, S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.map(Text::<F>::new).serialize(s)
    }
    fn deserialize_as<'de, F: TextFormat, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<Text<F>>::deserialize(d)?.map(|t| t.0))
    }
}

/// The collections of timestamps a field can hold, with or without an `Option` around them.
pub trait TimestampCollection: Sized {
    /// Writes the collection in the format `F`.
    fn serialize_items<F: TextFormat, S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
    /// Reads the collection in the format `F`; `null` reads as absent.
    fn deserialize_items<'de, F: TextFormat, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Self>, D::Error>;
}

impl TimestampCollection for Vec<DateTime> {
    fn serialize_items<F: TextFormat, S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(|t| Text::<F>::new(*t)))
    }
    fn deserialize_items<'de, F: TextFormat, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        Ok(dense_list::<Text<F>, D>(d)?.map(|items| items.into_iter().map(|t| t.0).collect()))
    }
}

impl TimestampCollection for Vec<Option<DateTime>> {
    fn serialize_items<F: TextFormat, S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(|t| t.map(Text::<F>::new)))
    }
    fn deserialize_items<'de, F: TextFormat, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        Ok(Option::<Vec<Option<Text<F>>>>::deserialize(d)?
            .map(|items| items.into_iter().map(|t| t.map(|t| t.0)).collect()))
    }
}

impl TimestampCollection for HashMap<String, DateTime> {
    fn serialize_items<F: TextFormat, S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, t)| (k, Text::<F>::new(*t))))
    }
    fn deserialize_items<'de, F: TextFormat, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        Ok(dense_map::<Text<F>, D>(d)?
            .map(|items| items.into_iter().map(|(k, t)| (k, t.0)).collect()))
    }
}

impl TimestampCollection for HashMap<String, Option<DateTime>> {
    fn serialize_items<F: TextFormat, S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, t)| (k, t.map(Text::<F>::new))))
    }
    fn deserialize_items<'de, F: TextFormat, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        Ok(
            Option::<HashMap<String, Option<Text<F>>>>::deserialize(d)?.map(|items| {
                items
                    .into_iter()
                    .map(|(k, t)| (k, t.map(|t| t.0)))
                    .collect()
            }),
        )
    }
}

/// A collection written through [`TimestampCollection`], for `serialize_some`.
struct Items<'a, F, T>(&'a T, PhantomData<F>);

impl<F: TextFormat, T: TimestampCollection> Serialize for Items<'_, F, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_items::<F, S>(s)
    }
}

/// An optional collection: absent when `null`.
impl<T: TimestampCollection> Timestamps for Option<T> {
    fn serialize_as<F: TextFormat, S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            None => s.serialize_none(),
            Some(items) => s.serialize_some(&Items::<F, T>(items, PhantomData)),
        }
    }
    fn deserialize_as<'de, F: TextFormat, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_items::<F, D>(d)
    }
}

/// A collection with a modelled default (empty): `null` reads as empty.
macro_rules! defaulted_collection {
    ($($ty:ty),*) => {$(
        impl Timestamps for $ty {
            fn serialize_as<F: TextFormat, S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.serialize_items::<F, S>(s)
            }
            fn deserialize_as<'de, F: TextFormat, D: Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                Ok(Self::deserialize_items::<F, D>(d)?.unwrap_or_default())
            }
        }
    )*};
}

defaulted_collection!(
    Vec<DateTime>,
    Vec<Option<DateTime>>,
    HashMap<String, DateTime>,
    HashMap<String, Option<DateTime>>
);

/// Timestamps as RFC 3339 strings (`timestampFormat: date-time`): an `Option<DateTime>`, or a
/// list or map of them (see [`Timestamps`]).
pub mod date_time {
    use super::*;

    /// Writes the timestamps as RFC 3339.
    pub fn serialize<T: Timestamps, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        value.serialize_as::<Rfc3339, S>(s)
    }

    /// Reads RFC 3339 strings; `null` reads as absent (or empty, for a field with a default).
    pub fn deserialize<'de, T: Timestamps, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        T::deserialize_as::<Rfc3339, D>(d)
    }
}

/// Timestamps as IMF-fixdate strings (`timestampFormat: http-date`): an `Option<DateTime>`, or
/// a list or map of them (see [`Timestamps`]).
pub mod http_date {
    use super::*;

    /// Writes the timestamps as HTTP dates.
    pub fn serialize<T: Timestamps, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        value.serialize_as::<HttpDate, S>(s)
    }

    /// Reads HTTP date strings; `null` reads as absent (or empty, for a field with a default).
    pub fn deserialize<'de, T: Timestamps, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        T::deserialize_as::<HttpDate, D>(d)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Stamps {
        #[serde(default, with = "date_time")]
        list: Option<Vec<DateTime>>,
        #[serde(default, with = "http_date")]
        map: HashMap<String, Option<DateTime>>,
    }

    #[test]
    fn a_timestamp_the_format_cannot_show_fails_the_whole_collection() {
        // The first instant of year 10000: past RFC 3339's four-digit years.
        let late = DateTime::from_secs(253_402_300_800);
        let stamps = Stamps {
            list: Some(vec![DateTime::from_secs(0), late]),
            map: HashMap::new(),
        };
        let err = serde_json::to_string(&stamps).expect_err("year 10000 has no RFC 3339 form");
        assert!(err.to_string().contains("outside RFC 3339 range"), "{err}");
    }

    #[test]
    fn parse_errors_name_the_expected_format() {
        let err = serde_json::from_str::<Stamps>(r#"{"map": {"a": 1}}"#).expect_err("a number");
        assert!(err.to_string().contains("HTTP date"), "{err}");
        let read: Stamps = serde_json::from_str(r#"{"list": null, "map": null}"#).expect("nulls");
        assert_eq!(
            read,
            Stamps {
                list: None,
                map: HashMap::new()
            }
        );
    }
}
