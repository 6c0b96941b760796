//! The Rust IR and the passes that build it, each collecting every problem before any tokens
//! are produced:
//!
//! 1. `select`: the service, the operations, and the closure of shapes they reach;
//! 2. `symbols`: every Rust name, clashes resolved per scope;
//! 3. `recursion`: the members to box so recursive types have a finite size;
//! 4. `shapes`: the IR items (`ir`) for types, errors, operations and the service;
//! 5. `paginators`: the paginators of `@paginated` operations.

use crate::error::Error;
use crate::index::ShapeIndex;

mod ir;
mod paginators;
mod recursion;
mod select;
mod shapes;
mod symbols;
#[cfg(test)]
mod test_model;

pub use ir::*;

/// What to generate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Name of the generated crate; defaults to the service's `sdkId` in snake case.
    pub crate_name: Option<String>,
    /// Operations to generate (by name); empty means every operation of the service.
    pub operations: Vec<String>,
    /// The service shape id, needed only when the model has several services.
    pub service: Option<String>,
}

/// Builds the plan for a model.
pub fn plan(index: &ShapeIndex, options: &Options) -> Result<Plan, Error> {
    let service = select::service(index, options)?;
    let mut planner = shapes::Planner::new(index);
    let service_plan = planner.service(service);
    let (chosen, skipped) = select::operations(index, service, options, &mut planner.diags);
    if !planner.diags.is_empty() {
        return Err(Error::from_diagnostics(planner.diags));
    }
    let selection = select::closure(index, service, chosen, skipped, &mut planner.diags);

    planner.symbols = symbols::SymbolTable::build(
        &symbols::Request {
            index,
            service,
            operations: &selection.operations,
            types: &selection.types,
            errors: &selection.errors,
        },
        &mut planner.diags,
    );
    planner.boxed = recursion::boxed_edges(index, &selection.aggregates);

    let mut types = Vec::new();
    for id in selection.types.difference(&selection.errors) {
        let shape = index.expect(id);
        let Some(names) = planner.symbols.type_of(id).cloned() else {
            continue;
        };
        match shape.ty {
            crate::index::ShapeType::Structure => types.push(TypeDef::Struct(planner.structure(
                shape,
                names,
                StructKind::Plain,
            ))),
            crate::index::ShapeType::Union => {
                types.push(TypeDef::Union(planner.union(shape, names)))
            }
            _ => types.push(TypeDef::Enum(planner.enumeration(shape, names))),
        }
    }
    types.sort_by(|a, b| a.name().cmp(b.name()));
    let mut errors: Vec<StructDef> = selection
        .errors
        .iter()
        .map(|id| {
            let names = planner
                .symbols
                .type_of(id)
                .cloned()
                .expect("every error is named");
            let shape = index.expect(id);
            let info = planner.error_info(shape);
            planner.structure(shape, names, StructKind::Error(info))
        })
        .collect();
    errors.sort_by(|a, b| a.name.cmp(&b.name));

    let mut operations: Vec<OperationPlan> = selection
        .operations
        .iter()
        .map(|op| planner.operation(index.expect(op), service))
        .collect();
    let paginator_gaps = paginators::attach(
        index,
        service,
        &planner.symbols,
        &mut operations,
        &mut planner.diags,
    );

    if !planner.diags.is_empty() {
        return Err(Error::from_diagnostics(planner.diags));
    }
    let crate_name = options
        .crate_name
        .clone()
        .unwrap_or_else(|| crate_name_for(&service_plan.sdk_id));
    Ok(Plan {
        crate_name,
        service: service_plan,
        types,
        errors,
        operations,
        skipped: selection.skipped,
        paginator_gaps,
    })
}

/// The package name AWS SDKs use for an `sdkId`: lowercase, spaces and dashes dropped
/// (`Secrets Manager` -> `secretsmanager`).
fn crate_name_for(sdk_id: &str) -> String {
    sdk_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
