//! Paginator pass: for each `@paginated` operation, the token, items and page-size fields of
//! its input and output (the operation's trait merged with the service's). Operations whose
//! tokens the runtime cannot carry get no paginator and are listed with the reason.

use serde_json::Value;

use super::symbols::SymbolTable;
use super::{OperationPlan, PaginatorPlan, RustType, Skipped, Sparsity, StructDef};
use crate::error::Diagnostic;
use crate::index::{Shape, ShapeIndex};

/// Fills in the paginators of the planned operations; returns the operations left without one.
pub fn attach(
    index: &ShapeIndex,
    service: &Shape,
    symbols: &SymbolTable,
    operations: &mut [OperationPlan],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Skipped> {
    let mut gaps = Vec::new();
    for op in operations.iter_mut() {
        let name = &symbols.operation(&op.shape_id).paginator;
        op.paginator = paginator(
            index.expect(&op.shape_id),
            service,
            name,
            op,
            diags,
            &mut gaps,
        );
    }
    gaps
}

fn paginator(
    op: &Shape,
    service: &Shape,
    name: &str,
    plan: &OperationPlan,
    diags: &mut Vec<Diagnostic>,
    gaps: &mut Vec<Skipped>,
) -> Option<PaginatorPlan> {
    let (input, output) = (&plan.input, &plan.output);
    let own = op.traits.get("smithy.api#paginated")?;
    let merged = |key: &str| -> Option<String> {
        own.get(key)
            .or_else(|| {
                service
                    .traits
                    .get("smithy.api#paginated")
                    .and_then(|s| s.get(key))
            })
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut gap = |reason: String| {
        gaps.push(Skipped {
            operation: op.id.clone(),
            reason,
        })
    };
    let (Some(input_token), Some(output_token)) = (merged("inputToken"), merged("outputToken"))
    else {
        gap(
            "its paginated trait (merged with the service's) names no inputToken or no outputToken"
                .into(),
        );
        return None;
    };
    let find =
        |s: &StructDef, member: &str| s.fields.iter().find(|f| f.member_name == member).cloned();
    let Some(in_tok) = find(input, &input_token) else {
        diags.push(Diagnostic::new(
            &op.id,
            format!("paginated inputToken {input_token} is not an input member"),
        ));
        return None;
    };
    // Nested output paths (`A.B`) are not supported; such operations get no paginator.
    let Some(out_tok) = find(output, &output_token) else {
        gap(format!("outputToken {output_token} is not a top-level output member (nested paths are not supported)"));
        return None;
    };
    let items = merged("items")
        .and_then(|i| find(output, &i))
        .and_then(|f| match f.ty {
            RustType::List(item, Sparsity::Dense) => Some((f.name, *item)),
            _ => None,
        });
    let page_size = merged("pageSize")
        .and_then(|p| find(input, &p))
        .map(|f| (f.name, f.ty));
    // Tokens are strings, or maps of key attributes (DynamoDB); both sides must agree.
    let token_ok = matches!(
        in_tok.ty,
        RustType::String | RustType::Map(_, Sparsity::Dense)
    );
    if in_tok.ty != out_tok.ty || !token_ok || in_tok.boxed || out_tok.boxed {
        gap(format!(
            "its tokens {input_token} / {output_token} are not both strings or both maps of the same type"
        ));
        return None;
    }
    Some(PaginatorPlan {
        name: name.to_string(),
        input_token: in_tok.name,
        output_token: out_tok.name,
        string_token: in_tok.ty == RustType::String,
        items,
        page_size,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_model::{base, plan_of};
    use super::*;

    fn paginated(token: &str, items: serde_json::Value) -> serde_json::Value {
        let mut m = base();
        m["shapes"]["ex#Op"]["output"] = json!({"target": "ex#OpOutput"});
        m["shapes"]["ex#Op"]["traits"] = json!({"smithy.api#paginated": {
            "inputToken": "Next", "outputToken": token, "items": "Items", "pageSize": "Max"}});
        let members = &mut m["shapes"]["ex#OpInput"]["members"];
        members["Next"] = json!({"target": "smithy.api#String"});
        members["Max"] = json!({"target": "smithy.api#Integer"});
        m["shapes"]["ex#Names"] =
            json!({"type": "list", "member": {"target": "smithy.api#String"}});
        m["shapes"]["ex#OpOutput"] = json!({"type": "structure", "members": {
            "Next": {"target": "smithy.api#String"}, "Items": items}});
        m
    }

    #[test]
    fn string_tokens_items_and_page_size_become_a_paginator() {
        let plan = plan_of(&paginated("Next", json!({"target": "ex#Names"}))).expect("plans");
        let p = plan.operations[0].paginator.as_ref().expect("a paginator");
        assert_eq!(
            (
                p.name.as_str(),
                p.input_token.as_str(),
                p.output_token.as_str(),
                p.string_token
            ),
            ("OpPaginator", "next", "next", true)
        );
        assert_eq!(p.items, Some(("items".into(), RustType::String)));
        assert_eq!(p.page_size, Some(("max".into(), RustType::I32)));
        assert!(plan.paginator_gaps.is_empty());
    }

    #[test]
    fn a_nested_output_token_leaves_a_gap_with_the_reason() {
        let plan = plan_of(&paginated("Page.Next", json!({"target": "ex#Names"}))).expect("plans");
        assert!(plan.operations[0].paginator.is_none());
        assert_eq!(plan.paginator_gaps.len(), 1);
        assert!(plan.paginator_gaps[0].reason.contains("nested paths"));
    }

    #[test]
    fn items_that_are_not_a_dense_list_are_left_out() {
        let plan =
            plan_of(&paginated("Next", json!({"target": "smithy.api#String"}))).expect("plans");
        let p = plan.operations[0].paginator.as_ref().expect("a paginator");
        assert_eq!(p.items, None);
    }
}
