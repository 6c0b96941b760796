//! The committed generated crates are exactly what the generator writes today. The check is
//! `cargo xtask codegen --all --check` itself, called as a function, so the test and CI cannot
//! disagree about what counts as drift.

use aws_client_codegen::{generate, CrateSettings, Options};
use tests::workspace_root;
use xtask::codegen::{ensure, Crates, Mode};

#[test]
fn committed_crates_match_their_models() {
    let root = workspace_root();
    let crates = Crates::project(&root).expect("fixture models listed");
    assert!(
        crates.targets.len() > 13,
        "expected the MemoryDB crate and a fixture per construct, found {} crates",
        crates.targets.len()
    );
    if let Err(failure) = ensure(&root, &crates, Mode::Check) {
        panic!("{}", failure.message);
    }
}

// A byte comparison is only meaningful if generating twice gives the same bytes.
#[test]
fn generation_is_deterministic() {
    let text =
        std::fs::read_to_string(workspace_root().join("model/memorydb.json")).expect("model");
    let a = generate(&text, &Options::default(), &CrateSettings::default()).expect("generates");
    let b = generate(&text, &Options::default(), &CrateSettings::default()).expect("generates");
    assert_eq!(a.files, b.files);
}
