//! Reading the code, message and request id of an awsJson error response.
//!
//! The rules (DESIGN section 2), applied in this order:
//! - code: the `x-amzn-errortype` header if present and not empty, else the body's `__type`,
//!   else the body's `code`; sanitised by cutting at the first `:` and keeping what follows
//!   the last `#` (`aws.protocoltests#FooError:http://...` becomes `FooError`);
//! - message: the body's `message`, else `Message`, else `errorMessage`;
//! - request id: the `x-amzn-requestid` header;
//! - for services with `awsQueryCompatible`, the header `x-amzn-query-error: Code;Sender`
//!   supplies the legacy awsQuery code, kept in [`ErrorMetadata::query_error_code`]. The
//!   shape-name code above stays in [`ErrorMetadata::code`], so generated code can match the
//!   fault by shape name and fall back to the legacy code.

use std::fmt;

use http::header::HeaderMap;
use serde_json::{Map, Value};

use crate::error::ErrorMetadata;
use crate::protocol::request_id;

/// Header carrying the error code.
pub const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";
/// Header carrying the legacy awsQuery code of `awsQueryCompatible` services.
pub const QUERY_ERROR_HEADER: &str = "x-amzn-query-error";

/// The error body is neither empty nor a JSON object, and no `x-amzn-errortype` header names
/// the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJsonError {
    reason: String,
}

impl fmt::Display for NotJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error response body is not a JSON object: {}",
            self.reason
        )
    }
}

impl std::error::Error for NotJsonError {}

/// Sanitises an error code: cut at the first `:`, keep what follows the last `#`, trim.
pub fn sanitize_error_code(raw: &str) -> &str {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let after_hash = before_colon.rsplit('#').next().unwrap_or(before_colon);
    after_hash.trim()
}

/// The legacy code of an `x-amzn-query-error: Code;Sender` header value.
pub fn parse_query_error_header(value: &str) -> Option<&str> {
    let code = value.split(';').next()?.trim();
    (!code.is_empty()).then_some(code)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn body_string<'a>(body: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| body.get(*k).and_then(Value::as_str))
}

/// Builds the [`ErrorMetadata`] of an error response (status >= 300).
///
/// An empty (or all-whitespace) body counts as `{}`. A body that is not a JSON object is an
/// error unless the `x-amzn-errortype` header names the error, in which case the metadata
/// comes from the headers alone.
pub fn parse_error_metadata(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    aws_query_compatible: bool,
) -> Result<ErrorMetadata, NotJsonError> {
    let header_code = header(headers, ERROR_TYPE_HEADER);
    let parsed: Result<Map<String, Value>, NotJsonError> =
        if body.iter().all(u8::is_ascii_whitespace) {
            Ok(Map::new())
        } else {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(map)) => Ok(map),
                Ok(other) => Err(NotJsonError {
                    reason: format!("found a JSON {}", json_kind(&other)),
                }),
                Err(e) => Err(NotJsonError {
                    reason: e.to_string(),
                }),
            }
        };
    let map = match parsed {
        Ok(map) => map,
        Err(_) if header_code.is_some() => Map::new(),
        Err(e) => return Err(e),
    };

    let mut builder = ErrorMetadata::builder().status(status);
    let code = header_code.or_else(|| body_string(&map, &["__type", "code"]));
    if let Some(code) = code.map(sanitize_error_code).filter(|c| !c.is_empty()) {
        builder = builder.code(code);
    }
    if let Some(message) = body_string(&map, &["message", "Message", "errorMessage"]) {
        builder = builder.message(message);
    }
    if let Some(id) = request_id(headers) {
        builder = builder.request_id(id);
    }
    if aws_query_compatible {
        if let Some(code) = header(headers, QUERY_ERROR_HEADER).and_then(parse_query_error_header) {
            builder = builder.query_error_code(code);
        }
    }
    Ok(builder.build())
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
