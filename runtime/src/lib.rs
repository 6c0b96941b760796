//! Runtime for AWS service clients generated from Smithy models.
//!
//! Generated crates describe each operation through [`Operation`] and their service through
//! [`ServiceInfo`]; everything that does not depend on a model's shapes lives here:
//! - [`client`]: the orchestrator (endpoint, credentials, signing, attempts, retries,
//!   timeouts), which knows no wire protocol and no HTTP stack;
//! - [`protocol`]: the wire protocols operations use (`awsJson1_0` / `awsJson1_1` today);
//! - [`transport`]: the [`HttpClient`] trait and its default hyper implementation;
//! - SigV4 signing, credentials and region resolution, endpoint rules and the error model.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod operation;
pub mod paginate;
pub mod primitives;
pub mod profile;
pub mod protocol;
pub mod region;
pub mod retry;
pub mod serde_fmt;
pub mod sigv4;
pub mod transport;

pub use client::Handle;
pub use config::{load_from_env, Config, ConfigBuilder, ConfigError, ConfigLoader, TimeoutConfig};
pub use credentials::{
    Credentials, CredentialsError, DefaultCredentialsChain, Env, ProvideCredentials,
};
pub use endpoint::{Endpoint, EndpointError, Params as EndpointParams, RuleSet};
pub use error::{BuildError, ErrorMetadata, ProvideErrorMetadata, SdkError, Unhandled};
pub use operation::{Operation, ServiceInfo};
pub use paginate::PaginationStream;
pub use primitives::{Blob, DateTime, Document, UnknownValue};
pub use protocol::DeserializeError;
pub use region::Region;
pub use retry::RetryConfig;
pub use transport::{HttpClient, HyperClient, SharedHttpClient};

/// Re-exported so generated code needs no direct dependency on these crates.
#[doc(hidden)]
pub mod export {
    pub use bytes;
    pub use futures_util;
    pub use http;
    pub use serde;
    pub use serde_json;
}
