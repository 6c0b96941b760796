//! The committed generated crates are exactly what the generator writes today.

use std::path::Path;

use aws_client_codegen::{generate, CrateSettings, Options};
use tests::{fixture_models, workspace_root};

fn check(model: &Path, out: &Path, crate_name: Option<String>) -> Vec<String> {
    let text = std::fs::read_to_string(model).expect("model readable");
    let options = Options {
        crate_name,
        ..Options::default()
    };
    let settings = CrateSettings {
        runtime_path: relative_runtime(out),
        ..CrateSettings::default()
    };
    let generated = generate(&text, &options, &settings).expect("model generates");
    let mut drift = Vec::new();
    for (path, expected) in &generated.files {
        match std::fs::read_to_string(out.join(path)) {
            Ok(actual) if &actual == expected => {}
            Ok(_) => drift.push(format!("{} differs", out.join(path).display())),
            Err(_) => drift.push(format!("{} is missing", out.join(path).display())),
        }
    }
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable").flatten() {
            let p = entry.path();
            let rel = p
                .strip_prefix(out)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            if rel == "target" || rel == "Cargo.lock" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if !generated.files.contains_key(&rel) {
                drift.push(format!("{} is not generated", p.display()));
            }
        }
    }
    drift
}

fn relative_runtime(out: &Path) -> String {
    let depth = out
        .strip_prefix(workspace_root())
        .expect("inside the workspace")
        .components()
        .count();
    format!("{}runtime", "../".repeat(depth))
}

#[test]
fn generated_crate_matches_model() {
    let drift = check(
        &workspace_root().join("model/memorydb.json"),
        &workspace_root().join("generated"),
        None,
    );
    assert!(
        drift.is_empty(),
        "generated/ drifted; run `cargo xtask codegen`:\n{}",
        drift.join("\n")
    );
}

#[test]
fn fixture_crates_match_fixture_models() {
    let mut drift = Vec::new();
    for (name, path) in fixture_models() {
        let out = workspace_root().join("tests/generated").join(&name);
        drift.extend(check(&path, &out, Some(format!("fixture_{name}"))));
    }
    assert!(
        drift.is_empty(),
        "fixture crates drifted; regenerate them (see README):\n{}",
        drift.join("\n")
    );
}
