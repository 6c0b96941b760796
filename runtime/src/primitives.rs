//! Value types that generated shapes are built from.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A JSON document (Smithy `document`): any JSON value.
pub type Document = serde_json::Value;

/// An instant in time with nanosecond precision, as exchanged with the service.
///
/// On the wire of awsJson protocols it is epoch seconds, fractional allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    seconds: i64,
    subsec_nanos: u32,
}

impl DateTime {
    /// From whole seconds since the Unix epoch.
    pub const fn from_secs(seconds: i64) -> Self {
        Self {
            seconds,
            subsec_nanos: 0,
        }
    }

    /// From seconds and nanoseconds since the epoch; `subsec_nanos` must be below one billion.
    pub fn from_secs_and_nanos(seconds: i64, subsec_nanos: u32) -> Self {
        assert!(subsec_nanos < 1_000_000_000, "subsec_nanos out of range");
        Self {
            seconds,
            subsec_nanos,
        }
    }

    /// From milliseconds since the epoch.
    pub fn from_millis(millis: i64) -> Self {
        Self {
            seconds: millis.div_euclid(1000),
            subsec_nanos: (millis.rem_euclid(1000) as u32) * 1_000_000,
        }
    }

    /// From fractional epoch seconds, rounded to the microsecond so that decimal fractions
    /// such as `1.123` read back exactly.
    pub fn from_secs_f64(value: f64) -> Option<Self> {
        if !value.is_finite() || value.abs() > 1e15 {
            return None;
        }
        // The service wrote a decimal number: split the shortest decimal that reads back as
        // `value` rather than scaling in binary, which adds a microsecond of noise to instants
        // after 2106 (and overflowed i64 above 9.2e12 s).
        // Formatted on the stack: this runs for every timestamp of every response.
        let mut buffer = StackText::default();
        fmt::Write::write_fmt(&mut buffer, format_args!("{}", value.abs())).ok()?;
        let text = buffer.as_str();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let whole: i128 = whole.parse().ok()?;
        let digit = |i: usize| i128::from(fraction.as_bytes().get(i).map_or(0, |b| b - b'0'));
        let mut micros = (0..6).fold(0, |acc, i| acc * 10 + digit(i));
        if digit(6) >= 5 {
            micros += 1;
        }
        let mut total = whole * 1_000_000 + micros;
        if value < 0.0 {
            total = -total;
        }
        Some(Self {
            seconds: i64::try_from(total.div_euclid(1_000_000)).ok()?,
            subsec_nanos: (total.rem_euclid(1_000_000) as u32) * 1000,
        })
    }

    /// Whole seconds since the epoch (floor).
    pub fn secs(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds past [`secs`](Self::secs).
    pub fn subsec_nanos(&self) -> u32 {
        self.subsec_nanos
    }

    /// Milliseconds since the epoch (floor).
    pub fn to_millis(&self) -> i64 {
        self.seconds * 1000 + i64::from(self.subsec_nanos / 1_000_000)
    }

    /// Fractional seconds since the epoch: the double nearest to the instant.
    pub fn as_secs_f64(&self) -> f64 {
        // Through the exact decimal: adding the parts in binary rounds twice, and the result
        // may print as `4482308465.520001` instead of `4482308465.52`.
        let (negative, whole, nanos) = match (self.seconds < 0, self.subsec_nanos) {
            (false, nanos) => (false, self.seconds.unsigned_abs(), nanos),
            (true, 0) => (true, self.seconds.unsigned_abs(), 0),
            (true, nanos) => (
                true,
                (self.seconds + 1).unsigned_abs(),
                1_000_000_000 - nanos,
            ),
        };
        let sign = if negative { "-" } else { "" };
        format!("{sign}{whole}.{nanos:09}")
            .parse()
            .unwrap_or(self.seconds as f64 + f64::from(self.subsec_nanos) / 1e9)
    }

    /// The current time.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    fn to_offset(self) -> Option<OffsetDateTime> {
        let nanos = i128::from(self.seconds) * 1_000_000_000 + i128::from(self.subsec_nanos);
        OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()
    }

    fn from_offset(value: OffsetDateTime) -> Self {
        Self {
            seconds: value.unix_timestamp(),
            subsec_nanos: value.nanosecond(),
        }
    }

    /// RFC 3339 in UTC, e.g. `2024-05-01T12:00:00.5Z`; `None` outside years 0..=9999.
    pub fn to_rfc3339(&self) -> Option<String> {
        self.to_offset()?.format(&Rfc3339).ok()
    }

    /// Parses RFC 3339 (any offset).
    pub fn parse_rfc3339(text: &str) -> Result<Self, DateTimeParseError> {
        OffsetDateTime::parse(text, &Rfc3339)
            .map(Self::from_offset)
            .map_err(|e| DateTimeParseError(format!("{text:?} is not RFC 3339: {e}")))
    }

    /// IMF-fixdate (`http-date`), e.g. `Tue, 29 Apr 2014 18:30:38 GMT`.
    pub fn to_http_date(&self) -> Option<String> {
        let format = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        self.to_offset()?.format(&format).ok()
    }

    /// Parses IMF-fixdate (`http-date`), fractional seconds allowed.
    pub fn parse_http_date(text: &str) -> Result<Self, DateTimeParseError> {
        let err = || DateTimeParseError(format!("{text:?} is not an HTTP date"));
        let body = text.strip_suffix(" GMT").ok_or_else(err)?;
        let (main, frac) = match body.split_once('.') {
            Some((main, frac)) => (main, Some(frac)),
            None => (body, None),
        };
        let format = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second]"
        );
        let base = time::PrimitiveDateTime::parse(main, &format)
            .map_err(|_| err())?
            .assume_utc();
        let mut value = Self::from_offset(base);
        if let Some(frac) = frac {
            if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            let padded = format!("{frac:0<9}");
            value.subsec_nanos = padded.parse().map_err(|_| err())?;
        }
        Ok(value)
    }
}

impl From<SystemTime> for DateTime {
    fn from(value: SystemTime) -> Self {
        match value.duration_since(UNIX_EPOCH) {
            Ok(d) => Self {
                seconds: d.as_secs() as i64,
                subsec_nanos: d.subsec_nanos(),
            },
            Err(e) => {
                let d = e.duration();
                let mut seconds = -(d.as_secs() as i64);
                let mut nanos = d.subsec_nanos();
                if nanos > 0 {
                    seconds -= 1;
                    nanos = 1_000_000_000 - nanos;
                }
                Self {
                    seconds,
                    subsec_nanos: nanos,
                }
            }
        }
    }
}

impl From<DateTime> for SystemTime {
    fn from(value: DateTime) -> Self {
        if value.seconds >= 0 {
            UNIX_EPOCH + Duration::new(value.seconds as u64, value.subsec_nanos)
        } else {
            UNIX_EPOCH - Duration::from_secs(value.seconds.unsigned_abs())
                + Duration::from_nanos(u64::from(value.subsec_nanos))
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_rfc3339() {
            Some(text) => f.write_str(&text),
            None => write!(f, "{}", self.as_secs_f64()),
        }
    }
}

/// A fixed buffer that `f64`'s shortest decimal form always fits in (`5e-324` prints as 326
/// characters), so parsing a timestamp allocates nothing.
struct StackText {
    bytes: [u8; 400],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        Self {
            bytes: [0; 400],
            len: 0,
        }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// A timestamp string could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeParseError(String);

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DateTimeParseError {}

/// Epoch seconds: an integer when whole, else a fraction with millisecond precision or better.
impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.subsec_nanos == 0 {
            serializer.serialize_i64(self.seconds)
        } else {
            serializer.serialize_f64(self.as_secs_f64())
        }
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EpochSecondsVisitor)
    }
}

struct EpochSecondsVisitor;

impl Visitor<'_> for EpochSecondsVisitor {
    type Value = DateTime;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp in epoch seconds")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<DateTime, E> {
        Ok(DateTime::from_secs(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<DateTime, E> {
        i64::try_from(v)
            .map(DateTime::from_secs)
            .map_err(|_| E::custom("timestamp out of range"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<DateTime, E> {
        DateTime::from_secs_f64(v).ok_or_else(|| E::custom("timestamp out of range"))
    }
}

/// Binary data (Smithy `blob`); base64 on the wire.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Blob {
    inner: Vec<u8>,
}

impl Blob {
    /// Wraps bytes.
    pub fn new(inner: impl Into<Vec<u8>>) -> Self {
        Self {
            inner: inner.into(),
        }
    }
    /// Takes the bytes out.
    pub fn into_inner(self) -> Vec<u8> {
        self.inner
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.inner.len())
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.inner
    }
}

impl From<Vec<u8>> for Blob {
    fn from(value: Vec<u8>) -> Self {
        Self::new(value)
    }
}

impl From<&[u8]> for Blob {
    fn from(value: &[u8]) -> Self {
        Self::new(value)
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.inner))
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Self::new)
            .map_err(|e| de::Error::custom(format!("invalid base64 blob: {e}")))
    }
}

/// The raw value of an enum variant this client does not know yet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Wraps a raw wire value.
    #[doc(hidden)]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The raw value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
