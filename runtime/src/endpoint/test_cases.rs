//! Checking `smithy.rules#endpointTests` cases against a [`RuleSet`]: shared by the runtime's
//! own tests and the conformance run, so both judge a case the same way.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use super::partition::{resolve_partition, Partition, PARTITIONS};
use super::{Endpoint, EndpointError, Params, RuleSet};

/// How one endpoint test case fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseOutcome {
    /// The resolver gave exactly the expected endpoint (url, headers, properties) or error.
    Pass,
    /// The case expects a DualStack error that today's partition data no longer gives (its
    /// partition gained dual-stack); it passes once that partition's flag is cleared.
    Stale,
    /// Anything else; the text describes the difference.
    Fail(String),
}

/// Resolves `params` and compares the result with the case's `expect` object.
pub fn check_case(rule_set: &RuleSet, params: &Params, expect: &Json) -> CaseOutcome {
    match check_expectation(&rule_set.resolve(params), expect) {
        Ok(()) => CaseOutcome::Pass,
        Err(_) if passes_without_dual_stack(rule_set, params, expect) => CaseOutcome::Stale,
        Err(problem) => CaseOutcome::Fail(problem),
    }
}

/// Compares one outcome with a case's `expect`; `Err` describes the difference.
pub fn check_expectation(
    outcome: &Result<Endpoint, EndpointError>,
    expect: &Json,
) -> Result<(), String> {
    match (outcome, expect.get("error"), expect.get("endpoint")) {
        (Err(e), Some(message), _) if e.rule_message() == message.as_str() => Ok(()),
        (Err(e), Some(message), _) => Err(format!(
            "expected error {message}, got error {:?}",
            e.to_string()
        )),
        (Ok(endpoint), _, Some(expected)) => {
            let mut problems = Vec::new();
            if endpoint.url() != expected["url"] {
                problems.push(format!(
                    "url {:?}, expected {}",
                    endpoint.url(),
                    expected["url"]
                ));
            }
            let headers: BTreeMap<String, Vec<String>> = match expected.get("headers") {
                None => BTreeMap::new(),
                Some(h) => {
                    serde_json::from_value(h.clone()).map_err(|e| format!("headers: {e}"))?
                }
            };
            if endpoint.headers() != &headers {
                problems.push(format!(
                    "headers {:?}, expected {headers:?}",
                    endpoint.headers()
                ));
            }
            let properties = expected
                .get("properties")
                .cloned()
                .unwrap_or_else(|| json!({}));
            let ours = Json::Object(endpoint.properties().clone());
            if ours != properties {
                problems.push(format!("properties {ours}, expected {properties}"));
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("; "))
            }
        }
        (Ok(endpoint), _, _) => Err(format!("expected {expect}, got endpoint {endpoint:?}")),
        (Err(e), _, _) => Err(format!("expected {expect}, got error {:?}", e.to_string())),
    }
}

/// Whether a failing case was written for older partition data: it expects a DualStack error,
/// its region's partition now claims dual-stack, and it passes once that one flag is cleared.
/// (Test cases embedded in service models predate the `partitions.json` update that gave
/// `aws-iso` and `aws-iso-b` dual-stack endpoints.)
fn passes_without_dual_stack(rule_set: &RuleSet, params: &Params, expect: &Json) -> bool {
    let Some(region) = params.get("Region").and_then(|v| v.as_str()) else {
        return false;
    };
    let dual_stack_error = expect
        .get("error")
        .and_then(Json::as_str)
        .is_some_and(|e| e.contains("DualStack"));
    let partition = resolve_partition(region);
    if !dual_stack_error || !partition.supports_dual_stack {
        return false;
    }
    let table: Vec<Partition> = PARTITIONS
        .iter()
        .cloned()
        .map(|mut p| {
            if p.id == partition.name {
                p.outputs.supports_dual_stack = false;
            }
            p
        })
        .collect();
    check_expectation(&rule_set.resolve_with_partitions(params, &table), expect).is_ok()
}
