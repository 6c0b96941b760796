//! Fidelity check for `model/memorydb.json`.
//!
//! Our model is a hand-maintained subset of the official MemoryDB Smithy model
//! (`../shared/models/memorydb-2021-01-01.json`). Every fact in it (shape ids,
//! types, members, targets, traits) must agree with the official model; only the
//! `smithy.api#documentation` text is ours, and it must not be the official text.
//!
//! When the official model is missing, the tests fail if `CI=true` and otherwise
//! print what is missing and return.

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::path::Path;

const OURS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../model/memorydb.json");
const OFFICIAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/models/memorydb-2021-01-01.json"
);

const SERVICE: &str = "com.amazonaws.memorydb#AmazonMemoryDB";
const CLUSTER: &str = "com.amazonaws.memorydb#Cluster";
const ROOTS: [&str; 2] = [
    "com.amazonaws.memorydb#FailoverShard",
    "com.amazonaws.memorydb#DescribeClusters",
];
const DOC: &str = "smithy.api#documentation";

/// Service traits that must be present in our model and equal to the official ones.
const REQUIRED_SERVICE_TRAITS: [&str; 6] = [
    "aws.api#service",
    "aws.auth#sigv4",
    "aws.protocols#awsJson1_1",
    "smithy.api#title",
    "smithy.rules#endpointRuleSet",
    "smithy.rules#endpointTests",
];
/// Service traits we may keep; when present they must equal the official ones.
const OPTIONAL_SERVICE_TRAITS: [&str; 1] = ["smithy.api#xmlNamespace"];

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{path} is not valid JSON: {e}"))
}

/// Loads the official model, or returns `None` (outside CI) when it is absent.
fn official_model() -> Option<Value> {
    if !Path::new(OFFICIAL).is_file() {
        let msg = format!(
            "official MemoryDB model not found: {OFFICIAL} \
             (the reference folder ../shared must sit next to the project root)"
        );
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{msg}");
        }
        eprintln!("skipping model fidelity check: {msg}");
        return None;
    }
    Some(read_json(OFFICIAL))
}

fn shapes(model: &Value, which: &str) -> Map<String, Value> {
    model
        .get("shapes")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("{which} model has no `shapes` object"))
        .clone()
}

/// Copy of `v` with every `smithy.api#documentation` key removed, at any depth.
/// A `traits` object left empty by the removal is dropped as well, so that a
/// member documented only by us compares equal to an official member without traits.
fn strip_docs(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, x) in map.iter() {
                if k == DOC {
                    continue;
                }
                let x = strip_docs(x);
                if k == "traits" && x.as_object().is_some_and(|o| o.is_empty()) {
                    continue;
                }
                out.insert(k.clone(), x);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}

fn target_of(v: &Value) -> Option<String> {
    v.get("target").and_then(Value::as_str).map(str::to_owned)
}

/// Shape ids a shape refers to directly: operation input/output/errors,
/// collection member/key/value, and structure/union/enum member targets.
fn references(shape: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["input", "output", "member", "key", "value"] {
        if let Some(t) = shape.get(key).and_then(target_of) {
            out.push(t);
        }
    }
    if let Some(errors) = shape.get("errors").and_then(Value::as_array) {
        out.extend(errors.iter().filter_map(target_of));
    }
    if let Some(members) = shape.get("members").and_then(Value::as_object) {
        out.extend(members.iter().filter_map(|(_, m)| target_of(m)));
    }
    out
}

/// All non-prelude shapes reachable from `roots` in `shapes`, roots included.
fn closure(shapes: &Map<String, Value>, roots: &[&str]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.iter().map(|s| s.to_string()).collect();
    while let Some(id) = stack.pop() {
        if id.starts_with("smithy.api#") || seen.contains(&id) {
            continue;
        }
        let shape = shapes
            .get(&id)
            .unwrap_or_else(|| panic!("official model refers to unknown shape {id}"));
        stack.extend(references(shape));
        seen.insert(id);
    }
    seen
}

/// Whether this build of serde_json keeps object keys in document order
/// (the `preserve_order` feature). Member order can only be checked if it does.
fn keeps_key_order() -> bool {
    let probe: Value = serde_json::from_str(r#"{"b":0,"a":0}"#).unwrap();
    probe
        .as_object()
        .and_then(|o| o.keys().next().cloned())
        .as_deref()
        == Some("b")
}

fn member_names(shape: &Value) -> Vec<String> {
    shape
        .get("members")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn check_service(ours: &Value, official: &Value) {
    let keys: BTreeSet<&str> = ours
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let allowed: BTreeSet<&str> = ["type", "version", "operations", "traits"]
        .into_iter()
        .collect();
    assert!(
        keys.is_subset(&allowed),
        "service shape has unexpected keys: {keys:?}"
    );

    assert_eq!(
        ours.get("type"),
        Some(&Value::String("service".into())),
        "service type"
    );
    assert!(ours.get("version").is_some(), "service has no version");
    assert_eq!(
        ours.get("version"),
        official.get("version"),
        "service version"
    );

    let official_ops: BTreeSet<String> = official
        .get("operations")
        .and_then(Value::as_array)
        .expect("official service lists operations")
        .iter()
        .filter_map(target_of)
        .collect();
    let our_ops: BTreeSet<String> = ours
        .get("operations")
        .and_then(Value::as_array)
        .expect("our service lists operations")
        .iter()
        .map(|o| target_of(o).unwrap_or_else(|| panic!("operation entry without target: {o:?}")))
        .collect();
    assert!(
        our_ops.is_subset(&official_ops),
        "service operations not in the official model: {:?}",
        our_ops.difference(&official_ops).collect::<Vec<_>>()
    );
    let roots: BTreeSet<String> = ROOTS.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        our_ops, roots,
        "service must list exactly the covered operations"
    );

    let ours_traits = ours
        .get("traits")
        .and_then(Value::as_object)
        .expect("service traits");
    let official_traits = official
        .get("traits")
        .and_then(Value::as_object)
        .expect("official service traits");
    for name in REQUIRED_SERVICE_TRAITS {
        let mine = ours_traits
            .get(name)
            .unwrap_or_else(|| panic!("service trait {name} missing from our model"));
        assert_eq!(
            Some(mine),
            official_traits.get(name),
            "service trait {name} differs"
        );
    }
    for name in OPTIONAL_SERVICE_TRAITS {
        if let Some(mine) = ours_traits.get(name) {
            assert_eq!(
                Some(mine),
                official_traits.get(name),
                "service trait {name} differs"
            );
        }
    }
    for name in ours_traits.keys() {
        assert!(
            name == DOC
                || REQUIRED_SERVICE_TRAITS.contains(&name.as_str())
                || OPTIONAL_SERVICE_TRAITS.contains(&name.as_str()),
            "unexpected service trait {name}"
        );
    }
}

#[test]
fn model_agrees_with_official_model() {
    let Some(official) = official_model() else {
        return;
    };
    let ours = read_json(OURS);
    assert_eq!(
        ours.get("smithy").and_then(Value::as_str),
        Some("2.0"),
        "smithy version"
    );

    let ours = shapes(&ours, "our");
    let official = shapes(&official, "official");

    // Same set of shapes as the closure of the covered operations (plus the service).
    let mut expected = closure(&official, &ROOTS);
    expected.insert(SERVICE.to_string());
    let actual: BTreeSet<String> = ours.keys().cloned().collect();
    assert!(
        actual == expected,
        "shape set differs from the closure of {ROOTS:?}\n  missing: {:?}\n  extra: {:?}",
        expected.difference(&actual).collect::<Vec<_>>(),
        actual.difference(&expected).collect::<Vec<_>>()
    );

    // Every shape equal to the official one once documentation is ignored.
    let ordered = keeps_key_order();
    for (id, shape) in ours.iter() {
        let theirs = official
            .get(id)
            .unwrap_or_else(|| panic!("shape {id} does not exist in the official model"));
        if id == SERVICE {
            check_service(shape, theirs);
            continue;
        }
        assert_eq!(
            strip_docs(shape),
            strip_docs(theirs),
            "shape {id} differs from the official model (documentation ignored)"
        );
        if ordered {
            assert_eq!(
                member_names(shape),
                member_names(theirs),
                "member order of {id}"
            );
        }
    }
    if !ordered {
        eprintln!(
            "note: serde_json is built without `preserve_order`, so member order was not checked"
        );
    }

    let cluster_members = ours
        .get(CLUSTER)
        .and_then(|s| s.get("members"))
        .and_then(Value::as_object)
        .map(|m| m.len());
    assert_eq!(cluster_members, Some(30), "Cluster must have 30 members");
}

/// `(place, text)` for each documentation trait on a shape and on its members.
fn docs_of(shape: &Value) -> Vec<(String, String)> {
    fn doc(v: &Value) -> Option<String> {
        v.get("traits")
            .and_then(|t| t.get(DOC))
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
    let mut out = Vec::new();
    if let Some(d) = doc(shape) {
        out.push((String::new(), d));
    }
    if let Some(members) = shape.get("members").and_then(Value::as_object) {
        for (name, m) in members.iter() {
            if let Some(d) = doc(m) {
                out.push((format!("${name}"), d));
            }
        }
    }
    for key in ["member", "key", "value"] {
        if let Some(d) = shape.get(key).and_then(doc) {
            out.push((format!("${key}"), d));
        }
    }
    out
}

fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[test]
fn documentation_is_our_own() {
    let Some(official) = official_model() else {
        return;
    };
    let ours = shapes(&read_json(OURS), "our");
    let official = shapes(&official, "official");

    let mut checked = 0;
    for (id, shape) in ours.iter() {
        let theirs = official.get(id).map(docs_of).unwrap_or_default();
        let mine = docs_of(shape);
        for (place, text) in &mine {
            assert!(
                !text.trim().is_empty(),
                "empty documentation on {id}{place}"
            );
            if let Some((_, official_text)) = theirs.iter().find(|(p, _)| p == place) {
                assert_ne!(
                    normalize(text),
                    normalize(official_text),
                    "documentation of {id}{place} is the official text"
                );
            }
            checked += 1;
        }
        // Official documentation must be replaced, not dropped.
        for (place, _) in &theirs {
            assert!(
                mine.iter().any(|(p, _)| p == place),
                "{id}{place} is documented officially but not in our model"
            );
        }
    }
    assert!(checked > 0, "our model has no documentation at all");
}
