//! Smithy JSON AST in, formatted Rust files out.
//!
//! The pipeline is `load` ([`index::ShapeIndex`]) → `plan` ([`plan::Plan`], plain data) →
//! `emit` (token streams per file) → `format` (prettyplease). Every stage before emission
//! collects all problems and fails as a whole, so a broken model yields no files.
#![forbid(unsafe_code)]

pub mod ast;
pub mod docs;
mod emit;
pub mod error;
mod format;
pub mod index;
pub mod naming;
pub mod plan;

use std::collections::BTreeMap;

pub use error::{Diagnostic, Error};
pub use format::HEADER;
pub use plan::{Options, Plan, Skipped};

/// How the generated `Cargo.toml` finds the runtime crate.
#[derive(Debug, Clone)]
pub struct CrateSettings {
    /// Path from the generated crate's directory to the runtime crate.
    pub runtime_path: String,
    /// Version of the generated package.
    pub version: String,
    /// Add an empty `[workspace]` so the crate builds on its own outside any workspace.
    pub standalone: bool,
}

impl Default for CrateSettings {
    fn default() -> Self {
        Self {
            runtime_path: "../runtime".into(),
            version: "0.1.0".into(),
            standalone: false,
        }
    }
}

/// The generated crate: file contents keyed by relative path, plus what was left out.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Files keyed by path relative to the crate root (`Cargo.toml`, `src/lib.rs`, ...).
    pub files: BTreeMap<String, String>,
    /// Operations not generated, with reasons.
    pub skipped: Vec<Skipped>,
    /// Number of operations generated.
    pub operations: usize,
    /// Names of the generated operations that have a paginator (`into_paginator`).
    pub paginators: Vec<String>,
    /// `@paginated` operations generated without a paginator, with the reason.
    pub paginator_gaps: Vec<Skipped>,
}

/// Loads, validates, plans, emits and formats a crate for the model JSON text.
pub fn generate(
    model_json: &str,
    options: &Options,
    settings: &CrateSettings,
) -> Result<Generated, Error> {
    let index = index::ShapeIndex::from_json(model_json)?;
    let plan = plan::plan(&index, options)?;
    let tokens = emit::emit(&plan).map_err(|e| Error::single(&plan.service.shape_id, e))?;
    let mut files = BTreeMap::new();
    for (path, tokens) in tokens {
        let text = format::format_file(&path, tokens)
            .map_err(|e| Error::single(&plan.service.shape_id, e))?;
        files.insert(path, text);
    }
    files.insert("Cargo.toml".into(), cargo_toml(&plan, settings));
    let paginators = plan
        .operations
        .iter()
        .filter(|op| op.paginator.is_some())
        .map(|op| op.name.clone())
        .collect();
    Ok(Generated {
        files,
        skipped: plan.skipped,
        operations: plan.operations.len(),
        paginators,
        paginator_gaps: plan.paginator_gaps,
    })
}

fn cargo_toml(plan: &Plan, settings: &CrateSettings) -> String {
    let header = HEADER.replacen("//", "#", 1);
    let description = format!(
        "Client for {} generated from its Smithy model.",
        plan.service.title
    )
    .replace('"', "'");
    let workspace = if settings.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    format!(
        "{header}\n[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\nrust-version = \"1.85\"\ndescription = \"{description}\"\nlicense = \"Apache-2.0\"\n\n[dependencies]\naws-client-runtime = {{ path = \"{runtime}\" }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{workspace}",
        name = plan.crate_name,
        version = settings.version,
        runtime = settings.runtime_path,
    )
}
