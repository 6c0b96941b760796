//! The orchestrator: the one `send` path every generated operation goes through. It
//! serializes the input once (through the operation's protocol), resolves the endpoint and
//! credentials, then signs and dispatches attempts under the retry policy and the timeouts,
//! reads each response under the size cap and hands it to the operation to parse. It knows no
//! wire protocol and no HTTP stack: those are [`crate::protocol`] and [`crate::transport`].

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_LENGTH};

use crate::config::Config;
use crate::credentials::{Credentials, CredentialsError, ProvideCredentials};
use crate::endpoint::{Endpoint, Params, RuleSet};
use crate::error::{BoxError, ProvideErrorMetadata, ResponseError, SdkError, ServiceError};
use crate::operation::{Operation, ServiceInfo};
use crate::protocol::{self, DeserializeError};
use crate::retry::{self, AttemptError, RetryKind, RetryStrategy};
use crate::sigv4::{self, SignableRequest, SigningParams, SigningSettings};
use crate::transport::{
    ConnectorError, ConnectorErrorKind, HttpClient, HttpRequest, HttpSettings, HyperClient,
    SharedHttpClient,
};

/// Version of this runtime crate, named in the user agent.
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Cached credentials are renewed this long before they expire, so a request signed with them
/// does not arrive after expiry.
const CREDENTIALS_REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// Longest body excerpt kept in a [`ResponseError`].
const SNIPPET_CHARS: usize = 256;

/// A configured connection to one service: what a generated `Client` wraps.
///
/// Cheap to clone (an [`Arc`] inside); clones share the HTTP client, the resolved endpoint and
/// the retry token bucket.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    service: &'static ServiceInfo,
    http: SharedHttpClient,
    http_settings: HttpSettings,
    endpoint_override: Option<String>,
    endpoint: OnceLock<Result<ResolvedEndpoint, String>>,
    /// The last credentials the provider gave, reused until they near their expiry.
    credentials: Mutex<Option<Arc<Credentials>>>,
    retry: RetryStrategy,
    user_agent: String,
    amz_user_agent: String,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("service", &self.inner.service.sdk_id)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// The endpoint requests are sent to, parsed once per [`Handle`].
#[derive(Debug, Clone)]
struct ResolvedEndpoint {
    /// Scheme and authority (non-default port only), e.g. `https://memorydb.us-east-1.amazonaws.com`.
    origin: String,
    /// The `Host` header value: host, plus `:port` when not the scheme's default.
    host: String,
    /// The endpoint's path without its trailing `/` (empty for most endpoints).
    base_path: String,
    /// The endpoint's query, if any.
    query: Option<String>,
    /// Headers the endpoint rules ask for.
    headers: Vec<(String, String)>,
    /// Signing name from the endpoint's sigv4 auth scheme, overriding the service's.
    signing_name: Option<String>,
    /// Signing region from the endpoint's sigv4 auth scheme, overriding the configured one.
    signing_region: Option<String>,
}

impl ResolvedEndpoint {
    /// The endpoint with no request path: what [`Handle::endpoint_url`] reports.
    fn url(&self) -> String {
        format!("{}{}", self.origin, self.path_and_query("/"))
    }

    /// The path and query of a request whose protocol path and query are `request`: the
    /// endpoint's path goes first, as in botocore and the Smithy protocol tests
    /// (`AwsJson11HostWithPath`: `https://h/custom` is requested as `/custom/`), and the
    /// endpoint's query joins the request's.
    fn path_and_query(&self, request: &str) -> String {
        let (path, query) = match request.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (request, None),
        };
        let mut out = format!("{}/{}", self.base_path, path.trim_start_matches('/'));
        match (self.query.as_deref(), query) {
            (Some(a), Some(b)) => {
                out.push('?');
                out.push_str(a);
                out.push('&');
                out.push_str(b);
            }
            (Some(q), None) | (None, Some(q)) => {
                out.push('?');
                out.push_str(q);
            }
            (None, None) => {}
        }
        out
    }
}

/// A message-only error, used as the source of construction failures.
#[derive(Debug)]
struct Message(String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {}

/// A failure of a step, with what went wrong as its source (kept typed, so callers can
/// downcast it, e.g. to a [`CredentialsError`]).
#[derive(Debug)]
struct Context<S> {
    message: &'static str,
    source: S,
}

impl<S> fmt::Display for Context<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl<S: std::error::Error + 'static> std::error::Error for Context<S> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn construction<E>(message: impl Into<String>) -> SdkError<E> {
    SdkError::construction_failure(Message(message.into()))
}

type AttemptFailure<E> = AttemptError<SdkError<E>>;

impl Handle {
    /// Creates a handle for `service` with `config`.
    ///
    /// Never fails: problems (no region, no credentials, an endpoint the rules reject) are
    /// reported by each [`send`](Self::send) as [`SdkError::ConstructionFailure`]. The
    /// service-specific endpoint URL captured by [`load_from_env`](crate::config::load_from_env)
    /// is applied here. Without an HTTP client in `config`, the handle makes its own
    /// [`HyperClient`].
    pub fn new(config: Config, service: &'static ServiceInfo) -> Handle {
        let http = config
            .http_client
            .clone()
            .unwrap_or_else(|| SharedHttpClient::new(HyperClient::new()));
        let http_settings =
            HttpSettings::with_connect_timeout(config.timeout_config.connect_timeout());
        let endpoint_override = config.endpoint_url_for(service.sdk_id);
        let app = config.app_name.as_deref().map(sanitize_ua_token);
        let app_suffix = app.map(|a| format!(" app/{a}")).unwrap_or_default();
        let os = std::env::consts::OS;
        let user_agent = format!(
            "{}/{} aws-client-runtime/{RUNTIME_VERSION} os/{os} lang/rust{app_suffix}",
            sanitize_ua_token(service.crate_name),
            sanitize_ua_token(service.crate_version),
        );
        let amz_user_agent = format!(
            "aws-client-runtime/{RUNTIME_VERSION} api/{}/{} os/{os} lang/rust {}/{}{app_suffix}",
            sanitize_ua_token(&service.sdk_id.to_ascii_lowercase()),
            sanitize_ua_token(service.crate_version),
            sanitize_ua_token(service.crate_name),
            sanitize_ua_token(service.crate_version),
        );
        let retry = RetryStrategy::new(config.retry_config.clone());
        Handle {
            inner: Arc::new(Inner {
                config,
                service,
                http,
                http_settings,
                endpoint_override,
                endpoint: OnceLock::new(),
                credentials: Mutex::new(None),
                retry,
                user_agent,
                amz_user_agent,
            }),
        }
    }

    /// The configuration this handle was created with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The service this handle talks to.
    pub fn service(&self) -> &'static ServiceInfo {
        self.inner.service
    }

    /// The URL requests are sent to, resolved from the endpoint rules (or the override) on
    /// first use and cached.
    pub fn endpoint_url(&self) -> Result<String, String> {
        self.endpoint().map(ResolvedEndpoint::url)
    }

    /// Calls operation `O` with `input`: serializes it once, resolves endpoint and
    /// credentials, then sends signed attempts under the retry policy and the timeouts.
    ///
    /// See [`crate::retry`] for exactly which failures are retried.
    pub async fn send<O: Operation>(
        &self,
        input: O::Input,
    ) -> Result<O::Output, SdkError<O::Error>> {
        if let Some(e) = self.inner.config.load_error() {
            return Err(SdkError::construction_failure(e.clone()));
        }
        let call = self.send_with_retries::<O>(input);
        match self.inner.config.timeout_config.operation_timeout() {
            Some(limit) => match tokio::time::timeout(limit, call).await {
                Ok(result) => result,
                Err(_) => Err(SdkError::timeout(format!(
                    "operation timeout: {} did not complete within {limit:?}",
                    O::NAME
                ))),
            },
            None => call.await,
        }
    }

    fn endpoint(&self) -> Result<&ResolvedEndpoint, String> {
        self.inner
            .endpoint
            .get_or_init(|| {
                resolve_endpoint(
                    &self.inner.config,
                    self.inner.service,
                    self.inner.endpoint_override.as_deref(),
                )
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    async fn send_with_retries<O: Operation>(
        &self,
        input: O::Input,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let inner = &*self.inner;
        let request = O::serialize_request(&input).map_err(|e| {
            construction(format!(
                "could not serialize the {} input: {}",
                O::NAME,
                error_chain(e.as_ref())
            ))
        })?;
        drop(input);
        let region = inner.config.region.as_ref().ok_or_else(|| {
            construction(
                "no region is configured: set the AWS_REGION environment variable, a `region` in \
                 the profile of ~/.aws/config, or call ConfigBuilder::region",
            )
        })?;
        let endpoint = self.endpoint().map_err(construction)?;
        let provider = inner.config.credentials_provider.as_ref().ok_or_else(|| {
            construction(
                "no credentials provider is configured: use load_from_env() or call \
                 ConfigBuilder::credentials_provider",
            )
        })?;

        // The request's place is the same for every attempt.
        let request_path = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let path_and_query = endpoint.path_and_query(request_path);
        let uri: http::Uri = format!("{}{path_and_query}", endpoint.origin)
            .parse()
            .map_err(|e| construction(format!("invalid request URI: {e}")))?;

        let invocation_id = retry::uuid_v4();
        let max_attempts = inner.retry.config().max_attempts();
        retry::run_with_retries(&inner.retry, |attempt| {
            let invocation_id = &invocation_id;
            let request = &request;
            let (path_and_query, uri) = (&path_and_query, &uri);
            async move {
                // Checked before every attempt, so credentials that expire during a backoff are
                // renewed; a provider that fails ends the call.
                let credentials = self.credentials(provider.as_ref()).await.map_err(|e| {
                    AttemptError::fatal(SdkError::construction_failure(Context {
                        message: "failed to load credentials",
                        source: e,
                    }))
                })?;
                let ctx = AttemptContext {
                    endpoint,
                    region: region.as_ref(),
                    credentials: &credentials,
                    request,
                    path_and_query,
                    uri,
                    invocation_id,
                    attempt,
                    max_attempts,
                };
                self.attempt::<O>(ctx).await
            }
        })
        .await
    }

    /// Credentials for the next attempt: the cached ones while they are more than
    /// [`CREDENTIALS_REFRESH_MARGIN`] from expiry (for ever when they have none), else fresh
    /// ones from the provider. Without the cache, a profile provider would re-read the shared
    /// files on every request.
    async fn credentials(
        &self,
        provider: &dyn ProvideCredentials,
    ) -> Result<Arc<Credentials>, CredentialsError> {
        let fresh_until = SystemTime::now() + CREDENTIALS_REFRESH_MARGIN;
        if let Some(cached) = self.cached_credentials() {
            if !cached.is_expired(fresh_until) {
                return Ok(cached);
            }
        }
        let credentials = Arc::new(provider.provide_credentials().await?);
        *self
            .inner
            .credentials
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(credentials.clone());
        Ok(credentials)
    }

    fn cached_credentials(&self) -> Option<Arc<Credentials>> {
        self.inner
            .credentials
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    async fn attempt<O: Operation>(
        &self,
        ctx: AttemptContext<'_>,
    ) -> Result<O::Output, AttemptFailure<O::Error>> {
        let inner = &*self.inner;
        let request = self
            .sign_request::<O>(&ctx)
            .map_err(AttemptFailure::fatal)?;
        let limit = inner.config.max_response_body_bytes;
        let exchange = dispatch(&inner.http, request, &inner.http_settings, limit);
        let response = match inner.config.timeout_config.operation_attempt_timeout() {
            Some(t) => match tokio::time::timeout(t, exchange).await {
                Ok(r) => r,
                Err(_) => {
                    return Err(AttemptFailure {
                        error: SdkError::timeout(format!(
                            "attempt timeout: attempt {} of {} did not complete within {t:?}",
                            ctx.attempt,
                            O::NAME
                        )),
                        retry: Some(RetryKind::Timeout),
                    })
                }
            },
            None => exchange.await,
        }
        .map_err(|failure| failure.into_attempt_failure(&inner.http_settings))?;
        handle_response::<O>(response)
    }

    /// The protocol's request made absolute against the endpoint, with the endpoint's headers,
    /// the user agent and retry headers, and signed.
    fn sign_request<O: Operation>(
        &self,
        ctx: &AttemptContext<'_>,
    ) -> Result<HttpRequest, SdkError<O::Error>> {
        let inner = &*self.inner;
        let service = inner.service;
        let protocol_request = ctx.request;
        let mut headers: Vec<(String, String)> =
            Vec::with_capacity(protocol_request.headers().len() + ctx.endpoint.headers.len() + 8);
        headers.push(("host".into(), ctx.endpoint.host.clone()));
        for (name, value) in protocol_request.headers() {
            let value = value
                .to_str()
                .map_err(|_| construction(format!("invalid value for header `{name}`")))?;
            headers.push((name.as_str().to_owned(), value.to_owned()));
        }
        headers.extend(ctx.endpoint.headers.iter().cloned());
        let method = protocol_request.method().as_str();
        let body = protocol_request.body();
        let signable = SignableRequest {
            method,
            path_and_query: ctx.path_and_query,
            headers: &headers,
            body: body.as_ref(),
        };
        let params = SigningParams {
            credentials: ctx.credentials,
            region: ctx.endpoint.signing_region.as_deref().unwrap_or(ctx.region),
            service: ctx
                .endpoint
                .signing_name
                .as_deref()
                .unwrap_or(service.signing_name),
            time: inner.config.time_source.now(),
        };
        let signed = sigv4::sign_headers(&signable, &params, &SigningSettings::default())
            .map_err(|e| construction(format!("failed to sign the request: {e}")))?;
        headers.extend(signed);
        headers.extend([
            ("user-agent".to_owned(), inner.user_agent.clone()),
            ("x-amz-user-agent".to_owned(), inner.amz_user_agent.clone()),
            (
                "amz-sdk-invocation-id".to_owned(),
                ctx.invocation_id.to_owned(),
            ),
            (
                "amz-sdk-request".to_owned(),
                format!("attempt={}; max={}", ctx.attempt, ctx.max_attempts),
            ),
        ]);

        let mut map = HeaderMap::with_capacity(headers.len());
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| construction(format!("invalid header name `{name}`")))?;
            let mut value = HeaderValue::from_str(&value)
                .map_err(|_| construction(format!("invalid value for header `{name}`")))?;
            if name == "authorization" || name == "x-amz-security-token" {
                value.set_sensitive(true);
            }
            map.append(name, value);
        }
        let mut request = http::Request::new(body.clone());
        *request.method_mut() = protocol_request.method().clone();
        *request.uri_mut() = ctx.uri.clone();
        *request.headers_mut() = map;
        Ok(request)
    }
}

struct AttemptContext<'a> {
    endpoint: &'a ResolvedEndpoint,
    region: &'a str,
    credentials: &'a Credentials,
    request: &'a HttpRequest,
    path_and_query: &'a str,
    uri: &'a http::Uri,
    invocation_id: &'a str,
    attempt: u32,
    max_attempts: u32,
}

/// How an exchange failed, before it is turned into the operation's error.
enum DispatchFailure {
    /// The transport did not deliver a response.
    Connector(ConnectorError),
    /// The response head arrived but its body could not be read whole.
    Body {
        status: u16,
        request_id: Option<String>,
        kind: BodyFailure,
    },
}

enum BodyFailure {
    /// The body passed the size cap; what was read before is kept for the snippet.
    TooLarge { limit: usize, read: Vec<u8> },
    /// The stream failed (reset, truncated...).
    Stream(BoxError),
}

impl DispatchFailure {
    fn into_attempt_failure<E>(self, settings: &HttpSettings) -> AttemptFailure<E> {
        match self {
            DispatchFailure::Connector(e) => classify_connector_error(e, settings),
            DispatchFailure::Body {
                status,
                request_id,
                kind: BodyFailure::TooLarge { limit, read },
            } => AttemptFailure::fatal(SdkError::ResponseError(ResponseError {
                status: Some(status),
                request_id,
                snippet: snippet(&read, SNIPPET_CHARS),
                source: format!("response body exceeds the limit of {limit} bytes").into(),
            })),
            DispatchFailure::Body {
                status,
                kind: BodyFailure::Stream(e),
                ..
            } => {
                // The service answered, so it has seen the request: retry only when the status
                // itself says the request was not processed.
                let retry = retry::TRANSIENT_STATUSES
                    .contains(&status)
                    .then_some(RetryKind::Transient);
                AttemptFailure {
                    error: SdkError::dispatch_failure(e),
                    retry,
                }
            }
        }
    }
}

/// Sends one request and reads the whole response, at most `limit` body bytes.
async fn dispatch(
    http: &SharedHttpClient,
    request: HttpRequest,
    settings: &HttpSettings,
    limit: usize,
) -> Result<http::Response<Bytes>, DispatchFailure> {
    let response = http
        .call(request, settings)
        .await
        .map_err(DispatchFailure::Connector)?;
    let (parts, mut incoming) = response.into_parts();
    let status = parts.status.as_u16();
    let failure = |kind| DispatchFailure::Body {
        status,
        request_id: protocol::request_id(&parts.headers).map(str::to_owned),
        kind,
    };
    // Refused before reading: a declared length over the limit.
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(failure(BodyFailure::TooLarge {
            limit,
            read: Vec::new(),
        }));
    }
    // Reserve what the server declared, up to 1 MiB; a larger body grows the buffer as it comes.
    let capacity = declared.map_or(0, |len| len.min(1 << 20) as usize);
    let mut body = Vec::with_capacity(capacity);
    // Read chunk by chunk, never holding more than `limit` bytes: a chunked body that passes
    // the limit ends the exchange (and the connection) without being read further.
    while let Some(chunk) = incoming.next_chunk().await {
        let chunk = chunk.map_err(|e| failure(BodyFailure::Stream(e)))?;
        if body.len() + chunk.len() > limit {
            let keep = limit.saturating_sub(body.len()).min(chunk.len());
            body.extend_from_slice(&chunk[..keep]);
            return Err(failure(BodyFailure::TooLarge { limit, read: body }));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(http::Response::from_parts(parts, Bytes::from(body)))
}

fn classify_connector_error<E>(e: ConnectorError, settings: &HttpSettings) -> AttemptFailure<E> {
    match e.kind() {
        // A request the transport refuses to send (never sent): not worth another attempt.
        ConnectorErrorKind::User => AttemptFailure::fatal(SdkError::construction_failure(e)),
        ConnectorErrorKind::Timeout => {
            let message = match settings.connect_timeout {
                Some(t) => format!(
                    "connect timeout: no connection within {t:?}: {}",
                    error_chain(&e)
                ),
                None => format!("timeout: {}", error_chain(&e)),
            };
            AttemptFailure {
                error: SdkError::timeout(message),
                retry: Some(RetryKind::Timeout),
            }
        }
        // Connection refused, DNS or TLS failure, reset or closed before the response, a
        // response that is not HTTP: the outcome is unknown.
        _ => AttemptFailure {
            error: SdkError::dispatch_failure(e),
            retry: Some(RetryKind::Transient),
        },
    }
}

/// `e` and its sources, joined with `: `.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The first bytes of a body, lossily decoded, for error messages (at most `max` characters).
pub fn snippet(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(max * 4)]);
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max || body.len() > max * 4 {
        out.push('…');
    }
    out
}

fn handle_response<O: Operation>(
    response: http::Response<Bytes>,
) -> Result<O::Output, AttemptFailure<O::Error>> {
    let status = response.status().as_u16();
    match O::deserialize_response(&response) {
        Ok(output) => Ok(output),
        Err(DeserializeError::Service(err)) => {
            let meta = err.meta();
            let retry = retry::classify_error_response(
                meta.code(),
                meta.query_error_code(),
                status,
                O::is_retryable_error(&err),
            );
            Err(AttemptFailure {
                error: SdkError::ServiceError(ServiceError { err, status }),
                retry,
            })
        }
        Err(DeserializeError::Unreadable(source)) => {
            // A 2xx whose body cannot be read is never retried: the service did the work.
            let retry = retry::TRANSIENT_STATUSES
                .contains(&status)
                .then_some(RetryKind::Transient);
            Err(AttemptFailure {
                error: SdkError::ResponseError(ResponseError {
                    status: Some(status),
                    request_id: protocol::request_id(response.headers()).map(str::to_owned),
                    snippet: snippet(response.body(), SNIPPET_CHARS),
                    source,
                }),
                retry,
            })
        }
    }
}

fn resolve_endpoint(
    config: &Config,
    service: &ServiceInfo,
    endpoint_override: Option<&str>,
) -> Result<ResolvedEndpoint, String> {
    // The region is pasted into the endpoint host and the signing scope: accept only a DNS
    // label (as botocore does), so a value such as `evil.example.com#` cannot move requests,
    // and the session token they carry, to another host.
    if let Some(region) = &config.region {
        if !is_valid_region(region.as_ref()) {
            return Err(format!(
                "invalid region {:?}: a region is a DNS label of letters, digits and hyphens \
                 (e.g. us-east-1)",
                region.as_ref()
            ));
        }
    }
    let rules = RuleSet::parse(service.endpoint_rule_set).map_err(|e| {
        format!(
            "the endpoint rule set of {} is invalid: {e}",
            service.sdk_id
        )
    })?;
    // Builtins are bound by their `builtIn` name, whatever the parameter is called.
    let mut params = Params::new();
    let mut takes_endpoint = false;
    for parameter in rules.parameters() {
        let name = parameter.name();
        match parameter.built_in() {
            Some("AWS::Region") => {
                params = params.with_opt_str(name, config.region.as_ref().map(|r| r.as_ref()));
            }
            Some("AWS::UseFIPS") => params = params.with_bool(name, config.use_fips),
            Some("AWS::UseDualStack") => params = params.with_bool(name, config.use_dual_stack),
            Some("SDK::Endpoint") => {
                takes_endpoint = true;
                params = params.with_opt_str(name, endpoint_override);
            }
            _ => {}
        }
    }
    let endpoint = match endpoint_override {
        // A rule set without an SDK::Endpoint parameter cannot honour an override: use it as is.
        Some(url) if !takes_endpoint => Endpoint::new(url),
        _ => rules
            .resolve(&params)
            .map_err(|e| format!("could not resolve the endpoint of {}: {e}", service.sdk_id))?,
    };
    let mut resolved = parse_endpoint(endpoint.url(), endpoint_override.is_some())?;
    resolved.headers = endpoint
        .headers()
        .iter()
        .flat_map(|(name, values)| {
            values
                .iter()
                .map(move |v| (name.to_ascii_lowercase(), v.clone()))
        })
        .collect();
    // A sigv4 auth scheme may override the signing name and region (e.g. global endpoints).
    if let Some(scheme) = endpoint
        .auth_schemes()
        .iter()
        .find(|s| s.get("name").and_then(|n| n.as_str()) == Some("sigv4"))
    {
        resolved.signing_name = scheme
            .get("signingName")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        resolved.signing_region = scheme
            .get("signingRegion")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
    }
    Ok(resolved)
}

/// A region must be one DNS label: 1 to 63 ASCII letters, digits or hyphens, starting and
/// ending with a letter or digit (botocore's `validate_region_name`).
fn is_valid_region(region: &str) -> bool {
    let bytes = region.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// Parses an endpoint URL; `http` is accepted only when the user set the endpoint explicitly.
///
/// The result is normalized: lower-case scheme and host, the port only when not the scheme's
/// default, the endpoint's path with a trailing `/`, the query kept.
fn parse_endpoint(text: &str, explicit: bool) -> Result<ResolvedEndpoint, String> {
    // The scheme is checked first, so that `file:///x` or `unix:/x` read as what they are.
    let scheme = text
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|s| {
            s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
        .ok_or_else(|| format!("invalid endpoint URL `{text}`: no scheme"))?
        .to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" if explicit => 80,
        "http" => {
            return Err(format!(
            "endpoint `{text}` uses plain http, which is only allowed for an explicit endpoint URL"
        ))
        }
        other => {
            return Err(format!(
                "endpoint `{text}` has unsupported scheme `{other}`"
            ))
        }
    };
    let uri: http::Uri = text
        .parse()
        .map_err(|e| format!("invalid endpoint URL `{text}`: {e}"))?;
    let authority = uri
        .authority()
        .filter(|a| !a.host().is_empty())
        .ok_or_else(|| format!("endpoint `{text}` has no host"))?;
    if authority.as_str().contains('@') {
        return Err(format!(
            "endpoint `{text}` has user information, which is not supported"
        ));
    }
    let host = authority.host().to_ascii_lowercase();
    let host = match authority.port_u16() {
        Some(port) if port != default_port => format!("{host}:{port}"),
        _ => host,
    };
    Ok(ResolvedEndpoint {
        origin: format!("{scheme}://{host}"),
        host,
        base_path: uri.path().trim_end_matches('/').to_owned(),
        query: uri.query().map(str::to_owned),
        headers: Vec::new(),
        signing_name: None,
        signing_region: None,
    })
}

/// Replaces characters that may not appear in a user-agent token with `_`.
fn sanitize_ua_token(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_endpoint;

    #[test]
    fn request_paths_join_the_endpoint_path_and_query() {
        let plain = parse_endpoint("https://Example.COM:443", false).unwrap();
        assert_eq!(plain.url(), "https://example.com/");
        assert_eq!(plain.path_and_query("/"), "/");
        assert_eq!(
            plain.path_and_query("/2015/functions?x=1"),
            "/2015/functions?x=1"
        );

        let with_path = parse_endpoint("http://127.0.0.1:5000/custom/?a=b", true).unwrap();
        assert_eq!(with_path.host, "127.0.0.1:5000");
        assert_eq!(with_path.url(), "http://127.0.0.1:5000/custom/?a=b");
        assert_eq!(with_path.path_and_query("/"), "/custom/?a=b");
        assert_eq!(
            with_path.path_and_query("/items?x=1"),
            "/custom/items?a=b&x=1"
        );
    }

    #[test]
    fn plain_http_needs_an_explicit_endpoint() {
        assert!(parse_endpoint("http://example.com", false).is_err());
        assert!(parse_endpoint("http://example.com", true).is_ok());
        assert!(parse_endpoint("file:///etc/passwd", true).is_err());
    }
}
