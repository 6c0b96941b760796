//! `cargo xtask codegen`: regenerate a client crate from a model, or check it is current.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use aws_client_codegen::{generate, CrateSettings, Options};

use crate::{workspace_root, Failure};

pub const USAGE: &str = "cargo xtask codegen [--check] [--model FILE] [--out DIR] [--operation NAME]... [--crate-name NAME]

  --check           compare instead of writing; exit 1 and name each drifted file
  --model FILE      Smithy JSON AST model (default: model/memorydb.json)
  --out DIR         output crate directory (default: generated/)
  --operation NAME  generate only this operation (repeatable; default: all)
  --crate-name NAME package name (default: from the service's sdkId)";

struct Args {
    check: bool,
    model: PathBuf,
    out: PathBuf,
    options: Options,
}

fn parse(args: &[String]) -> Result<Args, Failure> {
    let root = workspace_root();
    let mut parsed = Args {
        check: false,
        model: root.join("model/memorydb.json"),
        out: root.join("generated"),
        options: Options::default(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| Failure::new(2, format!("{name} needs a value\n\n{USAGE}")))
        };
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--model" => parsed.model = absolute(&value("--model")?),
            "--out" => parsed.out = absolute(&value("--out")?),
            "--operation" => parsed.options.operations.push(value("--operation")?),
            "--crate-name" => parsed.options.crate_name = Some(value("--crate-name")?),
            "--service" => parsed.options.service = Some(value("--service")?),
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
pub(crate) fn relative(from: &Path, to: &Path) -> String {
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

pub fn run(args: &[String]) -> Result<(), Failure> {
    let args = parse(args)?;
    let root = workspace_root();
    let text = fs::read_to_string(&args.model).map_err(|e| {
        Failure::new(
            2,
            format!("cannot read model {}: {e}", args.model.display()),
        )
    })?;
    let out = normalize(&args.out);
    // Crates written inside the workspace (but not under target/) are workspace members.
    let in_workspace = out.starts_with(&root) && !out.starts_with(root.join("target"));
    let settings = CrateSettings {
        runtime_path: relative(&out, &root.join("runtime")),
        standalone: !in_workspace,
        ..CrateSettings::default()
    };
    let started = std::time::Instant::now();
    let generated = generate(&text, &args.options, &settings)
        .map_err(|e| Failure::new(2, format!("{}: {e}", args.model.display())))?;
    let elapsed = started.elapsed();
    for s in &generated.skipped {
        eprintln!("skipped {}: {}", s.operation, s.reason);
    }
    for g in &generated.paginator_gaps {
        eprintln!("no paginator for {}: {}", g.operation, g.reason);
    }
    if args.check {
        let drifted = compare(&out, &generated.files);
        if drifted.is_empty() {
            eprintln!(
                "{} is up to date ({} files)",
                out.display(),
                generated.files.len()
            );
            return Ok(());
        }
        let list: Vec<String> = drifted.iter().map(|d| format!("  {d}")).collect();
        return Err(Failure::new(
            1,
            format!(
                "{} is out of date; run `cargo xtask codegen`:\n{}",
                out.display(),
                list.join("\n")
            ),
        ));
    }
    write_atomically(&out, &generated.files)
        .map_err(|e| Failure::new(1, format!("writing {}: {e}", out.display())))?;
    eprintln!(
        "generated {} operations into {} ({} files) in {:.1} ms",
        generated.operations,
        out.display(),
        generated.files.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Files that differ, are missing, or should not be there.
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
/// the previous crate untouched. A `target/` or `Cargo.lock` already in the output is kept.
pub(crate) fn write_atomically(
    out: &Path,
    files: &BTreeMap<String, String>,
) -> std::io::Result<()> {
    let parent = out.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    for (path, text) in files {
        let dest = tmp.join(path);
        fs::create_dir_all(dest.parent().expect("file has a parent"))?;
        fs::write(dest, text)?;
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
    }
}
