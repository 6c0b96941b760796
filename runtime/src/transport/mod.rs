//! The HTTP boundary: what the orchestrator hands a transport, and what it gets back.
//!
//! A transport is anything that implements [`HttpClient`]: one request in, one response out,
//! the body streamed. The orchestrator reads that body under the configured size cap, so a
//! transport never has to know the limit, and stops reading as soon as it is passed.
//! The default, [`HyperClient`], is hyper-util's pooled client over rustls; an application can
//! bring its own (a proxy-aware stack, an in-memory double for tests) through
//! [`ConfigBuilder::http_client`](crate::config::ConfigBuilder::http_client).

mod hyper;

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};

pub use self::hyper::HyperClient;

/// A boxed error, as transports report them.
pub use crate::error::BoxError;

/// A request as the orchestrator sends it: absolute URI, every header (signature included) and
/// the whole body.
pub type HttpRequest = http::Request<Bytes>;

/// A response as a transport returns it: status and headers, and the body still to be read.
pub type HttpResponse = http::Response<ResponseBody>;

/// What [`HttpClient::call`] returns.
pub type HttpFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, ConnectorError>> + Send + 'a>>;

/// Sends HTTP requests. Implement it to plug in another HTTP stack.
///
/// Implementations must honour [`HttpSettings::connect_timeout`] (reporting it with
/// [`ConnectorError::timeout`]) and return the response as soon as its head has arrived, the
/// body streamed in [`ResponseBody`]. Attempt and operation timeouts, retries and the body size
/// cap are the orchestrator's and need nothing from a transport.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends one request.
    fn call(&self, request: HttpRequest, settings: &HttpSettings) -> HttpFuture<'_>;
}

/// A cheaply cloned, shared [`HttpClient`]. Clients that are given clones of one share its
/// connection pool.
#[derive(Clone, Debug)]
pub struct SharedHttpClient(Arc<dyn HttpClient>);

impl SharedHttpClient {
    /// Shares `client`.
    pub fn new(client: impl HttpClient + 'static) -> Self {
        Self(Arc::new(client))
    }
}

impl HttpClient for SharedHttpClient {
    fn call(&self, request: HttpRequest, settings: &HttpSettings) -> HttpFuture<'_> {
        self.0.call(request, settings)
    }
}

/// Settings the orchestrator passes with every request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HttpSettings {
    /// Longest time to establish a connection (TCP and TLS); `None` waits as long as the OS.
    pub connect_timeout: Option<Duration>,
}

impl HttpSettings {
    /// Settings with this connect timeout.
    pub fn with_connect_timeout(connect_timeout: Option<Duration>) -> Self {
        Self { connect_timeout }
    }
}

/// A response body: a stream of data frames, possibly still arriving.
pub struct ResponseBody(UnsyncBoxBody<Bytes, BoxError>);

impl ResponseBody {
    /// An empty body.
    pub fn empty() -> Self {
        Self::from_bytes(Bytes::new())
    }

    /// A body that is already complete.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self(
            Full::new(bytes.into())
                .map_err(|never| match never {})
                .boxed_unsync(),
        )
    }

    /// A body read from any [`http_body::Body`], e.g. a hyper or reqwest response body.
    pub fn from_body<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Self(body.map_err(Into::into).boxed_unsync())
    }

    /// The next chunk of data: `None` at the end, trailers skipped.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, BoxError>> {
        loop {
            match self.0.frame().await? {
                Ok(frame) => match frame.into_data() {
                    Ok(data) => return Some(Ok(data)),
                    Err(_trailers) => continue,
                },
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseBody")
    }
}

impl From<Bytes> for ResponseBody {
    fn from(bytes: Bytes) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for ResponseBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<&'static str> for ResponseBody {
    fn from(text: &'static str) -> Self {
        Self::from_bytes(Bytes::from_static(text.as_bytes()))
    }
}

/// Why a transport could not deliver a request or its response.
///
/// The kind decides the retry: a [`timeout`](Self::timeout) or an [`io`](Self::io) failure
/// leaves the outcome unknown and may be retried; a request the transport
/// [refused](Self::user) was never sent and is not.
#[derive(Debug)]
pub struct ConnectorError {
    kind: ConnectorErrorKind,
    source: BoxError,
}

/// The kinds of [`ConnectorError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectorErrorKind {
    /// The connect timeout of [`HttpSettings`] passed.
    Timeout,
    /// The connection failed, was reset or closed, or the answer was not HTTP.
    Io,
    /// The transport refused the request before sending it (e.g. an invalid header or an
    /// https URL without TLS roots).
    User,
    /// Anything else.
    Other,
}

impl ConnectorError {
    /// The connect timeout passed.
    pub fn timeout(source: impl Into<BoxError>) -> Self {
        Self::new(ConnectorErrorKind::Timeout, source)
    }
    /// An I/O failure: the request may or may not have reached the service.
    pub fn io(source: impl Into<BoxError>) -> Self {
        Self::new(ConnectorErrorKind::Io, source)
    }
    /// The request was refused before it was sent.
    pub fn user(source: impl Into<BoxError>) -> Self {
        Self::new(ConnectorErrorKind::User, source)
    }
    /// Any other failure.
    pub fn other(source: impl Into<BoxError>) -> Self {
        Self::new(ConnectorErrorKind::Other, source)
    }
    fn new(kind: ConnectorErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }
    /// What kind of failure this is.
    pub fn kind(&self) -> ConnectorErrorKind {
        self.kind
    }
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            ConnectorErrorKind::Timeout => "connect timeout",
            ConnectorErrorKind::Io => "I/O error",
            ConnectorErrorKind::User => "request refused before sending",
            ConnectorErrorKind::Other => "transport error",
        })
    }
}

impl StdError for ConnectorError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.source.as_ref())
    }
}
