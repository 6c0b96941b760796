//! The one `send` path every generated operation goes through: serialize, resolve the
//! endpoint, sign, dispatch, retry, time out, and map the response.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::config::{Config, TimeoutConfig};
use crate::credentials::Credentials;
use crate::endpoint::{Endpoint, Params, RuleSet};
use crate::error::{BoxError, ResponseError, SdkError, ServiceError};
use crate::json_errors;
use crate::operation::{Operation, ServiceInfo};
use crate::retry::{self, AttemptError, RetryKind, RetryStrategy};
use crate::sigv4::{self, SignableRequest, SigningParams, SigningSettings};

/// Version of this runtime crate, named in the user agent.
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Longest body excerpt kept in a [`ResponseError`].
const SNIPPET_CHARS: usize = 256;

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
    http: Result<reqwest::Client, String>,
    endpoint_override: Option<String>,
    endpoint: OnceLock<Result<ResolvedEndpoint, String>>,
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
    url: reqwest::Url,
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
        let http = match &config.http_client {
            Some(client) => Ok(client.clone()),
            None => build_http_client(&config.timeout_config),
        };
        let endpoint_override = config.endpoint_url_for(service.sdk_id);
        let app = config.app_name.as_deref().map(sanitize_ua_token);
        let app_suffix = app.map(|a| format!(" app/{a}")).unwrap_or_default();
        let os = std::env::consts::OS;
        let user_agent = format!(
            "{}/{} awsjson-runtime/{RUNTIME_VERSION} os/{os} lang/rust{app_suffix}",
            sanitize_ua_token(service.crate_name),
            sanitize_ua_token(service.crate_version),
        );
        let amz_user_agent = format!(
            "awsjson-runtime/{RUNTIME_VERSION} api/{}/{} os/{os} lang/rust {}/{}{app_suffix}",
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
                endpoint_override,
                endpoint: OnceLock::new(),
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
        self.endpoint().map(|e| e.url.to_string())
    }

    /// Calls operation `O` with `input`: serializes it once, resolves endpoint and
    /// credentials, then sends signed attempts under the retry policy and the timeouts.
    ///
    /// See [`crate::retry`] for exactly which failures are retried.
    pub async fn send<O: Operation>(
        &self,
        input: O::Input,
    ) -> Result<O::Output, SdkError<O::Error>> {
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
                // Asked before every attempt, so credentials that expire during a backoff are
                // renewed; a provider that fails ends the call.
                let credentials = provider.provide_credentials().await.map_err(|e| {
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
    ) -> Result<reqwest::Request, SdkError<O::Error>> {
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
            body: ctx.body,
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
        let mut request = reqwest::Request::new(reqwest::Method::POST, ctx.endpoint.url.clone());
        *request.headers_mut() = map;
        *request.body_mut() = Some(reqwest::Body::from(ctx.body.to_vec()));
        Ok(request)
    }
}

struct AttemptContext<'a> {
    http: &'a reqwest::Client,
    endpoint: &'a ResolvedEndpoint,
    region: &'a str,
    credentials: &'a Credentials,
    body: &'a [u8],
    invocation_id: &'a str,
    attempt: u32,
    max_attempts: u32,
}

/// Sends one request and reads the whole response, at most `limit` body bytes.
async fn dispatch<E>(
    http: &reqwest::Client,
    request: reqwest::Request,
    limit: usize,
    timeouts: &TimeoutConfig,
) -> Result<RawResponse, AttemptFailure<E>> {
    let mut response = http
        .execute(request)
        .await
        .map_err(|e| classify_send_error(e, timeouts))?;
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let request_id = json_errors::request_id(&headers).map(str::to_owned);
    let too_large = |body: &[u8]| {
        AttemptFailure::fatal(SdkError::ResponseError(ResponseError {
            status: Some(status),
            request_id: request_id.clone(),
            snippet: json_errors::snippet(body, SNIPPET_CHARS),
            source: format!("response body exceeds the limit of {limit} bytes").into(),
        }))
    };
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(too_large(&[]));
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    let keep = limit.saturating_sub(body.len()).min(chunk.len());
                    body.extend_from_slice(&chunk[..keep]);
                    return Err(too_large(&body));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
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

fn classify_send_error<E>(e: reqwest::Error, timeouts: &TimeoutConfig) -> AttemptFailure<E> {
    if e.is_builder() {
        return AttemptFailure::fatal(SdkError::construction_failure(e));
    }
    if e.is_timeout() {
        // The HTTP client's only timeout is the connect timeout; the others are ours.
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
    // Connection refused or reset, closed before the response, DNS failure: all I/O.
    AttemptFailure {
        error: SdkError::dispatch_failure(e),
        retry: Some(RetryKind::Transient),
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
fn parse_endpoint(text: &str, explicit: bool) -> Result<ResolvedEndpoint, String> {
    let url =
        reqwest::Url::parse(text).map_err(|e| format!("invalid endpoint URL `{text}`: {e}"))?;
    match url.scheme() {
        "https" => {}
        "http" if explicit => {}
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
    }
    let host = url
        .host_str()
        .ok_or_else(|| format!("endpoint `{text}` has no host"))?;
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    // The operation's request URI (`/` for awsJson) goes after the endpoint's path, as in
    // botocore and the Smithy protocol tests (`AwsJson11HostWithPath`): `https://h/custom`
    // is requested as `/custom/`.
    let mut url = url;
    let path = format!("{}/", url.path().trim_end_matches('/'));
    url.set_path(&path);
    let path_and_query = match url.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    Ok(ResolvedEndpoint {
        url,
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

/// Builds the HTTP client: rustls with the `ring` provider and the platform's certificate
/// verifier, no redirects, the configured connect timeout.
fn build_http_client(timeouts: &TimeoutConfig) -> Result<reqwest::Client, String> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_platform_verifier()
        .map_err(|e| format!("TLS setup failed: cannot load the platform verifier: {e}"))?
        .with_no_client_auth();
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(60));
    if let Some(t) = timeouts.connect_timeout() {
        builder = builder.connect_timeout(t);
    }
    builder
        .build()
        .map_err(|e| format!("could not build the HTTP client: {}", error_chain(&e)))
}
