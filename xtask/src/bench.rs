//! `cargo xtask bench [--no-cold] [--requests N]`: the generated MemoryDB client against the
//! official AWS SDK for Rust, side by side. See BENCHMARKS.md.
//!
//! Everything runs under `nice -n 19` in the separate `bench/` workspace, with target
//! directories under `target/bench/`, so the SDK never enters the main build:
//!
//! 1. `cargo fetch`, then a cold release build of `minimal-ours` and `minimal-sdk`, each in a
//!    fresh target directory (`--no-cold` reuses them: build times are then not cold and are
//!    marked so); crates in each normal dependency graph; size of each stripped binary.
//! 2. `bench all` (release): per-request CPU and throughput against a local stub server,
//!    response parsing, codegen wall time (see `bench/bench/src/main.rs`).
//! 3. Peak RSS of each minimal program making 10,000 FailoverShard calls.
//!
//! Prints a table with ratios and the targets; never fails on a missed target.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::Failure;

pub const USAGE: &str = "cargo xtask bench [--no-cold] [--requests N]\n  \
    Builds and runs the benchmarks in bench/ (under nice -n 19) and prints ours vs the AWS SDK.";

const MINIMALS: [(&str, &str); 2] = [("ours", "minimal-ours"), ("sdk", "minimal-sdk")];
const RSS_CALLS: &str = "10000";

pub fn run(args: &[String]) -> Result<(), Failure> {
    let mut cold = true;
    let mut requests = "2000".to_string();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--no-cold" => cold = false,
            "--requests" => {
                requests = it
                    .next()
                    .ok_or_else(|| Failure::new(2, "--requests needs a number"))?
                    .clone()
            }
            other => return Err(Failure::new(2, format!("unknown option {other}\n{USAGE}"))),
        }
    }
    let root = crate::workspace_root();
    let bench = root.join("bench");
    let targets = root.join("target").join("bench");
    let mut r: BTreeMap<String, f64> = BTreeMap::new();

    eprintln!("bench: cargo fetch");
    nice_cargo(&bench, &["fetch"])?;

    // 1. Cold builds, crate counts, binary sizes.
    let mut binaries = BTreeMap::new();
    for (key, package) in MINIMALS {
        let dir = targets.join(format!("cold-{key}"));
        if cold && dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|e| Failure::new(1, format!("cannot remove {}: {e}", dir.display())))?;
        }
        eprintln!("bench: release build of {package} in {}", dir.display());
        let t0 = Instant::now();
        let out = nice(&bench, "cargo")
            .args([
                "build",
                "--release",
                "--locked",
                "-p",
                package,
                "--target-dir",
            ])
            .arg(&dir)
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| Failure::new(1, format!("cannot run cargo: {e}")))?;
        let secs = t0.elapsed().as_secs_f64();
        let log = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            return Err(Failure::new(
                1,
                format!("building {package} failed:\n{log}"),
            ));
        }
        r.insert(format!("build.{key}.s"), secs);
        let units = log
            .lines()
            .filter(|l| l.trim_start().starts_with("Compiling "))
            .count();
        r.insert(format!("build.{key}.units"), units as f64);
        let binary = dir.join("release").join(package);
        let size = std::fs::metadata(&binary)
            .map_err(|e| Failure::new(1, format!("{}: {e}", binary.display())))?
            .len();
        r.insert(format!("size.{key}.mb"), size as f64 / 1e6);
        r.insert(
            format!("crates.{key}"),
            crate_count(&bench, package)? as f64,
        );
        binaries.insert(key, binary);
    }

    // 2. Runtime measurements.
    let main_target = targets.join("main");
    eprintln!("bench: release build of the bench harness");
    let status = nice(&bench, "cargo")
        .args([
            "build",
            "--release",
            "--locked",
            "-p",
            "bench",
            "--target-dir",
        ])
        .arg(&main_target)
        .status()
        .map_err(|e| Failure::new(1, format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(Failure::new(1, "building the bench harness failed"));
    }
    let harness = main_target.join("release").join("bench");
    eprintln!("bench: bench all (requests, parsing, codegen)");
    let out = nice(&bench, &harness)
        .args(["all", "--requests", &requests, "--root"])
        .arg(&root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::new(1, format!("cannot run the harness: {e}")))?;
    if !out.status.success() {
        return Err(Failure::new(1, "the bench harness failed"));
    }
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some((key, value)) = line.strip_prefix("RESULT ").and_then(|l| l.split_once(' ')) {
            if let Ok(v) = value.parse() {
                r.insert(key.to_string(), v);
            }
        }
    }

    // 3. Peak RSS of 10,000 calls.
    let mut server = nice(&bench, &harness)
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::new(1, format!("cannot start the stub server: {e}")))?;
    let mut line = String::new();
    let _ = BufReader::new(server.stdout.take().expect("piped")).read_line(&mut line);
    let url = format!(
        "http://127.0.0.1:{}",
        line.trim().trim_start_matches("LISTEN ")
    );
    let gnu_time = Path::new("/usr/bin/time").exists();
    for (key, binary) in &binaries {
        eprintln!(
            "bench: {RSS_CALLS} FailoverShard calls with {}",
            binary.display()
        );
        let mut cmd = if gnu_time {
            let mut c = nice(&bench, "/usr/bin/time");
            c.arg("-v").arg(binary);
            c
        } else {
            nice(&bench, binary)
        };
        let t0 = Instant::now();
        let out = cmd
            .args(["--endpoint-url", &url, "--count", RSS_CALLS])
            .output()
            .map_err(|e| Failure::new(1, format!("cannot run {}: {e}", binary.display())))?;
        r.insert(format!("rss.{key}.wall_s"), t0.elapsed().as_secs_f64());
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if !out.status.success() {
            eprintln!("{text}");
            continue;
        }
        let kb = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .or_else(|| text.lines().find_map(|l| l.strip_prefix("vmhwm_kb ")))
            .and_then(|v| v.trim().parse::<f64>().ok());
        if let Some(kb) = kb {
            r.insert(format!("rss.{key}.mb"), kb / 1024.0);
        }
    }
    let _ = server.kill();
    let _ = server.wait();

    let table = render(&r, cold, &requests);
    println!("{table}");
    let _ = std::fs::write(targets.join("results.md"), &table);
    Ok(())
}

/// `nice -n 19 <program>` with `dir` as the working directory.
fn nice(dir: &Path, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = Command::new("nice");
    c.args(["-n", "19"]).arg(program).current_dir(dir);
    c
}

fn nice_cargo(dir: &Path, args: &[&str]) -> Result<(), Failure> {
    let status = nice(dir, "cargo")
        .args(args)
        .status()
        .map_err(|e| Failure::new(1, format!("cannot run cargo: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::new(1, format!("cargo {} failed", args.join(" "))))
    }
}

/// Distinct packages (name and version) in the normal dependency graph of `package`,
/// itself included; build dependencies and dev-dependencies are not counted.
fn crate_count(bench: &Path, package: &str) -> Result<usize, Failure> {
    let out = nice(bench, "cargo")
        .args([
            "tree", "--locked", "-p", package, "-e", "normal", "--prefix", "none",
        ])
        .args(["--format", "{p}"])
        .output()
        .map_err(|e| Failure::new(1, format!("cannot run cargo tree: {e}")))?;
    if !out.status.success() {
        return Err(Failure::new(1, "cargo tree failed"));
    }
    let set: std::collections::BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim_end_matches(" (*)").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    Ok(set.len())
}

fn render(r: &BTreeMap<String, f64>, cold: bool, requests: &str) -> String {
    let get = |k: &str| r.get(k).copied();
    let mut rows: Vec<[String; 6]> = Vec::new();
    let fmt = |v: Option<f64>, digits: usize| match v {
        Some(v) => format!("{v:.digits$}"),
        None => "n/a".to_string(),
    };
    // ours/sdk ratio; `target` is the largest acceptable ratio.
    let mut row = |name: &str,
                   ours: Option<f64>,
                   sdk: Option<f64>,
                   digits: usize,
                   target: Option<(f64, &str)>| {
        let ratio = match (ours, sdk) {
            (Some(o), Some(s)) if s > 0.0 => Some(o / s),
            _ => None,
        };
        let (target_text, verdict) = match (target, ratio) {
            (Some((max, text)), Some(ratio)) => {
                let verdict = if ratio <= max {
                    format!("pass ({:.0}% of the allowance)", ratio / max * 100.0)
                } else {
                    format!("MISS by {:.2}x", ratio / max)
                };
                (text.to_string(), verdict)
            }
            (Some((_, text)), None) => (text.to_string(), "not measured".to_string()),
            (None, _) => (String::new(), String::new()),
        };
        // Rows whose two columns are not ours vs SDK ("a / b") get no ratio.
        let ratio = if name.contains(" / ") { None } else { ratio };
        rows.push([
            name.to_string(),
            fmt(ours, digits),
            fmt(sdk, digits),
            ratio
                .map(|x| format!("{x:.3}"))
                .unwrap_or_else(|| "n/a".into()),
            target_text,
            verdict,
        ]);
    };
    let build_name = if cold {
        "cold release build, s"
    } else {
        "release build, s (NOT cold: --no-cold)"
    };
    row(
        build_name,
        get("build.ours.s"),
        get("build.sdk.s"),
        1,
        cold.then_some((1.0 / 3.0, "<= 1/3 of SDK")),
    );
    row(
        "crates compiled in that build",
        get("build.ours.units"),
        get("build.sdk.units"),
        0,
        None,
    );
    row(
        "crates in normal dep graph",
        get("crates.ours"),
        get("crates.sdk"),
        0,
        Some((0.6, "<= 60% of SDK")),
    );
    row(
        "stripped binary, MB",
        get("size.ours.mb"),
        get("size.sdk.mb"),
        2,
        Some((0.25, "<= 1/4 of SDK")),
    );
    for (c, label) in [("c1", "sequential"), ("c64", "64 concurrent")] {
        row(
            &format!("CPU/request, µs ({label})"),
            get(&format!("req.ours.{c}.cpu_us")),
            get(&format!("req.sdk.{c}.cpu_us")),
            1,
            Some((1.0 / 3.0, "<= 1/3 of SDK")),
        );
        row(
            &format!("CPU/request vs floor, µs ({label}; 'SDK' column = floor)"),
            get(&format!("req.ours.{c}.cpu_us")),
            get(&format!("req.floor.{c}.cpu_us")),
            1,
            Some((1.3, "<= 1.3x floor")),
        );
        row(
            &format!("requests/s ({label})"),
            get(&format!("req.ours.{c}.rps")),
            get(&format!("req.sdk.{c}.rps")),
            0,
            None,
        );
        row(
            &format!("allocations/request ({label})"),
            get(&format!("req.ours.{c}.allocs")),
            get(&format!("req.sdk.{c}.allocs")),
            0,
            None,
        );
    }
    row(
        "floor: CPU/request µs, seq / 64 conc",
        get("req.floor.c1.cpu_us"),
        get("req.floor.c64.cpu_us"),
        1,
        None,
    );
    row(
        "parse DescribeClusters 100x3x2, µs",
        get("parse.ours.us"),
        get("parse.sdk.us"),
        1,
        Some((0.5, ">= 2x faster")),
    );
    row(
        "  allocations per parse",
        get("parse.ours.allocs"),
        get("parse.sdk.allocs"),
        0,
        None,
    );
    row(
        "  SDK whole call, µs, full / empty reply",
        get("parse.sdk_call.us"),
        get("parse.sdk_empty_call.us"),
        1,
        None,
    );
    row(
        "  serde_json::Value parse, µs / allocs",
        get("parse.value.us"),
        get("parse.value.allocs"),
        1,
        None,
    );
    row(
        "codegen project model, ms (best of 5)",
        get("codegen.project.ms"),
        None,
        1,
        None,
    );
    row(
        "codegen full official model, ms (best of 5; 'SDK' column = limit)",
        get("codegen.full.ms"),
        Some(300.0),
        1,
        Some((1.0, "< 300 ms")),
    );
    row(
        &format!("peak RSS, {RSS_CALLS} sequential calls, MB"),
        get("rss.ours.mb"),
        get("rss.sdk.mb"),
        1,
        None,
    );
    row(
        &format!("wall time of those {RSS_CALLS} calls, s"),
        get("rss.ours.wall_s"),
        get("rss.sdk.wall_s"),
        2,
        None,
    );

    let mut text = format!(
        "requests per measurement: {requests}; ratio = ours / SDK (lower is better)\n\n\
         | metric | ours | SDK | ratio | target | result |\n|---|---:|---:|---:|---|---|\n"
    );
    for row in rows {
        text.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    text
}
