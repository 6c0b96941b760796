//! Runtime measurements of the generated MemoryDB client against the official AWS SDK.
//!
//! This crate is a benchmark harness, not product code: it lives in the separate `bench/`
//! workspace, and it is the only place in the project allowed to use `unsafe` (a counting
//! global allocator and `getrusage`).
//!
//! ```text
//! bench serve                         stub MemoryDB on 127.0.0.1, prints "LISTEN <port>"
//! bench all --root <workspace root>   requests + parse + codegen, prints RESULT lines
//! bench requests | parse | codegen    one group (requests starts its own server child)
//! ```
//!
//! Every figure is printed as `RESULT <key> <value>` for `cargo xtask bench` to collect.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Counting allocator (bench-only; see the module docs).

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the same arguments; counting has no effect on
// the memory handed out. Benchmark harness only, never product code.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocs() -> u64 {
    ALLOCS.load(Ordering::Relaxed)
}

/// User + system CPU time of this process so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes into the zeroed struct we pass it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn result(key: &str, value: impl std::fmt::Display) {
    println!("RESULT {key} {value}");
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

fn cluster(i: usize, shards: usize, nodes_per_shard: usize) -> Value {
    let shards: Vec<Value> = (0..shards)
        .map(|s| {
            let nodes: Vec<Value> = (0..nodes_per_shard)
                .map(|n| {
                    json!({
                        "Name": format!("{:04}-{:03}", s + 1, n + 1),
                        "Status": "available",
                        "AvailabilityZone": format!("us-east-1{}", ['a', 'b', 'c'][n % 3]),
                        "CreateTime": 1_700_000_000.123 + (i * 100 + s * 10 + n) as f64,
                        "Endpoint": {
                            "Address": format!("bench-{i}-{:04}-{:03}.abcdef.clustercfg.memorydb.us-east-1.amazonaws.com", s + 1, n + 1),
                            "Port": 6379
                        }
                    })
                })
                .collect();
            json!({
                "Name": format!("{:04}", s + 1),
                "Status": "available",
                "Slots": format!("{}-{}", s * 16384 / shards.max(1), (s + 1) * 16384 / shards.max(1) - 1),
                "Nodes": nodes,
                "NumberOfNodes": nodes_per_shard
            })
        })
        .collect();
    json!({
        "Name": format!("bench-cluster-{i}"),
        "Description": "benchmark cluster",
        "Status": "available",
        "NumberOfShards": shards.len(),
        "Shards": shards,
        "AvailabilityMode": "multiaz",
        "ClusterEndpoint": {
            "Address": format!("clustercfg.bench-cluster-{i}.abcdef.memorydb.us-east-1.amazonaws.com"),
            "Port": 6379
        },
        "NodeType": "db.r6g.large",
        "Engine": "valkey",
        "EngineVersion": "7.2",
        "EnginePatchVersion": "7.2.6",
        "ParameterGroupName": "default.memorydb-valkey7",
        "ParameterGroupStatus": "in-sync",
        "SecurityGroups": [{"SecurityGroupId": "sg-0123456789abcdef0", "Status": "active"}],
        "SubnetGroupName": "bench-subnets",
        "TLSEnabled": true,
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        "ARN": format!("arn:aws:memorydb:us-east-1:123456789012:cluster/bench-cluster-{i}"),
        "SnsTopicArn": "arn:aws:sns:us-east-1:123456789012:bench",
        "SnsTopicStatus": "active",
        "SnapshotRetentionLimit": 7,
        "MaintenanceWindow": "sun:23:00-mon:01:30",
        "SnapshotWindow": "04:00-05:00",
        "ACLName": "open-access",
        "AutoMinorVersionUpgrade": true,
        "DataTiering": "false",
        "NetworkType": "ipv4",
        "IpDiscovery": "ipv4"
    })
}

/// The FailoverShard reply: one cluster, 3 shards x 2 nodes.
fn failover_body() -> Vec<u8> {
    serde_json::to_vec(&json!({ "Cluster": cluster(0, 3, 2) })).unwrap()
}

/// A DescribeClusters page: 100 clusters x 3 shards x 2 nodes.
fn describe_body() -> Vec<u8> {
    let clusters: Vec<Value> = (0..100).map(|i| cluster(i, 3, 2)).collect();
    serde_json::to_vec(&json!({ "Clusters": clusters })).unwrap()
}

const FAILOVER_REQUEST: &[u8] = br#"{"ClusterName":"bench-cluster","ShardName":"0001"}"#;

// ---------------------------------------------------------------------------------------------
// Stub server: HTTP/1.1 keep-alive, every request gets the FailoverShard reply.

fn serve() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("LISTEN {}", listener.local_addr().unwrap().port());
        std::io::stdout().flush().unwrap();
        let body = failover_body();
        let mut reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n\
             x-amzn-RequestId: 11111111-2222-3333-4444-555555555555\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        reply.extend_from_slice(&body);
        let reply: Arc<[u8]> = reply.into();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let reply = reply.clone();
            tokio::spawn(async move {
                let _ = serve_connection(stream, &reply).await;
            });
        }
    });
}

async fn serve_connection(mut stream: tokio::net::TcpStream, reply: &[u8]) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    loop {
        // Read one request head, then its Content-Length body.
        let head_end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos + 4;
            }
            let mut chunk = [0u8; 8192];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + len {
            let mut chunk = [0u8; 8192];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        buf.drain(..head_end + len);
        stream.write_all(reply).await?;
    }
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .arg("serve")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the stub server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("LISTEN ")
            .and_then(|p| p.parse().ok())
            .expect("server port");
        Server { child, port }
    }
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Per-request cost.

/// The floor's client: the runtime's HTTP stack without the runtime.
type FloorClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Full<bytes::Bytes>,
>;

enum Caller {
    Ours(memorydb::Client),
    Sdk(aws_sdk_memorydb::Client),
    Floor(FloorClient, http::Uri),
}

impl Caller {
    async fn new(kind: &str, url: &str) -> Caller {
        match kind {
            "ours" => {
                use memorydb::config::{Credentials, Region};
                let config = memorydb::Config::builder()
                    .region(Region::new("us-east-1"))
                    .credentials_provider(Credentials::from_keys("AKIDEXAMPLE", "bench-secret"))
                    .endpoint_url(url)
                    .build();
                Caller::Ours(memorydb::Client::new(config))
            }
            "sdk" => {
                let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
                    .region(aws_config::Region::new("us-east-1"))
                    .credentials_provider(aws_sdk_memorydb::config::Credentials::new(
                        "AKIDEXAMPLE",
                        "bench-secret",
                        None,
                        None,
                        "static",
                    ))
                    .endpoint_url(url)
                    .load()
                    .await;
                Caller::Sdk(aws_sdk_memorydb::Client::new(&conf))
            }
            "floor" => {
                // The same stack as the runtime's client: hyper-util's pooled client over
                // hyper-rustls (HTTP/1.1, rustls/ring), TCP_NODELAY, same pool settings.
                let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
                    rustls::crypto::ring::default_provider(),
                ))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth();
                let mut tcp = hyper_util::client::legacy::connect::HttpConnector::new();
                tcp.enforce_http(false);
                tcp.set_nodelay(true);
                tcp.set_connect_timeout(Some(Duration::from_millis(3100)));
                let connector = hyper_rustls::HttpsConnectorBuilder::new()
                    .with_tls_config(tls)
                    .https_or_http()
                    .enable_http1()
                    .wrap_connector(tcp);
                let client = hyper_util::client::legacy::Client::builder(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .timer(hyper_util::rt::TokioTimer::new())
                .pool_timer(hyper_util::rt::TokioTimer::new())
                .pool_idle_timeout(Duration::from_secs(60))
                .build(connector);
                Caller::Floor(client, format!("{url}/").parse().unwrap())
            }
            other => panic!("unknown client {other}"),
        }
    }

    async fn call(&self) {
        match self {
            Caller::Ours(c) => {
                let out = c
                    .failover_shard()
                    .cluster_name("bench-cluster")
                    .shard_name("0001")
                    .send()
                    .await
                    .expect("ours: FailoverShard");
                assert_eq!(out.cluster().map(|c| c.shards().len()), Some(3));
            }
            Caller::Sdk(c) => {
                let out = c
                    .failover_shard()
                    .cluster_name("bench-cluster")
                    .shard_name("0001")
                    .send()
                    .await
                    .expect("sdk: FailoverShard");
                assert_eq!(out.cluster().map(|c| c.shards().len()), Some(3));
            }
            Caller::Floor(c, url) => {
                use http_body_util::BodyExt;
                let request = http::Request::post(url.clone())
                    .header("content-type", "application/x-amz-json-1.1")
                    .header("x-amz-target", "AmazonMemoryDB.FailoverShard")
                    .body(http_body_util::Full::new(bytes::Bytes::from_static(
                        FAILOVER_REQUEST,
                    )))
                    .unwrap();
                let resp = c.request(request).await.expect("floor: POST");
                assert!(resp.status().is_success());
                let bytes = resp
                    .into_body()
                    .collect()
                    .await
                    .expect("floor: body")
                    .to_bytes();
                let v: Value = serde_json::from_slice(&bytes).expect("floor: JSON");
                assert!(v.get("Cluster").is_some());
            }
        }
    }
}

fn requests(url: &str, n: usize) {
    for kind in ["ours", "sdk", "floor"] {
        for conc in [1usize, 64] {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let caller = Caller::new(kind, url).await;
                // Warm up: connections, credentials cache, endpoint resolution.
                futures_util::future::join_all((0..conc).map(|_| caller.call())).await;
                for _ in 0..100 {
                    caller.call().await;
                }
                let next = AtomicUsize::new(0);
                let a0 = allocs();
                let c0 = cpu_time();
                let t0 = Instant::now();
                futures_util::future::join_all((0..conc).map(|_| async {
                    while next.fetch_add(1, Ordering::Relaxed) < n {
                        caller.call().await;
                    }
                }))
                .await;
                let wall = t0.elapsed();
                let cpu = cpu_time() - c0;
                let a = allocs() - a0;
                let key = format!("req.{kind}.c{conc}");
                result(&format!("{key}.cpu_us"), format!("{:.2}", cpu.as_secs_f64() * 1e6 / n as f64));
                result(&format!("{key}.rps"), format!("{:.0}", n as f64 / wall.as_secs_f64()));
                result(&format!("{key}.allocs"), format!("{:.0}", a as f64 / n as f64));
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Response parsing.

#[derive(Debug, Clone)]
struct Canned(bytes::Bytes);

impl aws_smithy_runtime_api::client::http::HttpConnector for Canned {
    fn call(
        &self,
        _request: aws_smithy_runtime_api::client::orchestrator::HttpRequest,
    ) -> aws_smithy_runtime_api::client::http::HttpConnectorFuture {
        use aws_smithy_runtime_api::http::{Response, StatusCode};
        let mut response = Response::new(
            StatusCode::try_from(200u16).unwrap(),
            aws_smithy_types::body::SdkBody::from(self.0.clone()),
        );
        response
            .headers_mut()
            .insert("content-type", "application/x-amz-json-1.1");
        response
            .headers_mut()
            .insert("x-amzn-requestid", "11111111-2222-3333-4444-555555555555");
        aws_smithy_runtime_api::client::http::HttpConnectorFuture::ready(Ok(response))
    }
}

impl aws_smithy_runtime_api::client::http::HttpClient for Canned {
    fn http_connector(
        &self,
        _settings: &aws_smithy_runtime_api::client::http::HttpConnectorSettings,
        _components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
    ) -> aws_smithy_runtime_api::client::http::SharedHttpConnector {
        aws_smithy_runtime_api::client::http::SharedHttpConnector::new(self.clone())
    }
}

fn sdk_canned_client(body: Vec<u8>) -> aws_sdk_memorydb::Client {
    let conf = aws_sdk_memorydb::Config::builder()
        .behavior_version(aws_sdk_memorydb::config::BehaviorVersion::latest())
        .region(aws_sdk_memorydb::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_memorydb::config::Credentials::new(
            "AKIDEXAMPLE",
            "bench-secret",
            None,
            None,
            "static",
        ))
        .http_client(Canned(bytes::Bytes::from(body)))
        .build();
    aws_sdk_memorydb::Client::from_conf(conf)
}

/// Best-of-`rounds` mean time per iteration and allocations per iteration.
fn measure(iters: usize, rounds: usize, mut f: impl FnMut()) -> (Duration, f64) {
    f();
    let mut best = Duration::MAX;
    let a0 = allocs();
    for _ in 0..rounds {
        let t0 = Instant::now();
        for _ in 0..iters {
            f();
        }
        best = best.min(t0.elapsed() / iters as u32);
    }
    let a = (allocs() - a0) as f64 / (iters * rounds) as f64;
    (best, a)
}

fn parse() {
    let body = describe_body();
    result("parse.body_bytes", body.len());
    let (iters, rounds) = (50, 5);

    let (t, a) = measure(iters, rounds, || {
        let out: memorydb::operation::describe_clusters::DescribeClustersOutput =
            serde_json::from_slice(std::hint::black_box(&body)).unwrap();
        assert_eq!(out.clusters().len(), 100);
        std::hint::black_box(out);
    });
    result("parse.ours.us", format!("{:.1}", t.as_secs_f64() * 1e6));
    result("parse.ours.allocs", format!("{a:.0}"));

    let (t, a) = measure(iters, rounds, || {
        let v: Value = serde_json::from_slice(std::hint::black_box(&body)).unwrap();
        std::hint::black_box(v);
    });
    result("parse.value.us", format!("{:.1}", t.as_secs_f64() * 1e6));
    result("parse.value.allocs", format!("{a:.0}"));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let full = sdk_canned_client(body.clone());
    let empty = sdk_canned_client(br#"{"Clusters":[]}"#.to_vec());
    let (t_full, a_full) = measure(iters, rounds, || {
        let out = rt
            .block_on(full.describe_clusters().show_shard_details(true).send())
            .expect("sdk: DescribeClusters");
        assert_eq!(out.clusters().len(), 100);
        std::hint::black_box(out);
    });
    let (t_empty, a_empty) = measure(iters * 4, rounds, || {
        let out = rt
            .block_on(empty.describe_clusters().show_shard_details(true).send())
            .expect("sdk: DescribeClusters (empty)");
        std::hint::black_box(out);
    });
    result("parse.sdk_call.us", format!("{:.1}", t_full.as_secs_f64() * 1e6));
    result("parse.sdk_call.allocs", format!("{a_full:.0}"));
    result("parse.sdk_empty_call.us", format!("{:.1}", t_empty.as_secs_f64() * 1e6));
    result("parse.sdk_empty_call.allocs", format!("{a_empty:.0}"));
    result(
        "parse.sdk.us",
        format!("{:.1}", (t_full.as_secs_f64() - t_empty.as_secs_f64()) * 1e6),
    );
    result("parse.sdk.allocs", format!("{:.0}", a_full - a_empty));
}

// ---------------------------------------------------------------------------------------------
// Codegen wall time.

fn codegen(root: &std::path::Path) {
    for (key, path) in [
        ("project", root.join("model/memorydb.json")),
        ("full", root.join("../shared/models/memorydb-2021-01-01.json")),
    ] {
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("codegen: {} not found, skipped", path.display());
            continue;
        };
        let mut best = Duration::MAX;
        let mut files = 0;
        for _ in 0..5 {
            let t0 = Instant::now();
            let generated = aws_client_codegen::generate(
                &text,
                &aws_client_codegen::Options::default(),
                &aws_client_codegen::CrateSettings::default(),
            )
            .expect("codegen failed");
            best = best.min(t0.elapsed());
            files = generated.files.len();
        }
        result(&format!("codegen.{key}.ms"), format!("{:.1}", best.as_secs_f64() * 1e3));
        result(&format!("codegen.{key}.files"), files);
    }
}

// ---------------------------------------------------------------------------------------------

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = args
        .iter()
        .position(|a| a == "--root")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(".."));
    let n = args
        .iter()
        .position(|a| a == "--requests")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("requests") => {
            let server = Server::start();
            requests(&server.url(), n);
        }
        Some("parse") => parse(),
        Some("codegen") => codegen(&root),
        Some("all") => {
            {
                let server = Server::start();
                requests(&server.url(), n);
            }
            parse();
            codegen(&root);
        }
        _ => {
            eprintln!("usage: bench <serve|all|requests|parse|codegen> [--root DIR] [--requests N]");
            std::process::exit(2);
        }
    }
}
