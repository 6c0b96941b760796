//! Symbol pass: every Rust name of the generated crate, decided in one place before any IR
//! item is built, in the spirit of smithy-rs's `SymbolVisitor` and `RustReservedWords`.
//! Emitters read names from the plan and never derive one themselves.
//!
//! Names are claimed per Rust scope, so a clash is only a clash where Rust would see one:
//!
//! - `crate::types` and `crate::types::error`: model types and their private modules, beside
//!   the generated `builders` (and `error`) modules and the names generated code uses
//!   unqualified;
//! - `…::builders`: one `<Type>Builder` per structure;
//! - `crate::operation` and `Client`'s methods: one module and one method per operation;
//! - `crate::operation::<op>`: the operation's marker, input, output, error enum, builders,
//!   fluent builder and paginator;
//! - each structure (fields, accessors, setters, getters, beside `build`, `send`, …), each
//!   union and each enum (variants and `is_*` methods, beside `Unknown`).
//!
//! A model name that meets a generated one is renamed, never refused, by one rule per kind of
//! name: types get a `Shape` suffix, fields and methods a `_value` suffix, variants a `Value`
//! suffix, client methods an `_operation` suffix. As in smithy-rs, an operation's synthetic
//! input and output live in the operation's module, so a model shape of the same name (Glue's
//! `TestConnectionInput` beside operation `TestConnection`) keeps its name in `crate::types`.
//! Two model names that become the same Rust name in one scope are reported: the model's
//! `rename` must settle which is which.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Diagnostic;
use crate::index::{Shape, ShapeIndex, ShapeType};
use crate::naming::{module_name, snake, unraw, upper_camel};

/// Type names the generated code uses unqualified (or that would shadow the prelude), and the
/// variants of the crate-level `Error` beside the error types.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "HashMap",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "Send",
    "Sync",
    "Sized",
    "Into",
    "From",
    "Iterator",
    "ToString",
    "PartialEq",
    "Eq",
    "Hash",
    "Client",
    "Config",
    "Error",
    "Self",
    "Operation",
    "SdkError",
    "BuildError",
    "ErrorMetadata",
    "Unhandled",
    "Handle",
];

/// Modules generated inside `crate::types` (and `builders` inside `crate::types::error`).
const TYPES_MODULES: &[&str] = &["builders", "error"];

/// Variants of the crate-level `Error` other than the modelled errors.
const SERVICE_ERROR_VARIANTS: &[&str] = &["Unhandled", "Other"];

/// Methods generated next to member accessors, setters and getters (on structures, builders,
/// fluent builders and errors).
const RESERVED_METHODS: &[&str] = &[
    "build",
    "builder",
    "send",
    "as_input",
    "into_paginator",
    "meta",
    "new",
    "clone",
    "as_ref",
    "borrow",
    "deref",
];

/// `Client`'s own methods (and trait methods an inherent method would shadow).
const CLIENT_METHODS: &[&str] = &["new", "from_env", "config", "clone", "fmt"];

/// The variant generated for values or members the client does not know.
const UNKNOWN: &str = "Unknown";

/// Names of a generated type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeSymbols {
    /// The type.
    pub name: String,
    /// Its (private) module and file stem.
    pub module: String,
    /// Its builder, for structures.
    pub builder: String,
}

/// Names of a structure member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSymbols {
    /// The field, accessor and builder method (maybe raw, like `r#type`).
    pub field: String,
    /// `set_<field>`.
    pub setter: String,
    /// `get_<field>`.
    pub getter: String,
}

/// Names of an enum or union variant, or of an error in the error enums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantSymbols {
    /// The variant.
    pub name: String,
    /// `is_<variant>` (unused for enums).
    pub is_method: String,
}

/// Names of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationSymbols {
    /// Module in `crate::operation` (and file stem).
    pub module: String,
    /// `Client` method.
    pub method: String,
    /// The marker type the runtime drives.
    pub marker: String,
    /// The synthetic input and its builder.
    pub input: TypeSymbols,
    /// The synthetic output and its builder.
    pub output: TypeSymbols,
    /// The error enum.
    pub error: String,
    /// The fluent builder returned by the client method.
    pub fluent_builder: String,
    /// The paginator, for `@paginated` operations.
    pub paginator: String,
}

/// What the symbol pass names.
pub struct Request<'a> {
    /// The model.
    pub index: &'a ShapeIndex,
    /// The service (for `rename`).
    pub service: &'a Shape,
    /// The chosen operations, in model order.
    pub operations: &'a [String],
    /// Structures, unions and enums that become types in `crate::types`.
    pub types: &'a BTreeSet<String>,
    /// Error structures (types in `crate::types::error`).
    pub errors: &'a BTreeSet<String>,
}

/// Every Rust name of the crate, by shape id (and member name).
#[derive(Debug, Default)]
pub struct SymbolTable {
    types: BTreeMap<String, TypeSymbols>,
    members: BTreeMap<(String, String), MemberSymbols>,
    variants: BTreeMap<(String, String), VariantSymbols>,
    errors: BTreeMap<String, VariantSymbols>,
    operations: BTreeMap<String, OperationSymbols>,
    named_structures: BTreeSet<String>,
}

/// Who holds a name in a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Holder {
    /// The generated code itself.
    Generated,
    /// A model shape or member (its id).
    Model(String),
}

/// The names taken in one Rust scope.
#[derive(Debug, Default)]
struct Scope(BTreeMap<String, Holder>);

impl Scope {
    fn with_generated<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Self(
            names
                .into_iter()
                .map(|n| (n.to_string(), Holder::Generated))
                .collect(),
        )
    }

    fn generated(&self, name: &str) -> bool {
        self.0.get(name) == Some(&Holder::Generated)
    }

    /// Takes `name` for `owner`; the model id already holding it, if any.
    fn claim(&mut self, name: &str, owner: &str) -> Option<String> {
        match self.0.get(name) {
            Some(Holder::Model(other)) if other != owner => Some(other.clone()),
            Some(Holder::Generated) => Some("the generated code".into()),
            _ => {
                self.0
                    .insert(name.to_string(), Holder::Model(owner.to_string()));
                None
            }
        }
    }
}

/// A model name renamed by `suffix` while the generated code holds it (or, for types, its
/// module name).
fn avoid(scope: &Scope, mut name: String, suffix: &str, module_too: bool) -> String {
    while scope.generated(&name) || (module_too && scope.generated(&module_name(&name))) {
        name = suffixed(&name, suffix);
    }
    name
}

/// `name` plus a suffix, keeping a raw identifier valid (`r#type` -> `type_value`).
fn suffixed(name: &str, suffix: &str) -> String {
    format!("{}{suffix}", unraw(name))
}

/// The Rust type name for a shape name, before clash checks.
fn type_base(shape_name: &str) -> String {
    upper_camel(shape_name)
}

impl SymbolTable {
    /// Names everything in the request; model names that clash with each other are reported.
    pub fn build(req: &Request<'_>, diags: &mut Vec<Diagnostic>) -> Self {
        let mut table = Self::default();
        let rename = &req.service.rename;
        let base_of = |id: &str| -> String {
            let shape = req.index.expect(id);
            type_base(rename.get(id).map(String::as_str).unwrap_or(shape.name()))
        };

        let reserved_types = RESERVED_TYPE_NAMES.iter().copied();
        let mut types =
            Scope::with_generated(reserved_types.clone().chain(TYPES_MODULES.iter().copied()));
        let mut errors = Scope::with_generated(
            reserved_types
                .chain(["builders"])
                .chain(SERVICE_ERROR_VARIANTS.iter().copied()),
        );
        let mut builders = Scope::default();
        let mut error_builders = Scope::default();
        for (ids, scope, builders, is_error) in [
            (req.types, &mut types, &mut builders, false),
            (req.errors, &mut errors, &mut error_builders, true),
        ] {
            for id in ids {
                // An error structure is a type of `crate::types::error` only.
                if !is_error && req.errors.contains(id) {
                    continue;
                }
                let shape = req.index.expect(id);
                let name = avoid(scope, base_of(id), "Shape", true);
                let module = module_name(&name);
                let mut clash = false;
                for taken in [&name, &module] {
                    if let Some(other) = scope.claim(taken, id) {
                        clash = true;
                        diags.push(Diagnostic::new(id, format!("its Rust name {name} clashes with that of {other}; rename one in the service's `rename`")));
                    }
                }
                let builder = format!("{name}Builder");
                // Builders are named after their types, so only a type clash can make them meet.
                if shape.ty == ShapeType::Structure && !clash {
                    if let Some(other) = builders.claim(&builder, id) {
                        diags.push(Diagnostic::new(
                            id,
                            format!("its builder {builder} clashes with that of {other}"),
                        ));
                    }
                }
                if is_error {
                    table.errors.insert(
                        id.clone(),
                        VariantSymbols {
                            is_method: format!("is_{module}"),
                            name: name.clone(),
                        },
                    );
                }
                match shape.ty {
                    ShapeType::Structure => table.members_of(shape, diags),
                    ShapeType::Union => table.variants_of(shape, true, diags),
                    ShapeType::Enum | ShapeType::IntEnum => table.variants_of(shape, false, diags),
                    _ => {}
                }
                table.types.insert(
                    id.clone(),
                    TypeSymbols {
                        name,
                        module,
                        builder,
                    },
                );
            }
        }

        let mut modules = Scope::default();
        let mut methods = Scope::with_generated(CLIENT_METHODS.iter().copied());
        for op_id in req.operations {
            let op = req.index.expect(op_id);
            let module = module_name(op.name());
            if let Some(other) = modules.claim(&module, op_id) {
                diags.push(Diagnostic::new(
                    op_id,
                    format!("its module name {module} clashes with that of {other}"),
                ));
            }
            let method = avoid(&methods, module.clone(), "_operation", false);
            if let Some(other) = methods.claim(&method, op_id) {
                diags.push(Diagnostic::new(
                    op_id,
                    format!("its method name {method} clashes with that of {other}"),
                ));
            }
            // The marker avoids the names used unqualified in the operation's module; the rest
            // of that module's names are made from the marker.
            let mut scope = Scope::with_generated(RESERVED_TYPE_NAMES.iter().copied());
            let marker = avoid(&scope, type_base(op.name()), "Shape", false);
            let io = |suffix: &str| TypeSymbols {
                name: format!("{marker}{suffix}"),
                module: module.clone(),
                builder: format!("{marker}{suffix}Builder"),
            };
            let (input, output) = (io("Input"), io("Output"));
            let error = format!("{marker}Error");
            let fluent_builder = format!("{marker}FluentBuilder");
            let paginator = format!("{marker}Paginator");
            for name in [
                &marker,
                &input.name,
                &input.builder,
                &output.name,
                &output.builder,
                &error,
                &fluent_builder,
                &paginator,
            ] {
                if let Some(other) = scope.claim(name, op_id) {
                    diags.push(Diagnostic::new(
                        op_id,
                        format!("its generated type {name} clashes with {other}"),
                    ));
                }
            }
            // Whatever the target's type, its members become the input's or output's fields.
            for io_shape in op.input.iter().chain(&op.output) {
                table.members_of(req.index.expect(io_shape), diags);
            }
            table.operations.insert(
                op_id.clone(),
                OperationSymbols {
                    error,
                    fluent_builder,
                    paginator,
                    input,
                    output,
                    marker,
                    method,
                    module,
                },
            );
        }
        table
    }

    /// Field, setter and getter names of a structure's members, clear of the generated methods
    /// and of each other's setters and getters.
    fn members_of(&mut self, shape: &Shape, diags: &mut Vec<Diagnostic>) {
        // A shape can be both a named type and an operation's input or output.
        if !self.named_structures.insert(shape.id.clone()) {
            return;
        }
        let bases: Vec<String> = shape.members.iter().map(|m| snake(&m.name)).collect();
        let generated = Scope::with_generated(
            RESERVED_METHODS
                .iter()
                .copied()
                .map(str::to_string)
                .chain(
                    bases
                        .iter()
                        .flat_map(|b| [format!("set_{}", unraw(b)), format!("get_{}", unraw(b))]),
                )
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        );
        let mut scope = Scope::default();
        for (m, base) in shape.members.iter().zip(bases) {
            let at = format!("{}${}", shape.id, m.name);
            let field = avoid(&generated, base, "_value", false);
            let bare = unraw(&field).to_string();
            let setter = format!("set_{bare}");
            let getter = format!("get_{bare}");
            for derived in [&bare, &setter, &getter] {
                if let Some(other) = scope.claim(derived, &m.name) {
                    diags.push(Diagnostic::new(
                        &at,
                        format!("its Rust name `{derived}` clashes with that of member {other}"),
                    ));
                }
            }
            self.members.insert(
                (shape.id.clone(), m.name.clone()),
                MemberSymbols {
                    field,
                    setter,
                    getter,
                },
            );
        }
    }

    /// Variant names of a union or enum, clear of `Unknown`, and (for unions) `is_*` methods.
    fn variants_of(&mut self, shape: &Shape, union: bool, diags: &mut Vec<Diagnostic>) {
        let mut names = Scope::with_generated([UNKNOWN]);
        let mut methods = Scope::with_generated(["is_unknown"]);
        for m in &shape.members {
            let at = format!("{}${}", shape.id, m.name);
            let name = avoid(&names, upper_camel(&m.name), "Value", false);
            if let Some(other) = names.claim(&name, &m.name) {
                diags.push(Diagnostic::new(
                    &at,
                    format!("its variant name {name} clashes with that of member {other}"),
                ));
            }
            let is_method = format!("is_{}", module_name(&name));
            if union {
                if let Some(other) = methods.claim(&is_method, &m.name) {
                    diags.push(Diagnostic::new(
                        &at,
                        format!("its method {is_method} clashes with that of member {other}"),
                    ));
                }
            }
            self.variants.insert(
                (shape.id.clone(), m.name.clone()),
                VariantSymbols { name, is_method },
            );
        }
    }

    /// Names of a type (structure, union, enum or error) in the request.
    pub fn type_of(&self, id: &str) -> Option<&TypeSymbols> {
        self.types.get(id)
    }

    /// Names of a member of a named structure or an operation's input or output.
    pub fn member(&self, shape: &str, member: &str) -> &MemberSymbols {
        &self.members[&(shape.to_string(), member.to_string())]
    }

    /// Names of a union or enum variant.
    pub fn variant(&self, shape: &str, member: &str) -> &VariantSymbols {
        &self.variants[&(shape.to_string(), member.to_string())]
    }

    /// Variant and `is_*` method of an error in the error enums.
    pub fn error(&self, id: &str) -> Option<&VariantSymbols> {
        self.errors.get(id)
    }

    /// Names of an operation.
    pub fn operation(&self, id: &str) -> &OperationSymbols {
        &self.operations[id]
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_model::{base, plan_of, problems};
    use super::super::{Plan, TypeDef};

    fn type_named<'a>(plan: &'a Plan, shape_id: &str) -> &'a TypeDef {
        plan.types
            .iter()
            .find(|t| match t {
                TypeDef::Struct(s) => s.shape_id == shape_id,
                TypeDef::Enum(e) => e.shape_id == shape_id,
                TypeDef::Union(u) => u.shape_id == shape_id,
            })
            .unwrap_or_else(|| panic!("{shape_id} is planned"))
    }

    /// Glue's `TestConnection`: its synthetic input `TestConnectionInput` lives in
    /// `operation::test_connection`, the unrelated model shape of that name in `types`.
    #[test]
    fn a_synthetic_input_and_a_model_shape_of_the_same_name_live_in_different_modules() {
        let mut m = base();
        m["shapes"]["ex#Svc"]["operations"] = json!([{"target": "ex#TestConnection"}]);
        m["shapes"]["ex#TestConnection"] = json!({"type": "operation",
            "input": {"target": "ex#TestConnectionRequest"},
            "output": {"target": "ex#TestConnectionResponse"}});
        m["shapes"]["ex#TestConnectionRequest"] = json!({"type": "structure", "members": {
            "TestConnectionInput": {"target": "ex#TestConnectionInput"}}});
        m["shapes"]["ex#TestConnectionResponse"] = json!({"type": "structure", "members": {}});
        m["shapes"]["ex#TestConnectionInput"] = json!({"type": "structure", "members": {
            "ConnectionType": {"target": "smithy.api#String"}}});
        let plan = plan_of(&m).expect("the clash is resolved, not refused");
        let op = &plan.operations[0];
        assert_eq!(
            (
                op.module.as_str(),
                op.input.name.as_str(),
                op.input.builder.as_str()
            ),
            (
                "test_connection",
                "TestConnectionInput",
                "TestConnectionInputBuilder"
            )
        );
        let TypeDef::Struct(shape) = type_named(&plan, "ex#TestConnectionInput") else {
            panic!("a structure");
        };
        assert_eq!(
            (
                shape.name.as_str(),
                shape.module.as_str(),
                shape.builder.as_str()
            ),
            (
                "TestConnectionInput",
                "test_connection_input",
                "TestConnectionInputBuilder"
            )
        );
    }

    #[test]
    fn model_names_meeting_generated_names_in_one_scope_are_renamed_by_one_rule_each() {
        let mut m = base();
        m["shapes"]["ex#Svc"]["operations"] = json!([{"target": "ex#Op"}, {"target": "ex#Config"}]);
        m["shapes"]["ex#Config"] = json!({"type": "operation",
            "input": {"target": "smithy.api#Unit"}, "output": {"target": "smithy.api#Unit"}});
        m["shapes"]["ex#Op"]["errors"] = json!([{"target": "ex#Other"}]);
        m["shapes"]["ex#Other"] = json!({"type": "structure", "members": {},
            "traits": {"smithy.api#error": "client"}});
        m["shapes"]["ex#Builders"] = json!({"type": "structure", "members": {}});
        m["shapes"]["ex#Kind"] = json!({"type": "enum", "members": {
            "UNKNOWN": {"target": "smithy.api#Unit"}}});
        m["shapes"]["ex#Pick"] = json!({"type": "union", "members": {
            "Unknown": {"target": "smithy.api#String"}}});
        let members = &mut m["shapes"]["ex#OpInput"]["members"];
        members["SetName"] = json!({"target": "smithy.api#String"});
        members["Build"] = json!({"target": "smithy.api#String"});
        members["Type"] = json!({"target": "smithy.api#String"});
        members["B"] = json!({"target": "ex#Builders"});
        members["K"] = json!({"target": "ex#Kind"});
        members["P"] = json!({"target": "ex#Pick"});
        let plan = plan_of(&m).expect("plans");

        // Types: `Shape`, beside the `builders` module and the crate-level `Error::Other`.
        assert_eq!(type_named(&plan, "ex#Builders").name(), "BuildersShape");
        assert_eq!(type_named(&plan, "ex#Builders").module(), "builders_shape");
        assert_eq!(plan.errors[0].name, "OtherShape");
        assert_eq!(plan.operations[0].errors[0].is_method, "is_other_shape");
        // Variants: `Value`, beside `Unknown`.
        let TypeDef::Enum(kind) = type_named(&plan, "ex#Kind") else {
            panic!("an enum");
        };
        let super::super::EnumValues::String(variants) = &kind.values else {
            panic!("a string enum");
        };
        assert_eq!(variants[0].name, "UnknownValue");
        let TypeDef::Union(pick) = type_named(&plan, "ex#Pick") else {
            panic!("a union");
        };
        assert_eq!(
            (
                pick.variants[0].name.as_str(),
                pick.variants[0].is_method.as_str()
            ),
            ("UnknownValue", "is_unknown_value")
        );
        // Fields: `_value`, beside generated methods and the setters of other members.
        let fields: Vec<(&str, &str, &str)> = plan.operations[0]
            .input
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.setter.as_str(), f.getter.as_str()))
            .collect();
        assert_eq!(
            &fields[..4],
            &[
                ("name", "set_name", "get_name"),
                ("set_name_value", "set_set_name_value", "get_set_name_value"),
                ("build_value", "set_build_value", "get_build_value"),
                ("r#type", "set_type", "get_type"),
            ]
        );
        // Client methods: `_operation`, beside `Client::config`; the module keeps its name.
        let config = &plan.operations[1];
        assert_eq!(
            (
                config.module.as_str(),
                config.method.as_str(),
                config.marker.as_str()
            ),
            ("config", "config_operation", "ConfigShape")
        );
        assert_eq!(config.input.name, "ConfigShapeInput");
    }

    #[test]
    fn an_input_that_is_not_a_structure_still_has_named_fields() {
        let mut m = base();
        m["shapes"]["ex#OpInput"]["type"] = json!("union");
        let plan = plan_of(&m).expect("plans");
        assert_eq!(plan.operations[0].input.fields[0].setter, "set_name");
    }

    #[test]
    fn model_names_meeting_each_other_are_reported() {
        let mut m = base();
        m["shapes"]["ex#Svc"]["rename"] = json!({"ex#Other": "Thing"});
        m["shapes"]["ex#Thing"] = json!({"type": "structure", "members": {}});
        m["shapes"]["ex#Other"] = json!({"type": "structure", "members": {}});
        let members = &mut m["shapes"]["ex#OpInput"]["members"];
        members["A"] = json!({"target": "ex#Thing"});
        members["B"] = json!({"target": "ex#Other"});
        members["name"] = json!({"target": "smithy.api#String"});
        assert_eq!(
            problems(&m),
            vec![
                "ex#OpInput$name: its Rust name `get_name` clashes with that of member Name",
                "ex#OpInput$name: its Rust name `name` clashes with that of member Name",
                "ex#OpInput$name: its Rust name `set_name` clashes with that of member Name",
                "ex#Thing: its Rust name Thing clashes with that of ex#Other; rename one in the service's `rename`",
            ]
        );
    }
}
