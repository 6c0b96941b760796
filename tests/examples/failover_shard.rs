//! Fails over one shard of a MemoryDB cluster with the generated client, optionally waits
//! until the cluster is available again, and prints the cluster as JSON on stdout.
//!
//! ```sh
//! cargo run -p tests --example failover_shard -- --cluster my-cluster --shard 0001 --wait
//! ```
//!
//! Region, credentials and endpoint come from the environment and the shared AWS files, as
//! for the AWS CLI; `--region` and `--endpoint-url` override them. Progress goes to stderr.
//! The JSON uses the service's member names (`Name`, `Shards`, ...) with timestamps in
//! RFC 3339. Exit status: 0 on success, 1 when a call fails (the typed error is printed on
//! stderr), 2 for bad arguments, 3 when `--wait` gives up.
//!
//! The tests include this file as a module (`tests/tests/example_failover_shard.rs`) and call
//! [`parse_args`] and [`run`] directly against a local server.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use memorydb::config::ConfigLoader;
use memorydb::error::{ErrorMetadata, SdkError};
use memorydb::operation::describe_clusters::DescribeClustersError;
use memorydb::operation::failover_shard::FailoverShardError;
use memorydb::types::Cluster;

/// Usage text, printed for `--help` and after an argument error.
pub const USAGE: &str = "\
usage: failover_shard --cluster NAME --shard NAME [--wait] [--endpoint-url URL] [--region R]
                      [--poll-interval SECONDS] [--max-polls N]

  --cluster NAME          cluster that holds the shard
  --shard NAME            shard whose primary fails over (e.g. 0001)
  --wait                  poll DescribeClusters until the cluster and its shards are available
  --endpoint-url URL      send requests to URL instead of the regional endpoint
  --region R              region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile)
  --poll-interval SECONDS delay between polls with --wait (default 15)
  --max-polls N           give up after N polls with --wait (default 80)";

/// Exit status on success.
pub const EXIT_OK: u8 = 0;
/// Exit status when a call fails.
pub const EXIT_FAILED: u8 = 1;
/// Exit status for bad arguments.
pub const EXIT_USAGE: u8 = 2;
/// Exit status when `--wait` gives up.
pub const EXIT_GAVE_UP: u8 = 3;

/// The command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// `--cluster`.
    pub cluster: String,
    /// `--shard`.
    pub shard: String,
    /// `--wait`.
    pub wait: bool,
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--poll-interval`.
    pub poll_interval: Duration,
    /// `--max-polls`.
    pub max_polls: u32,
}

/// Parses the arguments (without the program name). `Ok(None)` means `--help`.
pub fn parse_args<I>(args: I) -> Result<Option<Args>, String>
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    let mut cluster = None;
    let mut shard = None;
    let mut wait = false;
    let mut endpoint_url = None;
    let mut region = None;
    let mut poll_interval = Duration::from_secs(15);
    let mut max_polls = 80u32;
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--cluster" => cluster = Some(value("--cluster")?),
            "--shard" => shard = Some(value("--shard")?),
            "--wait" if inline.is_none() => wait = true,
            "--endpoint-url" => endpoint_url = Some(value("--endpoint-url")?),
            "--region" => region = Some(value("--region")?),
            "--poll-interval" => {
                let text = value("--poll-interval")?;
                let secs: f64 = text
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s >= 0.0 && *s <= 3600.0)
                    .ok_or_else(|| format!("--poll-interval: `{text}` is not 0 to 3600 seconds"))?;
                poll_interval = Duration::from_secs_f64(secs);
            }
            "--max-polls" => {
                let text = value("--max-polls")?;
                max_polls = text
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--max-polls: `{text}` is not a positive number"))?;
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(Some(Args {
        cluster: cluster.ok_or("--cluster is required")?,
        shard: shard.ok_or("--shard is required")?,
        wait,
        endpoint_url,
        region,
        poll_interval,
        max_polls,
    }))
}

/// Runs the command: fails over, optionally waits, prints the cluster. `loader` supplies the
/// configuration (the environment, in `main`); `--region` and `--endpoint-url` are applied on
/// top of it. Returns the exit status.
pub async fn run(
    args: &Args,
    mut loader: ConfigLoader,
    stdout: &mut impl Write,
    stderr: &mut impl Write,
) -> u8 {
    if let Some(region) = &args.region {
        loader = loader.region(region.clone());
    }
    if let Some(url) = &args.endpoint_url {
        loader = loader.endpoint_url(url.as_str());
    }
    let client = memorydb::Client::new(loader.load().await);

    let _ = writeln!(
        stderr,
        "failing over shard {} of cluster {}",
        args.shard, args.cluster
    );
    let mut cluster = match client
        .failover_shard()
        .cluster_name(&args.cluster)
        .shard_name(&args.shard)
        .send()
        .await
    {
        Ok(out) => out.cluster,
        Err(err) => {
            report("FailoverShard", &err, failover_variant, stderr);
            return EXIT_FAILED;
        }
    };
    let _ = writeln!(
        stderr,
        "failover accepted; cluster status: {}",
        cluster
            .as_ref()
            .and_then(|c| c.status())
            .unwrap_or("(not reported)")
    );

    if args.wait {
        match wait_available(&client, args, stderr).await {
            Ok(available) => cluster = Some(available),
            Err(status) => return status,
        }
    }

    match cluster {
        Some(cluster) => {
            let json = cluster_json(&cluster);
            let text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| "null".into());
            let _ = writeln!(stdout, "{text}");
        }
        None => {
            let _ = writeln!(stderr, "warning: the response described no cluster");
            let _ = writeln!(stdout, "null");
        }
    }
    EXIT_OK
}

/// Polls DescribeClusters until the cluster and all its shards are `available`, at most
/// `args.max_polls` times, `args.poll_interval` apart. Returns the cluster, or the exit status.
async fn wait_available(
    client: &memorydb::Client,
    args: &Args,
    stderr: &mut impl Write,
) -> Result<Cluster, u8> {
    for poll in 1..=args.max_polls {
        tokio::time::sleep(args.poll_interval).await;
        let out = client
            .describe_clusters()
            .cluster_name(&args.cluster)
            .show_shard_details(true)
            .send()
            .await
            .map_err(|err| {
                report("DescribeClusters", &err, describe_variant, stderr);
                EXIT_FAILED
            })?;
        let Some(cluster) = out
            .clusters()
            .iter()
            .find(|c| c.name() == Some(args.cluster.as_str()))
        else {
            let _ = writeln!(
                stderr,
                "error: DescribeClusters did not return cluster {}",
                args.cluster
            );
            return Err(EXIT_FAILED);
        };
        let status = cluster.status().unwrap_or("(none)");
        let busy: Vec<String> = cluster
            .shards()
            .iter()
            .filter(|s| s.status() != Some("available"))
            .map(|s| {
                format!(
                    "{}={}",
                    s.name().unwrap_or("?"),
                    s.status().unwrap_or("(none)")
                )
            })
            .collect();
        let _ = writeln!(
            stderr,
            "poll {poll}/{}: cluster {status}{}",
            args.max_polls,
            if busy.is_empty() {
                String::new()
            } else {
                format!(", shards {}", busy.join(" "))
            }
        );
        if status == "available" && busy.is_empty() {
            return Ok(cluster.clone());
        }
    }
    let _ = writeln!(
        stderr,
        "error: cluster {} was not available after {} polls; giving up",
        args.cluster, args.max_polls
    );
    Err(EXIT_GAVE_UP)
}

/// The cluster as JSON with the service's member names, timestamps as RFC 3339 strings.
pub fn cluster_json(cluster: &Cluster) -> serde_json::Value {
    let mut json = serde_json::to_value(cluster).unwrap_or(serde_json::Value::Null);
    // The wire format has epoch seconds; a person reads RFC 3339 better. The only timestamp
    // in a Cluster is each node's CreateTime.
    for (i, shard) in cluster.shards().iter().enumerate() {
        for (j, node) in shard.nodes().iter().enumerate() {
            if let Some(text) = node.create_time().and_then(|t| t.to_rfc3339()) {
                if let Some(slot) = json
                    .pointer_mut(&format!("/Shards/{i}/Nodes/{j}"))
                    .and_then(|n| n.as_object_mut())
                {
                    slot.insert("CreateTime".into(), text.into());
                }
            }
        }
    }
    json
}

fn failover_variant(err: &FailoverShardError) -> &'static str {
    match err {
        FailoverShardError::ApiCallRateForCustomerExceededFault(_) => {
            "ApiCallRateForCustomerExceededFault"
        }
        FailoverShardError::ClusterNotFoundFault(_) => "ClusterNotFoundFault",
        FailoverShardError::InvalidClusterStateFault(_) => "InvalidClusterStateFault",
        FailoverShardError::InvalidKmsKeyFault(_) => "InvalidKmsKeyFault",
        FailoverShardError::InvalidParameterCombinationException(_) => {
            "InvalidParameterCombinationException"
        }
        FailoverShardError::InvalidParameterValueException(_) => "InvalidParameterValueException",
        FailoverShardError::ShardNotFoundFault(_) => "ShardNotFoundFault",
        FailoverShardError::TestFailoverNotAvailableFault(_) => "TestFailoverNotAvailableFault",
        FailoverShardError::Unhandled(_) => "Unhandled",
        _ => "Unknown",
    }
}

fn describe_variant(err: &DescribeClustersError) -> &'static str {
    match err {
        DescribeClustersError::ClusterNotFoundFault(_) => "ClusterNotFoundFault",
        DescribeClustersError::InvalidParameterCombinationException(_) => {
            "InvalidParameterCombinationException"
        }
        DescribeClustersError::InvalidParameterValueException(_) => {
            "InvalidParameterValueException"
        }
        DescribeClustersError::ServiceLinkedRoleNotFoundFault(_) => {
            "ServiceLinkedRoleNotFoundFault"
        }
        DescribeClustersError::Unhandled(_) => "Unhandled",
        _ => "Unknown",
    }
}

/// Prints a failed call: the typed error's variant, code, message and request id, or what
/// kept the call from getting a service answer.
fn report<E>(
    operation: &str,
    err: &SdkError<E>,
    variant: fn(&E) -> &'static str,
    stderr: &mut impl Write,
) where
    E: memorydb::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    let _ = writeln!(stderr, "error: {operation} failed: {err}");
    let field = |stderr: &mut dyn Write, name: &str, value: Option<&str>| {
        let _ = writeln!(stderr, "  {name:<11} {}", value.unwrap_or("(none)"));
    };
    match err {
        SdkError::ServiceError(service) => {
            let meta: &ErrorMetadata = service.err.meta();
            field(stderr, "kind:", Some("service error"));
            field(stderr, "variant:", Some(variant(&service.err)));
            field(stderr, "code:", meta.code());
            field(stderr, "message:", meta.message());
            field(stderr, "request id:", meta.request_id());
            field(stderr, "status:", Some(&service.status.to_string()));
        }
        SdkError::ResponseError(response) => {
            field(stderr, "kind:", Some("unreadable response"));
            let status = response.status.map(|s| s.to_string());
            field(stderr, "status:", status.as_deref());
            field(stderr, "request id:", response.request_id.as_deref());
            field(stderr, "body:", Some(&format!("{:?}", response.snippet)));
        }
        SdkError::TimeoutError(_) => field(stderr, "kind:", Some("timeout")),
        SdkError::DispatchFailure(_) => field(stderr, "kind:", Some("dispatch failure (I/O)")),
        SdkError::ConstructionFailure(_) => {
            field(stderr, "kind:", Some("request could not be built"))
        }
        _ => field(stderr, "kind:", Some("other")),
    }
    // The message above only says which kind of failure it was; the details are its sources,
    // each of which says its own part once. Bounded: error chains are short, and this stops
    // after 8 links regardless.
    let mut source = std::error::Error::source(err);
    for _ in 0..8 {
        let Some(s) = source else { break };
        let _ = writeln!(stderr, "  caused by: {s}");
        source = s.source();
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let status = runtime.block_on(run(
        &args,
        ConfigLoader::default(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    ));
    ExitCode::from(status)
}
