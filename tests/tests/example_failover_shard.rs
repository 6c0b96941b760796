//! The `failover_shard` example (tests/examples/failover_shard.rs), run in-process against a
//! stub server: argument parsing, the JSON it prints, `--wait` polling, and typed errors.
//!
//! The example file is included as a module, so these tests exercise exactly its code
//! without building and spawning the binary.

use std::time::Duration;

use aws_client_runtime::credentials::Env;
use memorydb::config::{ConfigLoader, Credentials, RetryConfig};
use serde_json::{json, Value};
use tests::stub_server::{Reply, Request, Response, StubServer};

#[allow(dead_code)]
#[path = "../examples/failover_shard.rs"]
mod example;

use example::{parse_args, run, Args, EXIT_FAILED, EXIT_GAVE_UP, EXIT_OK};

/// A loader that ignores the machine's environment and shared files.
fn loader() -> ConfigLoader {
    ConfigLoader::default()
        .env(Env::empty())
        .credentials_provider(Credentials::from_keys("AKIDEXAMPLE", "example-secret"))
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
}

fn args(server: &StubServer, wait: bool) -> Args {
    Args {
        cluster: "c".into(),
        shard: "0002".into(),
        wait,
        endpoint_url: Some(server.url()),
        region: Some("eu-west-1".into()),
        poll_interval: Duration::from_millis(5),
        max_polls: 4,
    }
}

/// Runs the example, returns (exit status, stdout, stderr); bounded to 20 s.
async fn run_example(args: &Args) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let status = tokio::time::timeout(
        Duration::from_secs(20),
        run(args, loader(), &mut out, &mut err),
    )
    .await
    .expect("the example finished within 20 s");
    (
        status,
        String::from_utf8(out).expect("utf-8 stdout"),
        String::from_utf8(err).expect("utf-8 stderr"),
    )
}

fn cluster(status: &str, shard_status: &str) -> Value {
    json!({
        "Name": "c",
        "Status": status,
        "NumberOfShards": 2,
        "Shards": [
            {"Name": "0001", "Status": "available", "NumberOfNodes": 1, "Nodes": [
                {"Name": "c-0001-001", "Status": "available", "CreateTime": 1_700_000_000}
            ]},
            {"Name": "0002", "Status": shard_status, "NumberOfNodes": 2, "Nodes": [
                {"Name": "c-0002-001", "Status": "available", "CreateTime": 1_700_000_000.25},
                {"Name": "c-0002-002", "Status": "available"}
            ]}
        ],
        "TLSEnabled": true,
        "DataTiering": "false"
    })
}

fn target(req: &Request) -> &str {
    req.header("x-amz-target").unwrap_or_default()
}

fn ok(body: Value) -> Reply {
    Response::json(200, body.to_string()).into()
}

#[test]
fn parse_args_reads_every_flag() {
    let parsed = parse_args([
        "--cluster",
        "my-cluster",
        "--shard=0001",
        "--wait",
        "--endpoint-url",
        "http://127.0.0.1:4566",
        "--region=eu-central-1",
        "--poll-interval",
        "0.5",
        "--max-polls",
        "7",
    ])
    .expect("valid")
    .expect("not --help");
    assert_eq!(
        parsed,
        Args {
            cluster: "my-cluster".into(),
            shard: "0001".into(),
            wait: true,
            endpoint_url: Some("http://127.0.0.1:4566".into()),
            region: Some("eu-central-1".into()),
            poll_interval: Duration::from_millis(500),
            max_polls: 7,
        }
    );
    let defaults = parse_args(["--cluster", "c", "--shard", "s"])
        .expect("valid")
        .expect("not --help");
    assert!(!defaults.wait);
    assert_eq!(defaults.endpoint_url, None);
    assert_eq!(defaults.poll_interval, Duration::from_secs(15));
    assert_eq!(defaults.max_polls, 80);

    assert_eq!(parse_args(["--help"]), Ok(None));
    for (bad, why) in [
        (vec!["--shard", "s"], "--cluster is required"),
        (vec!["--cluster", "c"], "--shard is required"),
        (vec!["--cluster"], "--cluster needs a value"),
        (
            vec!["--cluster", "c", "--shard", "s", "--bogus"],
            "`--bogus`",
        ),
        (
            vec!["--cluster", "c", "--shard", "s", "--max-polls", "0"],
            "--max-polls",
        ),
        (
            vec!["--cluster", "c", "--shard", "s", "--poll-interval", "x"],
            "--poll-interval",
        ),
    ] {
        let err = parse_args(bad.clone()).expect_err("invalid");
        assert!(err.contains(why), "{bad:?}: {err}");
    }
}

#[tokio::test]
async fn prints_the_failed_over_cluster_as_json() {
    let server = StubServer::start(|req| {
        if target(req) == "AmazonMemoryDB.FailoverShard" {
            ok(json!({"Cluster": cluster("available", "modifying")}))
        } else {
            Response::json(400, r#"{"__type":"UnexpectedCall"}"#).into()
        }
    })
    .await;
    let (status, stdout, stderr) = run_example(&args(&server, false)).await;
    assert_eq!(status, EXIT_OK, "stderr: {stderr}");
    let printed: Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(printed["Name"], json!("c"));
    assert_eq!(printed["TLSEnabled"], json!(true));
    assert_eq!(printed["Shards"][1]["Status"], json!("modifying"));
    assert_eq!(
        printed["Shards"][0]["Nodes"][0]["CreateTime"],
        json!("2023-11-14T22:13:20Z")
    );
    assert_eq!(
        printed["Shards"][1]["Nodes"][0]["CreateTime"],
        json!("2023-11-14T22:13:20.25Z")
    );
    assert!(printed["Shards"][1]["Nodes"][1].get("CreateTime").is_none());
    assert!(
        stderr.contains("failing over shard 0002 of cluster c"),
        "{stderr}"
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let body: Value = serde_json::from_slice(&requests[0].body).expect("JSON body");
    assert_eq!(body, json!({"ClusterName": "c", "ShardName": "0002"}));
    let auth = requests[0].header("authorization").unwrap_or_default();
    assert!(auth.contains("/eu-west-1/memorydb/aws4_request"), "{auth}");
}

#[tokio::test]
async fn wait_polls_until_the_cluster_is_available() {
    let server = StubServer::start(|req| match target(req) {
        "AmazonMemoryDB.FailoverShard" => ok(json!({"Cluster": cluster("available", "available")})),
        "AmazonMemoryDB.DescribeClusters" => match req.index {
            1 => ok(json!({"Clusters": [cluster("updating", "modifying")]})),
            2 => ok(json!({"Clusters": [cluster("available", "modifying")]})),
            _ => ok(json!({"Clusters": [cluster("available", "available")]})),
        },
        _ => Response::json(400, r#"{"__type":"UnexpectedCall"}"#).into(),
    })
    .await;
    let (status, stdout, stderr) = run_example(&args(&server, true)).await;
    assert_eq!(status, EXIT_OK, "stderr: {stderr}");
    assert!(
        stderr.contains("poll 1/4: cluster updating, shards 0002=modifying"),
        "{stderr}"
    );
    assert!(
        stderr.contains("poll 2/4: cluster available, shards 0002=modifying"),
        "{stderr}"
    );
    assert!(stderr.contains("poll 3/4: cluster available\n"), "{stderr}");
    let printed: Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(printed["Status"], json!("available"));
    assert_eq!(printed["Shards"][1]["Status"], json!("available"));

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for req in &requests[1..] {
        let body: Value = serde_json::from_slice(&req.body).expect("JSON body");
        assert_eq!(body, json!({"ClusterName": "c", "ShowShardDetails": true}));
    }
}

#[tokio::test]
async fn wait_gives_up_after_the_last_poll() {
    let server = StubServer::start(|req| match target(req) {
        "AmazonMemoryDB.FailoverShard" => ok(json!({"Cluster": cluster("available", "modifying")})),
        _ => ok(json!({"Clusters": [cluster("updating", "modifying")]})),
    })
    .await;
    let (status, stdout, stderr) = run_example(&args(&server, true)).await;
    assert_eq!(status, EXIT_GAVE_UP, "stderr: {stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("poll 4/4"), "{stderr}");
    assert!(stderr.contains("not available after 4 polls"), "{stderr}");
    assert_eq!(server.request_count(), 5);
}

#[tokio::test]
async fn a_fault_is_printed_with_variant_code_message_and_request_id() {
    let server = StubServer::scripted(vec![Response::json(
        400,
        r#"{"__type":"com.amazonaws.memorydb#ShardNotFoundFault","message":"shard 0002 not found"}"#,
    )
    .header("x-amzn-requestid", "rid-42")
    .into()])
    .await;
    let (status, stdout, stderr) = run_example(&args(&server, true)).await;
    assert_eq!(status, EXIT_FAILED);
    assert!(stdout.is_empty(), "{stdout}");
    for needle in [
        "error: FailoverShard failed",
        "variant:    ShardNotFoundFault",
        "code:       ShardNotFoundFault",
        "message:    shard 0002 not found",
        "request id: rid-42",
        "status:     400",
    ] {
        assert!(
            stderr.contains(needle),
            "`{needle}` missing from:\n{stderr}"
        );
    }
    // The chain is printed whole, each level once.
    assert!(
        stderr.contains("error: FailoverShard failed: service error\n"),
        "{stderr}"
    );
    assert_eq!(
        stderr
            .matches("caused by: ShardNotFoundFault: shard 0002 not found")
            .count(),
        1,
        "{stderr}"
    );
    assert_eq!(server.request_count(), 1, "no polling after a failure");
}

#[tokio::test]
async fn an_unreadable_response_is_reported_with_status_and_body() {
    let server = StubServer::scripted(vec![Response::new(502)
        .header("content-type", "text/html")
        .body("<html>bad gateway</html>")
        .into()])
    .await;
    let mut args = args(&server, false);
    args.region = None;
    // Without a region the call cannot even be built: the error says how to set one.
    let (status, _, stderr) = run_example(&args).await;
    assert_eq!(status, EXIT_FAILED);
    assert!(stderr.contains("no region is configured"), "{stderr}");
    assert!(stderr.contains("request could not be built"), "{stderr}");
    assert_eq!(server.request_count(), 0);

    args.region = Some("us-east-1".into());
    let (status, _, stderr) = run_example(&args).await;
    assert_eq!(status, EXIT_FAILED);
    for needle in [
        "unreadable response",
        "status:     502",
        "<html>bad gateway</html>",
    ] {
        assert!(
            stderr.contains(needle),
            "`{needle}` missing from:\n{stderr}"
        );
    }
}
