//! Shared helpers for the workspace's integration and drift tests.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

pub mod stub_server;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests lives in the workspace")
        .to_path_buf()
}

/// A file from the shared reference material beside the project, or `None` (with a message)
/// when it is missing outside CI. Under `CI=true` a missing file is a failure.
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let path = workspace_root().join("..").join("shared").join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("reference file ../shared/{relative} is missing, and CI=true requires it");
    }
    eprintln!("skipping: reference file ../shared/{relative} is missing");
    None
}

/// Fixture models under `tests/fixtures/`, as (name, path), sorted.
pub fn fixture_models() -> Vec<(String, PathBuf)> {
    let dir = workspace_root().join("tests/fixtures");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            (
                p.file_stem()
                    .expect("file name")
                    .to_string_lossy()
                    .into_owned(),
                p,
            )
        })
        .collect();
    out.sort();
    out
}

/// An error and all its sources, joined with `: `, as a reporter that walks
/// [`source`](std::error::Error::source) prints it.
pub fn error_report(error: &(dyn std::error::Error + 'static)) -> String {
    error_chain(error).join(": ")
}

/// The `Display` of an error and of each of its sources, outermost first.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    std::iter::successors(Some(error), |e| e.source())
        .map(ToString::to_string)
        .collect()
}
