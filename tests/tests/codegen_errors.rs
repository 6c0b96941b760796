//! Broken or unsupported models are rejected with every problem named by shape and member,
//! and nothing is produced.

use aws_client_codegen::{generate, CrateSettings, Options};
use serde_json::{json, Value};

fn base() -> Value {
    json!({
        "smithy": "2.0",
        "shapes": {
            "ex#Svc": {
                "type": "service", "version": "1",
                "operations": [{"target": "ex#Op"}],
                "traits": {
                    "aws.protocols#awsJson1_0": {},
                    "aws.auth#sigv4": {"name": "svc"},
                    "aws.api#service": {"sdkId": "Svc"},
                    "smithy.rules#endpointRuleSet": {"version": "1.0", "parameters": {}, "rules": []}
                }
            },
            "ex#Op": {"type": "operation", "input": {"target": "ex#OpInput"}, "output": {"target": "smithy.api#Unit"}},
            "ex#OpInput": {"type": "structure", "members": {"Name": {"target": "smithy.api#String"}}}
        }
    })
}

fn problems(model: &Value, options: &Options) -> Vec<String> {
    match generate(&model.to_string(), options, &CrateSettings::default()) {
        Ok(_) => panic!("model should have been rejected"),
        Err(e) => e.diagnostics.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn base_model_generates() {
    let out = generate(
        &base().to_string(),
        &Options::default(),
        &CrateSettings::default(),
    )
    .expect("valid");
    assert!(out.files.contains_key("src/operation/op.rs"));
}

#[test]
fn unknown_target_names_shape_and_member() {
    let mut m = base();
    m["shapes"]["ex#OpInput"]["members"]["Bad"] = json!({"target": "ex#Missing"});
    let p = problems(&m, &Options::default());
    assert_eq!(p, vec!["ex#OpInput$Bad: targets unknown shape ex#Missing"]);
}

#[test]
fn members_clashing_after_case_conversion() {
    let mut m = base();
    m["shapes"]["ex#OpInput"]["members"]["name"] = json!({"target": "smithy.api#String"});
    let p = problems(&m, &Options::default());
    assert!(
        p.iter().any(|d| d
            .starts_with("ex#OpInput$name: its Rust name `name` clashes with that of member Name")),
        "{p:?}"
    );
}

#[test]
fn unsupported_protocol() {
    let mut m = base();
    let traits = m["shapes"]["ex#Svc"]["traits"]
        .as_object_mut()
        .expect("object");
    traits.remove("aws.protocols#awsJson1_0");
    traits.insert("aws.protocols#restJson1".into(), json!({}));
    let p = problems(&m, &Options::default());
    assert!(
        p.iter()
            .any(|d| d.starts_with("ex#Svc: unsupported protocol")),
        "{p:?}"
    );
}

#[test]
fn several_problems_are_all_reported() {
    let mut m = base();
    m["shapes"]["ex#OpInput"]["members"]["A"] = json!({"target": "ex#Nope1"});
    m["shapes"]["ex#OpInput"]["members"]["B"] = json!({"target": "ex#Nope2"});
    m["shapes"]["ex#Weird"] = json!({"type": "quantum"});
    let p = problems(&m, &Options::default());
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p
        .iter()
        .any(|d| d == "ex#Weird: unknown shape type \"quantum\""));
}

#[test]
fn unknown_operation_is_an_error() {
    let options = Options {
        operations: vec!["Nope".into()],
        ..Options::default()
    };
    assert_eq!(
        problems(&base(), &options),
        vec!["ex#Svc: has no operation named \"Nope\""]
    );
}

#[test]
fn event_streams_are_reported_not_emitted() {
    let mut m = base();
    m["shapes"]["ex#Events"] = json!({"type": "union", "members": {"A": {"target": "smithy.api#String"}}, "traits": {"smithy.api#streaming": {}}});
    m["shapes"]["ex#OpInput"]["members"]["Stream"] = json!({"target": "ex#Events"});
    // Asked for explicitly: an error naming the member.
    let p = problems(
        &m,
        &Options {
            operations: vec!["Op".into()],
            ..Options::default()
        },
    );
    assert!(
        p[0].contains("ex#OpInput$Stream is an event stream"),
        "{p:?}"
    );
    // All operations: generated without it, and listed as skipped.
    m["shapes"]["ex#Svc"]["operations"] = json!([{"target": "ex#Op"}, {"target": "ex#Other"}]);
    m["shapes"]["ex#Other"] = json!({"type": "operation"});
    let out = generate(
        &m.to_string(),
        &Options::default(),
        &CrateSettings::default(),
    )
    .expect("generates the rest");
    assert_eq!(out.operations, 1);
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].operation, "ex#Op");
    assert!(!out.files.contains_key("src/operation/op.rs"));
}

#[test]
fn not_json_is_a_clear_error() {
    let e =
        generate("{ nope", &Options::default(), &CrateSettings::default()).expect_err("rejected");
    assert!(e.to_string().contains("not a Smithy JSON AST model"), "{e}");
}
