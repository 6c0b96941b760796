//! The `awsJson1_0` / `awsJson1_1` protocols: every operation is a `POST /` naming the
//! operation in `X-Amz-Target`, the input as a JSON document, errors identified by
//! `x-amzn-errortype` or the body's `__type` / `code` (see [`errors`]).

pub mod errors;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{BoxError, ErrorMetadata};
use crate::protocol::DeserializeError;
use crate::transport::HttpRequest;

/// The two versions of the protocol; they differ only in the `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsJsonVersion {
    /// `awsJson1_0`.
    V1_0,
    /// `awsJson1_1`.
    V1_1,
}

/// One service's awsJson settings; generated crates hold one as a constant.
#[derive(Debug, Clone, Copy)]
pub struct AwsJson {
    version: AwsJsonVersion,
    target_prefix: &'static str,
    query_compatible: bool,
}

impl AwsJson {
    /// The protocol of a service whose `X-Amz-Target` prefix is `target_prefix` (the service
    /// shape's name, e.g. `AmazonMemoryDB`).
    pub const fn new(version: AwsJsonVersion, target_prefix: &'static str) -> Self {
        Self {
            version,
            target_prefix,
            query_compatible: false,
        }
    }

    /// Marks the service `aws.protocols#awsQueryCompatible`: requests ask for the legacy
    /// awsQuery error codes (`x-amzn-query-mode`) and responses' `x-amzn-query-error` is read.
    pub const fn query_compatible(mut self, query_compatible: bool) -> Self {
        self.query_compatible = query_compatible;
        self
    }

    /// The `Content-Type` of every request.
    pub fn content_type(&self) -> &'static str {
        match self.version {
            AwsJsonVersion::V1_0 => "application/x-amz-json-1.0",
            AwsJsonVersion::V1_1 => "application/x-amz-json-1.1",
        }
    }

    /// The request of `operation` with `input` as its body: `POST /`, relative to the endpoint.
    pub fn serialize_request<I: Serialize>(
        &self,
        operation: &str,
        input: &I,
    ) -> Result<HttpRequest, BoxError> {
        let body = crate::serde_fmt::to_body(input)?;
        let mut builder = http::Request::builder()
            .method(http::Method::POST)
            .uri("/")
            .header(http::header::CONTENT_TYPE, self.content_type())
            .header(
                "x-amz-target",
                format!("{}.{operation}", self.target_prefix),
            );
        if self.query_compatible {
            // Asks an awsQueryCompatible service for its legacy error codes
            // (`x-amzn-query-error`), as botocore and the Smithy protocol tests do.
            builder = builder.header("x-amzn-query-mode", "true");
        }
        Ok(builder.body(Bytes::from(body))?)
    }

    /// The output of `operation` from a 2xx response, or its typed error built by
    /// `parse_error` from the error's metadata and body.
    pub fn deserialize_response<O, E>(
        &self,
        operation: &str,
        response: &http::Response<Bytes>,
        parse_error: impl FnOnce(ErrorMetadata, &[u8]) -> E,
    ) -> Result<O, DeserializeError<E>>
    where
        O: DeserializeOwned,
    {
        let status = response.status().as_u16();
        let body = response.body().as_ref();
        if response.status().is_success() {
            // An empty body is an output with no members set.
            let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
                b"{}"
            } else {
                body
            };
            return serde_json::from_slice::<O>(text).map_err(|e| {
                DeserializeError::Unreadable(
                    format!("could not parse the {operation} response: {e}").into(),
                )
            });
        }
        match errors::parse_error_metadata(status, response.headers(), body, self.query_compatible)
        {
            Ok(meta) => Err(DeserializeError::Service(parse_error(meta, body))),
            Err(not_json) => Err(DeserializeError::Unreadable(Box::new(not_json))),
        }
    }
}
