//! The generated `memorydb::Client` against moto (`moto[server]` 5.2.x) on 127.0.0.1.
//!
//! Each test starts its own `$MOTO_PYTHON -m moto.server` on a free port (killed on drop),
//! creates an IAM user with an allow-all policy and access keys, and MemoryDB clusters, with
//! small signed raw requests while moto's authentication is still off; then turns SigV4
//! checking on (`POST /moto-api/reset-auth` with `0`) and calls the generated client.
//!
//! `cargo xtask test` sets `MOTO_PYTHON` to the venv it prepares. Without it the tests skip
//! with a message, except under `CI=true`, where they fail. Every wait is bounded.

use std::fs::File;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use aws_client_runtime::sigv4::SigningSettings;
use aws_client_runtime::sigv4::{sign_headers, uri_encode, SignableRequest, SigningParams};
use memorydb::config::{Credentials, RetryConfig, TimeoutConfig};
use memorydb::error::SdkError;
use memorydb::operation::describe_clusters::DescribeClustersError;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const REGION: &str = "us-east-1";
/// How long moto may take to start listening.
const STARTUP_LIMIT: Duration = Duration::from_secs(60);
/// How long one raw request may take.
const REQUEST_LIMIT: Duration = Duration::from_secs(20);

/// The python of a venv with moto, or `None` (skip) outside CI.
fn moto_python() -> Option<PathBuf> {
    match std::env::var_os("MOTO_PYTHON") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("MOTO_PYTHON is not set, and CI=true requires the moto tests: run `cargo xtask test`");
            }
            eprintln!(
                "skipping: MOTO_PYTHON is not set (run `cargo xtask test`, or set it to a python with moto[server] 5.2 installed)"
            );
            None
        }
    }
}

/// A running moto server; killed when dropped.
struct Moto {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Moto {
    async fn start(python: &PathBuf) -> Moto {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
            listener.local_addr().expect("local addr").port()
        };
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let log = std::env::temp_dir().join(format!("awsjson-moto-{port}.log"));
        let log_file = File::create(&log).expect("create the moto log file");
        let child = Command::new(python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            // Authentication stays off until `enable_auth`.
            .env_remove("INITIAL_NO_AUTH_ACTION_COUNT")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("clone the log handle"))
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} -m moto.server: {e}", python.display()));
        let mut moto = Moto { child, addr, log };
        moto.wait_ready().await;
        moto
    }

    async fn wait_ready(&mut self) {
        let started = Instant::now();
        // Bounded: at most STARTUP_LIMIT / 100 ms polls.
        while started.elapsed() < STARTUP_LIMIT {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "moto exited during startup ({status}):\n{}",
                    self.log_tail()
                );
            }
            if let Ok(Ok(response)) = tokio::time::timeout(
                Duration::from_secs(2),
                raw_request(self.addr, "GET", "/moto-api/", &[], b""),
            )
            .await
            {
                if response.status == 200 {
                    eprintln!("moto ready on {} after {:?}", self.addr, started.elapsed());
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "moto did not answer within {STARTUP_LIMIT:?}:\n{}",
            self.log_tail()
        );
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Turns SigV4 checking on for every following request.
    async fn enable_auth(&self) {
        let response = raw_request(
            self.addr,
            "POST",
            "/moto-api/reset-auth",
            &[("content-type".into(), "text/plain".into())],
            b"0",
        )
        .await
        .expect("reset-auth");
        assert_eq!(response.status, 200, "reset-auth: {}", response.text());
    }

    /// A signed awsQuery call to moto's IAM; returns the XML response body.
    async fn iam(&self, credentials: &Credentials, params: &[(&str, &str)]) -> String {
        let mut form = vec![("Version".to_owned(), "2010-05-08".to_owned())];
        form.extend(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", uri_encode(k), uri_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let response = self
            .signed(
                credentials,
                "iam",
                vec![(
                    "content-type".into(),
                    "application/x-www-form-urlencoded; charset=utf-8".into(),
                )],
                body.as_bytes(),
            )
            .await;
        assert_eq!(
            response.status,
            200,
            "IAM {params:?} failed: {}",
            response.text()
        );
        response.text()
    }

    /// A signed awsJson 1.1 call to moto's MemoryDB (for operations the crate does not have).
    async fn memorydb(&self, credentials: &Credentials, operation: &str, body: Value) -> Value {
        let response = self
            .signed(
                credentials,
                "memorydb",
                vec![
                    ("content-type".into(), "application/x-amz-json-1.1".into()),
                    ("x-amz-target".into(), format!("AmazonMemoryDB.{operation}")),
                ],
                body.to_string().as_bytes(),
            )
            .await;
        assert_eq!(
            response.status,
            200,
            "MemoryDB {operation} failed: {}",
            response.text()
        );
        serde_json::from_slice(&response.body).expect("a JSON response")
    }

    async fn signed(
        &self,
        credentials: &Credentials,
        service: &str,
        mut headers: Vec<(String, String)>,
        body: &[u8],
    ) -> RawResponse {
        headers.insert(0, ("host".into(), self.addr.to_string()));
        let signature = sign_headers(
            &SignableRequest {
                method: "POST",
                path_and_query: "/",
                headers: &headers,
                body,
            },
            &SigningParams {
                credentials,
                region: REGION,
                service,
                time: SystemTime::now(),
            },
            &SigningSettings::default(),
        )
        .expect("sign");
        headers.extend(signature);
        raw_request(self.addr, "POST", "/", &headers, body)
            .await
            .expect("raw request")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

struct RawResponse {
    status: u16,
    body: Vec<u8>,
}

impl RawResponse {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 exchange on a fresh connection (`Connection: close`), read to the end.
async fn raw_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<RawResponse, String> {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        let mut head = format!("{method} {path} HTTP/1.1\r\n");
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("host: {addr}\r\n"));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        ));
        stream
            .write_all(head.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        stream.write_all(body).await.map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .map_err(|e| e.to_string())?;
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or("no end of headers")?;
        let head = String::from_utf8_lossy(&raw[..end]);
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or("no status")?;
        Ok(RawResponse {
            status,
            body: raw[end + 4..].to_vec(),
        })
    };
    tokio::time::timeout(REQUEST_LIMIT, exchange)
        .await
        .map_err(|_| format!("no response within {REQUEST_LIMIT:?}"))?
}

/// The text of the first `<tag>` element of `xml`.
fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{tag}>"))?;
    Some(&xml[start..start + len])
}

/// What the tests set up in moto.
struct Fixture {
    moto: Moto,
    /// The IAM user's access key, allowed everything.
    user: Credentials,
}

const CLUSTERS: [(&str, u32); 2] = [("alpha", 2), ("beta", 3)];

/// Starts moto, creates the IAM user and the clusters, then turns authentication on.
async fn setup(python: &PathBuf) -> Fixture {
    let moto = Moto::start(python).await;
    // Any key signs while authentication is off; moto reads the account from it.
    let bootstrap = Credentials::from_keys("AKIDBOOTSTRAP", "bootstrap-secret");
    moto.iam(&bootstrap, &[("Action", "CreateUser"), ("UserName", "ci")])
        .await;
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    })
    .to_string();
    moto.iam(
        &bootstrap,
        &[
            ("Action", "PutUserPolicy"),
            ("UserName", "ci"),
            ("PolicyName", "allow-all"),
            ("PolicyDocument", &policy),
        ],
    )
    .await;
    let keys = moto
        .iam(
            &bootstrap,
            &[("Action", "CreateAccessKey"), ("UserName", "ci")],
        )
        .await;
    let access_key = xml_text(&keys, "AccessKeyId").expect("AccessKeyId in CreateAccessKey");
    let secret = xml_text(&keys, "SecretAccessKey").expect("SecretAccessKey in CreateAccessKey");
    let user = Credentials::new(access_key, secret, None, None, "moto-iam");
    for (name, shards) in CLUSTERS {
        let created = moto
            .memorydb(
                &bootstrap,
                "CreateCluster",
                json!({
                    "ClusterName": name,
                    "NodeType": "db.t4g.small",
                    "ACLName": "open-access",
                    "NumShards": shards,
                    "NumReplicasPerShard": 1
                }),
            )
            .await;
        assert_eq!(created["Cluster"]["Name"], json!(name));
    }
    moto.enable_auth().await;
    Fixture { moto, user }
}

fn client(moto: &Moto, credentials: Credentials) -> memorydb::Client {
    memorydb::Client::new(
        memorydb::Config::builder()
            .region(REGION)
            .endpoint_url(moto.url())
            .credentials_provider(credentials)
            .retry_config(
                RetryConfig::standard()
                    .with_initial_backoff(Duration::from_millis(10))
                    .with_max_backoff(Duration::from_millis(50)),
            )
            .timeout_config(
                TimeoutConfig::new().with_operation_attempt_timeout(Duration::from_secs(20)),
            )
            .build(),
    )
}

/// Runs a test body under a time limit.
async fn bounded<F: std::future::Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(180), body)
        .await
        .expect("moto test exceeded its 180 s bound");
}

#[tokio::test]
async fn describe_clusters_returns_the_created_clusters() {
    let Some(python) = moto_python() else { return };
    bounded(async {
        let fx = setup(&python).await;
        let client = client(&fx.moto, fx.user.clone());

        let out = client
            .describe_clusters()
            .send()
            .await
            .expect("DescribeClusters");
        let mut names: Vec<_> = out.clusters().iter().filter_map(|c| c.name()).collect();
        names.sort();
        assert_eq!(names, ["alpha", "beta"]);
        for cluster in out.clusters() {
            assert_eq!(cluster.status(), Some("available"));
            assert!(cluster.shards().is_empty(), "no shard details unless asked");
            assert_eq!(cluster.node_type(), Some("db.t4g.small"));
            assert!(cluster
                .arn()
                .is_some_and(|a| a.starts_with("arn:aws:memorydb:us-east-1:")));
        }

        let out = client
            .describe_clusters()
            .cluster_name("beta")
            .show_shard_details(true)
            .send()
            .await
            .expect("DescribeClusters with shard details");
        assert_eq!(out.clusters().len(), 1);
        let beta = &out.clusters()[0];
        assert_eq!(beta.name(), Some("beta"));
        assert_eq!(beta.number_of_shards(), Some(3));
        let shards = beta.shards();
        assert_eq!(
            shards.iter().filter_map(|s| s.name()).collect::<Vec<_>>(),
            ["0001", "0002", "0003"]
        );
        for shard in shards {
            assert_eq!(shard.nodes().len(), 2, "one primary, one replica");
            for node in shard.nodes() {
                let created = node.create_time().expect("node create time");
                assert!(created.secs() > 1_600_000_000, "{created:?}");
            }
        }

        let items = client
            .describe_clusters()
            .show_shard_details(true)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .expect("paginated DescribeClusters");
        let total_shards: usize = items.iter().map(|c| c.shards().len()).sum();
        assert_eq!(items.len(), 2);
        assert_eq!(total_shards, 5);

        let err = client
            .describe_clusters()
            .cluster_name("no-such-cluster")
            .send()
            .await
            .expect_err("a missing cluster");
        eprintln!("moto answered DescribeClusters(no-such-cluster) with: {err}");
        assert_eq!(err.raw_status(), Some(400));
        let fault = err.into_service_error().expect("a service error");
        let DescribeClustersError::ClusterNotFoundFault(fault) = &fault else {
            panic!("expected ClusterNotFoundFault, got {fault:?}");
        };
        assert_eq!(fault.message(), Some("Cluster no-such-cluster not found"));
        assert!(
            memorydb::error::ProvideErrorMetadata::meta(fault)
                .request_id()
                .is_some_and(|id| !id.is_empty()),
            "moto sends x-amzn-requestid"
        );
    })
    .await;
}

#[tokio::test]
async fn a_wrong_secret_is_a_clean_error() {
    let Some(python) = moto_python() else { return };
    bounded(async {
        let fx = setup(&python).await;
        let wrong = Credentials::new(
            fx.user.access_key_id(),
            "definitely-not-the-secret",
            None,
            None,
            "test",
        );
        let err = client(&fx.moto, wrong)
            .describe_clusters()
            .send()
            .await
            .expect_err("a wrong secret is refused");
        eprintln!("moto answered a wrong secret with: {err}\n{err:?}");
        // moto answers 403 with an awsQuery-style XML body, which is not an awsJson error.
        let SdkError::ResponseError(response) = &err else {
            panic!("expected ResponseError, got {err:?}");
        };
        assert_eq!(response.status, Some(403));
        assert!(
            response.snippet.contains("SignatureDoesNotMatch"),
            "{}",
            response.snippet
        );
        assert!(response.request_id.is_some());
        assert!(tests::error_report(&err).contains("403"), "{err}");

        // An unknown access key is refused too.
        let unknown = Credentials::from_keys("AKIAUNKNOWNKEY000000", "whatever");
        let err = client(&fx.moto, unknown)
            .describe_clusters()
            .send()
            .await
            .expect_err("an unknown key is refused");
        eprintln!("moto answered an unknown key with: {err}");
        assert_eq!(err.raw_status(), Some(403), "{err:?}");

        // And the right one still works.
        client(&fx.moto, fx.user.clone())
            .describe_clusters()
            .send()
            .await
            .expect("the right secret is accepted");
    })
    .await;
}

#[tokio::test]
async fn failover_shard_gets_a_clean_error_from_moto() {
    let Some(python) = moto_python() else { return };
    bounded(async {
        let fx = setup(&python).await;
        let err = client(&fx.moto, fx.user.clone())
            .failover_shard()
            .cluster_name("alpha")
            .shard_name("0001")
            .send()
            .await
            .expect_err("moto does not implement FailoverShard");
        eprintln!("moto answered FailoverShard with: {err}\n{err:?}");
        // moto 5.2 has no FailoverShard: Flask answers 500 with an HTML page. That is a
        // transient status, so the client retried, then returned the unreadable response.
        let SdkError::ResponseError(response) = &err else {
            panic!("expected ResponseError, got {err:?}");
        };
        assert_eq!(response.status, Some(500));
        assert!(
            response.snippet.contains("Internal Server Error"),
            "{}",
            response.snippet
        );
        assert_eq!(err.raw_status(), Some(500));
        assert!(err.as_service_error().is_none());
    })
    .await;
}
