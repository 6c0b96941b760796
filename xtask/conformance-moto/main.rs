//! The full generated MemoryDB client (every operation of the official model) against moto
//! (`moto[server]` 5.2.x) on 127.0.0.1, through the generated client only.
//!
//! `cargo xtask conformance` copies this file to `target/conformance/moto-full/src/main.rs`,
//! writes its `Cargo.toml` (dependencies: the generated `memorydb` crate, the runtime, tokio)
//! and runs it when `MOTO_PYTHON` names a python with moto installed. It is not part of the
//! project's workspace.
//!
//! The program starts `$MOTO_PYTHON -m moto.server` on a free port (killed on exit, panic
//! included), then runs its steps in order. Each step prints one line on stdout,
//! `ok <step>: <what moto did>` or `FAIL <step>: <why>`, after a first line `plan <steps>`.
//! It exits 0 only if every step passed. Every wait is bounded: moto's startup, each step, and
//! the whole run (a watchdog thread kills moto and exits).

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use memorydb::config::{Credentials, RetryConfig, TimeoutConfig};
use memorydb::error::{BuildError, SdkError};
use memorydb::operation::create_cluster::CreateClusterError;
use memorydb::operation::delete_cluster::DeleteClusterError;
use memorydb::operation::describe_clusters::DescribeClustersError;
use memorydb::operation::untag_resource::UntagResourceError;
use memorydb::types::Tag;

const REGION: &str = "us-east-1";
/// How long moto may take to answer after it is started.
const STARTUP_LIMIT: Duration = Duration::from_secs(60);
/// How long one step may take.
const STEP_LIMIT: Duration = Duration::from_secs(60);
/// How long the whole run may take; then the watchdog kills moto and exits.
const RUN_LIMIT: Duration = Duration::from_secs(240);
/// Pages the paginator may yield for three clusters before the step gives up.
const MAX_PAGES: usize = 10;

/// The clusters created, with their shard counts.
const CLUSTERS: [(&str, i32); 3] = [("alpha", 1), ("beta", 2), ("gamma", 1)];
/// The cluster that is deleted.
const DELETED: &str = "gamma";
const MISSING: &str = "no-such-cluster";

/// Every step, in order.
const STEPS: &[&str] = &[
    "moto-start",
    "create-cluster-alpha",
    "create-cluster-beta",
    "create-cluster-gamma",
    "describe-clusters-paged",
    "tag-resource",
    "list-tags",
    "untag-resource",
    "untag-resource-missing-key",
    "delete-cluster",
    "describe-clusters-after-delete",
    "describe-clusters-missing",
    "delete-cluster-missing",
    "create-cluster-duplicate",
    "create-cluster-missing-member",
];

fn main() -> ExitCode {
    println!("plan {}", STEPS.len());
    let mut steps = Steps::default();
    let python = match std::env::var_os("MOTO_PYTHON") {
        Some(p) if !p.is_empty() => p,
        _ => {
            steps.record(
                "moto-start",
                Err("MOTO_PYTHON is not set (a python with moto[server] 5.2 installed)".into()),
            );
            return steps.finish();
        }
    };
    let moto = match Moto::start(&python) {
        Ok(moto) => moto,
        Err(why) => {
            steps.record("moto-start", Err(why));
            return steps.finish();
        }
    };
    steps.record(
        "moto-start",
        Ok(format!(
            "{} -m moto.server answered on {} after {:.1} s",
            PathBuf::from(&python).display(),
            moto.addr,
            moto.startup.as_secs_f64()
        )),
    );
    moto.watchdog();
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run(&moto, &mut steps)),
        Err(e) => println!("FAIL runtime: cannot start tokio: {e}"),
    }
    if steps.failed > 0 {
        eprintln!("moto log (last lines):\n{}", moto.log_tail(30));
    }
    drop(moto);
    steps.finish()
}

/// The steps' outcomes so far.
#[derive(Default)]
struct Steps {
    recorded: Vec<&'static str>,
    failed: usize,
}

impl Steps {
    /// Prints one step's line.
    fn record(&mut self, step: &'static str, outcome: Result<String, String>) {
        self.recorded.push(step);
        match outcome {
            Ok(what) => println!("ok {step}: {}", one_line(&what)),
            Err(why) => {
                self.failed += 1;
                println!("FAIL {step}: {}", one_line(&why));
            }
        }
    }

    /// Reports the steps that did not run, and the exit code.
    fn finish(mut self) -> ExitCode {
        for step in STEPS {
            if !self.recorded.contains(step) {
                self.record(step, Err("not run (an earlier step failed)".into()));
            }
        }
        let passed = STEPS.len() - self.failed;
        println!("{passed}/{} steps passed", STEPS.len());
        if self.failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// An error and its sources joined with `: `: an `SdkError` says only which kind of failure it
/// is, the details are its sources.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// moto
// ---------------------------------------------------------------------------------------------

/// A running moto server, killed when dropped (and by the watchdog).
struct Moto {
    child: Arc<Mutex<Option<Child>>>,
    addr: SocketAddr,
    log: PathBuf,
    startup: Duration,
}

impl Moto {
    fn start(python: &OsString) -> Result<Moto, String> {
        // A free port: bind port 0, read it, release it.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("cannot find a free port: {e}"))?
            .port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let log = std::env::temp_dir().join(format!("memorydb-moto-full-{port}.log"));
        let log_file =
            File::create(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
        let log_err = log_file
            .try_clone()
            .map_err(|e| format!("cloning the log handle: {e}"))?;
        let child = Command::new(python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            // Authentication stays off (moto's default): any credentials are accepted.
            .env_remove("INITIAL_NO_AUTH_ACTION_COUNT")
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start {:?} -m moto.server: {e}", python))?;
        let mut moto = Moto {
            child: Arc::new(Mutex::new(Some(child))),
            addr,
            log,
            startup: Duration::ZERO,
        };
        // Bounded: at most STARTUP_LIMIT of polls, each bounded by its socket timeouts.
        let started = Instant::now();
        while started.elapsed() < STARTUP_LIMIT {
            let exited = lock(&moto.child)
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if let Some(status) = exited {
                eprintln!("moto log:\n{}", moto.log_tail(40));
                return Err(format!("moto exited during startup ({status})"));
            }
            if answers(addr) {
                moto.startup = started.elapsed();
                return Ok(moto);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("moto log:\n{}", moto.log_tail(40));
        Err(format!("moto did not answer within {STARTUP_LIMIT:?}"))
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Bounds the whole run: after [`RUN_LIMIT`] moto is killed and the process exits.
    fn watchdog(&self) {
        let child = Arc::clone(&self.child);
        std::thread::spawn(move || {
            std::thread::sleep(RUN_LIMIT);
            println!("FAIL watchdog: the run took longer than {RUN_LIMIT:?}");
            stop(&child);
            std::process::exit(3);
        });
    }

    fn log_tail(&self, n: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        stop(&self.child);
        let _ = std::fs::remove_file(&self.log);
    }
}

fn lock(child: &Mutex<Option<Child>>) -> std::sync::MutexGuard<'_, Option<Child>> {
    child
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn stop(child: &Mutex<Option<Child>>) {
    if let Some(mut child) = lock(child).take() {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Whether moto answers `GET /moto-api/` with 200 (one bounded HTTP/1.1 exchange).
fn answers(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let timeout = Some(Duration::from_secs(2));
    if stream.set_read_timeout(timeout).is_err() || stream.set_write_timeout(timeout).is_err() {
        return false;
    }
    let request = format!("GET /moto-api/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    String::from_utf8_lossy(&head[..read])
        .split(' ')
        .nth(1)
        .is_some_and(|status| status == "200")
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

fn client(url: String) -> memorydb::Client {
    memorydb::Client::new(
        memorydb::Config::builder()
            .region(REGION)
            .endpoint_url(url)
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "static"))
            .retry_config(
                RetryConfig::standard()
                    .with_initial_backoff(Duration::from_millis(10))
                    .with_max_backoff(Duration::from_millis(50)),
            )
            .timeout_config(
                TimeoutConfig::new()
                    .with_operation_attempt_timeout(Duration::from_secs(20))
                    .with_operation_timeout(Duration::from_secs(50)),
            )
            .build(),
    )
}

/// Runs one step under [`STEP_LIMIT`].
async fn bounded<F>(step: F) -> Result<String, String>
where
    F: std::future::Future<Output = Result<String, String>>,
{
    tokio::time::timeout(STEP_LIMIT, step)
        .await
        .unwrap_or_else(|_| Err(format!("no outcome within {STEP_LIMIT:?}")))
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

/// `key=value` pairs of a tag list, sorted.
fn tag_pairs(tags: &[Tag]) -> Vec<String> {
    let mut pairs: Vec<String> = tags
        .iter()
        .map(|t| format!("{}={}", t.key().unwrap_or("?"), t.value().unwrap_or("?")))
        .collect();
    pairs.sort();
    pairs
}

/// The typed error and HTTP status of a service error; anything else is the step's failure.
fn service_error<E: std::error::Error + 'static>(err: SdkError<E>) -> Result<(E, u16), String> {
    match err {
        SdkError::ServiceError(e) => Ok((e.err, e.status)),
        other => Err(format!("expected a service error, got: {}", chain(&other))),
    }
}

/// Checks a modelled fault's message and request id, and describes it.
fn fault_line(
    variant: &str,
    status: u16,
    message: Option<&str>,
    meta: &memorydb::error::ErrorMetadata,
) -> Result<String, String> {
    let message = message
        .filter(|m| !m.is_empty())
        .ok_or_else(|| format!("{variant} has no message"))?;
    let request_id = meta
        .request_id()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| format!("{variant} has no request id"))?;
    if status != 400 {
        return Err(format!("{variant} with HTTP {status}, expected 400"));
    }
    Ok(format!(
        "{variant} (HTTP {status}), message {message:?}, request id {request_id}"
    ))
}

async fn run(moto: &Moto, steps: &mut Steps) {
    let client = client(moto.url());

    // CreateCluster x3.
    let mut arns = Vec::new();
    for (i, (name, shards)) in CLUSTERS.into_iter().enumerate() {
        let step = STEPS[1 + i];
        let outcome = bounded(async {
            let out = client
                .create_cluster()
                .cluster_name(name)
                .node_type("db.t4g.small")
                .acl_name("open-access")
                .num_shards(shards)
                .tags(tag("project", "awsjson"))
                .tags(tag("cluster", name))
                .send()
                .await
                .map_err(|e| format!("CreateCluster: {}", chain(&e)))?;
            let cluster = out.cluster().ok_or("no Cluster in the output")?;
            if cluster.name() != Some(name) {
                return Err(format!("Cluster.Name is {:?}", cluster.name()));
            }
            let arn = cluster.arn().ok_or("no Cluster.ARN")?.to_string();
            let line = format!(
                "created {name}: status {:?}, node type {:?}, {} shards, ARN {arn}",
                cluster.status().unwrap_or("-"),
                cluster.node_type().unwrap_or("-"),
                cluster
                    .number_of_shards()
                    .map_or("no NumberOfShards".into(), |n| n.to_string()),
            );
            arns.push((name, arn));
            Ok(line)
        })
        .await;
        let failed = outcome.is_err();
        steps.record(step, outcome);
        if failed {
            return;
        }
    }
    let arn = arns[0].1.clone();

    // DescribeClusters, MaxResults 1, through the paginator: pages, then items.
    let outcome = bounded(async {
        let mut pages = client
            .describe_clusters()
            .max_results(1)
            .into_paginator()
            .send();
        let mut sizes = Vec::new();
        let mut tokens = 0;
        while let Some(page) = pages.next().await {
            let page = page
                .map_err(|e| format!("DescribeClusters page {}: {}", sizes.len() + 1, chain(&e)))?;
            sizes.push(page.clusters().len());
            if page.next_token().is_some() {
                tokens += 1;
            }
            if sizes.len() > MAX_PAGES {
                return Err(format!("more than {MAX_PAGES} pages for 3 clusters"));
            }
        }
        let items = client
            .describe_clusters()
            .max_results(1)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .map_err(|e| format!("DescribeClusters items: {}", chain(&e)))?;
        let mut names: Vec<&str> = items.iter().filter_map(|c| c.name()).collect();
        names.sort_unstable();
        if names != ["alpha", "beta", "gamma"] {
            return Err(format!(
                "items() gave {names:?}, expected alpha, beta, gamma"
            ));
        }
        let paging = if sizes == [1, 1, 1] {
            format!("MaxResults=1 honoured: 3 pages of 1 cluster, {tokens} NextTokens followed")
        } else {
            format!(
                "moto ignored MaxResults=1: {} page(s) of {:?} clusters, {tokens} NextTokens",
                sizes.len(),
                sizes
            )
        };
        Ok(format!("{paging}; items() collected {}", names.join(", ")))
    })
    .await;
    steps.record("describe-clusters-paged", outcome);

    // TagResource, ListTags, UntagResource on the first cluster.
    let outcome = bounded(async {
        let out = client
            .tag_resource()
            .resource_arn(&arn)
            .tags(tag("team", "storage"))
            .tags(tag("env", "test"))
            .send()
            .await
            .map_err(|e| format!("TagResource: {}", chain(&e)))?;
        let pairs = tag_pairs(out.tag_list());
        for want in ["env=test", "team=storage", "project=awsjson"] {
            if !pairs.iter().any(|p| p == want) {
                return Err(format!("TagList {pairs:?} lacks {want}"));
            }
        }
        Ok(format!("TagList now {}", pairs.join(", ")))
    })
    .await;
    steps.record("tag-resource", outcome);

    let outcome = bounded(async {
        let out = client
            .list_tags()
            .resource_arn(&arn)
            .send()
            .await
            .map_err(|e| format!("ListTags: {}", chain(&e)))?;
        let pairs = tag_pairs(out.tag_list());
        let want = [
            "cluster=alpha",
            "env=test",
            "project=awsjson",
            "team=storage",
        ];
        if pairs != want {
            return Err(format!("ListTags gave {pairs:?}, expected {want:?}"));
        }
        Ok(format!("creation and added tags: {}", pairs.join(", ")))
    })
    .await;
    steps.record("list-tags", outcome);

    let outcome = bounded(async {
        let out = client
            .untag_resource()
            .resource_arn(&arn)
            .tag_keys("env")
            .send()
            .await
            .map_err(|e| format!("UntagResource: {}", chain(&e)))?;
        let returned = tag_pairs(out.tag_list());
        let listed = tag_pairs(
            client
                .list_tags()
                .resource_arn(&arn)
                .send()
                .await
                .map_err(|e| format!("ListTags after UntagResource: {}", chain(&e)))?
                .tag_list(),
        );
        let want = ["cluster=alpha", "project=awsjson", "team=storage"];
        if listed != want {
            return Err(format!("ListTags after removing env gave {listed:?}"));
        }
        Ok(format!(
            "removed env; UntagResource returned {} and ListTags agrees",
            if returned.is_empty() {
                "no TagList".to_string()
            } else {
                returned.join(", ")
            }
        ))
    })
    .await;
    steps.record("untag-resource", outcome);

    let outcome = bounded(async {
        let err = match client
            .untag_resource()
            .resource_arn(&arn)
            .tag_keys("no-such-key")
            .send()
            .await
        {
            Ok(out) => return Err(format!("succeeded: {:?}", tag_pairs(out.tag_list()))),
            Err(err) => err,
        };
        match service_error(err)? {
            (UntagResourceError::TagNotFoundFault(f), status) => {
                fault_line("TagNotFoundFault", status, f.message(), f.meta())
            }
            (other, _) => Err(format!("expected TagNotFoundFault, got {other:?}")),
        }
    })
    .await;
    steps.record("untag-resource-missing-key", outcome);

    // DeleteCluster, then DescribeClusters.
    let outcome = bounded(async {
        let out = client
            .delete_cluster()
            .cluster_name(DELETED)
            .send()
            .await
            .map_err(|e| format!("DeleteCluster: {}", chain(&e)))?;
        let cluster = out.cluster().ok_or("no Cluster in the output")?;
        if cluster.name() != Some(DELETED) {
            return Err(format!("returned cluster {:?}", cluster.name()));
        }
        Ok(format!(
            "deleted {DELETED}: returned with status {:?}",
            cluster.status().unwrap_or("-")
        ))
    })
    .await;
    steps.record("delete-cluster", outcome);

    let outcome = bounded(async {
        let out = client
            .describe_clusters()
            .send()
            .await
            .map_err(|e| format!("DescribeClusters: {}", chain(&e)))?;
        let mut names: Vec<String> = out
            .clusters()
            .iter()
            .map(|c| {
                format!(
                    "{} ({})",
                    c.name().unwrap_or("?"),
                    c.status().unwrap_or("-")
                )
            })
            .collect();
        names.sort();
        let deleted = out.clusters().iter().find(|c| c.name() == Some(DELETED));
        match deleted {
            None => Ok(format!("{DELETED} is gone; listed {}", names.join(", "))),
            Some(c) if c.status() == Some("deleting") => Ok(format!(
                "{DELETED} still listed as deleting; listed {}",
                names.join(", ")
            )),
            Some(c) => Err(format!(
                "{DELETED} still listed with status {:?}",
                c.status()
            )),
        }
    })
    .await;
    steps.record("describe-clusters-after-delete", outcome);

    // Errors.
    let outcome = bounded(async {
        let err = match client
            .describe_clusters()
            .cluster_name(MISSING)
            .send()
            .await
        {
            Ok(out) => return Err(format!("succeeded with {} clusters", out.clusters().len())),
            Err(err) => err,
        };
        match service_error(err)? {
            (DescribeClustersError::ClusterNotFoundFault(f), status) => {
                fault_line("ClusterNotFoundFault", status, f.message(), f.meta())
            }
            (other, _) => Err(format!("expected ClusterNotFoundFault, got {other:?}")),
        }
    })
    .await;
    steps.record("describe-clusters-missing", outcome);

    let outcome = bounded(async {
        let err = match client.delete_cluster().cluster_name(MISSING).send().await {
            Ok(_) => return Err("succeeded".into()),
            Err(err) => err,
        };
        match service_error(err)? {
            (DeleteClusterError::ClusterNotFoundFault(f), status) => {
                fault_line("ClusterNotFoundFault", status, f.message(), f.meta())
            }
            (other, _) => Err(format!("expected ClusterNotFoundFault, got {other:?}")),
        }
    })
    .await;
    steps.record("delete-cluster-missing", outcome);

    let outcome = bounded(async {
        let err = match client
            .create_cluster()
            .cluster_name("alpha")
            .node_type("db.t4g.small")
            .acl_name("open-access")
            .send()
            .await
        {
            Ok(_) => return Err("a second alpha was created".into()),
            Err(err) => err,
        };
        match service_error(err)? {
            (CreateClusterError::ClusterAlreadyExistsFault(f), status) => {
                fault_line("ClusterAlreadyExistsFault", status, f.message(), f.meta())
            }
            (other, _) => Err(format!("expected ClusterAlreadyExistsFault, got {other:?}")),
        }
    })
    .await;
    steps.record("create-cluster-duplicate", outcome);

    // A required member missing: refused before sending. Had it been sent, moto (which does
    // not check NodeType) would have created the cluster.
    let outcome = bounded(async {
        let name = "never-sent";
        let err = match client
            .create_cluster()
            .cluster_name(name)
            .acl_name("open-access")
            .send()
            .await
        {
            Ok(_) => return Err("CreateCluster without NodeType succeeded".into()),
            Err(err) => err,
        };
        let SdkError::ConstructionFailure(failure) = &err else {
            return Err(format!("expected ConstructionFailure, got {err:?}"));
        };
        let missing = failure
            .source
            .downcast_ref::<BuildError>()
            .and_then(BuildError::missing);
        if missing != Some("node_type") {
            return Err(format!(
                "ConstructionFailure names {missing:?}, expected node_type: {}",
                chain(&err)
            ));
        }
        let message = chain(&err);
        if !message.contains("node_type") {
            return Err(format!("the message does not name node_type: {message}"));
        }
        match client.describe_clusters().cluster_name(name).send().await {
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_cluster_not_found_fault()) => {}
            Ok(_) => return Err(format!("{name} exists in moto: the request was sent")),
            Err(e) => return Err(format!("DescribeClusters({name}): {}", chain(&e))),
        }
        Ok(format!(
            "ConstructionFailure {message:?}; moto has no {name} (nothing was sent)"
        ))
    })
    .await;
    steps.record("create-cluster-missing-member", outcome);
}
