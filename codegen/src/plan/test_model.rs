//! Small models for the passes' unit tests.

use serde_json::{json, Value};

use super::{plan, Options, Plan};
use crate::error::Error;
use crate::index::ShapeIndex;

/// A service `ex#Svc` with one operation `ex#Op` (input `ex#OpInput` with one string member
/// `Name`, no output); tests add shapes and members.
pub fn base() -> Value {
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

/// Plans the model with default options.
pub fn plan_of(model: &Value) -> Result<Plan, Error> {
    let index = ShapeIndex::from_json(&model.to_string()).expect("test model loads");
    plan(&index, &Options::default())
}

/// The problems planning reports, as displayed.
pub fn problems(model: &Value) -> Vec<String> {
    match plan_of(model) {
        Ok(_) => panic!("model should have been rejected"),
        Err(e) => e.diagnostics.iter().map(|d| d.to_string()).collect(),
    }
}
