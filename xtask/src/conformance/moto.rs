//! The full generated MemoryDB client against moto.
//!
//! `xtask/conformance-moto/main.rs` is copied into `target/conformance/moto-full/src/main.rs`
//! with a `Cargo.toml` written here, and becomes a member of the run's workspace (linted with
//! the other crates, sharing their dependency build). When `MOTO_PYTHON` is set, the program is
//! built and run; it starts moto itself and prints `plan <n>`, then one `ok <step>: ...` or
//! `FAIL <step>: ...` line per step.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::codegen::relative;

/// The program's package name, and its directory under `target/conformance/`.
pub const PACKAGE: &str = "moto-full";
/// The generated crate the program calls.
pub const CLIENT_CRATE: &str = "memorydb";
/// The program's checked-in source, relative to the project root.
const SOURCE: &str = "xtask/conformance-moto/main.rs";
/// How long the program may run. It bounds itself (60 s for moto to start, 240 s for the
/// steps); this is the last resort.
const RUN_LIMIT: Duration = Duration::from_secs(360);

/// What happened to the moto steps of the MemoryDB crate.
pub enum Outcome {
    /// Why the steps did not run.
    NotRun(String),
    /// The steps ran: how many passed, of how many planned.
    Ran { passed: usize, total: usize },
}

/// The program's report.
pub struct Tally {
    pub passed: usize,
    pub total: usize,
    /// `<step>: <why>` of each failed step, and problems with the run itself.
    pub failed: Vec<String>,
}

/// Writes `target/conformance/moto-full/` for the generated client in `client_dir` (a
/// directory under `out_root`).
pub fn prepare(root: &Path, out_root: &Path, client_dir: &str) -> Result<(), String> {
    let source = root.join(SOURCE);
    let main = std::fs::read_to_string(&source)
        .map_err(|e| format!("reading {}: {e}", source.display()))?;
    let dir = out_root.join(PACKAGE);
    let manifest = format!(
        "# Written by `cargo xtask conformance` from {SOURCE}; not part of the project.\n\
         [package]\nname = \"{PACKAGE}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{CLIENT_CRATE} = {{ path = \"../{client_dir}\" }}\n\
         aws-client-runtime = {{ path = \"{}\" }}\n\
         tokio = {{ version = \"1\", features = [\"rt\", \"time\"] }}\n",
        relative(&dir, &root.join("runtime")),
    );
    let files = BTreeMap::from([
        ("Cargo.toml".to_string(), manifest),
        ("src/main.rs".to_string(), main),
    ]);
    super::sync_files(&dir, &files).map_err(|e| format!("writing {}: {e}", dir.display()))
}

/// Builds the program (in the run's workspace, so with its target directory), runs it and
/// reads its step lines. Step durations go to `times`.
pub fn run(out_root: &Path, times: &mut Vec<(String, Duration)>) -> Result<Tally, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("== cargo build -p {PACKAGE} in {}", out_root.display());
    let started = Instant::now();
    let output = Command::new(&cargo)
        .current_dir(out_root)
        .args([
            "build",
            "-p",
            PACKAGE,
            "--message-format=json-render-diagnostics",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    times.push(("moto build".into(), started.elapsed()));
    if !output.status.success() {
        return Err(format!(
            "cargo build -p {PACKAGE} failed ({})",
            output.status
        ));
    }
    let executable = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Json>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == PACKAGE)
        .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("cargo build -p {PACKAGE} named no executable"))?;

    eprintln!("== {PACKAGE} (the generated MemoryDB client against moto)");
    let started = Instant::now();
    let mut child = Command::new(&executable)
        .current_dir(out_root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", executable.display()))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            eprintln!("  {line}");
            lines.push(line);
        }
        lines
    });
    // Bounded: the program bounds itself; past RUN_LIMIT it is killed.
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() > RUN_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("{PACKAGE} did not finish within {RUN_LIMIT:?}"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => break Err(format!("waiting for {PACKAGE}: {e}")),
        }
    };
    let lines = reader.join().unwrap_or_default();
    times.push(("moto steps".into(), started.elapsed()));
    let status = status?;

    let mut plan = None;
    let mut passed = 0;
    let mut failed = Vec::new();
    for line in &lines {
        if let Some(n) = line.strip_prefix("plan ") {
            plan = n.trim().parse::<usize>().ok();
        } else if line.starts_with("ok ") {
            passed += 1;
        } else if let Some(why) = line.strip_prefix("FAIL ") {
            failed.push(why.to_string());
        }
    }
    let reported = passed + failed.len();
    let total = plan.unwrap_or(reported).max(reported);
    if reported < total {
        failed.push(format!(
            "{} of {total} planned steps reported nothing",
            total - reported
        ));
    }
    if !status.success() && failed.is_empty() {
        failed.push(format!(
            "{PACKAGE} exited with {status} without a FAIL line"
        ));
    }
    if status.success() && !failed.is_empty() {
        failed.push(format!(
            "{PACKAGE} reported failed steps but exited with {status}"
        ));
    }
    Ok(Tally {
        passed,
        total,
        failed,
    })
}
