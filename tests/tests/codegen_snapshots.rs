//! Snapshots of every generated file, for the project model and for each fixture model (one
//! Smithy construct each). A change in generated code shows up here as a reviewable diff.

use aws_client_codegen::{generate, CrateSettings, Options};
use tests::{fixture_models, workspace_root};

fn snapshot_crate(label: &str, model: &std::path::Path, crate_name: Option<&str>) {
    let text = std::fs::read_to_string(model).expect("model readable");
    let options = Options {
        crate_name: crate_name.map(str::to_string),
        ..Options::default()
    };
    let generated = generate(&text, &options, &CrateSettings::default())
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (path, contents) in &generated.files {
            let name = format!("{label}__{}", path.replace(['/', '.'], "_"));
            insta::assert_snapshot!(name, contents);
        }
    });
}

#[test]
fn memorydb_model() {
    snapshot_crate(
        "memorydb",
        &workspace_root().join("model/memorydb.json"),
        None,
    );
}

#[test]
fn fixture_models_one_construct_each() {
    let fixtures = fixture_models();
    assert!(
        fixtures.len() >= 13,
        "expected a fixture per construct, found {}",
        fixtures.len()
    );
    for (name, path) in fixtures {
        snapshot_crate(
            &format!("fixture_{name}"),
            &path,
            Some(&format!("fixture_{name}")),
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let text =
        std::fs::read_to_string(workspace_root().join("model/memorydb.json")).expect("model");
    let a = generate(&text, &Options::default(), &CrateSettings::default()).expect("generates");
    let b = generate(&text, &Options::default(), &CrateSettings::default()).expect("generates");
    assert_eq!(a.files, b.files);
}
