//! Client configuration: region, credentials, endpoint override, retries, timeouts, limits.
//!
//! Build one explicitly with [`Config::builder`], or from the environment and the shared AWS
//! files with [`load_from_env`] / [`ConfigLoader`], which follow the AWS CLI:
//!
//! | setting | sources, first wins |
//! |---|---|
//! | region | `ConfigLoader::region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region` |
//! | credentials | `ConfigLoader::credentials_provider`, else the default chain (environment, then shared files) |
//! | endpoint URL | `ConfigLoader::endpoint_url`, `AWS_ENDPOINT_URL_<SDK_ID>`, `AWS_ENDPOINT_URL`, the profile's `endpoint_url` (only the first when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`) |
//! | FIPS / dual-stack | `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`, the profile's `use_fips_endpoint`, `use_dualstack_endpoint` |
//! | retries | `AWS_MAX_ATTEMPTS` or the profile's `max_attempts`; `AWS_RETRY_MODE` (`standard`; `legacy` and `adaptive` are served by standard mode) |
//!
//! The profile is `AWS_PROFILE`, else `default`.
//!
//! `<SDK_ID>` is the service's `sdkId` upper-cased with spaces (and dashes) turned into
//! underscores, e.g. `AWS_ENDPOINT_URL_MEMORYDB`. It is applied when a
//! [`Handle`](crate::client::Handle) is created, since only then is the service known.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::credentials::{DefaultCredentialsChain, ProvideCredentials};
use crate::profile::{selected_profile_name, Env, ProfileSet};
use crate::region::{region_from_env, Region};
pub use crate::retry::RetryConfig;
use crate::transport::{HttpClient, SharedHttpClient};

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// Default limit on the size of a response body: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Connect, per-attempt and whole-operation timeouts.
///
/// Defaults: connect 3.1 s; no attempt or operation timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutConfig {
    connect_timeout: Option<Duration>,
    operation_attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            operation_attempt_timeout: None,
            operation_timeout: None,
        }
    }
}

impl TimeoutConfig {
    /// The defaults (connect 3.1 s, nothing else).
    pub fn new() -> Self {
        Self::default()
    }
    /// No timeout at all.
    pub fn disabled() -> Self {
        Self {
            connect_timeout: None,
            operation_attempt_timeout: None,
            operation_timeout: None,
        }
    }
    /// Limits establishing a connection (TCP and TLS).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }
    /// Limits one attempt: sending the request and reading the whole response.
    pub fn with_operation_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.operation_attempt_timeout = Some(timeout);
        self
    }
    /// Limits a whole call, all attempts and the waits between them included.
    pub fn with_operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }
    /// The connect timeout.
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }
    /// The per-attempt timeout.
    pub fn operation_attempt_timeout(&self) -> Option<Duration> {
        self.operation_attempt_timeout
    }
    /// The whole-operation timeout.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.operation_timeout
    }
}

/// A source of the current time, for signing (tests inject a fixed clock).
pub trait TimeSource: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemTimeSource;

impl TimeSource for SystemTimeSource {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct StaticTimeSource(pub SystemTime);

impl TimeSource for StaticTimeSource {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// Endpoint URLs configured outside code; the service-specific one is picked by
/// [`Handle::new`](crate::client::Handle::new).
#[derive(Debug, Clone, Default)]
pub(crate) struct EnvEndpoints {
    /// Where `AWS_ENDPOINT_URL_<SDK_ID>` is looked up, when loaded from the environment.
    pub(crate) env: Option<Env>,
    /// `AWS_ENDPOINT_URL`.
    pub(crate) global: Option<String>,
    /// The profile's `endpoint_url`.
    pub(crate) profile: Option<String>,
}

/// The suffix of a service-specific endpoint variable: `sdkId` upper-cased, spaces and dashes
/// turned into underscores (`MemoryDB` -> `MEMORYDB`, `Secrets Manager` -> `SECRETS_MANAGER`).
pub fn env_endpoint_suffix(sdk_id: &str) -> String {
    sdk_id
        .trim()
        .chars()
        .map(|c| {
            if c == ' ' || c == '-' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

/// Configuration of a client. Cheap to clone.
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<Region>,
    pub(crate) credentials_provider: Option<Arc<dyn ProvideCredentials>>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) env_endpoints: EnvEndpoints,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) retry_config: RetryConfig,
    pub(crate) timeout_config: TimeoutConfig,
    pub(crate) max_response_body_bytes: usize,
    pub(crate) app_name: Option<String>,
    pub(crate) time_source: Arc<dyn TimeSource>,
    pub(crate) http_client: Option<SharedHttpClient>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The credentials provider is shown only as present or not: never its contents.
        f.debug_struct("Config")
            .field("region", &self.region)
            .field(
                "credentials_provider",
                &self.credentials_provider.as_ref().map(|_| "<set>"),
            )
            .field("endpoint_url", &self.endpoint_url)
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("retry_config", &self.retry_config)
            .field("timeout_config", &self.timeout_config)
            .field("max_response_body_bytes", &self.max_response_body_bytes)
            .field("app_name", &self.app_name)
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::builder().build()
    }
}

impl Config {
    /// Starts a builder with the defaults: no region, no credentials, standard retries,
    /// default timeouts.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }
    /// A builder holding this configuration, to change a few settings.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder {
            inner: self.clone(),
        }
    }
    /// The region.
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }
    /// The credentials provider.
    pub fn credentials_provider(&self) -> Option<Arc<dyn ProvideCredentials>> {
        self.credentials_provider.clone()
    }
    /// The endpoint URL set explicitly with [`ConfigBuilder::endpoint_url`] or
    /// [`ConfigLoader::endpoint_url`] (not the ones from the environment, which depend on the
    /// service: see [`Config::endpoint_url_for`]).
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }
    /// Whether FIPS endpoints are used.
    pub fn use_fips(&self) -> bool {
        self.use_fips
    }
    /// Whether dual-stack (IPv4 and IPv6) endpoints are used.
    pub fn use_dual_stack(&self) -> bool {
        self.use_dual_stack
    }
    /// The retry configuration.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry_config
    }
    /// The timeouts.
    pub fn timeout_config(&self) -> &TimeoutConfig {
        &self.timeout_config
    }
    /// The largest response body accepted, in bytes.
    pub fn max_response_body_bytes(&self) -> usize {
        self.max_response_body_bytes
    }
    /// The application name added to the user agent.
    pub fn app_name(&self) -> Option<&str> {
        self.app_name.as_deref()
    }

    /// The endpoint URL override for the service with `sdk_id`: the explicit setting, else
    /// `AWS_ENDPOINT_URL_<SDK_ID>`, else `AWS_ENDPOINT_URL`, else the profile's `endpoint_url`
    /// (the last three only when loaded by [`ConfigLoader`]).
    pub fn endpoint_url_for(&self, sdk_id: &str) -> Option<String> {
        let from_env = || {
            let env = self.env_endpoints.env.as_ref()?;
            env.get_non_empty(&format!("AWS_ENDPOINT_URL_{}", env_endpoint_suffix(sdk_id)))
        };
        self.endpoint_url
            .clone()
            .or_else(from_env)
            .or_else(|| self.env_endpoints.global.clone())
            .or_else(|| self.env_endpoints.profile.clone())
    }
}

/// Builder for [`Config`].
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    inner: Config,
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        Self {
            inner: Config {
                region: None,
                credentials_provider: None,
                endpoint_url: None,
                env_endpoints: EnvEndpoints::default(),
                use_fips: false,
                use_dual_stack: false,
                retry_config: RetryConfig::standard(),
                timeout_config: TimeoutConfig::default(),
                max_response_body_bytes: DEFAULT_MAX_RESPONSE_BODY_BYTES,
                app_name: None,
                time_source: Arc::new(SystemTimeSource),
                http_client: None,
            },
        }
    }
}

impl ConfigBuilder {
    /// Sets the region (`us-east-1`...).
    pub fn region(mut self, region: impl Into<Region>) -> Self {
        self.inner.region = Some(region.into());
        self
    }
    /// Sets or clears the region.
    pub fn set_region(mut self, region: Option<Region>) -> Self {
        self.inner.region = region;
        self
    }
    /// Sets the credentials provider (a [`Credentials`](crate::credentials::Credentials) value
    /// is one too).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.inner.credentials_provider = Some(Arc::new(provider));
        self
    }
    /// Sets or clears a shared credentials provider.
    pub fn set_credentials_provider(
        mut self,
        provider: Option<Arc<dyn ProvideCredentials>>,
    ) -> Self {
        self.inner.credentials_provider = provider;
        self
    }
    /// Sends every request to this URL instead of the endpoint the rules resolve (a local
    /// test server, a VPC endpoint...). This is the only way to use plain `http://`.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.inner.endpoint_url = Some(url.into());
        self
    }
    /// Sets or clears the endpoint URL override.
    pub fn set_endpoint_url(mut self, url: Option<String>) -> Self {
        self.inner.endpoint_url = url;
        self
    }
    /// Uses FIPS endpoints.
    pub fn use_fips(mut self, use_fips: bool) -> Self {
        self.inner.use_fips = use_fips;
        self
    }
    /// Uses dual-stack endpoints.
    pub fn use_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.inner.use_dual_stack = use_dual_stack;
        self
    }
    /// Sets the retry configuration.
    pub fn retry_config(mut self, retry_config: RetryConfig) -> Self {
        self.inner.retry_config = retry_config;
        self
    }
    /// Sets the timeouts.
    pub fn timeout_config(mut self, timeout_config: TimeoutConfig) -> Self {
        self.inner.timeout_config = timeout_config;
        self
    }
    /// Sets the largest response body accepted; a larger one fails the call with
    /// [`SdkError::ResponseError`](crate::SdkError::ResponseError).
    pub fn max_response_body_bytes(mut self, limit: usize) -> Self {
        self.inner.max_response_body_bytes = limit;
        self
    }
    /// Adds `app/<name>` to the user agent (characters outside `[A-Za-z0-9!#$%&'*+-.^_`|~]`
    /// become `_`).
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.inner.app_name = Some(name.into());
        self
    }
    /// Sets the clock used for signing (tests).
    pub fn time_source(mut self, time_source: impl TimeSource + 'static) -> Self {
        self.inner.time_source = Arc::new(time_source);
        self
    }
    /// Sends requests with this HTTP client instead of a new
    /// [`HyperClient`](crate::transport::HyperClient): another transport, or one
    /// [`HyperClient`](crate::transport::HyperClient) (or [`SharedHttpClient`]) shared by several service
    /// clients so they use one connection pool and load the system certificates once. The
    /// connect timeout of [`TimeoutConfig`] is passed to it with every request.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.inner.http_client = Some(SharedHttpClient::new(client));
        self
    }
    /// Sets or clears the HTTP client.
    pub fn set_http_client(mut self, client: Option<SharedHttpClient>) -> Self {
        self.inner.http_client = client;
        self
    }
    /// Finishes the configuration.
    pub fn build(self) -> Config {
        self.inner
    }
}

/// Loads a [`Config`] from the environment and the shared AWS files, with optional overrides.
#[derive(Debug, Default)]
pub struct ConfigLoader {
    builder: ConfigBuilder,
    region_set: bool,
    credentials_set: bool,
    retry_set: bool,
    env: Option<Env>,
    home: Option<PathBuf>,
    profile: Option<String>,
}

impl ConfigLoader {
    /// Uses this region instead of looking it up.
    pub fn region(mut self, region: impl Into<Region>) -> Self {
        self.builder = self.builder.region(region);
        self.region_set = true;
        self
    }
    /// Uses this credentials provider instead of the default chain.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.builder = self.builder.credentials_provider(provider);
        self.credentials_set = true;
        self
    }
    /// Uses this endpoint URL for every service (overrides the environment).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.builder = self.builder.endpoint_url(url);
        self
    }
    /// Uses this retry configuration (overrides `AWS_MAX_ATTEMPTS`).
    pub fn retry_config(mut self, retry_config: RetryConfig) -> Self {
        self.builder = self.builder.retry_config(retry_config);
        self.retry_set = true;
        self
    }
    /// Uses these timeouts.
    pub fn timeout_config(mut self, timeout_config: TimeoutConfig) -> Self {
        self.builder = self.builder.timeout_config(timeout_config);
        self
    }
    /// Adds `app/<name>` to the user agent.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.builder = self.builder.app_name(name);
        self
    }
    /// Reads variables from this environment instead of the process's (tests).
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }
    /// Looks for `.aws/config` and `.aws/credentials` under this directory instead of the
    /// home directory (tests).
    pub fn home_dir(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }
    /// Uses this profile of the shared files regardless of `AWS_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Resolves everything not set explicitly and returns the configuration.
    ///
    /// Never fails: what cannot be found (no region, no credentials) is reported by the first
    /// call that needs it, with a message saying how to set it. A malformed shared file is
    /// reported the same way, by the credentials provider.
    pub async fn load(self) -> Config {
        let env = self.env.unwrap_or_else(Env::real);
        let home = self.home;
        // Settings the AWS CLI also reads from the profile; the environment wins over it.
        let profile_name = self
            .profile
            .clone()
            .unwrap_or_else(|| selected_profile_name(&env));
        let profiles = ProfileSet::load(&env, home.as_deref()).unwrap_or_default();
        let profile = profiles.get(&profile_name);
        let setting = |var: &str, property: &str| {
            env.get_non_empty(var).or_else(|| {
                profile
                    .and_then(|p| p.get_non_empty(property))
                    .map(str::to_owned)
            })
        };

        let mut builder = self.builder;
        if !self.region_set {
            let region = region_from_env(&env).or_else(|| {
                profile
                    .and_then(|p| p.get_non_empty("region"))
                    .map(|r| Region::new(r.to_owned()))
            });
            builder = builder.set_region(region);
        }
        if !self.credentials_set {
            let mut chain = DefaultCredentialsChain::with_env(env.clone());
            if let Some(home) = &home {
                chain = chain.home_dir(home.clone());
            }
            if let Some(name) = &self.profile {
                chain = chain.profile_name(name.clone());
            }
            builder = builder.credentials_provider(chain);
        }
        if !self.retry_set {
            // AWS_RETRY_MODE / retry_mode: only standard mode is implemented; `legacy` and
            // `adaptive` are served by it too.
            let mut retry = RetryConfig::standard();
            if let Some(n) =
                setting("AWS_MAX_ATTEMPTS", "max_attempts").and_then(|v| v.parse::<u32>().ok())
            {
                retry = retry.with_max_attempts(n);
            }
            builder = builder.retry_config(retry);
        }
        let flag = |var: &str, property: &str| {
            setting(var, property).is_some_and(|v| v.eq_ignore_ascii_case("true"))
        };
        builder = builder
            .use_fips(flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"))
            .use_dual_stack(flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"));
        if !flag(
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "ignore_configured_endpoint_urls",
        ) {
            builder.inner.env_endpoints = EnvEndpoints {
                global: env.get_non_empty("AWS_ENDPOINT_URL"),
                profile: profile
                    .and_then(|p| p.get_non_empty("endpoint_url"))
                    .map(str::to_owned),
                env: Some(env),
            };
        }
        builder.build()
    }
}

/// Loads a [`Config`] from the environment and the shared AWS files (see the module docs).
pub async fn load_from_env() -> Config {
    ConfigLoader::default().load().await
}
