//! Client configuration: region, credentials, endpoint override, retries, timeouts, limits.
//!
//! Build one explicitly with [`Config::builder`], or from the environment and the shared AWS
//! files with [`load_from_env`] / [`ConfigLoader`], which follow the AWS CLI:
//!
//! | setting | sources, first wins |
//! |---|---|
//! | region | `ConfigLoader::region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region` |
//! | credentials | `ConfigLoader::credentials_provider`, else the default chain (environment, then shared files) |
//! | endpoint URL | `ConfigLoader::endpoint_url`, `AWS_ENDPOINT_URL_<SDK_ID>`, `AWS_ENDPOINT_URL`, the profile's `services` section (`<sdk_id> =` then `endpoint_url =` indented below it), the profile's `endpoint_url` (only the first when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or the profile's `ignore_configured_endpoint_urls` is `true`) |
//! | FIPS / dual-stack | `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`, the profile's `use_fips_endpoint`, `use_dualstack_endpoint` (`true` or `false`) |
//! | retries | `ConfigLoader::retry_config`, else `AWS_MAX_ATTEMPTS` or the profile's `max_attempts` (at least 1); `AWS_RETRY_MODE` or `retry_mode` (`standard`; `legacy` and `adaptive` are served by standard mode) |
//!
//! The profile is `ConfigLoader::profile_name`, else `AWS_PROFILE`, else `default`. For the
//! settings the environment and the profile both have, the environment wins.
//!
//! The endpoint order is the one the AWS SDKs document for service-specific endpoints: both
//! environment variables come before both profile settings, the service-specific one first
//! in each. `<SDK_ID>` is the service's `sdkId` upper-cased with spaces (and dashes) turned
//! into underscores, e.g. `AWS_ENDPOINT_URL_MEMORYDB`; in a `services` section the same key
//! is lower-cased, as botocore reads it:
//!
//! ```text
//! [profile local]
//! services = local-endpoints
//!
//! [services local-endpoints]
//! memorydb =
//!   endpoint_url = http://localhost:4566
//! ```
//!
//! Everything is read once, when the configuration is loaded: the environment and the files
//! are not consulted again, except by the default credentials chain, which reads the
//! environment variables of its own source whenever the client asks it for credentials.
//! Which of the service-specific endpoints applies is decided when a
//! [`Handle`](crate::client::Handle) is created, since only then is the service known.
//!
//! A shared file that cannot be read or parsed, or a setting with a value that is not
//! allowed (`AWS_MAX_ATTEMPTS=abc`, `use_fips_endpoint = maybe`, `services = x` with no
//! `[services x]` section), is a [`ConfigError`] naming the file and line or the variable.
//! [`ConfigLoader::try_load`] returns it; [`ConfigLoader::load`] and [`load_from_env`] keep it
//! in the configuration ([`Config::load_error`]) and every call made with that configuration
//! fails with [`SdkError::ConstructionFailure`](crate::SdkError::ConstructionFailure)
//! carrying it, so nothing is silently ignored.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::credentials::{DefaultCredentialsChain, ProvideCredentials};
use crate::profile::{selected_profile_name, Env, Profile, ProfileFileError, ProfileSet, Property};
use crate::region::{region_from_env, Region};
pub use crate::retry::RetryConfig;
use crate::transport::{HttpClient, HyperClient, SharedHttpClient};

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

/// Endpoint URLs configured outside code, captured at load time; the service-specific one is
/// picked by [`Handle::new`](crate::client::Handle::new).
#[derive(Debug, Clone, Default)]
pub(crate) struct ConfiguredEndpoints {
    /// `AWS_ENDPOINT_URL_<SUFFIX>`, by suffix (`MEMORYDB`).
    pub(crate) service_env: BTreeMap<String, String>,
    /// `AWS_ENDPOINT_URL`.
    pub(crate) global_env: Option<String>,
    /// `endpoint_url` of each service in the profile's `services` section, by lower-case key
    /// (`memorydb`).
    pub(crate) service_profile: BTreeMap<String, String>,
    /// The profile's `endpoint_url`.
    pub(crate) global_profile: Option<String>,
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
    pub(crate) configured_endpoints: ConfiguredEndpoints,
    pub(crate) load_error: Option<ConfigError>,
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
            .field("load_error", &self.load_error)
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
    /// The HTTP client, when one was set or the configuration was loaded; without one, each
    /// client made from this configuration builds its own.
    pub fn http_client(&self) -> Option<&SharedHttpClient> {
        self.http_client.as_ref()
    }

    /// What was wrong with the environment or the shared files when this configuration was
    /// loaded by [`ConfigLoader::load`] or [`load_from_env`]; every call made with it fails
    /// with this error. Always `None` for a configuration from [`ConfigLoader::try_load`] or
    /// [`Config::builder`].
    pub fn load_error(&self) -> Option<&ConfigError> {
        self.load_error.as_ref()
    }

    /// The endpoint URL override for the service with `sdk_id`: the explicit setting, else
    /// `AWS_ENDPOINT_URL_<SDK_ID>`, else `AWS_ENDPOINT_URL`, else the service's `endpoint_url`
    /// in the profile's `services` section, else the profile's `endpoint_url` (the last four
    /// only when loaded by [`ConfigLoader`]).
    pub fn endpoint_url_for(&self, sdk_id: &str) -> Option<String> {
        let suffix = env_endpoint_suffix(sdk_id);
        let configured = &self.configured_endpoints;
        self.endpoint_url
            .clone()
            .or_else(|| configured.service_env.get(&suffix).cloned())
            .or_else(|| configured.global_env.clone())
            .or_else(|| {
                configured
                    .service_profile
                    .get(&suffix.to_ascii_lowercase())
                    .cloned()
            })
            .or_else(|| configured.global_profile.clone())
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
                configured_endpoints: ConfiguredEndpoints::default(),
                load_error: None,
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
    /// [`HyperClient`]: another transport, or one [`HyperClient`] (or [`SharedHttpClient`]) shared by several service
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
    /// Sends requests with this HTTP client (see [`ConfigBuilder::http_client`]); by default
    /// the loaded configuration gets one new [`HyperClient`], shared by every client made
    /// from it or its clones.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.builder = self.builder.http_client(client);
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
    /// What cannot be found (no region, no credentials) is reported by the first call that
    /// needs it, with a message saying how to set it. What is wrong (a malformed shared file,
    /// an invalid setting) is kept as [`Config::load_error`] and makes every call fail with
    /// it; use [`try_load`](Self::try_load) to get it now instead.
    pub async fn load(self) -> Config {
        self.resolve()
    }

    /// Like [`load`](Self::load), but a malformed shared file or an invalid setting is
    /// returned as an error instead of being kept in the configuration.
    pub async fn try_load(self) -> Result<Config, ConfigError> {
        let mut config = self.resolve();
        match config.load_error.take() {
            Some(error) => Err(error),
            None => Ok(config),
        }
    }

    fn resolve(self) -> Config {
        let env = self.env.unwrap_or_else(Env::real);
        let home = self.home;
        let profile_name = self
            .profile
            .clone()
            .unwrap_or_else(|| selected_profile_name(&env));
        // The first problem is kept; later settings are still resolved so that the getters of
        // a configuration in error show as much as could be read.
        let mut error: Option<ConfigError> = None;
        let profiles = match ProfileSet::load(&env, home.as_deref()) {
            Ok(set) => Some(Arc::new(set)),
            Err(e) => {
                error = Some(ConfigError::new(ConfigErrorKind::File(e)));
                None
            }
        };
        let settings = Settings {
            env: &env,
            profile_name: &profile_name,
            profile: profiles.as_deref().and_then(|set| set.get(&profile_name)),
        };
        let mut builder = self.builder;
        if !self.region_set {
            let region = region_from_env(&env).or_else(|| {
                settings
                    .profile
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
            if let Some(set) = &profiles {
                chain = chain.with_profile_set(set.clone());
            }
            builder = builder.credentials_provider(chain);
        }
        if !self.retry_set {
            let mut retry = RetryConfig::standard();
            let attempts = settings.parse(
                "AWS_MAX_ATTEMPTS",
                "max_attempts",
                "expected a whole number of attempts, at least 1",
                |v| v.parse::<u32>().ok().filter(|n| *n >= 1),
            );
            if let Some(n) = first_error(&mut error, attempts) {
                retry = retry.with_max_attempts(n);
            }
            // Only standard mode is implemented; `legacy` and `adaptive` are served by it, but
            // a mode no SDK knows is a mistake worth reporting.
            let mode = settings.parse(
                "AWS_RETRY_MODE",
                "retry_mode",
                "expected `standard`, `legacy` or `adaptive`",
                |v| {
                    ["standard", "legacy", "adaptive"]
                        .iter()
                        .any(|m| v.eq_ignore_ascii_case(m))
                        .then_some(())
                },
            );
            first_error(&mut error, mode);
            builder = builder.retry_config(retry);
        }
        let mut flag = |var: &'static str, key: &'static str| {
            let value = settings.parse(var, key, "expected `true` or `false`", parse_bool);
            first_error(&mut error, value).unwrap_or(false)
        };
        let use_fips = flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
        let use_dual_stack = flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
        let ignore_endpoints = flag(
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "ignore_configured_endpoint_urls",
        );
        builder = builder.use_fips(use_fips).use_dual_stack(use_dual_stack);
        if !ignore_endpoints {
            let services = settings.services_endpoints(profiles.as_deref());
            let service_profile = first_error(&mut error, services.map(Some)).unwrap_or_default();
            builder.inner.configured_endpoints = ConfiguredEndpoints {
                service_env: env
                    .vars_with_prefix(SERVICE_ENDPOINT_PREFIX)
                    .into_iter()
                    .filter_map(|(name, url)| {
                        let suffix = name.strip_prefix(SERVICE_ENDPOINT_PREFIX)?;
                        (!suffix.is_empty()).then(|| (suffix.to_owned(), url))
                    })
                    .collect(),
                global_env: env.get_non_empty("AWS_ENDPOINT_URL"),
                service_profile,
                global_profile: settings
                    .profile
                    .and_then(|p| p.get_non_empty("endpoint_url"))
                    .map(str::to_owned),
            };
        }
        // One pool per loaded configuration: service clients made from it share connections
        // and load the system certificates once.
        if builder.inner.http_client.is_none() {
            builder = builder.http_client(HyperClient::new());
        }
        let mut config = builder.build();
        config.load_error = error;
        config
    }
}

/// Loads a [`Config`] from the environment and the shared AWS files (see the module docs).
///
/// Never fails; a malformed file or an invalid setting is kept as [`Config::load_error`] and
/// fails every call. `ConfigLoader::default().try_load()` reports it instead.
pub async fn load_from_env() -> Config {
    ConfigLoader::default().load().await
}

const SERVICE_ENDPOINT_PREFIX: &str = "AWS_ENDPOINT_URL_";

/// The value of `result`, or `None` after keeping its error in `first` unless an earlier one
/// is there already.
fn first_error<T>(
    first: &mut Option<ConfigError>,
    result: Result<Option<T>, ConfigError>,
) -> Option<T> {
    result.unwrap_or_else(|e| {
        first.get_or_insert(e);
        None
    })
}

/// `true` or `false`, in any case, as the AWS SDKs accept.
fn parse_bool(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Where [`ConfigLoader`] reads a setting: an environment variable, else a key of the profile.
struct Settings<'a> {
    env: &'a Env,
    profile_name: &'a str,
    profile: Option<&'a Profile>,
}

impl Settings<'_> {
    /// The setting parsed by `parse`; `None` when neither source sets it (empty counts as
    /// unset), an error naming the variable or the file, line and key when the value that
    /// wins cannot be parsed.
    fn parse<T>(
        &self,
        var: &'static str,
        key: &'static str,
        expected: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ConfigError> {
        if let Some(value) = self.env.get_non_empty(var) {
            return parse(&value).map(Some).ok_or_else(|| {
                ConfigError::new(ConfigErrorKind::Variable {
                    name: var,
                    problem: format!("{} is not allowed ({expected})", quoted(&value)),
                })
            });
        }
        let Some(property) = self.property(key) else {
            return Ok(None);
        };
        parse(property.value()).map(Some).ok_or_else(|| {
            self.key_error(
                key,
                property,
                format!("{} is not allowed ({expected})", quoted(property.value())),
            )
        })
    }

    /// The profile's property `key`, when set to a non-empty value.
    fn property(&self, key: &str) -> Option<&Property> {
        self.profile?
            .property(key)
            .filter(|p| !p.value().is_empty())
    }

    fn key_error(&self, key: &'static str, property: &Property, problem: String) -> ConfigError {
        ConfigError::new(ConfigErrorKind::ProfileKey {
            profile: self.profile_name.to_owned(),
            key,
            path: property.path().to_path_buf(),
            line: property.line(),
            problem,
        })
    }

    /// `endpoint_url` of each service in the `[services NAME]` section the profile selects
    /// with `services = NAME`, by lower-case service key. A section that does not exist is an
    /// error, as in botocore.
    fn services_endpoints(
        &self,
        profiles: Option<&ProfileSet>,
    ) -> Result<BTreeMap<String, String>, ConfigError> {
        let Some(property) = self.property("services") else {
            return Ok(BTreeMap::new());
        };
        let name = property.value();
        let Some(section) = profiles.and_then(|set| set.services_section(name)) else {
            return Err(self.key_error(
                "services",
                property,
                format!("there is no `[services {name}]` section in the config file"),
            ));
        };
        Ok(section
            .property_names()
            .filter_map(|service| {
                let url = section
                    .property(service)?
                    .sub_properties()
                    .get("endpoint_url")?;
                (!url.is_empty()).then(|| (service.to_owned(), url.clone()))
            })
            .collect())
    }
}

/// `value` in backquotes, cut short: the settings checked here hold no secrets, but a value
/// pasted by mistake should not flood a log.
fn quoted(value: &str) -> String {
    const MAX: usize = 64;
    match value.char_indices().nth(MAX) {
        Some((end, _)) => format!("`{}...`", &value[..end]),
        None => format!("`{value}`"),
    }
}

/// A shared file that cannot be read or parsed, or a setting whose value is not allowed.
///
/// `Display` names the file and line or the environment variable, and says what is wrong;
/// it is complete on its own, so [`source`](std::error::Error::source) is `None`. It never
/// shows the text of a malformed line (it may hold a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    kind: ConfigErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ConfigErrorKind {
    /// A shared file is unreadable or malformed.
    File(ProfileFileError),
    /// An environment variable has a value that is not allowed.
    Variable { name: &'static str, problem: String },
    /// A key of the selected profile has a value that is not allowed.
    ProfileKey {
        profile: String,
        key: &'static str,
        path: PathBuf,
        line: usize,
        problem: String,
    },
}

impl ConfigError {
    fn new(kind: ConfigErrorKind) -> Self {
        Self { kind }
    }

    /// The environment variable at fault (`AWS_MAX_ATTEMPTS`).
    pub fn variable(&self) -> Option<&str> {
        match &self.kind {
            ConfigErrorKind::Variable { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The profile property at fault (`max_attempts`).
    pub fn profile_key(&self) -> Option<&str> {
        match &self.kind {
            ConfigErrorKind::ProfileKey { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The profile whose property is at fault.
    pub fn profile_name(&self) -> Option<&str> {
        match &self.kind {
            ConfigErrorKind::ProfileKey { profile, .. } => Some(profile),
            _ => None,
        }
    }

    /// The file at fault: a malformed or unreadable shared file, or the one that sets a
    /// profile property at fault.
    pub fn path(&self) -> Option<&Path> {
        match &self.kind {
            ConfigErrorKind::File(e) => Some(e.path()),
            ConfigErrorKind::ProfileKey { path, .. } => Some(path),
            ConfigErrorKind::Variable { .. } => None,
        }
    }

    /// The 1-based line at fault in [`path`](Self::path), when known.
    pub fn line(&self) -> Option<usize> {
        match &self.kind {
            ConfigErrorKind::File(e) => e.line(),
            ConfigErrorKind::ProfileKey { line, .. } => Some(*line),
            ConfigErrorKind::Variable { .. } => None,
        }
    }

    /// The parse or read error, when a shared file is malformed or unreadable.
    pub fn profile_file_error(&self) -> Option<&ProfileFileError> {
        match &self.kind {
            ConfigErrorKind::File(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ConfigErrorKind::File(e) => e.fmt(f),
            ConfigErrorKind::Variable { name, problem } => {
                write!(f, "environment variable {name}: {problem}")
            }
            ConfigErrorKind::ProfileKey {
                profile,
                key,
                path,
                line,
                problem,
            } => write!(
                f,
                "{}:{line}: `{key}` of profile `{profile}`: {problem}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ConfigError {}
