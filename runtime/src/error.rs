//! The error model shared by every generated operation.

use std::error::Error as StdError;
use std::fmt;

/// What the service said about an error: code, message, request id and HTTP status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    status: Option<u16>,
    query_error_code: Option<String>,
}

impl ErrorMetadata {
    /// Starts an empty builder.
    pub fn builder() -> ErrorMetadataBuilder {
        ErrorMetadataBuilder::default()
    }
    /// The error code with any namespace prefix and `:` suffix removed, e.g. `ClusterNotFoundFault`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// The human-readable message the service sent.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// The `x-amzn-requestid` of the response.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The HTTP status of the response.
    pub fn status(&self) -> Option<u16> {
        self.status
    }
    /// The legacy awsQuery code from `x-amzn-query-error` (services with `awsQueryCompatible`).
    pub fn query_error_code(&self) -> Option<&str> {
        self.query_error_code.as_deref()
    }
}

impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code().unwrap_or("unknown error"))?;
        if let Some(message) = self.message() {
            write!(f, ": {message}")?;
        }
        let mut extra = Vec::new();
        if let Some(status) = self.status {
            extra.push(format!("status {status}"));
        }
        if let Some(id) = self.request_id() {
            extra.push(format!("request id {id}"));
        }
        if !extra.is_empty() {
            write!(f, " ({})", extra.join(", "))?;
        }
        Ok(())
    }
}

/// Builder for [`ErrorMetadata`].
#[derive(Debug, Clone, Default)]
pub struct ErrorMetadataBuilder {
    inner: ErrorMetadata,
}

impl ErrorMetadataBuilder {
    /// Sets the error code.
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.inner.code = Some(code.into());
        self
    }
    /// Sets the message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.inner.message = Some(message.into());
        self
    }
    /// Sets the request id.
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.inner.request_id = Some(request_id.into());
        self
    }
    /// Sets the HTTP status.
    pub fn status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }
    /// Sets the legacy awsQuery error code.
    pub fn query_error_code(mut self, code: impl Into<String>) -> Self {
        self.inner.query_error_code = Some(code.into());
        self
    }
    /// Finishes the metadata.
    pub fn build(self) -> ErrorMetadata {
        self.inner
    }
}

/// Implemented by every error that carries [`ErrorMetadata`].
pub trait ProvideErrorMetadata {
    /// The metadata of this error.
    fn meta(&self) -> &ErrorMetadata;
    /// Shorthand for `meta().code()`.
    fn code(&self) -> Option<&str> {
        self.meta().code()
    }
    /// Shorthand for `meta().message()`.
    fn message(&self) -> Option<&str> {
        self.meta().message()
    }
}

/// An operation input could not be built: a required member is missing or a value is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    kind: BuildErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum BuildErrorKind {
    MissingField {
        field: &'static str,
        shape: &'static str,
    },
    Invalid {
        message: String,
    },
}

impl BuildError {
    /// A required member was not set.
    pub fn missing_field(shape: &'static str, field: &'static str) -> Self {
        Self {
            kind: BuildErrorKind::MissingField { field, shape },
        }
    }
    /// Any other reason the input cannot be sent.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            kind: BuildErrorKind::Invalid {
                message: message.into(),
            },
        }
    }
    /// The missing member's name, when that is the cause.
    pub fn missing(&self) -> Option<&'static str> {
        match &self.kind {
            BuildErrorKind::MissingField { field, .. } => Some(field),
            BuildErrorKind::Invalid { .. } => None,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BuildErrorKind::MissingField { field, shape } => {
                write!(f, "{shape}: required member `{field}` was not set")
            }
            BuildErrorKind::Invalid { message } => write!(f, "invalid input: {message}"),
        }
    }
}

impl StdError for BuildError {}

/// Boxed error used as the source of non-service failures.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The error of any operation call: either the service answered with an error (`ServiceError`)
/// or something failed before a service answer could be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The request could not be built (missing required member, no region, no credentials...).
    ConstructionFailure(ConstructionFailure),
    /// A connect, attempt or operation timeout elapsed.
    TimeoutError(TimeoutError),
    /// The request could not be sent or the response could not be received (I/O, TLS, DNS).
    DispatchFailure(DispatchFailure),
    /// A response arrived but could not be understood (not JSON, truncated, too large...).
    ResponseError(ResponseError),
    /// The service answered with an error; `E` is the operation's typed error.
    ServiceError(ServiceError<E>),
}

/// See [`SdkError::ConstructionFailure`].
#[derive(Debug)]
pub struct ConstructionFailure {
    /// Why the request could not be built.
    pub source: BoxError,
}

/// See [`SdkError::TimeoutError`].
#[derive(Debug)]
pub struct TimeoutError {
    /// Which timeout fired and after how long.
    pub message: String,
}

/// See [`SdkError::DispatchFailure`].
#[derive(Debug)]
pub struct DispatchFailure {
    /// The transport error.
    pub source: BoxError,
}

/// See [`SdkError::ResponseError`].
#[derive(Debug)]
pub struct ResponseError {
    /// The HTTP status of the response, when one arrived.
    pub status: Option<u16>,
    /// The `x-amzn-requestid` of the response, when present.
    pub request_id: Option<String>,
    /// The first bytes of the body, lossily decoded, for diagnosis.
    pub snippet: String,
    /// Why the response could not be read.
    pub source: BoxError,
}

/// See [`SdkError::ServiceError`].
#[derive(Debug)]
pub struct ServiceError<E> {
    /// The operation's typed error.
    pub err: E,
    /// The HTTP status of the response.
    pub status: u16,
}

impl<E> SdkError<E> {
    /// Wraps a construction problem.
    pub fn construction_failure(source: impl Into<BoxError>) -> Self {
        Self::ConstructionFailure(ConstructionFailure {
            source: source.into(),
        })
    }
    /// Wraps a timeout.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::TimeoutError(TimeoutError {
            message: message.into(),
        })
    }
    /// Wraps a transport failure.
    pub fn dispatch_failure(source: impl Into<BoxError>) -> Self {
        Self::DispatchFailure(DispatchFailure {
            source: source.into(),
        })
    }
    /// The typed service error, if the service answered with one.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            Self::ServiceError(e) => Some(&e.err),
            _ => None,
        }
    }
    /// Converts into the typed service error, if the service answered with one.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            Self::ServiceError(e) => Some(e.err),
            _ => None,
        }
    }
    /// The HTTP status of the response, when one arrived.
    pub fn raw_status(&self) -> Option<u16> {
        match self {
            Self::ServiceError(e) => Some(e.status),
            Self::ResponseError(e) => e.status,
            _ => None,
        }
    }
}

/// Says which kind of failure this is, with what only this level knows (the status, request
/// id and body excerpt of an unreadable response, which timeout fired); the cause is the
/// [`source`](StdError::source), so a reporter that prints the whole chain shows each message
/// once.
impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConstructionFailure(_) => f.write_str("construction failure"),
            // A timeout has no underlying error: its message is the whole story.
            Self::TimeoutError(e) => f.write_str(&e.message),
            Self::DispatchFailure(_) => f.write_str("dispatch failure"),
            Self::ResponseError(e) => {
                f.write_str("response error")?;
                let mut extra = Vec::new();
                if let Some(status) = e.status {
                    extra.push(format!("status {status}"));
                }
                if let Some(id) = &e.request_id {
                    extra.push(format!("request id {id}"));
                }
                if !extra.is_empty() {
                    write!(f, " ({})", extra.join(", "))?;
                }
                if !e.snippet.is_empty() {
                    write!(f, "; body starts with {:?}", e.snippet)?;
                }
                Ok(())
            }
            Self::ServiceError(_) => f.write_str("service error"),
        }
    }
}

impl<E: StdError + 'static> StdError for SdkError<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::ConstructionFailure(e) => Some(e.source.as_ref()),
            Self::TimeoutError(_) => None,
            Self::DispatchFailure(e) => Some(e.source.as_ref()),
            Self::ResponseError(e) => Some(e.source.as_ref()),
            Self::ServiceError(e) => Some(&e.err),
        }
    }
}

impl<E: ProvideErrorMetadata> SdkError<E> {
    /// The error code, when the service answered with an error.
    pub fn code(&self) -> Option<&str> {
        self.as_service_error().and_then(|e| e.meta().code())
    }
    /// The request id, when a response arrived.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::ServiceError(e) => e.err.meta().request_id(),
            Self::ResponseError(e) => e.request_id.as_deref(),
            _ => None,
        }
    }
}

/// An error code the model does not know, with everything the service said about it.
#[derive(Debug, Clone)]
pub struct Unhandled {
    meta: ErrorMetadata,
}

impl Unhandled {
    /// Wraps metadata of an unmodelled error.
    pub fn new(meta: ErrorMetadata) -> Self {
        Self { meta }
    }
}

impl ProvideErrorMetadata for Unhandled {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

impl fmt::Display for Unhandled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unhandled error {}", self.meta)
    }
}

impl StdError for Unhandled {}
