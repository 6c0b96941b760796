//! The one `send` path every generated operation goes through: serialize, resolve the
//! endpoint, sign, dispatch, retry, time out, and map the response.

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_LENGTH};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::config::{Config, TimeoutConfig};
use crate::credentials::{Credentials, CredentialsError, ProvideCredentials};
use crate::endpoint::{Endpoint, Params, RuleSet};
use crate::error::{BoxError, ResponseError, SdkError, ServiceError};
use crate::json_errors;
use crate::operation::{Operation, ServiceInfo};
use crate::retry::{self, AttemptError, RetryKind, RetryStrategy};
use crate::sigv4::{self, SignableRequest, SigningParams, SigningSettings};

/// Version of this runtime crate, named in the user agent.
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Cached credentials are renewed this long before they expire, so a request signed with them
/// does not arrive after expiry.
const CREDENTIALS_REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// Longest body excerpt kept in a [`ResponseError`].
const SNIPPET_CHARS: usize = 256;

/// The HTTP client a [`Handle`] sends requests with: hyper-util's pooled client over
/// hyper-rustls (HTTP/1.1, rustls with the `ring` provider), request bodies sent whole.
///
/// A [`Handle`] builds its own (the system's root certificates, no redirects, the connect
/// timeout of [`TimeoutConfig`]); build one yourself only to change those, and pass it to
/// [`ConfigBuilder::http_client`](crate::config::ConfigBuilder::http_client).
pub type HttpClient =
    hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A configured connection to one service: what a generated `Client` wraps.
///
/// Cheap to clone (an [`Arc`] inside); clones share the HTTP connection pool, the resolved
/// endpoint and the retry token bucket.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    service: &'static ServiceInfo,
    http: Result<HttpClient, String>,
    /// Why https cannot work with the built client (no system root certificates).
    no_tls_roots: Option<String>,
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
    /// Scheme, host, non-default port, path and query.
    uri: http::Uri,
    /// The `Host` header value: host, plus `:port` when not the scheme's default.
    host: String,
    /// Path (endpoint path preserved, `/` when empty) and query of every request.
    path_and_query: String,
    /// Headers the endpoint rules ask for.
    headers: Vec<(String, String)>,
    /// Signing name from the endpoint's sigv4 auth scheme, overriding the service's.
    signing_name: Option<String>,
    /// Signing region from the endpoint's sigv4 auth scheme, overriding the configured one.
    signing_region: Option<String>,
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

fn construction<E>(message: impl Into<String>) -> SdkError<E> {
    SdkError::construction_failure(Message(message.into()))
}

/// The response of one attempt, read whole.
struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

type AttemptFailure<E> = AttemptError<SdkError<E>>;

impl Handle {
    /// Creates a handle for `service` with `config`.
    ///
    /// Never fails: problems (no region, no credentials, an endpoint the rules reject, an HTTP
    /// client that cannot be built) are reported by each [`send`](Self::send) as
    /// [`SdkError::ConstructionFailure`]. The service-specific `AWS_ENDPOINT_URL_<SDK_ID>`
    /// captured by [`load_from_env`](crate::config::load_from_env) is applied here.
    pub fn new(config: Config, service: &'static ServiceInfo) -> Handle {
        let (http, no_tls_roots) = match &config.http_client {
            Some(client) => (Ok(client.clone()), None),
            None => match build_http_client(&config.timeout_config) {
                Ok((client, no_roots)) => (Ok(client), no_roots),
                Err(e) => (Err(e), None),
            },
        };
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
                no_tls_roots,
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
        self.endpoint().map(|e| e.uri.to_string())
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
        let body = crate::serde_fmt::to_body(&input)
            .map(Bytes::from)
            .map_err(|e| construction(format!("could not serialize the {} input: {e}", O::NAME)))?;
        drop(input);
        let http = inner.http.as_ref().map_err(|e| construction(e.clone()))?;
        let region = inner.config.region.as_ref().ok_or_else(|| {
            construction(
                "no region is configured: set the AWS_REGION environment variable, a `region` in \
                 the profile of ~/.aws/config, or call ConfigBuilder::region",
            )
        })?;
        let endpoint = self.endpoint().map_err(construction)?;
        if let Some(problem) = &inner.no_tls_roots {
            if endpoint.uri.scheme() == Some(&http::uri::Scheme::HTTPS) {
                return Err(construction(problem.clone()));
            }
        }
        let provider = inner.config.credentials_provider.as_ref().ok_or_else(|| {
            construction(
                "no credentials provider is configured: use load_from_env() or call \
                 ConfigBuilder::credentials_provider",
            )
        })?;

        let invocation_id = retry::uuid_v4();
        let max_attempts = inner.retry.config().max_attempts();
        retry::run_with_retries(&inner.retry, |attempt| {
            let invocation_id = &invocation_id;
            let body = &body;
            async move {
                // Checked before every attempt, so credentials that expire during a backoff are
                // renewed; a provider that fails ends the call.
                let credentials = self.credentials(provider.as_ref()).await.map_err(|e| {
                    AttemptError::fatal(construction(format!(
                        "failed to load credentials: {}",
                        error_chain(&e)
                    )))
                })?;
                let ctx = AttemptContext {
                    http,
                    endpoint,
                    region: region.as_ref(),
                    credentials: &credentials,
                    body,
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
            .build_request::<O>(&ctx)
            .map_err(AttemptFailure::fatal)?;
        let limit = inner.config.max_response_body_bytes;
        let exchange = dispatch(ctx.http, request, limit, &inner.config.timeout_config);
        let raw = match inner.config.timeout_config.operation_attempt_timeout() {
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
        }?;
        handle_response::<O>(raw, inner.service)
    }

    fn build_request<O: Operation>(
        &self,
        ctx: &AttemptContext<'_>,
    ) -> Result<http::Request<Full<Bytes>>, SdkError<O::Error>> {
        let inner = &*self.inner;
        let service = inner.service;
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), ctx.endpoint.host.clone()),
            ("content-type".into(), service.content_type().into()),
            (
                "x-amz-target".into(),
                format!("{}.{}", service.target_prefix, O::NAME),
            ),
        ];
        headers.extend(ctx.endpoint.headers.iter().cloned());
        let signable = SignableRequest {
            method: "POST",
            path_and_query: &ctx.endpoint.path_and_query,
            headers: &headers,
            body: ctx.body.as_ref(),
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
        if service.aws_query_compatible {
            // Asks an awsQueryCompatible service for its legacy error codes
            // (`x-amzn-query-error`), as botocore and the Smithy protocol tests do.
            headers.push(("x-amzn-query-mode".to_owned(), "true".to_owned()));
        }
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
        let mut request = http::Request::new(Full::new(ctx.body.clone()));
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = ctx.endpoint.uri.clone();
        *request.headers_mut() = map;
        Ok(request)
    }
}

struct AttemptContext<'a> {
    http: &'a HttpClient,
    endpoint: &'a ResolvedEndpoint,
    region: &'a str,
    credentials: &'a Credentials,
    body: &'a Bytes,
    invocation_id: &'a str,
    attempt: u32,
    max_attempts: u32,
}

/// Sends one request and reads the whole response, at most `limit` body bytes.
async fn dispatch<E>(
    http: &HttpClient,
    request: http::Request<Full<Bytes>>,
    limit: usize,
    timeouts: &TimeoutConfig,
) -> Result<RawResponse, AttemptFailure<E>> {
    let response = http
        .request(request)
        .await
        .map_err(|e| classify_send_error(e, timeouts))?;
    let (parts, mut incoming) = response.into_parts();
    let status = parts.status.as_u16();
    let headers = parts.headers;
    let request_id = json_errors::request_id(&headers).map(str::to_owned);
    let too_large = |body: &[u8]| {
        AttemptFailure::fatal(SdkError::ResponseError(ResponseError {
            status: Some(status),
            request_id: request_id.clone(),
            snippet: json_errors::snippet(body, SNIPPET_CHARS),
            source: format!("response body exceeds the limit of {limit} bytes").into(),
        }))
    };
    // Refused before reading: a declared length over the limit.
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large(&[]));
    }
    // Reserve what the server declared, up to 1 MiB; a larger body grows the buffer as it comes.
    let capacity = declared.map_or(0, |len| len.min(1 << 20) as usize);
    let mut body = Vec::with_capacity(capacity);
    // Read frame by frame, never holding more than `limit` bytes: a chunked body that passes
    // the limit ends the exchange (and the connection) without being read further.
    loop {
        match incoming.frame().await {
            Some(Ok(frame)) => {
                let Ok(chunk) = frame.into_data() else {
                    continue; // trailers
                };
                if body.len() + chunk.len() > limit {
                    let keep = limit.saturating_sub(body.len()).min(chunk.len());
                    body.extend_from_slice(&chunk[..keep]);
                    return Err(too_large(&body));
                }
                body.extend_from_slice(&chunk);
            }
            None => break,
            Some(Err(e)) => {
                // The service answered, so it has seen the request: retry only when the status
                // itself says the request was not processed.
                let retry = retry::TRANSIENT_STATUSES
                    .contains(&status)
                    .then_some(RetryKind::Transient);
                return Err(AttemptFailure {
                    error: SdkError::dispatch_failure(e),
                    retry,
                });
            }
        }
    }
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

fn classify_send_error<E>(
    e: hyper_util::client::legacy::Error,
    timeouts: &TimeoutConfig,
) -> AttemptFailure<E> {
    let refused_by_hyper = chain(&e)
        .filter_map(|s| s.downcast_ref::<hyper::Error>())
        .any(hyper::Error::is_user);
    if refused_by_hyper {
        // A request hyper refuses to send (never sent): not worth another attempt.
        return AttemptFailure::fatal(SdkError::construction_failure(e));
    }
    // The connector's only timeout is the connect timeout (an `io::Error` of kind `TimedOut`
    // from hyper-util's HttpConnector); the others are ours.
    let timed_out = chain(&e).any(|s| {
        s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
    });
    if e.is_connect() && timed_out {
        let message = match timeouts.connect_timeout() {
            Some(t) => format!(
                "connect timeout: no connection within {t:?}: {}",
                error_chain(&e)
            ),
            None => format!("timeout: {}", error_chain(&e)),
        };
        return AttemptFailure {
            error: SdkError::timeout(message),
            retry: Some(RetryKind::Timeout),
        };
    }
    // Connection refused (`is_connect`), DNS or TLS failure, reset or closed before the
    // response, a response that is not HTTP: all I/O, the outcome unknown.
    AttemptFailure {
        error: SdkError::dispatch_failure(e),
        retry: Some(RetryKind::Transient),
    }
}

/// `e` and its sources.
fn chain<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |e| e.source())
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

fn handle_response<O: Operation>(
    raw: RawResponse,
    service: &ServiceInfo,
) -> Result<O::Output, AttemptFailure<O::Error>> {
    let RawResponse {
        status,
        headers,
        body,
    } = raw;
    let request_id = || json_errors::request_id(&headers).map(str::to_owned);
    let response_error = |source: BoxError| {
        SdkError::ResponseError(ResponseError {
            status: Some(status),
            request_id: request_id(),
            snippet: json_errors::snippet(&body, SNIPPET_CHARS),
            source,
        })
    };
    if (200..300).contains(&status) {
        let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &body
        };
        return serde_json::from_slice::<O::Output>(text).map_err(|e| {
            AttemptFailure::fatal(response_error(
                format!("could not parse the {} response: {e}", O::NAME).into(),
            ))
        });
    }
    match json_errors::parse_error_metadata(status, &headers, &body, service.aws_query_compatible) {
        Ok(meta) => {
            let code = meta.code().map(str::to_owned);
            let query_code = meta.query_error_code().map(str::to_owned);
            let err = O::parse_error(meta, &body);
            let retry = retry::classify_error_response(
                code.as_deref(),
                query_code.as_deref(),
                status,
                O::is_retryable_error(&err),
            );
            Err(AttemptFailure {
                error: SdkError::ServiceError(ServiceError { err, status }),
                retry,
            })
        }
        Err(not_json) => {
            let retry = retry::TRANSIENT_STATUSES
                .contains(&status)
                .then_some(RetryKind::Transient);
            Err(AttemptFailure {
                error: response_error(Box::new(not_json)),
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
    // The operation's request URI (`/` for awsJson) goes after the endpoint's path, as in
    // botocore and the Smithy protocol tests (`AwsJson11HostWithPath`): `https://h/custom`
    // is requested as `/custom/`.
    let path = format!("{}/", uri.path().trim_end_matches('/'));
    let path_and_query = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    let uri = format!("{scheme}://{host}{path_and_query}")
        .parse()
        .map_err(|e| format!("invalid endpoint URL `{text}`: {e}"))?;
    Ok(ResolvedEndpoint {
        uri,
        host,
        path_and_query,
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

/// Builds the HTTP client: HTTP/1.1 over rustls with the `ring` provider, verifying servers
/// against the system's root certificates (`rustls-native-certs`: the OS store, or
/// `SSL_CERT_FILE` / `SSL_CERT_DIR`), plain http for explicit endpoints only (checked when
/// the endpoint is parsed), no redirects, no proxy, the configured connect timeout.
fn build_http_client(timeouts: &TimeoutConfig) -> Result<(HttpClient, Option<String>), String> {
    let native = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    let (_added, _ignored) = roots.add_parsable_certificates(native.certs);
    // Without roots no https endpoint can be verified: reported by each https call, while
    // plain http to an explicit endpoint (a local server) keeps working.
    let no_roots = roots.is_empty().then(|| {
        let errors: Vec<String> = native.errors.iter().map(ToString::to_string).collect();
        format!(
            "TLS setup failed: no root certificates found in the system store{}",
            if errors.is_empty() {
                String::new()
            } else {
                format!(" ({})", errors.join("; "))
            }
        )
    });
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(timeouts.connect_timeout());
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(tcp);
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .timer(TokioTimer::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .build(connector);
    Ok((client, no_roots))
}
