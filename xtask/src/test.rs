//! `cargo xtask test`: the one command that runs every test. It prepares what the tests need
//! (a Python venv with moto under `target/`), then runs the workspace tests and the
//! conformance run, both with `MOTO_PYTHON` set to the venv's python (`--no-moto`: neither
//! uses moto).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{workspace_root, Failure};

/// Cases per round of a fuzz target; rounds repeat (each with a fresh random seed) until the
/// target's time is used up.
const FUZZ_ROUND_CASES: &str = "2000";

/// Seconds each fuzz target runs in the fixed-length run (`FUZZ_SECONDS` overrides).
const FUZZ_SECONDS: u64 = 60;

/// The moto release line the integration tests are written against.
const MOTO_REQUIREMENT: &str = "moto[server]>=5.2,<5.3";

pub fn run(args: &[String]) -> Result<(), Failure> {
    let root = workspace_root();
    let skip_moto = args.iter().any(|a| a == "--no-moto");
    let mut cargo_test = Command::new(cargo());
    cargo_test
        .current_dir(&root)
        .args(["test", "--workspace", "--no-fail-fast"]);
    let python = if skip_moto {
        None
    } else {
        Some(ensure_moto(&root)?)
    };
    if let Some(python) = &python {
        cargo_test.env("MOTO_PYTHON", python);
    }
    status(&mut cargo_test, "cargo test --workspace")?;
    if !args.iter().any(|a| a == "--no-fuzz") {
        fuzz(&root)?;
    }
    if root.join("xtask/src/conformance.rs").exists()
        && !args.iter().any(|a| a == "--no-conformance")
    {
        let mut conformance = Command::new(cargo());
        conformance
            .current_dir(&root)
            .args(["xtask", "conformance"]);
        // The full MemoryDB client runs against the same moto.
        match &python {
            Some(python) => conformance.env("MOTO_PYTHON", python),
            None => conformance.arg("--no-moto"),
        };
        status(&mut conformance, "cargo xtask conformance")?;
    }
    Ok(())
}

/// The fixed-length fuzz run: every `*never_panic*` target of `tests/tests/fuzz_parsers.rs`
/// (output, error, model, profile, endpoint and timestamp parsers) for `FUZZ_SECONDS` each.
/// `cargo test` runs the same targets with a few hundred cases; this run goes much further.
fn fuzz(root: &Path) -> Result<(), Failure> {
    let seconds = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(FUZZ_SECONDS);
    let base = ["test", "-q", "-p", "tests", "--test", "fuzz_parsers", "--"];
    let listing = Command::new(cargo())
        .current_dir(root)
        .args(base)
        .arg("--list")
        .output()
        .map_err(|e| Failure::new(1, format!("cannot list fuzz targets: {e}")))?;
    let targets: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .filter(|name| name.contains("never_panic"))
        .map(str::to_string)
        .collect();
    if !listing.status.success() || targets.is_empty() {
        return Err(Failure::new(
            1,
            "no fuzz targets found in tests/tests/fuzz_parsers.rs",
        ));
    }
    eprintln!("== fuzz run: {} targets, {seconds} s each", targets.len());
    for target in &targets {
        let started = std::time::Instant::now();
        let mut rounds = 0;
        while rounds == 0 || started.elapsed().as_secs() < seconds {
            let mut round = Command::new(cargo());
            round
                .current_dir(root)
                .args(base)
                .args(["--exact", target.as_str()])
                .env("PROPTEST_CASES", FUZZ_ROUND_CASES)
                .stdout(std::process::Stdio::null());
            let ok = round.status().map(|s| s.success()).unwrap_or(false);
            rounds += 1;
            if !ok {
                return Err(Failure::new(
                    1,
                    format!("fuzz target {target} failed in round {rounds}; its output above shows the minimal input"),
                ));
            }
        }
        eprintln!(
            "   {target}: {rounds} rounds of {FUZZ_ROUND_CASES} cases in {:.0} s, no failure",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn status(cmd: &mut Command, what: &str) -> Result<(), Failure> {
    eprintln!("== {what}");
    let status = cmd
        .status()
        .map_err(|e| Failure::new(1, format!("cannot run {what}: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::new(1, format!("{what} failed ({status})")))
    }
}

/// Creates `target/moto-venv` with moto installed (once), and returns its python.
fn ensure_moto(root: &Path) -> Result<PathBuf, Failure> {
    let venv = root.join("target/moto-venv");
    let python = venv.join("bin/python");
    let ready = venv.join(".moto-installed");
    if ready.exists() {
        return Ok(python);
    }
    let system_python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    status(
        Command::new(&system_python).args(["-m", "venv"]).arg(&venv),
        "python3 -m venv target/moto-venv",
    )?;
    status(
        Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            MOTO_REQUIREMENT,
        ]),
        "pip install moto[server]",
    )?;
    std::fs::write(&ready, MOTO_REQUIREMENT)
        .map_err(|e| Failure::new(1, format!("writing {}: {e}", ready.display())))?;
    Ok(python)
}
