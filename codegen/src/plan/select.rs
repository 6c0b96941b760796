//! Selection pass: the service, the operations to generate (or skip, with the reason), and
//! the closure of shapes they reach, which become types.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Options, Skipped};
use crate::error::{Diagnostic, Error};
use crate::index::{shape_name, Shape, ShapeIndex, ShapeType};

/// The chosen operations and what they reach.
#[derive(Debug, Default)]
pub struct Selection {
    /// Operations to generate, in model order.
    pub operations: Vec<String>,
    /// Operations left out, with the reason.
    pub skipped: Vec<Skipped>,
    /// Error structures of the chosen operations and the service.
    pub errors: BTreeSet<String>,
    /// Structures, unions and enums reached through members of inputs, outputs and errors.
    pub types: BTreeSet<String>,
    /// Every structure or union whose members may form a cycle: the types, the errors and
    /// the operations' inputs and outputs.
    pub aggregates: Vec<String>,
}

/// The operations named in the options (every supported one when none are), each unsupported
/// one skipped with its reason; a named operation that is missing or unsupported is an error.
pub fn operations(
    index: &ShapeIndex,
    service: &Shape,
    options: &Options,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<String>, Vec<Skipped>) {
    let all_ops = index.service_operations(service);
    let mut chosen = Vec::new();
    let mut skipped = Vec::new();
    if options.operations.is_empty() {
        for op in &all_ops {
            match unsupported_reason(index, index.expect(op)) {
                Some(reason) => skipped.push(Skipped {
                    operation: op.clone(),
                    reason,
                }),
                None => chosen.push(op.clone()),
            }
        }
    } else {
        for wanted in &options.operations {
            match all_ops.iter().find(|id| shape_name(id) == wanted) {
                None => diags.push(Diagnostic::new(
                    &service.id,
                    format!("has no operation named {wanted:?}"),
                )),
                Some(op) => match unsupported_reason(index, index.expect(op)) {
                    Some(reason) => diags.push(Diagnostic::new(
                        op,
                        format!("cannot be generated: {reason}"),
                    )),
                    None if !chosen.contains(op) => chosen.push(op.clone()),
                    None => {}
                },
            }
        }
    }
    (chosen, skipped)
}

/// What the chosen operations reach. Inputs and outputs themselves become per-operation
/// types, so only their members' targets are roots; errors that are not structures are
/// reported.
pub fn closure(
    index: &ShapeIndex,
    service: &Shape,
    operations: Vec<String>,
    skipped: Vec<Skipped>,
    diags: &mut Vec<Diagnostic>,
) -> Selection {
    let mut errors = BTreeSet::new();
    let mut roots = Vec::new();
    for op in &operations {
        let s = index.expect(op);
        for io in s.input.iter().chain(&s.output) {
            roots.extend(index.expect(io).members.iter().map(|m| m.target.clone()));
        }
        for e in s.errors.iter().chain(&service.errors) {
            let error = index.expect(e);
            if error.ty != ShapeType::Structure {
                diags.push(Diagnostic::new(
                    e,
                    format!(
                        "is listed as an error (of {op} or its service) but is a {:?} shape, not a structure",
                        error.ty
                    ),
                ));
                continue;
            }
            errors.insert(e.clone());
            roots.extend(error.members.iter().map(|m| m.target.clone()));
        }
    }
    let closure = index.closure(&roots);
    let types: BTreeSet<String> = closure
        .iter()
        .filter(|id| {
            matches!(
                index.expect(id).ty,
                ShapeType::Structure | ShapeType::Union | ShapeType::Enum | ShapeType::IntEnum
            ) && id.as_str() != "smithy.api#Unit"
        })
        .cloned()
        .collect();
    let mut aggregates: Vec<String> = closure.into_iter().collect();
    for op in &operations {
        let s = index.expect(op);
        aggregates.extend(s.input.iter().chain(&s.output).cloned());
    }
    aggregates.extend(errors.iter().cloned());
    Selection {
        operations,
        skipped,
        errors,
        types,
        aggregates,
    }
}

pub fn service<'a>(index: &'a ShapeIndex, options: &Options) -> Result<&'a Shape, Error> {
    let services = index.services();
    match &options.service {
        Some(id) => index
            .get(id)
            .filter(|s| s.ty == ShapeType::Service)
            .ok_or_else(|| Error::single(id.as_str(), "no such service shape in the model")),
        None => match services.as_slice() {
            [one] => Ok(one),
            [] => Err(Error::single("", "the model has no service shape")),
            many => Err(Error::single(
                "",
                format!(
                    "the model has several services ({}); choose one",
                    many.iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        },
    }
}

/// Why an operation cannot be generated correctly, if it cannot.
fn unsupported_reason(index: &ShapeIndex, op: &Shape) -> Option<String> {
    for io in op.input.iter().chain(&op.output) {
        let shape = index.expect(io);
        for m in &shape.members {
            let target = index.expect(&m.target);
            if m.traits.has("smithy.api#streaming") || target.traits.has("smithy.api#streaming") {
                let what = if target.ty == ShapeType::Union {
                    "an event stream"
                } else {
                    "a streaming blob"
                };
                return Some(format!(
                    "member {}${} is {what}, which awsJson clients here do not support",
                    shape.id, m.name
                ));
            }
        }
    }
    if let Some(d) = op.traits.get("aws.api#clientDiscoveredEndpoint") {
        if d.get("required").and_then(Value::as_bool) == Some(true) {
            return Some("it requires endpoint discovery, which is not supported".into());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::plan::test_model::base;

    fn index_of(m: &serde_json::Value) -> ShapeIndex {
        ShapeIndex::from_json(&m.to_string()).expect("loads")
    }

    fn with_stream_op() -> serde_json::Value {
        let mut m = base();
        m["shapes"]["ex#Svc"]["operations"] = json!([{"target": "ex#Op"}, {"target": "ex#Watch"}]);
        m["shapes"]["ex#Watch"] =
            json!({"type": "operation", "output": {"target": "ex#WatchOutput"}});
        m["shapes"]["ex#WatchOutput"] = json!({"type": "structure", "members": {
            "Events": {"target": "ex#Events"}}});
        m["shapes"]["ex#Events"] = json!({"type": "union", "members": {
            "Tick": {"target": "ex#Tick"}}, "traits": {"smithy.api#streaming": {}}});
        m["shapes"]["ex#Tick"] = json!({"type": "structure", "members": {}});
        m
    }

    #[test]
    fn unsupported_operations_are_skipped_with_the_reason_or_refused_when_named() {
        let index = index_of(&with_stream_op());
        let svc = index.expect("ex#Svc");
        let mut diags = Vec::new();
        let (chosen, skipped) = operations(&index, svc, &Options::default(), &mut diags);
        assert_eq!(chosen, vec!["ex#Op".to_string()]);
        assert_eq!(skipped.len(), 1);
        assert!(
            skipped[0].reason.contains("event stream"),
            "{:?}",
            skipped[0]
        );
        assert!(diags.is_empty());

        let named = Options {
            operations: vec!["Watch".into(), "Nope".into()],
            ..Options::default()
        };
        let (chosen, _) = operations(&index, svc, &named, &mut diags);
        assert!(chosen.is_empty());
        let mut shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
        shown.sort();
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[0], "ex#Svc: has no operation named \"Nope\"");
        assert!(shown[1].starts_with("ex#Watch: cannot be generated"));
    }

    #[test]
    fn the_closure_holds_what_inputs_outputs_and_errors_reach() {
        let mut m = base();
        m["shapes"]["ex#Op"]["errors"] =
            json!([{"target": "ex#Busy"}, {"target": "ex#NotAStruct"}]);
        m["shapes"]["ex#Busy"] = json!({"type": "structure", "members": {
            "Why": {"target": "ex#Reason"}}, "traits": {"smithy.api#error": "server"}});
        m["shapes"]["ex#Reason"] = json!({"type": "enum", "members": {
            "SLOW": {"target": "smithy.api#Unit"}}});
        m["shapes"]["ex#NotAStruct"] = json!({"type": "string"});
        m["shapes"]["ex#Unused"] = json!({"type": "structure", "members": {}});
        let index = index_of(&m);
        let mut diags = Vec::new();
        let sel = closure(
            &index,
            index.expect("ex#Svc"),
            vec!["ex#Op".into()],
            Vec::new(),
            &mut diags,
        );
        assert_eq!(sel.errors, BTreeSet::from(["ex#Busy".to_string()]));
        assert_eq!(sel.types, BTreeSet::from(["ex#Reason".to_string()]));
        assert!(sel.aggregates.contains(&"ex#OpInput".to_string()));
        assert!(sel.aggregates.contains(&"ex#Busy".to_string()));
        assert_eq!(diags.len(), 1);
        assert!(diags[0]
            .to_string()
            .starts_with("ex#NotAStruct: is listed as an error"));
    }
}
