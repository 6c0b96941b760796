//! The smallest program that calls FailoverShard with the official AWS SDK for Rust
//! (aws-sdk-memorydb + aws-config, default features).
//!
//! `minimal-sdk --endpoint-url URL [--count N]`: N sequential calls (default 1), then prints
//! the cluster status of the last reply and the peak RSS (VmHWM) of the process.
use aws_config::{BehaviorVersion, Region};
use aws_sdk_memorydb::config::Credentials;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (endpoint, count) = args();
    let sdk_config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "bench-secret",
            None,
            None,
            "static",
        ))
        .endpoint_url(endpoint)
        .load()
        .await;
    let client = aws_sdk_memorydb::Client::new(&sdk_config);
    let mut status = None;
    for _ in 0..count {
        let out = client
            .failover_shard()
            .cluster_name("bench-cluster")
            .shard_name("0001")
            .send()
            .await
            .expect("FailoverShard failed");
        status = out.cluster().and_then(|c| c.status()).map(str::to_owned);
    }
    println!("status {status:?}");
    println!("vmhwm_kb {}", vm_hwm_kb());
}

fn args() -> (String, u64) {
    let mut endpoint = None;
    let mut count = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--endpoint-url" => endpoint = args.next(),
            "--count" => count = args.next().and_then(|n| n.parse().ok()).expect("--count N"),
            other => panic!("unknown argument {other}"),
        }
    }
    (endpoint.expect("--endpoint-url URL is required"), count)
}

/// Peak resident set size in KiB, from /proc/self/status (0 where unavailable).
fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
