//! `Client::from_env` and `Client::try_from_env` of a generated crate, which read the process
//! environment. The only test in its binary, since it changes that environment.

use memorydb::config::ConfigError;
use memorydb::error::SdkError;

const SETTINGS: &[&str] = &[
    "AWS_PROFILE",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_MEMORYDB",
];

#[tokio::test]
async fn try_from_env_reports_what_from_env_makes_every_call_fail_with() {
    let dir = std::env::temp_dir().join(format!("awsjson-from-env-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    std::fs::write(&config, "[default]\nregion = us-west-2\n").unwrap();
    for name in SETTINGS {
        std::env::remove_var(name);
    }
    std::env::set_var("AWS_CONFIG_FILE", &config);
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"));
    std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDENV");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "secret");
    // Nothing listens there; the calls below must fail before connecting anyway.
    std::env::set_var("AWS_ENDPOINT_URL_MEMORYDB", "http://127.0.0.1:9");

    let client = memorydb::Client::try_from_env().await.unwrap();
    assert_eq!(
        client.config().region().map(|r| r.as_ref()),
        Some("us-west-2")
    );

    std::env::set_var("AWS_MAX_ATTEMPTS", "abc");
    let err = memorydb::Client::try_from_env().await.unwrap_err();
    assert_eq!(err.variable(), Some("AWS_MAX_ATTEMPTS"));
    let client = memorydb::Client::from_env().await;
    assert_eq!(client.config().load_error(), Some(&err));
    let failure = client.describe_clusters().send().await.unwrap_err();
    let SdkError::ConstructionFailure(construction) = &failure else {
        panic!("expected a construction failure: {failure:?}");
    };
    assert_eq!(
        construction.source.downcast_ref::<ConfigError>(),
        Some(&err)
    );
    std::env::remove_var("AWS_MAX_ATTEMPTS");

    std::fs::write(&config, "[default]\nregion = us-west-2\n[broken\n").unwrap();
    let err = memorydb::Client::try_from_env().await.unwrap_err();
    assert_eq!(err.path(), Some(config.as_path()));
    assert_eq!(err.line(), Some(3));
    let _ = std::fs::remove_dir_all(&dir);
}
