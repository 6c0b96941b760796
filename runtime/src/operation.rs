//! What a generated crate tells the runtime about its service and each operation.

use bytes::Bytes;

use crate::error::{BoxError, ErrorMetadata, ProvideErrorMetadata};
use crate::protocol::DeserializeError;
use crate::transport::HttpRequest;

/// Facts about a service that the orchestrator, signer and endpoint resolver need. The wire
/// protocol is not among them: each [`Operation`] applies it.
#[derive(Debug)]
pub struct ServiceInfo {
    /// SigV4 signing name from `aws.auth#sigv4`, e.g. `memorydb`.
    pub signing_name: &'static str,
    /// `sdkId` from `aws.api#service`, e.g. `MemoryDB`; names `AWS_ENDPOINT_URL_<SDK_ID>`.
    pub sdk_id: &'static str,
    /// The `smithy.rules#endpointRuleSet` trait value as JSON text.
    pub endpoint_rule_set: &'static str,
    /// Name of the generated crate, for the user agent.
    pub crate_name: &'static str,
    /// Version of the generated crate, for the user agent.
    pub crate_version: &'static str,
}

/// One modelled operation. Implemented by generated code, driven by the orchestrator's
/// [`Handle::send`](crate::client::Handle::send).
pub trait Operation: Send + Sync + 'static {
    /// The input structure.
    type Input: Send + Sync + 'static;
    /// The output structure.
    type Output: Send + 'static;
    /// The operation's typed error.
    type Error: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static;

    /// The operation's name, as modelled.
    const NAME: &'static str;

    /// The request for `input`: method, path and query relative to the endpoint, the
    /// protocol's headers and the body. Called once per call; every attempt resends it.
    fn serialize_request(input: &Self::Input) -> Result<HttpRequest, BoxError>;

    /// The output, or the typed error, of a response read whole.
    fn deserialize_response(
        response: &http::Response<Bytes>,
    ) -> Result<Self::Output, DeserializeError<Self::Error>>;

    /// Builds the typed error for an error response whose code and message were already read.
    fn parse_error(meta: ErrorMetadata, body: &[u8]) -> Self::Error;

    /// Whether the model marks this error `@retryable`.
    fn is_retryable_error(_error: &Self::Error) -> bool {
        false
    }
}
