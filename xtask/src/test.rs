//! `cargo xtask test`: the one command that runs every test. It prepares what the tests need
//! (a Python venv with moto under `target/`), then runs the workspace tests and the
//! conformance run, both with `MOTO_PYTHON` set to the venv's python (`--no-moto`: neither
//! uses moto).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{workspace_root, Failure};

/// Cases per fuzz target in the fixed-length fuzz run.
const FUZZ_CASES: &str = "10000";

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
        // The fuzz targets also run in `cargo test` with a few hundred cases each; this is the
        // fixed-length run (about five minutes on 2 cores in all).
        let mut fuzz = Command::new(cargo());
        fuzz.current_dir(&root)
            .args(["test", "-p", "tests", "--test", "fuzz_parsers"])
            .env("PROPTEST_CASES", FUZZ_CASES);
        status(
            &mut fuzz,
            &format!("fuzz run: {FUZZ_CASES} cases per target"),
        )?;
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
