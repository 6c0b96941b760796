//! `cargo xtask codegen`: regenerate client crates from their models, or check they are
//! current. Writing and checking are one function, [`ensure`], so what `--check` (and the drift
//! test) accepts is by construction what a write produces.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use aws_client_codegen::{generate, CrateSettings, Generated, Options};

use crate::{workspace_root, Failure};

pub const USAGE: &str = "cargo xtask codegen [--all] [--check] [--model FILE] [--out DIR] [--operation NAME]... [--crate-name NAME]

  --all             every committed crate: model/memorydb.json -> generated/ and each
                    tests/fixtures/NAME.json -> tests/generated/NAME (crate fixture_NAME)
  --check           compare instead of writing; exit 1 and name each drifted, missing or
                    extra file
  --model FILE      Smithy JSON AST model (default: model/memorydb.json)
  --out DIR         output crate directory (default: generated/)
  --operation NAME  generate only this operation (repeatable; default: all)
  --crate-name NAME package name (default: from the service's sdkId)";

/// Whether [`ensure`] writes the crates or only compares them with what it would write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// One crate the generator owns: its model, its directory, and how to generate it.
#[derive(Debug, Clone)]
pub struct Target {
    pub model: PathBuf,
    pub out: PathBuf,
    pub options: Options,
}

/// A set of crates kept current together.
#[derive(Debug, Clone)]
pub struct Crates {
    pub targets: Vec<Target>,
    /// A directory that holds generated crates only: a subdirectory no target writes is left
    /// over from a removed model, so a check names it and a write removes it.
    pub owned_dir: Option<PathBuf>,
    /// The command that brings these crates up to date, for the check's message.
    pub regenerate: String,
}

impl Crates {
    /// Every committed crate of the project under `root`: the MemoryDB crate and one crate
    /// per fixture model.
    pub fn project(root: &Path) -> Result<Self, Failure> {
        let mut targets = vec![Target {
            model: root.join("model/memorydb.json"),
            out: root.join("generated"),
            options: Options::default(),
        }];
        let fixtures = root.join("tests/fixtures");
        let entries = fs::read_dir(&fixtures)
            .map_err(|e| Failure::new(2, format!("cannot list {}: {e}", fixtures.display())))?;
        let mut models: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        models.sort();
        for model in models {
            let name = model
                .file_stem()
                .expect("a .json file has a stem")
                .to_string_lossy()
                .into_owned();
            targets.push(Target {
                out: root.join("tests/generated").join(&name),
                options: Options {
                    crate_name: Some(format!("fixture_{name}")),
                    ..Options::default()
                },
                model,
            });
        }
        Ok(Self {
            targets,
            owned_dir: Some(root.join("tests/generated")),
            regenerate: "cargo xtask codegen --all".into(),
        })
    }
}

struct Args {
    all: bool,
    check: bool,
    target: Target,
    /// Whether any of --model, --out, --operation, --crate-name, --service was given.
    single: bool,
}

fn parse(args: &[String]) -> Result<Args, Failure> {
    let root = workspace_root();
    let mut parsed = Args {
        all: false,
        check: false,
        target: Target {
            model: root.join("model/memorydb.json"),
            out: root.join("generated"),
            options: Options::default(),
        },
        single: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| Failure::new(2, format!("{name} needs a value\n\n{USAGE}")))
        };
        let target = &mut parsed.target;
        match arg.as_str() {
            "--all" => parsed.all = true,
            "--check" => parsed.check = true,
            "--model" => target.model = absolute(&value("--model")?),
            "--out" => target.out = absolute(&value("--out")?),
            "--operation" => target.options.operations.push(value("--operation")?),
            "--crate-name" => target.options.crate_name = Some(value("--crate-name")?),
            "--service" => target.options.service = Some(value("--service")?),
            other => {
                return Err(Failure::new(
                    2,
                    format!("unknown argument {other:?}\n\n{USAGE}"),
                ))
            }
        }
        parsed.single |= !matches!(arg.as_str(), "--all" | "--check");
    }
    if parsed.all && parsed.single {
        return Err(Failure::new(
            2,
            format!(
                "--all takes no --model, --out, --operation, --crate-name or --service\n\n{USAGE}"
            ),
        ));
    }
    Ok(parsed)
}

fn absolute(p: &str) -> PathBuf {
    let path = PathBuf::from(p);
    if path.is_absolute() {
        path
    } else {
        std::env::current_dir().expect("current dir").join(path)
    }
}

/// Lexically normalises `a/./b/../c` to `a/c`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Relative path from directory `from` to `to` (both absolute).
pub fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = normalize(from)
        .components()
        .map(|c| c.as_os_str().to_owned())
        .collect();
    let to: Vec<_> = normalize(to)
        .components()
        .map(|c| c.as_os_str().to_owned())
        .collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A path as the user should read it: relative to the project when inside it.
fn shown(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}

pub fn run(args: &[String]) -> Result<(), Failure> {
    let args = parse(args)?;
    let root = workspace_root();
    let crates = if args.all {
        Crates::project(&root)?
    } else {
        let fix = if args.single {
            "cargo xtask codegen with the same arguments, without --check"
        } else {
            "cargo xtask codegen"
        };
        Crates {
            targets: vec![args.target],
            owned_dir: None,
            regenerate: fix.into(),
        }
    };
    let mode = if args.check { Mode::Check } else { Mode::Write };
    for line in ensure(&root, &crates, mode)? {
        eprintln!("{line}");
    }
    Ok(())
}

/// Brings `crates` up to date (`Mode::Write`) or checks that they are (`Mode::Check`); `root`
/// is the workspace the crates belong to. Returns progress lines to print.
///
/// Every model is generated before anything is written: if one model has a problem, the run
/// fails with every model's problems (exit 2) and writes nothing. A write replaces only the
/// crates that drifted, each by an atomic swap, so current crates keep their timestamps and
/// are not rebuilt. A check fails (exit 1) naming every file that differs, is missing or
/// should not be there, across all crates.
pub fn ensure(root: &Path, crates: &Crates, mode: Mode) -> Result<Vec<String>, Failure> {
    let mut lines = Vec::new();
    let mut generated = Vec::new();
    let mut problems = Vec::new();
    for target in &crates.targets {
        match generate_target(root, target) {
            Ok((g, ms)) => {
                let out = shown(root, &normalize(&target.out));
                lines.extend(
                    g.skipped
                        .iter()
                        .map(|s| format!("{out}: skipped {}: {}", s.operation, s.reason)),
                );
                lines.extend(
                    g.paginator_gaps
                        .iter()
                        .map(|s| format!("{out}: no paginator for {}: {}", s.operation, s.reason)),
                );
                generated.push((target, g, ms));
            }
            Err(message) => problems.push(message),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::new(
            2,
            format!("nothing was written:\n{}", problems.join("\n")),
        ));
    }
    let stale = match &crates.owned_dir {
        Some(dir) => stale_crates(dir, &crates.targets),
        None => Vec::new(),
    };
    let mut drifted = Vec::new();
    for (target, g, ms) in &generated {
        let out = normalize(&target.out);
        let drift = compare(&out, &g.files);
        let name = shown(root, &out);
        if drift.is_empty() {
            lines.push(format!("{name} is up to date ({} files)", g.files.len()));
            continue;
        }
        match mode {
            Mode::Check => {
                drifted.extend(drift.iter().map(|d| format!("  {}", join(&name, d))));
            }
            Mode::Write => {
                write_atomically(&out, &g.files)
                    .map_err(|e| Failure::new(1, format!("writing {name}: {e}")))?;
                lines.push(format!(
                    "generated {} operations into {name} ({} files) in {ms:.1} ms",
                    g.operations,
                    g.files.len(),
                ));
            }
        }
    }
    for dir in &stale {
        let name = shown(root, dir);
        match mode {
            Mode::Check => drifted.push(format!("  {name}/ (no model generates it; remove it)")),
            Mode::Write => {
                fs::remove_dir_all(dir)
                    .map_err(|e| Failure::new(1, format!("removing {name}: {e}")))?;
                lines.push(format!("removed {name}/ (no model generates it)"));
            }
        }
    }
    if !drifted.is_empty() {
        return Err(Failure::new(
            1,
            format!(
                "generated code is out of date; run `{}`:\n{}",
                crates.regenerate,
                drifted.join("\n")
            ),
        ));
    }
    Ok(lines)
}

fn join(dir: &str, file: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{file}")
    } else {
        format!("{dir}/{file}")
    }
}

/// The target's crate in memory and how long generating it took (ms), or a message naming
/// the model and each of its problems.
fn generate_target(root: &Path, target: &Target) -> Result<(Generated, f64), String> {
    let model = shown(root, &target.model);
    let text =
        fs::read_to_string(&target.model).map_err(|e| format!("cannot read model {model}: {e}"))?;
    let out = normalize(&target.out);
    // Crates written inside the workspace (but not under target/) are workspace members.
    let in_workspace = out.starts_with(root) && !out.starts_with(root.join("target"));
    let settings = CrateSettings {
        runtime_path: relative(&out, &root.join("runtime")),
        standalone: !in_workspace,
        ..CrateSettings::default()
    };
    let started = std::time::Instant::now();
    let generated =
        generate(&text, &target.options, &settings).map_err(|e| format!("{model}: {e}"))?;
    Ok((generated, started.elapsed().as_secs_f64() * 1000.0))
}

/// Subdirectories of `dir` that no target writes.
fn stale_crates(dir: &Path, targets: &[Target]) -> Vec<PathBuf> {
    let owned: Vec<PathBuf> = targets.iter().map(|t| normalize(&t.out)).collect();
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stale: Vec<PathBuf> = entries
        .flatten()
        .map(|e| normalize(&e.path()))
        .filter(|p| p.is_dir() && !owned.contains(p))
        .collect();
    stale.sort();
    stale
}

/// Files that differ, are missing, or should not be there, relative to `out`.
pub fn compare(out: &Path, files: &BTreeMap<String, String>) -> Vec<String> {
    let mut drifted = Vec::new();
    for (path, expected) in files {
        match fs::read_to_string(out.join(path)) {
            Ok(actual) if actual == *expected => {}
            Ok(_) => drifted.push(format!("{path} (differs)")),
            Err(_) => drifted.push(format!("{path} (missing)")),
        }
    }
    let mut existing = Vec::new();
    list_files(out, out, &mut existing);
    existing.sort();
    for path in existing {
        if !files.contains_key(&path) {
            drifted.push(format!("{path} (not generated; remove it)"));
        }
    }
    drifted
}

fn list_files(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path
            .strip_prefix(base)
            .expect("under base")
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "target" || rel == "Cargo.lock" {
            continue;
        }
        if path.is_dir() {
            list_files(base, &path, out);
        } else {
            out.push(rel);
        }
    }
}

/// Writes the crate into a sibling temporary directory, then swaps it in, so a failure leaves
/// the previous crate untouched (and no temporary directory behind). A `target/` or
/// `Cargo.lock` already in the output is kept.
pub fn write_atomically(out: &Path, files: &BTreeMap<String, String>) -> std::io::Result<()> {
    let parent = out.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let filled = (|| {
        for (path, text) in files {
            let dest = tmp.join(path);
            fs::create_dir_all(dest.parent().expect("file has a parent"))?;
            fs::write(dest, text)?;
        }
        Ok(())
    })();
    if let Err(e) = filled {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if out.exists() {
        for keep in ["target", "Cargo.lock"] {
            if out.join(keep).exists() {
                fs::rename(out.join(keep), tmp.join(keep))?;
            }
        }
        fs::rename(out, &old)?;
    }
    fs::rename(&tmp, out)?;
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/w/generated"), Path::new("/w/runtime")),
            "../runtime"
        );
        assert_eq!(
            relative(Path::new("/w/target/gen/kms"), Path::new("/w/runtime")),
            "../../../runtime"
        );
        assert_eq!(
            relative(Path::new("/w/a/../b"), Path::new("/w/runtime")),
            "../runtime"
        );
    }
}

#[cfg(test)]
mod run_tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = workspace_root()
            .join("target/xtask-tests")
            .join(format!("{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// A project tree shaped like the real one: the MemoryDB model and two fixture models.
    fn project(name: &str) -> PathBuf {
        let root = scratch(name);
        let real = workspace_root();
        fs::create_dir_all(root.join("model")).expect("model dir");
        fs::create_dir_all(root.join("tests/fixtures")).expect("fixtures dir");
        fs::copy(
            real.join("model/memorydb.json"),
            root.join("model/memorydb.json"),
        )
        .expect("copy model");
        for f in ["union", "map"] {
            fs::copy(
                real.join(format!("tests/fixtures/{f}.json")),
                root.join(format!("tests/fixtures/{f}.json")),
            )
            .expect("copy fixture");
        }
        root
    }

    /// Every file under `dir` (hidden ones too) with its contents.
    fn tree(dir: &Path) -> BTreeMap<String, String> {
        let mut files = Vec::new();
        list_files(dir, dir, &mut files);
        files
            .into_iter()
            .map(|f| {
                let text = fs::read_to_string(dir.join(&f)).expect("readable");
                (f, text)
            })
            .collect()
    }

    fn edit_model(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
        let mut model: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(path).expect("model")).expect("json");
        edit(&mut model);
        fs::write(path, model.to_string()).expect("write model");
    }

    #[test]
    fn project_crates_are_the_main_crate_and_one_per_fixture() {
        let root = workspace_root();
        let crates = Crates::project(&root).expect("lists fixtures");
        assert_eq!(crates.targets[0].out, root.join("generated"));
        assert_eq!(crates.targets[0].options.crate_name, None);
        let union = crates
            .targets
            .iter()
            .find(|t| t.model.ends_with("tests/fixtures/union.json"))
            .expect("union fixture");
        assert_eq!(union.out, root.join("tests/generated/union"));
        assert_eq!(union.options.crate_name.as_deref(), Some("fixture_union"));
        assert_eq!(crates.owned_dir, Some(root.join("tests/generated")));
    }

    #[test]
    fn all_with_one_broken_model_writes_nothing() {
        let root = project("all-broken");
        let crates = Crates::project(&root).expect("lists fixtures");
        ensure(&root, &crates, Mode::Write).expect("first write");
        // One model changes validly (its crate would be rewritten), another breaks: neither
        // crate may change.
        edit_model(&root.join("model/memorydb.json"), |m| {
            m["shapes"]["com.amazonaws.memorydb#Shard"]["traits"]["smithy.api#documentation"] =
                "<p>Changed.</p>".into();
        });
        edit_model(&root.join("tests/fixtures/union.json"), |m| {
            m["shapes"]["fixture.union#Value"]["members"]["Str"]["target"] =
                "fixture.union#Nope".into();
        });
        let before = tree(&root);
        for mode in [Mode::Write, Mode::Check] {
            let err = ensure(&root, &crates, mode).expect_err("broken model");
            assert_eq!(err.code, 2);
            assert!(
                err.message.contains("nothing was written")
                    && err.message.contains("tests/fixtures/union.json")
                    && err.message.contains(
                        "fixture.union#Value$Str: targets unknown shape fixture.union#Nope"
                    ),
                "{}",
                err.message
            );
            assert_eq!(
                tree(&root),
                before,
                "no file written, no temporary left behind"
            );
        }
        // The valid change alone would have rewritten its crate.
        fs::copy(
            workspace_root().join("tests/fixtures/union.json"),
            root.join("tests/fixtures/union.json"),
        )
        .expect("restore fixture");
        let err = ensure(&root, &crates, Mode::Check).expect_err("drift");
        assert_eq!(
            err.message.lines().skip(1).collect::<Vec<_>>(),
            ["  generated/src/types/shard.rs (differs)"]
        );
    }

    #[test]
    fn all_check_names_every_drifted_file_and_write_makes_it_current() {
        let root = project("all-check");
        let crates = Crates::project(&root).expect("lists fixtures");
        let err = ensure(&root, &crates, Mode::Check).expect_err("nothing generated yet");
        assert_eq!(err.code, 1);
        for missing in [
            "  generated/src/lib.rs (missing)",
            "  tests/generated/union/src/lib.rs (missing)",
            "  tests/generated/map/Cargo.toml (missing)",
            "run `cargo xtask codegen --all`",
        ] {
            assert!(err.message.contains(missing), "{missing}: {}", err.message);
        }
        ensure(&root, &crates, Mode::Write).expect("writes");
        ensure(&root, &crates, Mode::Check).expect("now current");

        let untouched = root.join("tests/generated/map/src/lib.rs");
        let stamp = fs::metadata(&untouched)
            .and_then(|m| m.modified())
            .expect("mtime");
        fs::write(root.join("generated/src/lib.rs"), "// edited by hand\n").expect("edit");
        fs::write(root.join("tests/generated/union/src/extra.rs"), "\n").expect("extra");
        fs::remove_file(root.join("tests/generated/union/Cargo.toml")).expect("remove");
        fs::create_dir_all(root.join("tests/generated/gone/src")).expect("stale crate");
        fs::write(root.join("tests/generated/gone/src/lib.rs"), "\n").expect("stale file");
        let err = ensure(&root, &crates, Mode::Check).expect_err("drift");
        let listed: Vec<&str> = err.message.lines().skip(1).collect();
        assert_eq!(
            listed,
            [
                "  generated/src/lib.rs (differs)",
                "  tests/generated/union/Cargo.toml (missing)",
                "  tests/generated/union/src/extra.rs (not generated; remove it)",
                "  tests/generated/gone/ (no model generates it; remove it)",
            ],
            "{}",
            err.message
        );

        ensure(&root, &crates, Mode::Write).expect("rewrites");
        ensure(&root, &crates, Mode::Check).expect("current again");
        assert!(!root.join("tests/generated/gone").exists());
        assert!(!root.join("tests/generated/union/src/extra.rs").exists());
        assert_eq!(
            fs::metadata(&untouched)
                .and_then(|m| m.modified())
                .expect("mtime"),
            stamp,
            "a current crate is not rewritten"
        );
    }

    #[test]
    fn failed_write_keeps_old_output_and_leaves_no_temporary() {
        let dir = scratch("write-fails");
        let out = dir.join("crate");
        fs::create_dir_all(&out).expect("out");
        fs::write(out.join("lib.rs"), "// previous output\n").expect("write");
        // `a` is written as a file, so `a/b` cannot be: the write fails halfway.
        let files: BTreeMap<String, String> = [("a", ""), ("a/b", "")]
            .into_iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        write_atomically(&out, &files).expect_err("a/b needs a directory a");
        assert_eq!(
            tree(&dir),
            tree_of(&[("crate/lib.rs", "// previous output\n")])
        );
    }

    fn tree_of(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn broken_model_writes_nothing_and_keeps_old_output() {
        let dir = scratch("broken");
        let out = dir.join("crate");
        fs::create_dir_all(out.join("src")).expect("out");
        fs::write(out.join("src/lib.rs"), "// previous output\n").expect("write");
        let model = dir.join("broken.json");
        let mut text: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(workspace_root().join("model/memorydb.json")).expect("model"),
        )
        .expect("json");
        text["shapes"]["com.amazonaws.memorydb#Shard"]["members"]["Status"]["target"] =
            "com.amazonaws.memorydb#Nope".into();
        fs::write(&model, text.to_string()).expect("write model");
        let err = run(&args(&[
            "--model",
            model.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]))
        .expect_err("fails");
        assert_eq!(err.code, 2);
        assert!(err.message.contains("com.amazonaws.memorydb#Shard$Status: targets unknown shape com.amazonaws.memorydb#Nope"), "{}", err.message);
        assert_eq!(
            fs::read_to_string(out.join("src/lib.rs")).expect("kept"),
            "// previous output\n"
        );
        assert_eq!(
            fs::read_dir(&out).expect("dir").count(),
            1,
            "nothing new was written"
        );
        assert_eq!(
            fs::read_dir(&dir).expect("dir").count(),
            2,
            "no temporary directory left behind"
        );
    }

    #[test]
    fn check_names_drifted_files_then_passes_after_writing() {
        let dir = scratch("check");
        let out = dir.join("crate");
        let model = workspace_root().join("tests/fixtures/union.json");
        let base = [
            "--model",
            model.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        let err =
            run(&args(&[&base[..], &["--check"]].concat())).expect_err("missing output drifts");
        assert_eq!(err.code, 1);
        assert!(
            err.message.contains("src/lib.rs (missing)"),
            "{}",
            err.message
        );
        run(&args(&base)).map_err(|f| f.message).expect("writes");
        run(&args(&[&base[..], &["--check"]].concat()))
            .map_err(|f| f.message)
            .expect("now current");
        fs::write(out.join("src/lib.rs"), "// edited by hand\n").expect("edit");
        fs::write(out.join("src/extra.rs"), "\n").expect("extra");
        let err = run(&args(&[&base[..], &["--check"]].concat())).expect_err("drift detected");
        assert!(
            err.message.contains("src/lib.rs (differs)")
                && err
                    .message
                    .contains("src/extra.rs (not generated; remove it)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn operation_filter_and_unknown_arguments() {
        let dir = scratch("ops");
        let out = dir.join("crate");
        let model = workspace_root().join("model/memorydb.json");
        run(&args(&[
            "--model",
            model.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--operation",
            "FailoverShard",
        ]))
        .map_err(|f| f.message)
        .expect("writes");
        assert!(out.join("src/operation/failover_shard.rs").exists());
        assert!(!out.join("src/operation/describe_clusters.rs").exists());
        let toml = fs::read_to_string(out.join("Cargo.toml")).expect("toml");
        assert!(
            toml.contains("[workspace]"),
            "crates outside the workspace build on their own"
        );
        assert_eq!(run(&args(&["--bogus"])).expect_err("rejected").code, 2);
        let err = run(&args(&["--all", "--check", "--model", "x.json"])).expect_err("rejected");
        assert_eq!(err.code, 2);
        assert!(
            err.message.starts_with("--all takes no --model"),
            "{}",
            err.message
        );
    }
}
