//! `cargo xtask conformance`: the full-service conformance run over the official models in
//! `../shared/models`.
//!
//! For every service model it
//! 1. generates the whole client (every operation) into `target/conformance/<name>/`, timing
//!    the generator, and checks that every operation of the service was either generated or
//!    skipped with a reason;
//! 2. checks that every `@paginated` operation got a paginator (`into_paginator` in its
//!    operation file), or that the generator recorded why not;
//! 3. compiles all the crates warning-free with one `cargo clippy --all-targets -- -D warnings`
//!    in a workspace written under `target/conformance/`, so they share one dependency build;
//! 4. runs the model's `smithy.rules#endpointTests` cases through the runtime's endpoint
//!    resolver;
//! 5. for MemoryDB, when `MOTO_PYTHON` is set, builds and runs `xtask/conformance-moto/main.rs`
//!    (copied to `target/conformance/moto-full/`, a member of the same workspace): the full
//!    generated client against moto, one `ok`/`FAIL` line per step;
//!
//! and prints one summary table. It exits non-zero if anything fails. Output stays under
//! `target/` and is never committed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aws_client_codegen::index::{ShapeIndex, ShapeType};
use aws_client_codegen::{generate, naming, CrateSettings, Generated, Options};
use aws_client_runtime::endpoint::test_cases::{check_case, CaseOutcome};
use aws_client_runtime::endpoint::{Params, RuleSet, Value};
use serde_json::{json, Value as Json};

use crate::codegen::relative;
use crate::{workspace_root, Failure};

mod moto;
mod protocol;

/// The protocol test part of a run.
#[derive(Default)]
struct ProtocolRun {
    prepared: Option<protocol::Prepared>,
    /// Why the protocol tests were not prepared.
    not_run: Option<String>,
    tally: Option<Result<protocol::Tally, String>>,
    codegen: Duration,
    /// Protocol suite crates (`protocol/<suite>`) that clippy rejects.
    lint_failures: Vec<String>,
}

impl ProtocolRun {
    /// Everything that fails the run. Not running the tests at all fails only under CI, and
    /// not when they were deselected.
    fn failures(&self, ci: bool) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(reason) = &self.not_run {
            if ci && !reason.starts_with("not requested") {
                out.push(format!("  protocol tests: not run: {reason}"));
            }
        }
        if let Some(p) = &self.prepared {
            for (file, suite, error, cases) in &p.broken {
                out.push(format!(
                    "  protocol {file} ({suite}): {error}; {cases} cases not run"
                ));
            }
        }
        for dir in &self.lint_failures {
            out.push(format!(
                "  {dir}: `cargo clippy` reports errors or warnings (see the diagnostics above)"
            ));
        }
        match &self.tally {
            Some(Err(e)) => out.push(format!("  protocol tests: {e}")),
            Some(Ok(tally)) => {
                for (file, (_, _, failed)) in tally {
                    if !failed.is_empty() {
                        out.push(format!(
                            "  protocol {file}: failed cases {}",
                            failed.join(", ")
                        ));
                    }
                }
            }
            None => {}
        }
        out
    }
}

pub const USAGE: &str = "cargo xtask conformance [--model NAME]... [--no-compile]

  --model NAME   only this model (file stem or short name, e.g. kms; repeatable; default: all)
  --no-compile   generate and check, but do not compile the crates (nor run the protocol tests)
  --no-protocol  skip botocore's protocol test cases
  --no-moto      skip the MemoryDB client's steps against moto (run when MOTO_PYTHON is set)";

/// Diagnostics printed per crate before the rest are only counted.
const MAX_DIAGNOSTICS: usize = 20;

struct Args {
    only: Vec<String>,
    compile: bool,
    protocol: bool,
    moto: bool,
}

fn parse(args: &[String]) -> Result<Args, Failure> {
    let mut parsed = Args {
        only: Vec::new(),
        compile: true,
        protocol: true,
        moto: true,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--model" => parsed.only.push(
                it.next()
                    .cloned()
                    .ok_or_else(|| Failure::new(2, format!("--model needs a value\n\n{USAGE}")))?,
            ),
            "--no-compile" => parsed.compile = false,
            "--no-protocol" => parsed.protocol = false,
            "--no-moto" => parsed.moto = false,
            other => {
                return Err(Failure::new(
                    2,
                    format!("unknown argument {other:?}\n\n{USAGE}"),
                ))
            }
        }
    }
    Ok(parsed)
}

/// What happened to one model.
struct Report {
    /// Short name (`memorydb`, `secrets-manager`): the directory under `target/conformance/`.
    name: String,
    /// The model file.
    file: PathBuf,
    /// Package name of the generated crate, once generated.
    crate_name: Option<String>,
    operations: usize,
    skipped: Vec<(String, String)>,
    /// Operations that got a paginator / `@paginated` operations in the model.
    paginators: (usize, usize),
    /// `@paginated` operations without a paginator, with the generator's reason.
    paginator_gaps: Vec<(String, String)>,
    /// The compile steps (`clippy`, `doc`) that failed; `None`: not compiled (generation
    /// failed, or `--no-compile`).
    compiled: Option<Vec<String>>,
    /// Whether the crate has test code (`#[cfg(test)]`, `tests/`, `examples/`, `benches/`).
    has_tests: bool,
    /// Endpoint test cases: passed, total, and the cases written against older partition data.
    endpoint: Option<EndpointTally>,
    /// The generated client's steps against moto (MemoryDB only; `None`: not applicable).
    moto: Option<moto::Outcome>,
    codegen: Duration,
    /// Everything that makes the run fail.
    failures: Vec<String>,
}

impl Report {
    fn new(name: String, file: PathBuf) -> Self {
        Self {
            name,
            file,
            crate_name: None,
            operations: 0,
            skipped: Vec::new(),
            paginators: (0, 0),
            paginator_gaps: Vec::new(),
            compiled: None,
            has_tests: false,
            endpoint: None,
            moto: None,
            codegen: Duration::ZERO,
            failures: Vec::new(),
        }
    }
}

#[derive(Default)]
struct EndpointTally {
    passed: usize,
    total: usize,
    /// Cases (index, region) that fail only because they predate partition data in which
    /// their region's partition gained dual-stack support.
    stale: Vec<String>,
}

pub fn run(args: &[String]) -> Result<(), Failure> {
    let args = parse(args)?;
    let started = Instant::now();
    let root = workspace_root();
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let models_dir = root.join("../shared/models");
    if !models_dir.is_dir() {
        let message = format!(
            "conformance: reference models not found at {} (the reference folder ../shared must sit next to the project root)",
            models_dir.display()
        );
        if ci {
            return Err(Failure::new(1, message));
        }
        eprintln!("{message}; skipping the conformance run");
        return Ok(());
    }
    let mut files: Vec<PathBuf> = fs::read_dir(&models_dir)
        .map_err(|e| Failure::new(1, format!("reading {}: {e}", models_dir.display())))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != "partitions.json"))
        .collect();
    files.sort();
    let mut reports: Vec<Report> = files
        .into_iter()
        .map(|f| Report::new(short_name(&f), f))
        .filter(|r| {
            args.only.is_empty()
                || args.only.iter().any(|o| {
                    *o == r.name
                        || r.file
                            .file_stem()
                            .is_some_and(|s| s.to_string_lossy() == *o)
                })
        })
        .collect();
    if reports.is_empty() {
        return Err(Failure::new(
            1,
            format!("conformance: no model in {} matches", models_dir.display()),
        ));
    }

    let out_root = root.join("target/conformance");
    for report in &mut reports {
        generate_one(&root, &out_root, report);
        endpoint_tests(report);
    }

    // botocore's protocol test cases: one crate per suite plus a test crate.
    let mut protocol = ProtocolRun::default();
    if args.protocol && args.compile {
        let started = Instant::now();
        match protocol::protocol_dir(&out_root)
            .and_then(|dir| protocol::prepare(&root, &out_root, &dir))
        {
            Ok(p) => protocol.prepared = Some(p),
            Err(e) => protocol.not_run = Some(e),
        }
        protocol.codegen = started.elapsed();
    } else {
        protocol.not_run = Some("not requested (--no-protocol or --no-compile)".into());
    }

    // The MemoryDB client against moto: a program in the same workspace, linted with the rest.
    let memorydb = reports
        .iter()
        .position(|r| r.crate_name.as_deref() == Some(moto::CLIENT_CRATE));
    let mut moto_member = false;
    if let Some(i) = memorydb.filter(|_| args.compile) {
        match moto::prepare(&root, &out_root, &reports[i].name) {
            Ok(()) => moto_member = true,
            Err(e) => reports[i].failures.push(e),
        }
    }

    let mut compile_times = Vec::new();
    // Whether the moto program compiled warning-free.
    let mut moto_compiled = false;
    if args.compile {
        let packages: Vec<(&str, &str)> = reports
            .iter()
            .filter_map(|r| r.crate_name.as_deref().map(|c| (r.name.as_str(), c)))
            .collect();
        let mut extra: Vec<String> = protocol
            .prepared
            .as_ref()
            .map(|p| p.members.clone())
            .unwrap_or_default();
        if moto_member {
            extra.push(moto::PACKAGE.into());
        }
        // The protocol suite crates are linted too (not documented: their docs are botocore's).
        let mut lint_only: Vec<(&str, &str)> = extra
            .iter()
            .filter_map(|m| Some((m.as_str(), m.strip_prefix("protocol/")?)))
            .filter(|(_, package)| *package != "harness")
            .collect();
        if moto_member {
            lint_only.push((moto::PACKAGE, moto::PACKAGE));
        }
        let all_targets = reports.iter().any(|r| r.has_tests);
        if !packages.is_empty() {
            match compile(
                &root,
                &out_root,
                &packages,
                &lint_only,
                &extra,
                all_targets,
                &mut compile_times,
            ) {
                Ok(failed) => {
                    moto_compiled = moto_member && !failed.contains_key(moto::PACKAGE);
                    if let (Some(i), Some(steps)) = (memorydb, failed.get(moto::PACKAGE)) {
                        reports[i].failures.push(format!(
                            "{}: `cargo {}` reports errors or warnings (see the diagnostics above)",
                            moto::PACKAGE,
                            steps.join("` and `cargo ")
                        ));
                    }
                    protocol.lint_failures = failed
                        .keys()
                        .filter(|dir| dir.starts_with("protocol/"))
                        .cloned()
                        .collect();
                    for report in reports.iter_mut().filter(|r| r.crate_name.is_some()) {
                        let steps = failed.get(&report.name).cloned().unwrap_or_default();
                        if !steps.is_empty() {
                            report.failures.push(format!(
                                "`cargo {}` reports errors or warnings (see the diagnostics above)",
                                steps.join("` and `cargo ")
                            ));
                        }
                        report.compiled = Some(steps);
                    }
                }
                Err(message) => {
                    for report in reports.iter_mut().filter(|r| r.crate_name.is_some()) {
                        report.compiled = Some(vec!["all".into()]);
                        report.failures.push(message.clone());
                    }
                }
            }
        }
        if let Some(prepared) = &protocol.prepared {
            let started = Instant::now();
            protocol.tally = Some(protocol::run_tests(&out_root, prepared));
            compile_times.push(("protocol tests".into(), started.elapsed()));
        }
    }
    if let Some(i) = memorydb.filter(|_| moto_member) {
        let report = &mut reports[i];
        let python = std::env::var_os("MOTO_PYTHON").filter(|p| !p.is_empty());
        report.moto = Some(if !args.moto {
            moto::Outcome::NotRun("not requested (--no-moto)".into())
        } else if !moto_compiled {
            // Also when the client crate failed: the program could not be checked then.
            moto::Outcome::NotRun(format!("{} did not pass `cargo clippy`", moto::PACKAGE))
        } else if python.is_none() {
            let reason = "MOTO_PYTHON is not set (`cargo xtask test` sets it to its moto venv)";
            if ci {
                report
                    .failures
                    .push(format!("moto steps not run under CI=true: {reason}"));
            }
            moto::Outcome::NotRun(reason.into())
        } else {
            match moto::run(&out_root, &mut compile_times) {
                Ok(tally) => {
                    for why in &tally.failed {
                        report.failures.push(format!("moto: FAIL {why}"));
                    }
                    moto::Outcome::Ran {
                        passed: tally.passed,
                        total: tally.total,
                    }
                }
                Err(e) => {
                    report.failures.push(format!("moto steps: {e}"));
                    moto::Outcome::NotRun(e)
                }
            }
        });
    }

    print_summary(&reports, &protocol);
    let codegen_total: Duration = reports.iter().map(|r| r.codegen).sum();
    let compile_line = if compile_times.is_empty() {
        "compile skipped".to_string()
    } else {
        compile_times
            .iter()
            .map(|(step, t)| format!("{step} {:.1} s", t.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "\ncodegen {:.1} s, {compile_line}, whole run {:.1} s",
        codegen_total.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    let mut failures: Vec<String> = reports
        .iter()
        .flat_map(|r| r.failures.iter().map(move |f| format!("  {}: {f}", r.name)))
        .collect();
    failures.extend(protocol.failures(ci));
    if failures.is_empty() {
        println!("conformance: all {} models pass", reports.len());
        Ok(())
    } else {
        Err(Failure::new(
            1,
            format!("conformance failed:\n{}", failures.join("\n")),
        ))
    }
}

/// One summary row per botocore protocol test file.
fn protocol_rows(protocol: &ProtocolRun) -> Vec<Vec<String>> {
    let Some(prepared) = &protocol.prepared else {
        return Vec::new();
    };
    let mut files: Vec<&str> = prepared.cases.values().map(|c| c.file.as_str()).collect();
    files.extend(prepared.skipped.iter().map(|s| s.0.as_str()));
    files.extend(prepared.broken.iter().map(|b| b.0.as_str()));
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|file| {
            let suites: BTreeSet<&str> = prepared
                .cases
                .iter()
                .filter(|(_, c)| c.file == file)
                .filter_map(|(path, _)| path.split("::").next())
                .collect();
            let skipped = prepared.skipped.iter().filter(|s| s.0 == file).count();
            let broken: usize = prepared
                .broken
                .iter()
                .filter(|b| b.0 == file)
                .map(|b| b.3)
                .sum();
            let (cell, compiled) = match &protocol.tally {
                Some(Ok(tally)) => {
                    let (passed, run, _) = tally.get(file).cloned().unwrap_or_default();
                    let mut cell = format!("{passed}/{}", run + broken);
                    if skipped > 0 {
                        cell += &format!(" ({skipped} skipped)");
                    }
                    (cell, "yes")
                }
                Some(Err(_)) => ("not run".to_string(), "NO"),
                None => ("-".to_string(), "-"),
            };
            let linted = suites
                .iter()
                .all(|s| !protocol.lint_failures.contains(&format!("protocol/{s}")));
            let compiled = if linted { compiled } else { "NO (clippy)" };
            vec![
                format!("botocore {file}"),
                format!("{} suites", suites.len()),
                "-".into(),
                "-".into(),
                "-".into(),
                compiled.into(),
                "-".into(),
                cell,
                "-".into(),
                "-".into(),
            ]
        })
        .collect()
}

/// `secrets-manager-2017-10-17.json` -> `secrets-manager`: the stem without its API version.
fn short_name(file: &Path) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parts: Vec<&str> = stem.split('-').collect();
    let is_date = |p: &[&str]| {
        p.len() == 3
            && [4, 2, 2]
                .iter()
                .zip(p)
                .all(|(n, s)| s.len() == *n && s.bytes().all(|b| b.is_ascii_digit()))
    };
    if parts.len() > 3 && is_date(&parts[parts.len() - 3..]) {
        parts[..parts.len() - 3].join("-")
    } else {
        stem
    }
}

/// Generates the crate, then checks operations and paginators against the model.
fn generate_one(root: &Path, out_root: &Path, report: &mut Report) {
    let text = match fs::read_to_string(&report.file) {
        Ok(t) => t,
        Err(e) => {
            report
                .failures
                .push(format!("cannot read {}: {e}", report.file.display()));
            return;
        }
    };
    let out = out_root.join(&report.name);
    let settings = CrateSettings {
        runtime_path: relative(&out, &root.join("runtime")),
        standalone: false,
        ..CrateSettings::default()
    };
    let started = Instant::now();
    let result = generate(&text, &Options::default(), &settings);
    report.codegen = started.elapsed();
    let generated = match result {
        Ok(g) => g,
        Err(e) => {
            report.failures.push(format!("code generation failed: {e}"));
            return;
        }
    };
    if let Err(e) = sync_files(&out, &generated.files) {
        report
            .failures
            .push(format!("writing {}: {e}", out.display()));
        return;
    }
    report.crate_name = crate_name(&generated);
    report.has_tests = generated.files.iter().any(|(path, text)| {
        ["tests/", "examples/", "benches/"]
            .iter()
            .any(|d| path.starts_with(d))
            || text.contains("#[cfg(test)]")
    });
    report.operations = generated.operations;
    report.skipped = generated
        .skipped
        .iter()
        .map(|s| (s.operation.clone(), s.reason.clone()))
        .collect();
    report.paginator_gaps = generated
        .paginator_gaps
        .iter()
        .map(|s| (s.operation.clone(), s.reason.clone()))
        .collect();
    match ShapeIndex::from_json(&text) {
        Ok(index) => check_against_model(&index, &generated, report),
        Err(e) => report
            .failures
            .push(format!("the model does not index: {e}")),
    }
}

/// Writes the crate into `out`, touching only files whose contents changed and removing files
/// no longer generated, so cargo re-checks only the crates the generator changed.
pub(crate) fn sync_files(out: &Path, files: &BTreeMap<String, String>) -> std::io::Result<()> {
    for (path, text) in files {
        let dest = out.join(path);
        if fs::read_to_string(&dest).is_ok_and(|old| old == *text) {
            continue;
        }
        fs::create_dir_all(dest.parent().expect("file has a parent"))?;
        fs::write(dest, text)?;
    }
    let mut existing = Vec::new();
    list_files(out, &mut existing)?;
    for path in existing {
        let rel = path.strip_prefix(out).expect("listed under out");
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !files.contains_key(&rel) {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// Every file under `dir`.
fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            list_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The `name = "..."` of the generated `Cargo.toml`.
fn crate_name(generated: &Generated) -> Option<String> {
    let manifest = generated.files.get("Cargo.toml")?;
    let line = manifest.lines().find(|l| l.starts_with("name = "))?;
    Some(
        line.trim_start_matches("name = ")
            .trim_matches('"')
            .to_string(),
    )
}

fn check_against_model(index: &ShapeIndex, generated: &Generated, report: &mut Report) {
    let services = index.services();
    let [service] = services.as_slice() else {
        report.failures.push(format!(
            "expected one service shape, found {}",
            services.len()
        ));
        return;
    };
    let operations = index.service_operations(service);
    let skipped: BTreeSet<&str> = generated
        .skipped
        .iter()
        .map(|s| s.operation.as_str())
        .collect();
    if generated.operations + skipped.len() != operations.len() {
        report.failures.push(format!(
            "the service has {} operations, but {} were generated and {} skipped",
            operations.len(),
            generated.operations,
            skipped.len()
        ));
    }

    // `@paginated` operations of the model that were generated.
    let paginated: Vec<&str> = operations
        .iter()
        .filter(|op| !skipped.contains(op.as_str()))
        .filter(|op| {
            let shape = index.expect(op);
            shape.ty == ShapeType::Operation && shape.traits.has("smithy.api#paginated")
        })
        .map(String::as_str)
        .collect();
    let with_paginator: BTreeSet<&str> = generated.paginators.iter().map(String::as_str).collect();
    let gaps: BTreeSet<&str> = generated
        .paginator_gaps
        .iter()
        .map(|g| g.operation.as_str())
        .collect();
    report.paginators = (with_paginator.len(), paginated.len());
    for op in &paginated {
        let name = aws_client_codegen::index::shape_name(op);
        if !with_paginator.contains(name) && !gaps.contains(op) {
            report.failures.push(format!(
                "{op} is @paginated but got no paginator, and the generator gave no reason"
            ));
        }
    }
    // And the generated code agrees: exactly those operation files have `into_paginator`.
    let in_code: BTreeSet<String> = generated
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("src/operation/"))
        .filter(|(_, text)| text.contains("pub fn into_paginator("))
        .map(|(path, _)| path.clone())
        .collect();
    let expected: BTreeSet<String> = with_paginator
        .iter()
        .map(|name| format!("src/operation/{}.rs", naming::module_name(name)))
        .collect();
    if in_code != expected {
        let missing: Vec<_> = expected.difference(&in_code).collect();
        let extra: Vec<_> = in_code.difference(&expected).collect();
        report.failures.push(format!(
            "paginators in the code differ from the plan: missing in {missing:?}, unexpected in {extra:?}"
        ));
    }
    let model_names: BTreeSet<&str> = paginated
        .iter()
        .map(|op| aws_client_codegen::index::shape_name(op))
        .collect();
    for name in with_paginator.difference(&model_names) {
        report.failures.push(format!(
            "{name} got a paginator but is not @paginated in the model"
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

/// Compiles every crate in one workspace under `target/conformance/`, so they share one
/// dependency build: `cargo clippy -- -D warnings` (with `--all-targets` when a crate has test
/// code; otherwise the test target would only check the library a second time), then
/// `cargo doc --no-deps` with rustdoc warnings denied (the model's documentation becomes doc
/// comments). Returns the failed steps by member, or a message when a step could not run or a
/// dependency (the runtime) failed. Step durations go to `times`.
fn compile(
    root: &Path,
    out_root: &Path,
    packages: &[(&str, &str)],
    lint_only: &[(&str, &str)],
    extra_members: &[String],
    all_targets: bool,
    times: &mut Vec<(String, Duration)>,
) -> Result<BTreeMap<String, Vec<String>>, String> {
    let members: Vec<&str> = packages.iter().map(|(dir, _)| *dir).collect();
    let list: Vec<String> = members
        .iter()
        .map(|m| m.to_string())
        .chain(extra_members.iter().cloned())
        .map(|m| format!("{m:?}"))
        .collect();
    let manifest = format!(
        "# Written by `cargo xtask conformance` for this run; not part of the project.\n\
         [workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        list.join(", ")
    );
    fs::write(out_root.join("Cargo.toml"), manifest)
        .map_err(|e| format!("writing {}/Cargo.toml: {e}", out_root.display()))?;
    // Start from the project's lock file, so the crates build against the dependency versions
    // the project is tested with (and nothing new needs resolving).
    fs::copy(root.join("Cargo.lock"), out_root.join("Cargo.lock"))
        .map_err(|e| format!("copying Cargo.lock: {e}"))?;

    // `--bins` for the moto program (a binary); `--lib` alone would skip it.
    let targets: &[&str] = if all_targets {
        &["--all-targets"]
    } else {
        &["--lib", "--bins"]
    };
    // The service crates; clippy also takes the protocol suite crates. The protocol test
    // crate is built by `cargo test` later.
    let selection: Vec<&str> = packages.iter().flat_map(|(_, p)| ["-p", *p]).collect();
    let lint_selection: Vec<&str> = packages
        .iter()
        .chain(lint_only)
        .flat_map(|(_, p)| ["-p", *p])
        .collect();
    let lint_members: Vec<&str> = members
        .iter()
        .copied()
        .chain(lint_only.iter().map(|(dir, _)| *dir))
        .collect();
    let steps: [Step; 2] = [
        (
            "clippy",
            [
                &["clippy"][..],
                &lint_selection,
                targets,
                &[
                    "--keep-going",
                    "--message-format=json",
                    "--",
                    "-D",
                    "warnings",
                ],
            ]
            .concat(),
            None,
        ),
        (
            "doc",
            [
                &["doc"][..],
                &selection,
                &["--no-deps", "--keep-going", "--message-format=json"],
            ]
            .concat(),
            Some(("RUSTDOCFLAGS", "-D warnings")),
        ),
    ];
    let mut failed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (step, args, env) in steps {
        eprintln!(
            "== cargo {} in {} ({} crates)",
            args.iter()
                .filter(|a| !a.starts_with("--message-format") && **a != "-p")
                .filter(|a| !packages.iter().chain(lint_only).any(|(_, p)| p == *a))
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
            out_root.display(),
            args.iter().filter(|a| **a == "-p").count()
        );
        let started = Instant::now();
        let members = if step == "clippy" {
            &lint_members
        } else {
            &members
        };
        let outcome = run_cargo(out_root, &args, env, members);
        times.push((step.to_string(), started.elapsed()));
        for member in outcome? {
            failed.entry(member).or_default().push(step.to_string());
        }
    }
    Ok(failed)
}

/// A compile step: its name, the cargo arguments, and an environment variable to set.
type Step<'a> = (&'a str, Vec<&'a str>, Option<(&'a str, &'a str)>);

/// Runs one cargo command with JSON messages in `dir`, prints each distinct diagnostic once
/// (at most [`MAX_DIAGNOSTICS`] per crate), and returns the members that failed.
fn run_cargo(
    dir: &Path,
    args: &[&str],
    env: Option<(&str, &str)>,
    members: &[&str],
) -> Result<BTreeSet<String>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(dir).args(args).stdout(Stdio::piped());
    if let Some((key, value)) = env {
        command.env(key, value);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run cargo {}: {e}", args[0]))?;

    // Diagnostics by the directory (member name) of the package they belong to.
    let dir_of = |manifest: &str| -> String {
        let path = Path::new(manifest);
        match path.parent().and_then(|p| p.strip_prefix(dir).ok()) {
            Some(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
            _ => path
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        }
    };
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut printed: BTreeMap<String, usize> = BTreeMap::new();
    let mut built: BTreeSet<String> = BTreeSet::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut finished_ok = None;
    let stdout = child.stdout.take().expect("piped stdout");
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let Ok(msg) = serde_json::from_str::<Json>(&line) else {
            continue;
        };
        let manifest = msg["manifest_path"].as_str().unwrap_or("");
        match msg["reason"].as_str() {
            Some("compiler-message") => {
                let level = msg["message"]["level"].as_str().unwrap_or("");
                let dir = dir_of(manifest);
                if level == "error" {
                    *errors.entry(dir.clone()).or_default() += 1;
                }
                let rendered = msg["message"]["rendered"].as_str().unwrap_or("");
                // The lib and its test target report the same diagnostics: print them once.
                if matches!(level, "error" | "warning")
                    && seen.insert((dir.clone(), rendered.to_string()))
                {
                    let n = printed.entry(dir.clone()).or_default();
                    *n += 1;
                    if *n <= MAX_DIAGNOSTICS {
                        eprintln!("[{dir}] {rendered}");
                    }
                }
            }
            Some("compiler-artifact") => {
                built.insert(dir_of(manifest));
            }
            Some("build-finished") => finished_ok = msg["success"].as_bool(),
            _ => {}
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo {}: {e}", args[0]))?;
    for (dir, n) in &printed {
        if *n > MAX_DIAGNOSTICS {
            eprintln!("[{dir}] ... and {} more diagnostics", n - MAX_DIAGNOSTICS);
        }
    }
    // A dependency outside the generated crates (the runtime) failing fails them all.
    let foreign: Vec<&str> = errors
        .keys()
        .map(String::as_str)
        .filter(|d| !members.contains(d))
        .collect();
    if !foreign.is_empty() {
        return Err(format!(
            "cargo {}: a dependency failed to compile: {}",
            args[0],
            foreign.join(", ")
        ));
    }
    let failed: BTreeSet<String> = members
        .iter()
        .filter(|m| errors.contains_key(**m) || !built.contains(**m))
        .map(|m| m.to_string())
        .collect();
    if failed.is_empty() && (!status.success() || finished_ok == Some(false)) {
        return Err(format!(
            "cargo {} failed ({status}) without naming a crate",
            args[0]
        ));
    }
    Ok(failed)
}

// ---------------------------------------------------------------------------------------------
// Endpoint rules
// ---------------------------------------------------------------------------------------------

/// Runs the model's `smithy.rules#endpointTests` cases through the runtime's resolver.
fn endpoint_tests(report: &mut Report) {
    let model: Json = match fs::read_to_string(&report.file)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => {
            report
                .failures
                .push(format!("cannot read the model as JSON: {e}"));
            return;
        }
    };
    let Some(service) = model["shapes"]
        .as_object()
        .and_then(|shapes| shapes.values().find(|s| s["type"] == "service"))
    else {
        report.failures.push("no service shape".into());
        return;
    };
    let traits = &service["traits"];
    let Some(cases) = traits["smithy.rules#endpointTests"]["testCases"].as_array() else {
        report
            .failures
            .push("the service has no smithy.rules#endpointTests cases".into());
        return;
    };
    let rule_set = match RuleSet::from_json(&traits["smithy.rules#endpointRuleSet"]) {
        Ok(r) => r,
        Err(e) => {
            report
                .failures
                .push(format!("the endpoint rule set does not parse: {e}"));
            return;
        }
    };
    let mut tally = EndpointTally {
        total: cases.len(),
        ..EndpointTally::default()
    };
    for (i, case) in cases.iter().enumerate() {
        let params = match Params::from_json(case.get("params").unwrap_or(&json!({}))) {
            Ok(p) => p,
            Err(e) => {
                report
                    .failures
                    .push(format!("endpoint case {i}: bad params: {e}"));
                continue;
            }
        };
        let expect = &case["expect"];
        match check_case(&rule_set, &params, expect) {
            CaseOutcome::Pass => tally.passed += 1,
            CaseOutcome::Stale => {
                let region = params.get("Region").and_then(Value::as_str).unwrap_or("");
                tally.stale.push(format!("{i} ({region})"));
            }
            CaseOutcome::Fail(problem) => report.failures.push(format!(
                "endpoint case {i} ({}), params {}: {problem}",
                case["documentation"].as_str().unwrap_or(""),
                case.get("params").unwrap_or(&Json::Null)
            )),
        }
    }
    report.endpoint = Some(tally);
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

fn print_summary(reports: &[Report], protocol: &ProtocolRun) {
    let header = [
        "model",
        "crate",
        "ops generated",
        "ops skipped",
        "paginators",
        "compile ok",
        "endpoint tests",
        "protocol cases",
        "moto steps",
        "codegen ms",
    ];
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| {
            let generated = r.crate_name.is_some();
            vec![
                r.name.clone(),
                r.crate_name.clone().unwrap_or_else(|| "-".into()),
                if generated {
                    r.operations.to_string()
                } else {
                    "FAILED".into()
                },
                if generated {
                    r.skipped.len().to_string()
                } else {
                    "-".into()
                },
                if generated {
                    format!("{}/{}", r.paginators.0, r.paginators.1)
                } else {
                    "-".into()
                },
                match &r.compiled {
                    Some(failed) if failed.is_empty() => "yes".into(),
                    Some(failed) => format!("NO ({})", failed.join(", ")),
                    None => "-".into(),
                },
                match &r.endpoint {
                    Some(t) if t.stale.is_empty() => format!("{}/{}", t.passed, t.total),
                    Some(t) => format!("{}/{} (+{} stale)", t.passed, t.total, t.stale.len()),
                    None => "-".into(),
                },
                "-".into(),
                match &r.moto {
                    Some(moto::Outcome::Ran { passed, total }) => format!("{passed}/{total}"),
                    Some(moto::Outcome::NotRun(_)) => "not run".into(),
                    None => "-".into(),
                },
                format!("{:.0}", r.codegen.as_secs_f64() * 1000.0),
            ]
        })
        .chain(protocol_rows(protocol))
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i < 2 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        format!("| {} |", padded.join(" | "))
    };
    println!();
    println!("{}", line(&header.map(String::from)));
    println!(
        "|{}|",
        widths
            .iter()
            .enumerate()
            .map(|(i, w)| if i < 2 {
                format!(":{}-", "-".repeat(*w))
            } else {
                format!("-{}:", "-".repeat(*w))
            })
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in &rows {
        println!("{}", line(row));
    }

    let mut notes = Vec::new();
    for r in reports {
        for (op, reason) in &r.skipped {
            notes.push(format!("{}: skipped {op}: {reason}", r.name));
        }
        for (op, reason) in &r.paginator_gaps {
            notes.push(format!("{}: no paginator for {op}: {reason}", r.name));
        }
        if let Some(moto::Outcome::NotRun(reason)) = &r.moto {
            notes.push(format!("{}: moto steps not run: {reason}", r.name));
        }
        if let Some(t) = r.endpoint.as_ref().filter(|t| !t.stale.is_empty()) {
            notes.push(format!(
                "{}: endpoint cases {} expect a DualStack error that current partition data no longer gives \
                 (their partition gained dual-stack); they pass with that flag cleared",
                r.name,
                t.stale.join(", ")
            ));
        }
    }
    if !notes.is_empty() {
        println!("\nNotes:");
        for n in notes {
            println!("  {n}");
        }
    }
    match (&protocol.not_run, &protocol.prepared) {
        (Some(reason), _) => println!("\nprotocol cases: n/a ({reason})"),
        (None, Some(p)) => {
            println!(
                "\nprotocol cases: botocore {} (suites converted to Smithy models and generated in {:.1} s)",
                std::env::var("BOTOCORE_VERSION").unwrap_or_else(|_| protocol::BOTOCORE_VERSION.into()),
                protocol.codegen.as_secs_f64()
            );
            for (file, id, reason) in &p.skipped {
                println!("  {file}: skipped {id}: {reason}");
            }
            for (file, suite, error, cases) in &p.broken {
                println!("  {file}: {suite}: {error} ({cases} cases count as failed)");
            }
        }
        (None, None) => {}
    }
}
