//! Turns a [`Plan`] into token streams, one per file, keyed by path so output order is stable.

mod common;
mod enumeration;
mod operation;
mod service;
mod structure;
mod union;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;

use crate::plan::{Plan, TypeDef};

/// Every Rust file of the crate, keyed by path relative to the crate root.
pub fn emit(plan: &Plan) -> Result<BTreeMap<String, TokenStream>, String> {
    let mut files = BTreeMap::new();
    files.insert("src/lib.rs".to_string(), service::lib_rs(plan));
    files.insert("src/client.rs".to_string(), service::client_rs(plan));
    files.insert("src/config.rs".to_string(), service::config_rs());
    files.insert("src/primitives.rs".to_string(), service::primitives_rs());
    files.insert("src/error.rs".to_string(), service::error_rs(plan));
    files.insert("src/service.rs".to_string(), service::service_rs(plan)?);

    let types: Vec<(&str, &str)> = plan.types.iter().map(|t| (t.name(), t.module())).collect();
    let structs = service::struct_builders(&plan.types);
    files.insert(
        "src/types/mod.rs".to_string(),
        service::types_mod_rs(
            &types,
            &structs,
            " Structures, unions and enums of the service's data.",
            true,
        ),
    );
    for t in &plan.types {
        let tokens = match t {
            TypeDef::Struct(s) => structure::emit(s),
            TypeDef::Enum(e) => enumeration::emit(e),
            TypeDef::Union(u) => union::emit(u),
        };
        files.insert(
            format!("src/types/{}.rs", t.module()),
            with_module_doc(t.name(), tokens),
        );
    }
    let error_types: Vec<(&str, &str)> = plan
        .errors
        .iter()
        .map(|e| (e.name.as_str(), e.module.as_str()))
        .collect();
    let error_builders: Vec<(&str, &str)> = plan
        .errors
        .iter()
        .map(|e| (e.module.as_str(), e.builder.as_str()))
        .collect();
    files.insert(
        "src/types/error/mod.rs".to_string(),
        service::types_mod_rs(
            &error_types,
            &error_builders,
            " The service's modelled errors.",
            false,
        ),
    );
    for e in &plan.errors {
        files.insert(
            format!("src/types/error/{}.rs", e.module),
            with_module_doc(&e.name, structure::emit(e)),
        );
    }
    files.insert(
        "src/operation/mod.rs".to_string(),
        service::operation_mod_rs(plan),
    );
    for op in &plan.operations {
        let doc = format!(" The `{}` operation.", op.name);
        let body = operation::emit(op);
        files.insert(
            format!("src/operation/{}.rs", op.module),
            quote::quote! { #![doc = #doc] #body },
        );
    }
    Ok(files)
}

fn with_module_doc(name: &str, tokens: TokenStream) -> TokenStream {
    let doc = format!(" The [`{name}`] type.");
    quote::quote! { #![doc = #doc] #tokens }
}
