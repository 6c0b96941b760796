//! Configuration defaults and loading from the environment and the shared files.

use std::time::Duration;

use aws_client_runtime::client::Handle;
use aws_client_runtime::config::{
    env_endpoint_suffix, Config, ConfigError, ConfigLoader, TimeoutConfig,
    DEFAULT_MAX_RESPONSE_BODY_BYTES,
};
use aws_client_runtime::credentials::Credentials;
use aws_client_runtime::profile::Env;
use aws_client_runtime::retry::RetryConfig;
use aws_client_runtime::{
    ErrorMetadata, Operation, ProvideCredentials, SdkError, ServiceInfo, Unhandled,
};

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
    let report = tests::error_report(&err);
    assert!(report.contains("AWS_ACCESS_KEY_ID"), "{report}");
}

fn write_credentials(home: &std::path::Path, text: &str) {
    std::fs::write(home.join(".aws/credentials"), text).unwrap();
}

#[tokio::test]
async fn endpoint_order_is_service_env_global_env_services_section_profile() {
    let home = temp_home(
        "endpoint-order",
        Some(
            "[default]\nendpoint_url = http://profile-global:4\nservices = local\n\n\
             [services local]\nmemorydb =\n  endpoint_url = http://profile-memorydb:3\n\
             secrets_manager =\n  endpoint_url = http://profile-sm:3\n",
        ),
    );
    let load = |vars: &'static [(&'static str, &'static str)]| {
        let env = env(vars, &home);
        async move { ConfigLoader::default().env(env).try_load().await.unwrap() }
    };
    let all = &[
        ("AWS_ENDPOINT_URL_MEMORYDB", "http://env-memorydb:1"),
        ("AWS_ENDPOINT_URL", "http://env-global:2"),
    ];
    let c = load(all).await;
    assert_eq!(
        c.endpoint_url_for("MemoryDB").as_deref(),
        Some("http://env-memorydb:1")
    );
    // The global variable wins over the profile's services section, as the AWS SDKs document.
    assert_eq!(
        c.endpoint_url_for("Secrets Manager").as_deref(),
        Some("http://env-global:2")
    );
    let c = load(&[]).await;
    assert_eq!(
        c.endpoint_url_for("MemoryDB").as_deref(),
        Some("http://profile-memorydb:3")
    );
    assert_eq!(
        c.endpoint_url_for("Secrets Manager").as_deref(),
        Some("http://profile-sm:3")
    );
    assert_eq!(
        c.endpoint_url_for("DynamoDB").as_deref(),
        Some("http://profile-global:4")
    );
    let c = ConfigLoader::default()
        .env(env(all, &home))
        .endpoint_url("http://explicit:0")
        .try_load()
        .await
        .unwrap();
    assert_eq!(
        c.endpoint_url_for("MemoryDB").as_deref(),
        Some("http://explicit:0")
    );
    let c = load(&[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")]).await;
    assert_eq!(c.endpoint_url_for("MemoryDB"), None);
    assert_eq!(c.endpoint_url_for("DynamoDB"), None);
}

#[tokio::test]
async fn a_profile_naming_a_missing_services_section_is_an_error() {
    let home = temp_home(
        "services-missing",
        Some("[default]\nregion = us-west-2\nservices = nowhere\n"),
    );
    let err = ConfigLoader::default()
        .env(env(&[], &home))
        .try_load()
        .await
        .unwrap_err();
    assert_eq!(err.profile_key(), Some("services"));
    assert_eq!(err.profile_name(), Some("default"));
    assert_eq!(err.line(), Some(3));
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{}:3: ", home.join(".aws/config").display())),
        "{shown}"
    );
    assert!(shown.contains("[services nowhere]"), "{shown}");
    // Ignoring configured endpoints means the section is never looked up.
    let c = ConfigLoader::default()
        .env(env(
            &[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")],
            &home,
        ))
        .try_load()
        .await
        .unwrap();
    assert_eq!(c.region().map(|r| r.as_ref()), Some("us-west-2"));
}

#[tokio::test]
async fn invalid_environment_settings_are_errors_naming_the_variable() {
    let home = temp_home("bad-env", None);
    let cases = [
        ("AWS_MAX_ATTEMPTS", "abc"),
        ("AWS_MAX_ATTEMPTS", "0"),
        ("AWS_MAX_ATTEMPTS", "-1"),
        ("AWS_RETRY_MODE", "fast"),
        ("AWS_USE_FIPS_ENDPOINT", "maybe"),
        ("AWS_USE_DUALSTACK_ENDPOINT", "1"),
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "yes"),
    ];
    for (var, value) in cases {
        let err = ConfigLoader::default()
            .env(env(&[(var, value)], &home))
            .try_load()
            .await
            .unwrap_err();
        assert_eq!(err.variable(), Some(var), "{err}");
        assert_eq!((err.path(), err.line()), (None, None), "{err}");
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("environment variable {var}: `{value}`")),
            "{shown}"
        );
        assert!(std::error::Error::source(&err).is_none());

        let c = ConfigLoader::default()
            .env(env(&[(var, value)], &home))
            .load()
            .await;
        assert_eq!(c.load_error(), Some(&err), "load() keeps the same error");
    }
    // Accepted spellings.
    let c = ConfigLoader::default()
        .env(env(
            &[
                ("AWS_USE_FIPS_ENDPOINT", "False"),
                ("AWS_USE_DUALSTACK_ENDPOINT", "TRUE"),
                ("AWS_RETRY_MODE", "Adaptive"),
                ("AWS_MAX_ATTEMPTS", "1"),
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ""),
            ],
            &home,
        ))
        .try_load()
        .await
        .unwrap();
    assert!(!c.use_fips() && c.use_dual_stack());
    assert_eq!(c.retry_config().max_attempts(), 1);
    // An explicit retry configuration means the variable is never read.
    let c = ConfigLoader::default()
        .env(env(&[("AWS_MAX_ATTEMPTS", "abc")], &home))
        .retry_config(RetryConfig::disabled())
        .try_load()
        .await
        .unwrap();
    assert_eq!(c.retry_config().max_attempts(), 1);
}

#[tokio::test]
async fn invalid_profile_settings_are_errors_naming_file_line_and_key() {
    let cases = [
        ("max_attempts", "abc"),
        ("max_attempts", "0"),
        ("retry_mode", "fast"),
        ("use_fips_endpoint", "maybe"),
        ("use_dualstack_endpoint", "on"),
        ("ignore_configured_endpoint_urls", "yes"),
    ];
    for (i, (key, value)) in cases.into_iter().enumerate() {
        let home = temp_home(
            &format!("bad-profile-{i}"),
            Some(&format!(
                "[default]\nregion = us-west-2\n\n[profile dev]\nregion = eu-west-1\n{key} = {value}\n"
            )),
        );
        let err = ConfigLoader::default()
            .env(env(&[("AWS_PROFILE", "dev")], &home))
            .try_load()
            .await
            .unwrap_err();
        let file = home.join(".aws/config");
        assert_eq!(err.profile_key(), Some(key), "{err}");
        assert_eq!(err.profile_name(), Some("dev"), "{err}");
        assert_eq!(err.path(), Some(file.as_path()), "{err}");
        assert_eq!(err.line(), Some(6), "{err}");
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!(
                "{}:6: `{key}` of profile `dev`: `{value}`",
                file.display()
            )),
            "{shown}"
        );
        // The other profile is fine.
        ConfigLoader::default()
            .env(env(&[], &home))
            .try_load()
            .await
            .unwrap();
        // The environment wins, so the profile's value is not used and not an error.
        let var = match key {
            "max_attempts" => ("AWS_MAX_ATTEMPTS", "2"),
            "retry_mode" => ("AWS_RETRY_MODE", "standard"),
            "use_fips_endpoint" => ("AWS_USE_FIPS_ENDPOINT", "false"),
            "use_dualstack_endpoint" => ("AWS_USE_DUALSTACK_ENDPOINT", "false"),
            _ => ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"),
        };
        ConfigLoader::default()
            .env(env(&[("AWS_PROFILE", "dev"), var], &home))
            .try_load()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_malformed_config_file_no_longer_silently_drops_the_region() {
    let home = temp_home(
        "malformed",
        Some("[default]\nregion = us-west-2\nuse_fips_endpoint = true\n[broken\n"),
    );
    let file = home.join(".aws/config");
    let err = ConfigLoader::default()
        .env(env(&[], &home))
        .try_load()
        .await
        .unwrap_err();
    assert_eq!(err.path(), Some(file.as_path()));
    assert_eq!(err.line(), Some(4));
    assert_eq!(err.profile_file_error().and_then(|e| e.line()), Some(4));
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{}:4: ", file.display())),
        "{shown}"
    );

    // load() does not fail, but the configuration cannot be used: every call reports the error.
    let c = ConfigLoader::default()
        .env(env(&[("AWS_REGION", "eu-west-1")], &home))
        .credentials_provider(Credentials::from_keys("AKID", "SECRET"))
        .endpoint_url("http://127.0.0.1:9")
        .load()
        .await;
    assert_eq!(c.load_error(), Some(&err));
    let handle = Handle::new(c, &SERVICE);
    for _ in 0..2 {
        let failure = handle.send::<Nothing>(NothingInput {}).await.unwrap_err();
        let SdkError::ConstructionFailure(construction) = &failure else {
            panic!("expected a construction failure: {failure:?}");
        };
        let carried = construction
            .source
            .downcast_ref::<ConfigError>()
            .expect("the source is the ConfigError");
        assert_eq!(carried, &err);
    }

    // A credentials file that does not parse is reported the same way, naming that file.
    let home = temp_home(
        "malformed-credentials",
        Some("[default]\nregion = us-west-2\n"),
    );
    write_credentials(
        &home,
        "[default]\naws_access_key_id = AKID\naws_secret_access_key SECRET\n",
    );
    let err = ConfigLoader::default()
        .env(env(&[], &home))
        .try_load()
        .await
        .unwrap_err();
    assert_eq!(err.path(), Some(home.join(".aws/credentials").as_path()));
    assert_eq!(err.line(), Some(3));
    assert!(!err.to_string().contains("SECRET"), "{err}");
    assert!(!format!("{err:?}").contains("SECRET"), "{err:?}");
}

#[tokio::test]
async fn shared_files_are_read_once_at_load_time() {
    let home = temp_home("read-once", Some("[default]\nregion = us-west-2\n"));
    write_credentials(
        &home,
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = secret\n",
    );
    let c = ConfigLoader::default()
        .env(env(&[], &home))
        .try_load()
        .await
        .unwrap();
    // Files changed or removed after loading do not change the loaded configuration.
    std::fs::write(home.join(".aws/credentials"), "[broken\n").unwrap();
    let creds = c
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "AKIDFILE");
}

const PROTOCOL: aws_client_runtime::protocol::aws_json::AwsJson =
    aws_client_runtime::protocol::aws_json::AwsJson::new(
        aws_client_runtime::protocol::aws_json::AwsJsonVersion::V1_0,
        "TestService_20240101",
    );

static SERVICE: ServiceInfo = ServiceInfo {
    signing_name: "testsvc",
    sdk_id: "Test Svc",
    endpoint_rule_set: "{}",
    crate_name: "test-client",
    crate_version: "0.0.1",
};

#[derive(serde::Serialize)]
struct NothingInput {}

#[derive(Debug, serde::Deserialize)]
struct NothingOutput {}

struct Nothing;

impl Operation for Nothing {
    type Input = NothingInput;
    type Output = NothingOutput;
    type Error = Unhandled;
    const NAME: &'static str = "Nothing";

    fn serialize_request(
        input: &NothingInput,
    ) -> Result<aws_client_runtime::transport::HttpRequest, aws_client_runtime::error::BoxError>
    {
        PROTOCOL.serialize_request(Self::NAME, input)
    }

    fn deserialize_response(
        response: &http::Response<bytes::Bytes>,
    ) -> Result<NothingOutput, aws_client_runtime::DeserializeError<Unhandled>> {
        PROTOCOL.deserialize_response(Self::NAME, response, Self::parse_error)
    }

    fn parse_error(meta: ErrorMetadata, _body: &[u8]) -> Unhandled {
        Unhandled::new(meta)
    }
}
