//! AWS credentials and where they come from.
//!
//! Resolution follows the AWS CLI for the sources this crate supports: environment variables,
//! then the shared config and credentials files ([`DefaultCredentialsChain`]). Any other source
//! (assume-role, SSO, container or instance metadata...) can be plugged in by implementing
//! [`ProvideCredentials`].
//!
//! Secrets are held in [`Secret`], whose `Debug` and `Display` print `** redacted **`; no error
//! of this module contains a secret value.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use crate::error::BoxError;
use crate::profile::{ProfileFileError, ProfileSet};

pub use crate::profile::Env;

const REDACTED: &str = "** redacted **";

/// A secret string. `Debug` and `Display` print `** redacted **`; read it with
/// [`Secret::expose_secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// An access key id, secret access key and optional session token.
///
/// `Debug` shows the access key id (not a secret), the provider and the expiry, and redacts
/// the secret access key and session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Secret,
    session_token: Option<Secret>,
    expiry: Option<SystemTime>,
    provider_name: &'static str,
}

impl Credentials {
    /// Credentials from their parts; `provider_name` says where they came from, for
    /// diagnostics (e.g. `"Static"`).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiry: Option<SystemTime>,
        provider_name: &'static str,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: Secret::new(secret_access_key),
            session_token: session_token.map(Secret::new),
            expiry,
            provider_name,
        }
    }

    /// Long-term static keys with no session token or expiry.
    pub fn from_keys(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Self {
        Self::new(access_key_id, secret_access_key, None, None, "Static")
    }

    /// The access key id, e.g. `AKIDEXAMPLE`.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Do not log it.
    pub fn secret_access_key(&self) -> &str {
        self.secret_access_key.expose_secret()
    }

    /// The session token of temporary credentials. Do not log it.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_ref().map(Secret::expose_secret)
    }

    /// When temporary credentials stop working.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// Which provider produced these credentials.
    pub fn provider_name(&self) -> &'static str {
        self.provider_name
    }

    /// Whether the credentials have expired at `now`.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.expiry.is_some_and(|expiry| expiry <= now)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("provider_name", &self.provider_name)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("expiry", &self.expiry)
            .finish()
    }
}

/// The future returned by [`ProvideCredentials::provide_credentials`].
pub type ProvideCredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials. Called before each request is signed (so before each retry too);
/// implementations that fetch remotely should cache.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Produces credentials, or says why none are available.
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

/// Why no credentials could be provided. Says where the provider looked and what was wrong;
/// never contains a secret value.
#[derive(Debug)]
pub struct CredentialsError {
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    /// The source has no credentials configured at all; a chain moves on to the next source.
    NotLoaded(String),
    /// The source is configured but unusable (partial keys, unsupported profile kind...).
    InvalidConfiguration(String),
    /// A shared file could not be read or parsed.
    ProfileFile {
        profile: String,
        source: ProfileFileError,
    },
    /// A custom provider failed.
    Provider {
        message: String,
        source: Option<BoxError>,
    },
    /// Every source of a chain was tried; each entry is (source description, its error).
    Chain(Vec<(&'static str, CredentialsError)>),
}

impl CredentialsError {
    /// The source has no credentials configured; a chain tries the next source.
    pub fn not_loaded(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::NotLoaded(message.into()),
        }
    }

    /// The source is configured but cannot be used; a chain stops here.
    pub fn invalid_configuration(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::InvalidConfiguration(message.into()),
        }
    }

    /// A custom provider failed, optionally because of `source`.
    pub fn provider_error(message: impl Into<String>, source: Option<BoxError>) -> Self {
        Self {
            kind: ErrorKind::Provider {
                message: message.into(),
                source,
            },
        }
    }

    /// Whether the source (or, for a chain, every source) simply had nothing configured.
    pub fn is_not_loaded(&self) -> bool {
        match &self.kind {
            ErrorKind::NotLoaded(_) => true,
            ErrorKind::Chain(attempts) => attempts.iter().all(|(_, e)| e.is_not_loaded()),
            _ => false,
        }
    }

    /// The file and line at fault, when a shared file is malformed.
    pub fn profile_file_error(&self) -> Option<&ProfileFileError> {
        match &self.kind {
            ErrorKind::ProfileFile { source, .. } => Some(source),
            ErrorKind::Chain(attempts) => attempts.iter().find_map(|(_, e)| e.profile_file_error()),
            _ => None,
        }
    }
}

/// The cause, when there is one, is the [`source`](StdError::source) and is not repeated
/// here: a malformed file's location, a custom provider's underlying error, and for a chain
/// the error of the source that ended it (the sources skipped before it are listed here).
impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::NotLoaded(message) | ErrorKind::InvalidConfiguration(message) => {
                f.write_str(message)
            }
            ErrorKind::ProfileFile { profile, .. } => {
                write!(f, "cannot load profile `{profile}`: malformed shared file")
            }
            ErrorKind::Provider { message, .. } => f.write_str(message),
            ErrorKind::Chain(attempts) => {
                f.write_str("no usable AWS credentials found; looked in:")?;
                for (i, (source, error)) in attempts.iter().enumerate() {
                    write!(f, " ({}) {source}", i + 1)?;
                    if i + 1 < attempts.len() {
                        // Only the last attempt is the source; the skipped ones are told here,
                        // whole.
                        write!(f, ": {}", Chained(error))?;
                        f.write_str(";")?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// An error and its sources, joined with `: `.
struct Chained<'a>(&'a (dyn StdError + 'static));

impl fmt::Display for Chained<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

impl StdError for CredentialsError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.kind {
            ErrorKind::ProfileFile { source, .. } => Some(source),
            ErrorKind::Provider {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            ErrorKind::Chain(attempts) => {
                attempts.last().map(|(_, e)| e as &(dyn StdError + 'static))
            }
            _ => None,
        }
    }
}

/// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the optional `AWS_SESSION_TOKEN`.
/// Empty values count as unset.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentVariableCredentialsProvider {
    env: Env,
}

impl EnvironmentVariableCredentialsProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `env` instead of the process environment.
    pub fn with_env(env: Env) -> Self {
        Self { env }
    }

    /// Resolves credentials now (no I/O besides reading the environment).
    pub fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let access_key_id = self.env.get_non_empty("AWS_ACCESS_KEY_ID");
        let secret = self.env.get_non_empty("AWS_SECRET_ACCESS_KEY");
        let token = self.env.get_non_empty("AWS_SESSION_TOKEN");
        match (access_key_id, secret) {
            (Some(access_key_id), Some(secret)) => Ok(Credentials::new(
                access_key_id,
                secret,
                token,
                None,
                "EnvironmentVariable",
            )),
            (Some(_), None) => Err(CredentialsError::invalid_configuration(
                "environment variable AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not set or empty",
            )),
            (None, Some(_)) => Err(CredentialsError::invalid_configuration(
                "environment variable AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not set or empty",
            )),
            (None, None) => Err(CredentialsError::not_loaded(
                "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
            )),
        }
    }
}

impl ProvideCredentials for EnvironmentVariableCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(async move { self.resolve() })
    }
}

/// Static keys (`aws_access_key_id`, `aws_secret_access_key`, optional `aws_session_token`) of
/// a profile in the shared credentials and config files.
///
/// The profile is the one given to [`profile_name`](Self::profile_name), else
/// `AWS_PROFILE`, else `default`. The files are `AWS_SHARED_CREDENTIALS_FILE` and
/// `AWS_CONFIG_FILE`, else `~/.aws/credentials` and `~/.aws/config`; for a property set in
/// both, the credentials file wins. Profiles that assume a role, use SSO or web identity, or
/// run a `credential_process` are reported as unsupported rather than ignored.
#[derive(Debug, Clone, Default)]
pub struct ProfileFileCredentialsProvider {
    env: Env,
    home: Option<PathBuf>,
    profile: Option<String>,
    /// The files as [`ConfigLoader`](crate::config::ConfigLoader) already read them; `None`
    /// reads them on each resolution.
    profiles: Option<Arc<ProfileSet>>,
}

/// Profile properties that select a credential source this crate does not implement, with
/// the name of that kind of profile.
const UNSUPPORTED_PROFILE_KEYS: &[(&str, &str)] = &[
    ("role_arn", "assume-role profile"),
    ("source_profile", "assume-role profile"),
    ("credential_source", "assume-role profile"),
    ("web_identity_token_file", "web-identity profile"),
    ("sso_session", "SSO profile"),
    ("sso_start_url", "SSO profile"),
    ("sso_account_id", "SSO profile"),
    ("sso_role_name", "SSO profile"),
];

impl ProfileFileCredentialsProvider {
    /// Reads the process environment and the real home directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads environment variables (`AWS_PROFILE`, file locations, `HOME`) from `env`.
    pub fn with_env(env: Env) -> Self {
        Self {
            env,
            ..Self::default()
        }
    }

    /// Uses `home` as the home directory for `~/.aws/...` instead of the one in the environment.
    pub fn home_dir(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// Uses this profile regardless of `AWS_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Reads the files and resolves credentials now (blocking file I/O; the files are small).
    pub fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let (name, origin) = match (&self.profile, self.env.get_non_empty("AWS_PROFILE")) {
            (Some(name), _) => (name.clone(), " (set explicitly)"),
            (None, Some(name)) => (name, " (selected by AWS_PROFILE)"),
            (None, None) => ("default".to_string(), ""),
        };
        let explicit = !origin.is_empty();
        let loaded;
        let set = match &self.profiles {
            Some(set) => set.as_ref(),
            None => {
                loaded = ProfileSet::load(&self.env, self.home.as_deref()).map_err(|source| {
                    CredentialsError {
                        kind: ErrorKind::ProfileFile {
                            profile: name.clone(),
                            source,
                        },
                    }
                })?;
                &loaded
            }
        };
        let Some(profile) = set.get(&name) else {
            let mut message = format!(
                "profile `{name}`{origin} not found in {}",
                describe_files(set)
            );
            let names: Vec<&str> = set.profile_names().collect();
            if !names.is_empty() {
                message.push_str(&format!("; profiles defined: {}", names.join(", ")));
            }
            return Err(if explicit {
                CredentialsError::invalid_configuration(message)
            } else {
                CredentialsError::not_loaded(message)
            });
        };
        let place = format!(
            "profile `{name}`{origin} in {}",
            profile
                .sources()
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        );
        if let Some((key, kind)) = UNSUPPORTED_PROFILE_KEYS
            .iter()
            .find(|(key, _)| profile.get(key).is_some())
        {
            return Err(unsupported(&place, kind, key));
        }
        let access_key_id = profile.get_non_empty("aws_access_key_id");
        let secret = profile.get_non_empty("aws_secret_access_key");
        let token = profile
            .get_non_empty("aws_session_token")
            .or_else(|| profile.get_non_empty("aws_security_token"));
        match (access_key_id, secret) {
            (Some(access_key_id), Some(secret)) => Ok(Credentials::new(
                access_key_id,
                secret,
                token.map(str::to_string),
                None,
                "ProfileFile",
            )),
            (Some(_), None) => Err(CredentialsError::invalid_configuration(format!(
                "{place} sets aws_access_key_id but not aws_secret_access_key"
            ))),
            (None, Some(_)) => Err(CredentialsError::invalid_configuration(format!(
                "{place} sets aws_secret_access_key but not aws_access_key_id"
            ))),
            (None, None) if profile.get("credential_process").is_some() => Err(unsupported(
                &place,
                "credential-process profile",
                "credential_process",
            )),
            (None, None) => Err(CredentialsError::not_loaded(format!(
                "{place} has no aws_access_key_id and aws_secret_access_key"
            ))),
        }
    }
}

fn unsupported(place: &str, kind: &str, key: &str) -> CredentialsError {
    CredentialsError::invalid_configuration(format!(
        "{place} is a {kind} (it sets `{key}`); this kind of profile is not supported by this \
         provider: use static keys (aws_access_key_id, aws_secret_access_key) or supply a \
         credentials provider"
    ))
}

fn describe_files(set: &ProfileSet) -> String {
    if set.files().is_empty() {
        return "any shared file (no home directory is known and neither AWS_CONFIG_FILE nor \
                AWS_SHARED_CREDENTIALS_FILE is set)"
            .to_string();
    }
    set.files()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl ProvideCredentials for ProfileFileCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(async move { self.resolve() })
    }
}

/// Environment variables, then the shared files, as the AWS CLI does for these two sources.
///
/// A source with nothing configured is skipped; a source configured wrongly (partial keys,
/// malformed file, unsupported profile kind) stops the chain. The error lists every source
/// tried and why it failed.
#[derive(Debug, Clone, Default)]
pub struct DefaultCredentialsChain {
    env: Env,
    home: Option<PathBuf>,
    profile: Option<String>,
    profiles: Option<Arc<ProfileSet>>,
}

impl DefaultCredentialsChain {
    /// Reads the process environment and the real home directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads environment variables from `env`.
    pub fn with_env(env: Env) -> Self {
        Self {
            env,
            ..Self::default()
        }
    }

    /// Uses `home` as the home directory for `~/.aws/...` instead of the one in the environment.
    pub fn home_dir(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// Uses this profile regardless of `AWS_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Reads profiles from `set` instead of the shared files: the files as the configuration
    /// loader read them, so they are parsed once.
    pub(crate) fn with_profile_set(mut self, set: Arc<ProfileSet>) -> Self {
        self.profiles = Some(set);
        self
    }

    /// Resolves credentials now (reads the environment and the shared files).
    pub fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let mut attempts = Vec::new();
        let env = EnvironmentVariableCredentialsProvider::with_env(self.env.clone());
        match env.resolve() {
            Ok(credentials) => return Ok(credentials),
            Err(e) => {
                let stop = !e.is_not_loaded();
                attempts.push(("environment", e));
                if stop {
                    return Err(CredentialsError {
                        kind: ErrorKind::Chain(attempts),
                    });
                }
            }
        }
        let files = ProfileFileCredentialsProvider {
            env: self.env.clone(),
            home: self.home.clone(),
            profile: self.profile.clone(),
            profiles: self.profiles.clone(),
        };
        match files.resolve() {
            Ok(credentials) => Ok(credentials),
            Err(e) => {
                attempts.push(("shared config files", e));
                Err(CredentialsError {
                    kind: ErrorKind::Chain(attempts),
                })
            }
        }
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(async move { self.resolve() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_and_credentials_redact() {
        let c = Credentials::new(
            "AKID",
            "SECRETKEY",
            Some("SECRETTOKEN".into()),
            None,
            "Static",
        );
        for shown in [
            format!("{c:?}"),
            format!("{:?}", c.secret_access_key),
            c.secret_access_key.to_string(),
        ] {
            assert!(!shown.contains("SECRET"), "{shown}");
        }
        assert!(format!("{c:?}").contains("AKID"));
        assert!(format!("{c:?}").contains(REDACTED));
        assert_eq!(c.secret_access_key(), "SECRETKEY");
        assert_eq!(c.session_token(), Some("SECRETTOKEN"));
    }

    #[test]
    fn expiry() {
        let now = SystemTime::now();
        let c = Credentials::new("a", "b", None, Some(now), "Static");
        assert!(c.is_expired(now));
        assert!(!Credentials::from_keys("a", "b").is_expired(now));
    }

    #[test]
    fn env_provider() {
        let p = EnvironmentVariableCredentialsProvider::with_env(Env::from_vars([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRETKEY"),
            ("AWS_SESSION_TOKEN", ""),
        ]));
        let c = p.resolve().unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKID", "SECRETKEY", None)
        );
        assert_eq!(c.provider_name(), "EnvironmentVariable");

        let e = EnvironmentVariableCredentialsProvider::with_env(Env::from_vars([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "  "),
        ]))
        .resolve()
        .unwrap_err();
        assert!(!e.is_not_loaded());
        assert!(
            e.to_string()
                .contains("AWS_SECRET_ACCESS_KEY is not set or empty"),
            "{e}"
        );

        let e = EnvironmentVariableCredentialsProvider::with_env(Env::from_vars([(
            "AWS_SECRET_ACCESS_KEY",
            "SECRETKEY",
        )]))
        .resolve()
        .unwrap_err();
        assert!(!e.to_string().contains("SECRETKEY"), "{e}");
        assert!(!format!("{e:?}").contains("SECRETKEY"), "{e:?}");

        let e = EnvironmentVariableCredentialsProvider::with_env(Env::empty())
            .resolve()
            .unwrap_err();
        assert!(e.is_not_loaded());
    }
}
