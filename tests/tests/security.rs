//! Security properties of the runtime and the generated client.
//!
//! - Secrets (secret access key, session token) never appear in `Debug`/`Display` of
//!   credentials, configuration, client, builders or errors, nor in anything a process using
//!   the client prints, nor on the wire (the secret key; the session token is sent by design).
//! - Endpoints resolved from the model's rules are `https` for every partition, FIPS and
//!   dual-stack; plain `http` is used only for an endpoint URL set explicitly; a hostile
//!   region string cannot move requests to another host.
//! - The SigV4 signature covers the exact bytes sent: a server recomputes it over the body it
//!   received, and any change to body or signed headers breaks it.
//! - Malformed shared config/credentials files are reported with file and line, without
//!   echoing the line.
//! - Every crate root of the project forbids `unsafe` code.

mod fault_support;

use std::path::PathBuf;
use std::time::Duration;

use aws_client_runtime::client::Handle;
use aws_client_runtime::config::{Config, ConfigLoader, RetryConfig};
use aws_client_runtime::credentials::{Credentials, DefaultCredentialsChain, ProvideCredentials};
use aws_client_runtime::sigv4::{self, SignableRequest, SigningSettings};
use aws_client_runtime::{Env, RuleSet, SdkError, ServiceInfo};
use fault_support::*;
use serde_json::Value;

const HARD_LIMIT: Duration = Duration::from_secs(30);

/// Fails if `text` contains a secret of the test credentials.
fn assert_no_secret(what: &str, text: &str) {
    for secret in [SECRET_ACCESS_KEY, SESSION_TOKEN] {
        assert!(
            !text.contains(secret),
            "{what} reveals a secret ({secret}):\n{text}"
        );
    }
    // Parts of the secrets, in case something prints them escaped or split.
    for fragment in ["SECRET/key", "SESSION-token"] {
        assert!(
            !text.contains(fragment),
            "{what} reveals {fragment}:\n{text}"
        );
    }
}

fn show(value: &(impl std::fmt::Debug + ?Sized)) -> String {
    format!("{value:?}\n{value:#?}")
}

fn show_all(value: &(impl std::fmt::Debug + std::fmt::Display + ?Sized)) -> String {
    format!("{value}\n{value:#}\n{value:?}\n{value:#?}")
}

// ---------------------------------------------------------------------------------------------
// Secrets.

#[test]
fn credentials_config_client_and_builders_redact_secrets() {
    let creds = credentials();
    assert_no_secret("Credentials", &show(&creds));
    assert!(
        show(&creds).contains(ACCESS_KEY_ID),
        "the key id is not secret"
    );
    assert!(show(&creds).contains("** redacted **"));

    let config = config_builder("http://127.0.0.1:1").build();
    assert_no_secret("Config", &show(&config));
    assert_no_secret("ConfigBuilder", &show(&config.to_builder()));
    let client = memorydb::Client::new(config.clone());
    assert_no_secret("Client", &show(&client));
    let builder = client.failover_shard().cluster_name("c").shard_name("0001");
    assert_no_secret("FailoverShardFluentBuilder", &show(&builder));
    let provider = config.credentials_provider().unwrap();
    assert_no_secret("credentials provider", &show(&provider));

    // Credentials from the environment and the shared files redact the same way.
    let chain = DefaultCredentialsChain::with_env(Env::from_vars([
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN),
    ]));
    assert_no_secret("DefaultCredentialsChain", &show(&chain));
    let resolved = chain.resolve().unwrap();
    assert_eq!(resolved.secret_access_key(), SECRET_ACCESS_KEY);
    assert_no_secret("resolved credentials", &show(&resolved));
    assert_no_secret(
        "Env",
        &show(&Env::from_vars([(
            "AWS_SECRET_ACCESS_KEY",
            SECRET_ACCESS_KEY,
        )])),
    );
}

#[test]
fn credentials_errors_never_contain_secrets() {
    // Partial keys in the environment.
    let e = DefaultCredentialsChain::with_env(Env::from_vars([
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN),
    ]))
    .resolve()
    .unwrap_err();
    assert_no_secret("environment credentials error", &show_all(&e));
    assert!(tests::error_report(&e).contains("AWS_ACCESS_KEY_ID"), "{e}");

    // Partial keys in a credentials file, and a malformed one after a secret.
    let dir = TempDir::new("creds-errors");
    let partial = dir.write(
        "partial",
        &format!("[default]\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"),
    );
    let malformed = dir.write(
        "malformed",
        &format!(
            "[default]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key {SECRET_ACCESS_KEY}\n"
        ),
    );
    for file in [&partial, &malformed] {
        let e = chain_with_files(file, &dir.path("missing-config"))
            .resolve()
            .unwrap_err();
        assert_no_secret("shared file credentials error", &show_all(&e));
    }
}

#[tokio::test]
async fn service_and_transport_errors_never_contain_secrets() {
    bounded(HARD_LIMIT, async {
        let server = RawServer::scripted(vec![
            send(json(
                403,
                r#"{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}"#,
            )),
            send(json(
                400,
                r#"{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match the signature you provided."}"#,
            )),
            send(response(200, &[], b"<html>not json</html>")),
            vec![Step::Reset],
        ])
        .await;
        let client = memorydb::Client::new(
            config_builder(server.url())
                .retry_config(RetryConfig::disabled())
                .build(),
        );
        for _ in 0..4 {
            let err = client
                .failover_shard()
                .cluster_name("c")
                .shard_name("0001")
                .send()
                .await
                .unwrap_err();
            assert_no_secret("SdkError", &show_all(&err));
            let as_error: memorydb::Error = err.into();
            assert_no_secret("memorydb::Error", &show_all(&as_error));
        }
        assert_eq!(server.request_count(), 4);

        // A credentials provider failure surfaces as a construction failure.
        let config = config_builder(server.url())
            .credentials_provider(DefaultCredentialsChain::with_env(Env::from_vars([
                ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
                ("AWS_SESSION_TOKEN", SESSION_TOKEN),
            ])))
            .build();
        let err = memorydb::Client::new(config)
            .describe_clusters()
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
        assert!(tests::error_report(&err).contains("failed to load credentials"), "{err}");
        assert_no_secret("credentials SdkError", &show_all(&err));
        assert_eq!(server.request_count(), 4, "nothing sent without credentials");
    })
    .await;
}

#[tokio::test]
async fn the_secret_key_never_goes_on_the_wire() {
    bounded(HARD_LIMIT, async {
        let server = RawServer::scripted(vec![send(json(200, "{}"))]).await;
        client(server.url())
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .unwrap();
        let request = &server.requests()[0];
        let wire = format!(
            "{}\n{:?}\n{}",
            request.request_line,
            request.headers,
            String::from_utf8_lossy(&request.body)
        );
        assert!(!wire.contains(SECRET_ACCESS_KEY), "{wire}");
        // The session token is sent, by design, in its own header only.
        assert_eq!(request.header("x-amz-security-token"), Some(SESSION_TOKEN));
        assert_eq!(wire.matches(SESSION_TOKEN).count(), 1, "{wire}");
    })
    .await;
}

/// Set in the child process of [`no_secret_in_anything_a_process_prints`].
const CHILD_ENV: &str = "AWSJSON_SECURITY_CHILD";
const CHILD_DONE: &str = "security-child: done";

/// Runs a client through successes and failures and prints everything it can see, with
/// backtraces on; a no-op unless started by [`no_secret_in_anything_a_process_prints`].
#[tokio::test]
async fn child_prints_everything() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let server = RawServer::scripted(vec![
        send(json(200, r#"{"Cluster":{"Name":"c"}}"#)),
        send(json(
            403,
            r#"{"__type":"AccessDeniedException","message":"no"}"#,
        )),
        vec![Step::Reset],
        send(response(502, &[], b"<html>bad gateway</html>")),
        send(json(200, "{")),
    ])
    .await;
    let config = config_builder(server.url())
        .retry_config(RetryConfig::disabled())
        .build();
    let client = memorydb::Client::new(config.clone());
    println!("config: {config:?}\nclient: {client:#?}");
    for _ in 0..5 {
        let result = client
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await;
        match result {
            Ok(out) => println!("ok: {out:?}"),
            Err(e) => {
                println!("err: {e}\n{e:?}");
                eprintln!("err: {e:#?}");
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    eprintln!("caused by: {s} / {s:?}");
                    source = s.source();
                }
            }
        }
    }
    let bad = memorydb::Client::new(
        config_builder(server.url())
            .credentials_provider(DefaultCredentialsChain::with_env(Env::from_vars([(
                "AWS_SECRET_ACCESS_KEY",
                SECRET_ACCESS_KEY,
            )])))
            .build(),
    );
    let e = bad.describe_clusters().send().await.unwrap_err();
    eprintln!("construction: {e} {e:?}");
    println!("{CHILD_DONE}");
}

#[test]
fn no_secret_in_anything_a_process_prints() {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_prints_everything",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .env("RUST_BACKTRACE", "full")
        .env("RUST_LOG", "trace")
        .output()
        .expect("run the test binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(CHILD_DONE),
        "the child did not run:\n{stdout}"
    );
    assert!(stdout.contains("err: "), "{stdout}");
    assert_no_secret("child stdout", &stdout);
    assert_no_secret("child stderr", &stderr);
}

// ---------------------------------------------------------------------------------------------
// Endpoints.

fn model_rule_set() -> Value {
    let model: Value = serde_json::from_slice(
        &std::fs::read(tests::workspace_root().join("model/memorydb.json")).unwrap(),
    )
    .unwrap();
    model["shapes"]["com.amazonaws.memorydb#AmazonMemoryDB"]["traits"]
        ["smithy.rules#endpointRuleSet"]
        .clone()
}

/// A `ServiceInfo` like the generated crate's, with the given rule set.
fn service_with_rules(rules: &str) -> &'static ServiceInfo {
    Box::leak(Box::new(ServiceInfo {
        signing_name: "memorydb",
        sdk_id: "MemoryDB",
        endpoint_rule_set: Box::leak(rules.to_owned().into_boxed_str()),
        crate_name: "memorydb",
        crate_version: "0.1.0",
    }))
}

const REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "eu-central-1",
    "ap-southeast-5",
    "me-central-1",
    "ca-west-1",
    "il-central-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
    "us-isof-south-1",
    "eusc-de-east-1",
    "xx-future-1",
    "aws-global",
];

/// The DNS suffixes of the partition a region belongs to (regular and dual-stack).
fn partition_suffixes(region: &str) -> [String; 2] {
    let p = aws_client_runtime::endpoint::partition::resolve_partition(region);
    [
        format!(".{}", p.dns_suffix),
        format!(".{}", p.dual_stack_dns_suffix),
    ]
}

#[test]
fn the_generated_client_embeds_the_models_rule_set() {
    let service_rs =
        std::fs::read_to_string(tests::workspace_root().join("generated/src/service.rs")).unwrap();
    let start = service_rs.find("r#\"").expect("rule set literal") + 3;
    let end = service_rs[start..]
        .find("\"#;")
        .expect("end of the literal")
        + start;
    let embedded: Value = serde_json::from_str(&service_rs[start..end]).unwrap();
    assert_eq!(embedded, model_rule_set());
}

#[test]
fn endpoints_from_the_model_rules_are_https() {
    let rules = serde_json::to_string(&model_rule_set()).unwrap();
    let set = RuleSet::parse(&rules).unwrap();
    let service = service_with_rules(&rules);
    let mut resolved = 0;
    for region in REGIONS {
        for fips in [false, true] {
            for dual in [false, true] {
                let params = aws_client_runtime::EndpointParams::new()
                    .with_str("Region", *region)
                    .with_bool("UseFIPS", fips)
                    .with_bool("UseDualStack", dual);
                // Directly through the rules...
                let direct = set.resolve(&params).map(|e| e.url().to_owned());
                // ...and through the client's own resolution path.
                let config = Config::builder()
                    .region(*region)
                    .use_fips(fips)
                    .use_dual_stack(dual)
                    .build();
                let via_client = Handle::new(config, service).endpoint_url();
                let what = format!("{region} fips={fips} dual={dual}");
                match (&direct, &via_client) {
                    (Ok(url), Ok(client_url)) => {
                        resolved += 1;
                        let parsed = url.parse::<http::Uri>().unwrap();
                        assert_eq!(parsed.scheme_str(), Some("https"), "{what}: {url}");
                        let host = parsed.host().unwrap();
                        let suffixes = partition_suffixes(region);
                        assert!(
                            suffixes.iter().any(|s| host.ends_with(s.as_str())),
                            "{what}: host {host} is outside the partition ({suffixes:?})"
                        );
                        assert!(
                            host.contains(region) || *region == "aws-global",
                            "{what}: {host}"
                        );
                        assert_eq!(client_url.parse::<http::Uri>().unwrap(), parsed, "{what}");
                    }
                    (Err(e), Err(client_e)) => {
                        // Some partitions have no FIPS or dual-stack endpoint: an error, never
                        // a fallback to something else.
                        assert!(fips || dual, "{what}: {e}");
                        assert!(client_e.contains("could not resolve"), "{what}: {client_e}");
                    }
                    other => panic!("{what}: rules and client disagree: {other:?}"),
                }
            }
        }
    }
    assert!(
        resolved >= REGIONS.len() * 3,
        "only {resolved} endpoints resolved"
    );
}

#[test]
fn plain_http_only_for_an_explicit_endpoint() {
    let rules = serde_json::to_string(&model_rule_set()).unwrap();
    let service = service_with_rules(&rules);
    // The explicit endpoint URL is the one way to use http (a local server, a proxy).
    let explicit = Handle::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url("http://127.0.0.1:8080")
            .build(),
        service,
    );
    assert_eq!(explicit.endpoint_url().unwrap(), "http://127.0.0.1:8080/");

    // A rule set that answers http is refused when nothing was set explicitly.
    let http_rules = r#"{"version":"1.0","parameters":{
        "Region":{"builtIn":"AWS::Region","required":false,"type":"String"},
        "Endpoint":{"builtIn":"SDK::Endpoint","required":false,"type":"String"}},
      "rules":[
        {"conditions":[{"fn":"isSet","argv":[{"ref":"Endpoint"}]}],
         "endpoint":{"url":{"ref":"Endpoint"}},"type":"endpoint"},
        {"conditions":[],"endpoint":{"url":"http://memory-db.{Region}.amazonaws.com"},"type":"endpoint"}]}"#;
    let http_service = service_with_rules(http_rules);
    let from_rules = Handle::new(Config::builder().region("us-east-1").build(), http_service);
    let err = from_rules.endpoint_url().unwrap_err();
    assert!(err.contains("plain http"), "{err}");
    let explicit = Handle::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url("http://localhost:4566")
            .build(),
        http_service,
    );
    assert_eq!(explicit.endpoint_url().unwrap(), "http://localhost:4566/");

    // Other schemes are refused even when explicit.
    for url in [
        "ftp://example.com",
        "file:///etc/passwd",
        "unix:/var/run/x.sock",
    ] {
        let handle = Handle::new(
            Config::builder()
                .region("us-east-1")
                .endpoint_url(url)
                .build(),
            service,
        );
        let err = handle.endpoint_url().unwrap_err();
        assert!(err.contains("unsupported scheme"), "{url}: {err}");
    }
}

#[tokio::test]
async fn a_refused_http_endpoint_sends_nothing() {
    bounded(HARD_LIMIT, async {
        let server = RawServer::scripted(vec![send(json(200, "{}"))]).await;
        let rules = format!(
            r#"{{"version":"1.0","parameters":{{"Region":{{"builtIn":"AWS::Region","required":false,"type":"String"}}}},
              "rules":[{{"conditions":[],"endpoint":{{"url":"{}"}},"type":"endpoint"}}]}}"#,
            server.url()
        );
        let handle = Handle::new(
            Config::builder()
                .region("us-east-1")
                .credentials_provider(credentials())
                .build(),
            service_with_rules(&rules),
        );
        let input = memorydb::operation::failover_shard::FailoverShardInput::builder()
            .cluster_name("c")
            .shard_name("0001")
            .build()
            .unwrap();
        let err = handle
            .send::<memorydb::operation::failover_shard::FailoverShard>(input)
            .await
            .unwrap_err();
        assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
        assert!(tests::error_report(&err).contains("plain http"), "{err}");
        assert_eq!(server.request_count(), 0);
    })
    .await;
}

#[test]
fn a_hostile_region_cannot_change_the_host() {
    let rules = serde_json::to_string(&model_rule_set()).unwrap();
    let service = service_with_rules(&rules);
    for region in [
        "evil.example.com#",
        "evil.example.com/",
        "evil.example.com?",
        "x@evil.example.com",
        "us-east-1.evil.example.com:443/",
        "us-east-1\r\nHost: evil.example.com",
        "..",
        "",
        "us east 1",
        "ünïcode",
        "-us-east-1",
        "us-east-1-",
        "us_east_1",
    ] {
        let handle = Handle::new(Config::builder().region(region).build(), service);
        match handle.endpoint_url() {
            Ok(url) => panic!("region {region:?} resolved to {url}"),
            Err(e) => assert!(e.contains("invalid region"), "{region:?}: {e}"),
        }
    }
    // Valid labels resolve inside the partition.
    for region in ["evil-example-com", "a", "x1"] {
        let url = Handle::new(Config::builder().region(region).build(), service)
            .endpoint_url()
            .unwrap();
        let parsed = url.parse::<http::Uri>().unwrap();
        assert_eq!(
            parsed.host(),
            Some(format!("memory-db.{region}.amazonaws.com").as_str())
        );
    }
}

#[tokio::test]
async fn a_hostile_region_sends_nothing_even_to_an_explicit_endpoint() {
    bounded(HARD_LIMIT, async {
        // The region also goes into the signing scope, so it is checked with an explicit
        // endpoint too.
        let server = RawServer::scripted(vec![send(json(200, "{}"))]).await;
        let config = config_builder(server.url())
            .region("us-east-1/evil")
            .build();
        let err = memorydb::Client::new(config)
            .describe_clusters()
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
        assert!(
            tests::error_report(&err).contains("invalid region"),
            "{err}"
        );
        assert_eq!(server.request_count(), 0);
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Signatures.

/// What a server does: rebuild the canonical request from what it received (the signed
/// headers the `Authorization` header lists, and the body bytes) and recompute the signature
/// with the secret key.
fn server_side_signature(request: &Received, body: &[u8]) -> (String, String) {
    let auth = sigv4::parse_authorization(request.header("authorization").unwrap()).unwrap();
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    let path = request.request_line.split(' ').nth(1).unwrap();
    let signable = SignableRequest {
        method: "POST",
        path_and_query: path,
        headers: &headers,
        body,
    };
    let settings = SigningSettings {
        signed_headers: Some(auth.signed_headers.clone()),
        ..SigningSettings::default()
    };
    let creq = sigv4::canonical_request(&signable, &settings).unwrap();
    let amz_date = request.header("x-amz-date").unwrap();
    let scope = sigv4::credential_scope(&auth.date, &auth.region, &auth.service);
    let sts = sigv4::string_to_sign(amz_date, &scope, &creq);
    let signature = sigv4::calculate_signature(
        SECRET_ACCESS_KEY,
        &auth.date,
        &auth.region,
        &auth.service,
        &sts,
    );
    (signature, auth.signature)
}

#[tokio::test]
async fn the_signature_covers_the_exact_bytes_received() {
    bounded(HARD_LIMIT, async {
        // The first attempt fails with a 503, so the retry's fresh signature is checked too.
        let server = RawServer::scripted(vec![
            send(json(503, r#"{"__type":"ServiceUnavailable"}"#)),
            send(json(200, "{}")),
        ])
        .await;
        let cluster = "clüster \"quoted\" \\ 😀 \u{7f}";
        client(server.url())
            .failover_shard()
            .cluster_name(cluster)
            .shard_name("0001")
            .send()
            .await
            .unwrap();
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        for request in &requests {
            let auth =
                sigv4::parse_authorization(request.header("authorization").unwrap()).unwrap();
            assert_eq!(auth.access_key_id, ACCESS_KEY_ID);
            assert_eq!(auth.region, "us-east-1");
            assert_eq!(auth.service, "memorydb");
            for required in [
                "content-type",
                "host",
                "x-amz-date",
                "x-amz-target",
                "x-amz-security-token",
            ] {
                assert!(
                    auth.signed_headers.iter().any(|h| h == required),
                    "{required} unsigned"
                );
            }
            for unsigned in [
                "user-agent",
                "amz-sdk-request",
                "amz-sdk-invocation-id",
                "content-length",
            ] {
                assert!(
                    !auth.signed_headers.iter().any(|h| h == unsigned),
                    "{unsigned} signed"
                );
            }
            // The body on the wire is the JSON of the input, byte for byte what was signed.
            let sent: Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(sent["ClusterName"], cluster);
            let (expected, received) = server_side_signature(request, &request.body);
            assert_eq!(
                expected, received,
                "signature does not match the received bytes"
            );

            // Any change to the body breaks it.
            let mut tampered = request.body.clone();
            let last = tampered.len() - 2;
            tampered[last] ^= 0x01;
            let (expected, received) = server_side_signature(request, &tampered);
            assert_ne!(expected, received);
            let mut longer = request.body.clone();
            longer.push(b' ');
            assert_ne!(server_side_signature(request, &longer).0, received);

            // So does a change to a signed header.
            let mut forged = request.clone();
            for (name, value) in &mut forged.headers {
                if name.eq_ignore_ascii_case("x-amz-target") {
                    *value = "AmazonMemoryDB.DeleteCluster".into();
                }
            }
            assert_ne!(server_side_signature(&forged, &request.body).0, received);
        }
        // Each attempt carries its own signature (identical when nothing signed changed,
        // since the attempt counter is deliberately not signed).
        assert!(requests.iter().all(|r| r.header("x-amz-date").is_some()));
        assert_eq!(
            requests[1].header("amz-sdk-request"),
            Some("attempt=2; max=3")
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Malformed shared files.

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "awsjson-security-{tag}-{}-{}",
            std::process::id(),
            aws_client_runtime::retry::uuid_v4()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn chain_with_files(
    credentials: &std::path::Path,
    config: &std::path::Path,
) -> DefaultCredentialsChain {
    DefaultCredentialsChain::with_env(Env::from_vars([
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
    ]))
}

#[tokio::test]
async fn malformed_shared_files_name_the_file_and_line() {
    let dir = TempDir::new("malformed");
    let secret_line = format!("aws_secret_access_key {SECRET_ACCESS_KEY}");
    // (which file, its text, the line at fault)
    let cases: Vec<(&str, String, usize)> = vec![
        (
            "credentials",
            format!("[default]\naws_access_key_id = AKID\n{secret_line}\n"),
            3,
        ),
        (
            "credentials",
            "# comment\n\n[default\naws_access_key_id = AKID\n".to_owned(),
            3,
        ),
        (
            "credentials",
            "aws_access_key_id = AKID\n[default]\n".to_owned(),
            1,
        ),
        (
            "config",
            "[default]\nregion = us-east-1\n[]\n".to_owned(),
            3,
        ),
        ("config", "[profile]\nregion = us-east-1\n".to_owned(), 1),
        ("config", "[default] trailing\n".to_owned(), 1),
        ("config", "[default]\n  = value\n".to_owned(), 2),
        (
            "config",
            "[default]\ns3 =\n  not a sub property\n".to_owned(),
            3,
        ),
    ];
    for (i, (which, text, line)) in cases.iter().enumerate() {
        let bad = dir.write(&format!("{which}-{i}"), text);
        let good = dir.write(&format!("other-{i}"), "[default]\n");
        let (credentials, config) = if *which == "credentials" {
            (&bad, &good)
        } else {
            (&good, &bad)
        };
        let chain = chain_with_files(credentials, config);
        let err = chain.resolve().unwrap_err();
        let located = err
            .profile_file_error()
            .unwrap_or_else(|| panic!("case {i}: {err}"));
        assert_eq!(located.path(), bad.as_path(), "case {i}");
        assert_eq!(located.line(), Some(*line), "case {i}: {err}");
        let shown = tests::error_report(&err);
        let place = format!("{}:{line}:", bad.display());
        assert!(
            shown.contains(&place),
            "case {i}: {shown:?} should name {place}"
        );
        assert_no_secret("profile file error", &show_all(&err));

        // Through a client, the same message ends the call before anything is sent.
        let client = memorydb::Client::new(
            Config::builder()
                .region("us-east-1")
                .endpoint_url("http://127.0.0.1:9")
                .credentials_provider(chain)
                .build(),
        );
        let e = client.describe_clusters().send().await.unwrap_err();
        assert!(matches!(e, SdkError::ConstructionFailure(_)), "{e:?}");
        assert!(tests::error_report(&e).contains(&place), "case {i}: {e}");
        assert_no_secret("profile file SdkError", &show_all(&e));

        // Loading a configuration from the same files fails the same way.
        let err = ConfigLoader::default()
            .env(Env::from_vars([
                ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
                ("AWS_CONFIG_FILE", config.to_str().unwrap()),
            ]))
            .try_load()
            .await
            .unwrap_err();
        assert_eq!(err.path(), Some(bad.as_path()), "case {i}: {err}");
        assert_eq!(err.line(), Some(*line), "case {i}: {err}");
        assert!(err.to_string().contains(&place), "case {i}: {err}");
        assert_no_secret("profile file ConfigError", &show_all(&err));
    }

    // A file that is not UTF-8 is named too (no line).
    let binary = dir.path("binary");
    std::fs::write(&binary, [b'[', 0xff, 0xfe, b']']).unwrap();
    let err = chain_with_files(&binary, &dir.path("none"))
        .resolve()
        .unwrap_err();
    let located = err.profile_file_error().expect("located");
    assert_eq!(located.path(), binary.as_path());
    assert!(
        tests::error_report(&err).contains(&binary.display().to_string()),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// No unsafe code.

#[test]
fn every_crate_root_forbids_unsafe_code() {
    let root = tests::workspace_root();
    let mut roots = vec![
        root.join("codegen/src/lib.rs"),
        root.join("runtime/src/lib.rs"),
        root.join("xtask/src/main.rs"),
        root.join("xtask/src/lib.rs"),
        root.join("tests/src/lib.rs"),
        root.join("generated/src/lib.rs"),
    ];
    for (name, _) in tests::fixture_models() {
        roots.push(root.join(format!("tests/generated/{name}/src/lib.rs")));
    }
    for root in &roots {
        let text =
            std::fs::read_to_string(root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
        let forbids = text
            .lines()
            .map(str::trim)
            .take_while(|l| l.is_empty() || l.starts_with("//") || l.starts_with("#!"))
            .any(|l| l == "#![forbid(unsafe_code)]");
        assert!(
            forbids,
            "{} lacks #![forbid(unsafe_code)] among its inner attributes",
            root.display()
        );
    }
    // The generator puts it in every crate it writes, whatever the model.
    for (name, path) in tests::fixture_models() {
        let text = std::fs::read_to_string(&path).unwrap();
        let generated = aws_client_codegen::generate(
            &text,
            &aws_client_codegen::Options::default(),
            &aws_client_codegen::CrateSettings::default(),
        )
        .unwrap();
        assert!(
            generated.files["src/lib.rs"].contains("#![forbid(unsafe_code)]"),
            "{name}"
        );
    }
}

#[test]
fn credentials_provider_trait_objects_redact_too() {
    // A provider handed around as a trait object is shown through its own Debug.
    let provider: std::sync::Arc<dyn ProvideCredentials> = std::sync::Arc::new(credentials());
    assert_no_secret("Arc<dyn ProvideCredentials>", &show(&provider));
    let boxed: Box<dyn ProvideCredentials> =
        Box::new(Credentials::from_keys(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    assert_no_secret("Box<dyn ProvideCredentials>", &show(&boxed));
}
