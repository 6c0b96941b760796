//! Configuration defaults and loading from the environment and the shared files.

use std::time::Duration;

use aws_client_runtime::config::{
    env_endpoint_suffix, Config, ConfigLoader, TimeoutConfig, DEFAULT_MAX_RESPONSE_BODY_BYTES,
};
use aws_client_runtime::credentials::Credentials;
use aws_client_runtime::profile::Env;
use aws_client_runtime::retry::RetryConfig;
use aws_client_runtime::ProvideCredentials;

#[test]
fn defaults() {
    let c = Config::builder().build();
    assert!(c.region().is_none());
    assert!(c.credentials_provider().is_none());
    assert_eq!(c.endpoint_url(), None);
    assert!(!c.use_fips() && !c.use_dual_stack());
    assert_eq!(c.retry_config(), &RetryConfig::standard());
    assert_eq!(
        c.timeout_config().connect_timeout(),
        Some(Duration::from_millis(3100))
    );
    assert_eq!(c.timeout_config().operation_attempt_timeout(), None);
    assert_eq!(c.timeout_config().operation_timeout(), None);
    assert_eq!(c.max_response_body_bytes(), 16 * 1024 * 1024);
    assert_eq!(DEFAULT_MAX_RESPONSE_BODY_BYTES, 16 * 1024 * 1024);
    assert_eq!(c.app_name(), None);
    assert_eq!(TimeoutConfig::disabled().connect_timeout(), None);
}

#[test]
fn builder_and_to_builder() {
    let c = Config::builder()
        .region("eu-central-1")
        .endpoint_url("http://localhost:4566")
        .use_fips(true)
        .retry_config(RetryConfig::disabled())
        .timeout_config(TimeoutConfig::new().with_operation_timeout(Duration::from_secs(5)))
        .app_name("ops-tool")
        .build();
    assert_eq!(c.region().map(|r| r.as_ref()), Some("eu-central-1"));
    assert_eq!(c.endpoint_url(), Some("http://localhost:4566"));
    assert_eq!(
        c.endpoint_url_for("MemoryDB").as_deref(),
        Some("http://localhost:4566")
    );
    let d = c.to_builder().use_fips(false).build();
    assert!(!d.use_fips());
    assert_eq!(d.retry_config().max_attempts(), 1);
    assert_eq!(
        d.timeout_config().operation_timeout(),
        Some(Duration::from_secs(5))
    );
}

#[test]
fn debug_never_shows_secrets() {
    let c = Config::builder()
        .credentials_provider(Credentials::new(
            "AKID",
            "TOPSECRETKEY",
            Some("TOPSECRETTOKEN".into()),
            None,
            "Test",
        ))
        .build();
    let shown = format!("{c:?}");
    assert!(!shown.contains("TOPSECRET"), "{shown}");
    assert!(shown.contains("credentials_provider"), "{shown}");
}

#[test]
fn sdk_id_suffix() {
    assert_eq!(env_endpoint_suffix("MemoryDB"), "MEMORYDB");
    assert_eq!(env_endpoint_suffix("Secrets Manager"), "SECRETS_MANAGER");
    assert_eq!(env_endpoint_suffix("DynamoDB"), "DYNAMODB");
}

fn env(vars: &[(&str, &str)], home: &std::path::Path) -> Env {
    let mut all: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.push(("HOME".into(), home.to_string_lossy().into_owned()));
    Env::from_vars(all)
}

fn temp_home(name: &str, config: Option<&str>) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("awsjson-config-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".aws")).unwrap();
    if let Some(text) = config {
        std::fs::write(dir.join(".aws/config"), text).unwrap();
    }
    dir
}

#[tokio::test]
async fn loads_from_env() {
    let home = temp_home("env", None);
    let c = ConfigLoader::default()
        .env(env(
            &[
                ("AWS_REGION", "ap-south-1"),
                ("AWS_DEFAULT_REGION", "us-west-1"),
                ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                ("AWS_SECRET_ACCESS_KEY", "secret"),
                ("AWS_MAX_ATTEMPTS", "5"),
                ("AWS_RETRY_MODE", "standard"),
                ("AWS_USE_FIPS_ENDPOINT", "true"),
                ("AWS_USE_DUALSTACK_ENDPOINT", "TRUE"),
                ("AWS_ENDPOINT_URL", "http://global:1"),
                ("AWS_ENDPOINT_URL_MEMORYDB", "http://memorydb:2"),
                ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm:3"),
            ],
            &home,
        ))
        .load()
        .await;
    assert_eq!(c.region().map(|r| r.as_ref()), Some("ap-south-1"));
    assert_eq!(c.retry_config().max_attempts(), 5);
    assert!(c.use_fips() && c.use_dual_stack());
    assert_eq!(
        c.endpoint_url(),
        None,
        "environment endpoints depend on the service"
    );
    assert_eq!(
        c.endpoint_url_for("MemoryDB").as_deref(),
        Some("http://memorydb:2")
    );
    assert_eq!(
        c.endpoint_url_for("Secrets Manager").as_deref(),
        Some("http://sm:3")
    );
    assert_eq!(
        c.endpoint_url_for("DynamoDB").as_deref(),
        Some("http://global:1")
    );
    let creds = c
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "AKIDENV");
}

#[tokio::test]
async fn explicit_settings_win_and_endpoints_can_be_ignored() {
    let home = temp_home("explicit", None);
    let vars = [
        ("AWS_REGION", "ap-south-1"),
        ("AWS_MAX_ATTEMPTS", "5"),
        ("AWS_ENDPOINT_URL_MEMORYDB", "http://memorydb:2"),
    ];
    let c = ConfigLoader::default()
        .env(env(&vars, &home))
        .region("us-east-2")
        .retry_config(RetryConfig::disabled())
        .endpoint_url("http://explicit:9")
        .credentials_provider(Credentials::from_keys("A", "B"))
        .load()
        .await;
    assert_eq!(c.region().map(|r| r.as_ref()), Some("us-east-2"));
    assert_eq!(c.retry_config().max_attempts(), 1);
    assert_eq!(
        c.endpoint_url_for("MemoryDB").as_deref(),
        Some("http://explicit:9")
    );

    let ignored = [
        ("AWS_ENDPOINT_URL_MEMORYDB", "http://memorydb:2"),
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
    ];
    let c = ConfigLoader::default()
        .env(env(&ignored, &home))
        .load()
        .await;
    assert_eq!(c.endpoint_url_for("MemoryDB"), None);
}

#[tokio::test]
async fn reads_the_profile_when_the_environment_is_silent() {
    let home = temp_home(
        "profile",
        Some(
            "[default]\nregion = us-west-2\nmax_attempts = 4\nendpoint_url = http://profile:5\n\n\
             [profile other]\nregion = eu-north-1\nuse_fips_endpoint = true\n",
        ),
    );
    let c = ConfigLoader::default().env(env(&[], &home)).load().await;
    assert_eq!(c.region().map(|r| r.as_ref()), Some("us-west-2"));
    assert_eq!(c.retry_config().max_attempts(), 4);
    assert_eq!(
        c.endpoint_url_for("MemoryDB").as_deref(),
        Some("http://profile:5")
    );

    let c = ConfigLoader::default()
        .env(env(&[("AWS_PROFILE", "other")], &home))
        .load()
        .await;
    assert_eq!(c.region().map(|r| r.as_ref()), Some("eu-north-1"));
    assert!(c.use_fips());
    assert_eq!(c.retry_config().max_attempts(), 3);

    let c = ConfigLoader::default()
        .env(env(&[("AWS_MAX_ATTEMPTS", "2")], &home))
        .profile_name("other")
        .load()
        .await;
    assert_eq!(c.region().map(|r| r.as_ref()), Some("eu-north-1"));
    assert_eq!(
        c.retry_config().max_attempts(),
        2,
        "the environment wins over the profile"
    );
}

#[tokio::test]
async fn nothing_configured_leaves_region_unset() {
    let home = temp_home("empty", None);
    let c = ConfigLoader::default().env(env(&[], &home)).load().await;
    assert!(c.region().is_none());
    assert!(
        c.credentials_provider().is_some(),
        "the default chain is installed and reports later"
    );
    let err = c
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("AWS_ACCESS_KEY_ID"), "{err}");
}
