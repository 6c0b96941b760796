//! What a generated crate tells the runtime about its service and each operation.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ErrorMetadata, ProvideErrorMetadata};

/// Facts about a service that the protocol, signer and endpoint resolver need.
#[derive(Debug)]
pub struct ServiceInfo {
    /// Prefix of `X-Amz-Target`: the service shape's name, e.g. `AmazonMemoryDB`.
    pub target_prefix: &'static str,
    /// `1.0` for awsJson1_0, `1.1` for awsJson1_1.
    pub json_version: &'static str,
    /// SigV4 signing name from `aws.auth#sigv4`, e.g. `memorydb`.
    pub signing_name: &'static str,
    /// `sdkId` from `aws.api#service`, e.g. `MemoryDB`; names `AWS_ENDPOINT_URL_<SDK_ID>`.
    pub sdk_id: &'static str,
    /// The `smithy.rules#endpointRuleSet` trait value as JSON text.
    pub endpoint_rule_set: &'static str,
    /// Whether the service has `aws.protocols#awsQueryCompatible` (`x-amzn-query-error`).
    pub aws_query_compatible: bool,
    /// Name of the generated crate, for the user agent.
    pub crate_name: &'static str,
    /// Version of the generated crate, for the user agent.
    pub crate_version: &'static str,
}

impl ServiceInfo {
    /// The `Content-Type` of every request.
    pub fn content_type(&self) -> &'static str {
        match self.json_version {
            "1.0" => "application/x-amz-json-1.0",
            _ => "application/x-amz-json-1.1",
        }
    }
}

/// One modelled operation. Implemented by generated code, driven by the runtime's `send`.
pub trait Operation: Send + Sync + 'static {
    /// The input structure, serialized as the request body.
    type Input: Serialize + Send + Sync + 'static;
    /// The output structure, deserialized from a 2xx body.
    type Output: DeserializeOwned + Send + 'static;
    /// The operation's typed error.
    type Error: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static;

    /// The operation's name; `X-Amz-Target` is `<target_prefix>.<NAME>`.
    const NAME: &'static str;

    /// Builds the typed error for an error response whose code and message were already read.
    fn parse_error(meta: ErrorMetadata, body: &[u8]) -> Self::Error;

    /// Whether the model marks this error `@retryable`.
    fn is_retryable_error(_error: &Self::Error) -> bool {
        false
    }
}
