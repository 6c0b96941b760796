//! Wire protocols: how an operation's input becomes an HTTP request and a response becomes its
//! output or typed error.
//!
//! The orchestrator ([`crate::client`]) knows none of this: it calls the operation's
//! [`serialize_request`](crate::Operation::serialize_request) and
//! [`deserialize_response`](crate::Operation::deserialize_response), which generated code
//! implements with one protocol of this module. Each protocol lives in its own submodule.

pub mod aws_json;

use std::fmt;

use http::header::HeaderMap;

use crate::error::BoxError;

/// Header carrying the request id in AWS JSON protocols.
pub const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// The `x-amzn-requestid` header of a response, if present and not empty.
pub fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Why a response did not yield an operation's output.
#[derive(Debug)]
pub enum DeserializeError<E> {
    /// The service answered with an error, parsed into the operation's typed error.
    Service(E),
    /// The response could not be read as the protocol says (not JSON, a member of the wrong
    /// type...). Retried only when its status says the service did not process the request.
    Unreadable(BoxError),
}

impl<E: fmt::Display> fmt::Display for DeserializeError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeserializeError::Service(e) => write!(f, "service error: {e}"),
            DeserializeError::Unreadable(e) => write!(f, "unreadable response: {e}"),
        }
    }
}
