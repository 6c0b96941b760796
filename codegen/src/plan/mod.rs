//! The Rust IR: plain data describing every item to emit, with Rust names fixed, recursion
//! boxed and wire formats chosen. Built completely (collecting every problem) before any
//! tokens are produced.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::docs::html_to_markdown;
use crate::error::{Diagnostic, Error};
use crate::index::{shape_name, Member, Shape, ShapeIndex, ShapeType};
use symbols::{SymbolTable, TypeSymbols};

mod recursion;
pub mod symbols;
#[cfg(test)]
mod test_model;

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

/// The whole crate to emit.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Crate (package) name.
    pub crate_name: String,
    /// Service-level facts.
    pub service: ServicePlan,
    /// Structures, unions and enums reachable from the operations, by Rust name.
    pub types: Vec<TypeDef>,
    /// Error structures, by Rust name.
    pub errors: Vec<StructDef>,
    /// The operations, in model order.
    pub operations: Vec<OperationPlan>,
    /// Operations left out, with the reason.
    pub skipped: Vec<Skipped>,
    /// `@paginated` operations that were generated without a paginator, with the reason.
    pub paginator_gaps: Vec<Skipped>,
}

/// An operation that was not generated, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The operation's shape id.
    pub operation: String,
    /// Why it was left out.
    pub reason: String,
}

/// Service-level facts.
#[derive(Debug, Clone)]
pub struct ServicePlan {
    /// Shape id.
    pub shape_id: String,
    /// The service shape's name; prefix of `X-Amz-Target`.
    pub target_prefix: String,
    /// `1.0` or `1.1`.
    pub json_version: String,
    /// SigV4 signing name.
    pub signing_name: String,
    /// `sdkId`.
    pub sdk_id: String,
    /// The `smithy.api#title`, or the sdkId.
    pub title: String,
    /// API version.
    pub version: String,
    /// Service documentation as Markdown lines.
    pub docs: Vec<String>,
    /// The endpoint rule set.
    pub rule_set: Value,
    /// `aws.protocols#awsQueryCompatible`.
    pub query_compatible: bool,
}

/// A named generated type.
#[derive(Debug, Clone)]
pub enum TypeDef {
    /// A structure.
    Struct(StructDef),
    /// A string enum or intEnum.
    Enum(EnumDef),
    /// A union.
    Union(UnionDef),
}

impl TypeDef {
    /// The Rust name.
    pub fn name(&self) -> &str {
        match self {
            Self::Struct(s) => &s.name,
            Self::Enum(e) => &e.name,
            Self::Union(u) => &u.name,
        }
    }

    /// The module (and file stem) defining it.
    pub fn module(&self) -> &str {
        match self {
            Self::Struct(s) => &s.module,
            Self::Enum(e) => &e.module,
            Self::Union(u) => &u.module,
        }
    }
}

/// What a structure is used as; changes its builder's `build` and, for errors, adds the
/// error impls.
#[derive(Debug, Clone)]
pub enum StructKind {
    /// A shape inside inputs, outputs or errors.
    Plain,
    /// An operation input: `build` checks required members.
    Input {
        /// The operation's name.
        operation: String,
    },
    /// An operation output.
    Output {
        /// The operation's name.
        operation: String,
    },
    /// A modelled error.
    Error(ErrorInfo),
}

impl StructKind {
    /// The error facts, for an error structure.
    pub fn error(&self) -> Option<&ErrorInfo> {
        match self {
            Self::Error(info) => Some(info),
            _ => None,
        }
    }
}

/// A structure.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// The shape id.
    pub shape_id: String,
    /// The Rust name.
    pub name: String,
    /// Its builder's name.
    pub builder: String,
    /// The module (and file stem) defining it; for inputs and outputs, the operation's.
    pub module: String,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// Fields in model order.
    pub fields: Vec<Field>,
    /// Deprecation note.
    pub deprecated: Option<String>,
    /// How it is used.
    pub kind: StructKind,
}

/// Facts about an error structure.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// Code on the wire: the shape's name.
    pub code: String,
    /// Who the model says is at fault.
    pub fault: Fault,
    /// `@retryable`.
    pub retryable: bool,
    /// `@retryable(throttling: true)`.
    pub throttling: bool,
}

/// The party at fault for an error, from `@error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `@error("client")`.
    Client,
    /// `@error("server")`.
    Server,
}

impl Fault {
    /// The trait value, as the generated `FAULT` constant shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Server => "server",
        }
    }
}

/// Whether a list or map may hold `null`s (`@sparse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sparsity {
    /// No nulls: `Vec<T>`, `HashMap<String, T>`; nulls on the wire are dropped.
    Dense,
    /// `@sparse`: `Vec<Option<T>>`, `HashMap<String, Option<T>>`.
    Sparse,
}

impl Sparsity {
    fn of(shape: &Shape) -> Self {
        if shape.traits.has("smithy.api#sparse") {
            Self::Sparse
        } else {
            Self::Dense
        }
    }
}

/// How a member travels on the wire: where it goes and in which format. awsJson puts every
/// member in the JSON body; HTTP bindings (headers, query, labels, payload) are further
/// variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// A key of the JSON body object.
    JsonBody {
        /// The key.
        wire_name: String,
        /// For timestamps, the format on the wire; `None` for other types.
        timestamp_format: Option<TimestampFormat>,
    },
}

impl Binding {
    /// The name on the wire.
    pub fn wire_name(&self) -> &str {
        match self {
            Self::JsonBody { wire_name, .. } => wire_name,
        }
    }
}

/// A timestamp's wire format (`@timestampFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// Seconds since the epoch, as a number (the awsJson default).
    EpochSeconds,
    /// RFC 3339.
    DateTime,
    /// RFC 7231 IMF-fixdate.
    HttpDate,
}

impl TimestampFormat {
    fn parse(value: &str) -> Option<Self> {
        match value {
            "epoch-seconds" => Some(Self::EpochSeconds),
            "date-time" => Some(Self::DateTime),
            "http-date" => Some(Self::HttpDate),
            _ => None,
        }
    }

    /// The trait value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EpochSeconds => "epoch-seconds",
            Self::DateTime => "date-time",
            Self::HttpDate => "http-date",
        }
    }
}

/// A structure member.
#[derive(Debug, Clone)]
pub struct Field {
    /// The member's name in the model (for docs and for traits that name members).
    pub member_name: String,
    /// Where and how it goes on the wire.
    pub binding: Binding,
    /// Rust field name, also its accessor and builder method (maybe raw, like `r#type`).
    pub name: String,
    /// The builders' `set_*` method.
    pub setter: String,
    /// The builders' `get_*` method.
    pub getter: String,
    /// The value type (without the `Option` around optional fields).
    pub ty: RustType,
    /// Whether the field is `Option<_>`; false only for members with a modelled default.
    pub optional: bool,
    /// The modelled default, for non-optional fields.
    pub default: Option<Value>,
    /// `@required`.
    pub required: bool,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// Redacted in `Debug`.
    pub sensitive: bool,
    /// Deprecation note.
    pub deprecated: Option<String>,
    /// Boxed to break a recursive cycle.
    pub boxed: bool,
}

impl Field {
    /// The field name as `Debug` shows it (without a raw prefix).
    pub fn label(&self) -> &str {
        self.name.strip_prefix("r#").unwrap_or(&self.name)
    }
}

/// A Rust value type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i8`.
    I8,
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `i128` for `bigInteger`.
    I128,
    /// Binary data.
    Blob,
    /// A timestamp.
    DateTime,
    /// Any JSON value.
    Document,
    /// `Vec<T>` or, when sparse, `Vec<Option<T>>`.
    List(Box<RustType>, Sparsity),
    /// `HashMap<String, T>` or, when sparse, `HashMap<String, Option<T>>`.
    Map(Box<RustType>, Sparsity),
    /// A generated type in `crate::types`.
    Named(String),
}

impl RustType {
    /// Whether the type is `Copy`.
    pub fn is_copy(&self) -> bool {
        matches!(
            self,
            Self::Bool
                | Self::I8
                | Self::I16
                | Self::I32
                | Self::I64
                | Self::F32
                | Self::F64
                | Self::I128
                | Self::DateTime
        )
    }
    /// Whether it contains floats (so `Eq` cannot be derived).
    pub fn is_float(&self) -> bool {
        matches!(self, Self::F32 | Self::F64)
    }
}

/// A string enum or intEnum.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// The shape id.
    pub shape_id: String,
    /// The Rust name.
    pub name: String,
    /// The module (and file stem) defining it.
    pub module: String,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// The variants in model order, with their wire values.
    pub values: EnumValues,
    /// Deprecation note.
    pub deprecated: Option<String>,
}

/// The variants of a string enum or an intEnum.
#[derive(Debug, Clone)]
pub enum EnumValues {
    /// A string enum.
    String(Vec<EnumVariant<String>>),
    /// An intEnum.
    Int(Vec<EnumVariant<i32>>),
}

/// An enum variant with its wire value.
#[derive(Debug, Clone)]
pub struct EnumVariant<V> {
    /// Rust variant name.
    pub name: String,
    /// Wire value.
    pub value: V,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// Deprecation note.
    pub deprecated: Option<String>,
}

/// A union.
#[derive(Debug, Clone)]
pub struct UnionDef {
    /// The shape id.
    pub shape_id: String,
    /// The Rust name.
    pub name: String,
    /// The module (and file stem) defining it.
    pub module: String,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// Variants in model order.
    pub variants: Vec<UnionVariant>,
    /// Deprecation note.
    pub deprecated: Option<String>,
    /// Redacted in `Debug`.
    pub sensitive: bool,
}

/// A union member.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The member's name in the model.
    pub member_name: String,
    /// Where and how it goes on the wire.
    pub binding: Binding,
    /// Rust variant name.
    pub name: String,
    /// Its `is_*` method.
    pub is_method: String,
    /// The value; `None` for members targeting `smithy.api#Unit`.
    pub ty: Option<RustType>,
    /// Boxed to break a recursive cycle.
    pub boxed: bool,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// Deprecation note.
    pub deprecated: Option<String>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct OperationPlan {
    /// The shape id.
    pub shape_id: String,
    /// The operation's name (also the `X-Amz-Target` suffix).
    pub name: String,
    /// Its module in `crate::operation` (and file stem).
    pub module: String,
    /// The `Client` method.
    pub method: String,
    /// The marker type the runtime drives.
    pub marker: String,
    /// The error enum.
    pub error: String,
    /// The fluent builder the client method returns.
    pub fluent_builder: String,
    /// Markdown lines.
    pub docs: Vec<String>,
    /// The input structure, `<Op>Input` in the operation's module.
    pub input: StructDef,
    /// The output structure, `<Op>Output` in the operation's module.
    pub output: StructDef,
    /// The modelled errors: (variant name, error type name, docs).
    pub errors: Vec<OperationError>,
    /// Pagination, when the operation is `@paginated`.
    pub paginator: Option<PaginatorPlan>,
    /// Deprecation note.
    pub deprecated: Option<String>,
}

/// A modelled error of an operation.
#[derive(Debug, Clone)]
pub struct OperationError {
    /// Variant name in the operation error enum (and in the crate-level `Error`).
    pub variant: String,
    /// The error enum's `is_*` method for it.
    pub is_method: String,
    /// Rust type name in `crate::types::error`.
    pub type_name: String,
    /// Wire code.
    pub code: String,
    /// Markdown lines.
    pub docs: Vec<String>,
}

/// A paginator for an operation.
#[derive(Debug, Clone)]
pub struct PaginatorPlan {
    /// The paginator type.
    pub name: String,
    /// Input field carrying the token.
    pub input_token: String,
    /// Output field carrying the next token.
    pub output_token: String,
    /// Whether the token is a string (else a map of key attributes, cloned from each page).
    pub string_token: bool,
    /// Output field holding the items (a list) and the item type.
    pub items: Option<(String, RustType)>,
    /// Input field limiting the page size, and its type.
    pub page_size: Option<(String, RustType)>,
}

struct Planner<'a> {
    index: &'a ShapeIndex,
    diags: Vec<Diagnostic>,
    /// Every Rust name.
    symbols: SymbolTable,
    /// Edges `(shape, member)` that need a `Box`.
    boxed: BTreeSet<(String, String)>,
    /// `@paginated` operations left without a paginator, and why.
    paginator_gaps: Vec<Skipped>,
    /// Lists and maps whose element type is being resolved, to stop at a cycle that passes
    /// through no structure or union (invalid in Smithy; it would recurse forever).
    expanding: BTreeSet<String>,
}

/// Builds the plan for a model.
pub fn plan(index: &ShapeIndex, options: &Options) -> Result<Plan, Error> {
    let service = select_service(index, options)?;
    let mut planner = Planner {
        index,
        diags: Vec::new(),
        symbols: SymbolTable::default(),
        boxed: BTreeSet::new(),
        paginator_gaps: Vec::new(),
        expanding: BTreeSet::new(),
    };
    let service_plan = planner.service(service);

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
                None => planner.diags.push(Diagnostic::new(
                    &service.id,
                    format!("has no operation named {wanted:?}"),
                )),
                Some(op) => match unsupported_reason(index, index.expect(op)) {
                    Some(reason) => planner.diags.push(Diagnostic::new(
                        op,
                        format!("cannot be generated: {reason}"),
                    )),
                    None if !chosen.contains(op) => chosen.push(op.clone()),
                    None => {}
                },
            }
        }
    }
    if !planner.diags.is_empty() {
        return Err(Error::from_diagnostics(planner.diags));
    }

    // Shapes that become types: everything reachable through members of inputs, outputs and
    // errors (inputs and outputs themselves become per-operation types).
    let mut error_ids = BTreeSet::new();
    let mut roots = Vec::new();
    for op in &chosen {
        let s = index.expect(op);
        for io in s.input.iter().chain(&s.output) {
            roots.extend(index.expect(io).members.iter().map(|m| m.target.clone()));
        }
        for e in s.errors.iter().chain(&service.errors) {
            let error = index.expect(e);
            if error.ty != ShapeType::Structure {
                // Only structures become error types; reported below with the other problems.
                planner.diags.push(Diagnostic::new(
                    e,
                    format!(
                        "is listed as an error (of {op} or its service) but is a {:?} shape, not a structure",
                        error.ty
                    ),
                ));
                continue;
            }
            error_ids.insert(e.clone());
            roots.extend(error.members.iter().map(|m| m.target.clone()));
        }
    }
    let closure = index.closure(&roots);
    let type_ids: BTreeSet<String> = closure
        .iter()
        .filter(|id| {
            matches!(
                index.expect(id).ty,
                ShapeType::Structure | ShapeType::Union | ShapeType::Enum | ShapeType::IntEnum
            ) && id.as_str() != "smithy.api#Unit"
        })
        .cloned()
        .collect();
    planner.symbols = SymbolTable::build(
        &symbols::Request {
            index,
            service,
            operations: &chosen,
            types: &type_ids,
            errors: &error_ids,
        },
        &mut planner.diags,
    );
    let mut aggregate_ids: Vec<String> = closure.iter().cloned().collect();
    for op in &chosen {
        let s = index.expect(op);
        aggregate_ids.extend(s.input.iter().chain(&s.output).cloned());
    }
    aggregate_ids.extend(error_ids.iter().cloned());
    planner.boxed = recursion::boxed_edges(index, &aggregate_ids);

    let mut types = Vec::new();
    for id in type_ids.difference(&error_ids) {
        let shape = index.expect(id);
        let Some(names) = planner.symbols.type_of(id).cloned() else {
            continue;
        };
        match shape.ty {
            ShapeType::Structure => types.push(TypeDef::Struct(planner.structure(
                shape,
                names,
                StructKind::Plain,
            ))),
            ShapeType::Union => types.push(TypeDef::Union(planner.union(shape, names))),
            ShapeType::Enum | ShapeType::IntEnum => {
                types.push(TypeDef::Enum(planner.enumeration(shape, names)))
            }
            _ => {}
        }
    }
    types.sort_by(|a, b| a.name().cmp(b.name()));
    let mut errors: Vec<StructDef> = error_ids
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

    let operations: Vec<OperationPlan> = chosen
        .iter()
        .map(|op| planner.operation(index.expect(op), service))
        .collect();

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
        skipped,
        paginator_gaps: planner.paginator_gaps,
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

fn select_service<'a>(index: &'a ShapeIndex, options: &Options) -> Result<&'a Shape, Error> {
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

fn docs_of(traits: &crate::index::Traits) -> Vec<String> {
    traits
        .documentation()
        .map(html_to_markdown)
        .unwrap_or_default()
}

fn deprecation(traits: &crate::index::Traits) -> Option<String> {
    let d = traits.get("smithy.api#deprecated")?;
    let message = d.get("message").and_then(Value::as_str).unwrap_or("");
    let since = d.get("since").and_then(Value::as_str);
    Some(match (message.is_empty(), since) {
        (true, None) => "deprecated by the service".into(),
        (true, Some(s)) => format!("deprecated since {s}"),
        (false, None) => message.to_string(),
        (false, Some(s)) => format!("{message} (since {s})"),
    })
}

impl Planner<'_> {
    fn service(&mut self, service: &Shape) -> ServicePlan {
        let id = &service.id;
        let json_version = if service.traits.has("aws.protocols#awsJson1_0") {
            "1.0"
        } else if service.traits.has("aws.protocols#awsJson1_1") {
            "1.1"
        } else {
            let protocols: Vec<&str> = service
                .traits
                .0
                .keys()
                .filter(|k| k.starts_with("aws.protocols#"))
                .map(String::as_str)
                .collect();
            self.diags.push(Diagnostic::new(id, format!("unsupported protocol: only awsJson1_0 and awsJson1_1 are supported, the service has {protocols:?}")));
            "1.1"
        };
        let sdk_id = service
            .traits
            .get("aws.api#service")
            .and_then(|v| v.get("sdkId"))
            .and_then(Value::as_str)
            .unwrap_or(service.name())
            .to_string();
        let signing_name = match service
            .traits
            .get("aws.auth#sigv4")
            .and_then(|v| v.get("name"))
            .and_then(Value::as_str)
        {
            Some(n) => n.to_string(),
            None => {
                self.diags.push(Diagnostic::new(
                    id,
                    "has no aws.auth#sigv4 trait with a signing name",
                ));
                String::new()
            }
        };
        let rule_set = match service.traits.get("smithy.rules#endpointRuleSet") {
            Some(r) => r.clone(),
            None => {
                self.diags.push(Diagnostic::new(
                    id,
                    "has no smithy.rules#endpointRuleSet trait; endpoints cannot be resolved",
                ));
                Value::Null
            }
        };
        ServicePlan {
            shape_id: id.clone(),
            target_prefix: service.name().to_string(),
            json_version: json_version.into(),
            signing_name,
            title: service
                .traits
                .str("smithy.api#title")
                .unwrap_or(&sdk_id)
                .to_string(),
            sdk_id,
            version: service.version.clone().unwrap_or_default(),
            docs: docs_of(&service.traits),
            rule_set,
            query_compatible: service.traits.has("aws.protocols#awsQueryCompatible"),
        }
    }

    fn rust_type(&mut self, at: &str, target: &str) -> RustType {
        let shape = self.index.expect(target);
        match shape.ty {
            ShapeType::Blob => RustType::Blob,
            ShapeType::Boolean => RustType::Bool,
            ShapeType::String => RustType::String,
            ShapeType::Byte => RustType::I8,
            ShapeType::Short => RustType::I16,
            ShapeType::Integer => RustType::I32,
            ShapeType::Long => RustType::I64,
            ShapeType::Float => RustType::F32,
            ShapeType::Double => RustType::F64,
            ShapeType::BigInteger => RustType::I128,
            ShapeType::BigDecimal => RustType::F64,
            ShapeType::Timestamp => {
                if let Some(f) = shape
                    .traits
                    .str("smithy.api#timestampFormat")
                    .filter(|f| *f != "epoch-seconds")
                {
                    // Only direct members can carry another format (through serde attributes).
                    if at.contains("$member") || at.contains("$value") {
                        self.diags.push(Diagnostic::new(at, format!("timestamps in lists or maps with timestampFormat {f} are not supported")));
                    }
                }
                RustType::DateTime
            }
            ShapeType::Document => RustType::Document,
            ShapeType::List | ShapeType::Map if self.expanding.contains(target) => {
                self.diags.push(Diagnostic::new(
                    at,
                    format!(
                        "{target} contains itself through lists and maps only; a recursive \
                         reference must pass through a structure or union"
                    ),
                ));
                RustType::Document
            }
            ShapeType::List => {
                let m = &shape.members[0];
                self.expanding.insert(target.to_owned());
                let item = self.rust_type(&format!("{}$member", shape.id), &m.target.clone());
                self.expanding.remove(target);
                RustType::List(Box::new(item), Sparsity::of(shape))
            }
            ShapeType::Map => {
                let key = self.index.expect(&shape.members[0].target);
                if !matches!(key.ty, ShapeType::String | ShapeType::Enum) {
                    self.diags.push(Diagnostic::new(
                        format!("{}$key", shape.id),
                        "map keys must target a string or enum",
                    ));
                }
                self.expanding.insert(target.to_owned());
                let value = self.rust_type(
                    &format!("{}$value", shape.id),
                    &shape.members[1].target.clone(),
                );
                self.expanding.remove(target);
                RustType::Map(Box::new(value), Sparsity::of(shape))
            }
            ShapeType::Structure | ShapeType::Union | ShapeType::Enum | ShapeType::IntEnum => {
                match self.symbols.type_of(target) {
                    Some(n) => RustType::Named(n.name.clone()),
                    None => {
                        self.diags.push(Diagnostic::new(
                            at,
                            format!("targets {target}, which is not in the generated closure"),
                        ));
                        RustType::Document
                    }
                }
            }
            ShapeType::Service | ShapeType::Operation | ShapeType::Resource => {
                self.diags.push(Diagnostic::new(
                    at,
                    format!(
                        "targets {target}, a {:?}, which is not a data shape",
                        shape.ty
                    ),
                ));
                RustType::Document
            }
        }
    }

    fn field(&mut self, owner: &Shape, m: &Member) -> Field {
        let at = format!("{}${}", owner.id, m.name);
        let target = self.index.expect(&m.target);
        let ty = self.rust_type(&at, &m.target);
        let names = self.symbols.member(&owner.id, &m.name).clone();
        let default = m
            .traits
            .get("smithy.api#default")
            .filter(|v| !v.is_null())
            .cloned();
        let defaultable = match (&ty, &default) {
            (RustType::Bool, Some(Value::Bool(false))) => true,
            (
                RustType::I8
                | RustType::I16
                | RustType::I32
                | RustType::I64
                | RustType::I128
                | RustType::F32
                | RustType::F64,
                Some(Value::Number(n)),
            ) => n.as_f64() == Some(0.0),
            (RustType::String, Some(Value::String(s))) => s.is_empty(),
            (RustType::List(..), Some(Value::Array(a))) => a.is_empty(),
            (RustType::Map(..), Some(Value::Object(o))) => o.is_empty(),
            _ => false,
        };
        // Only zero-like defaults become plain (non-Option) fields: they match `Default` and
        // stay exact when the service omits or nulls them. Other defaults stay optional.
        let optional = !defaultable || m.traits.has("smithy.api#clientOptional");
        let binding = self.json_binding(&at, m, &ty);
        let mut docs = docs_of(&m.traits);
        if docs.is_empty() {
            docs = docs_of(&target.traits);
        }
        Field {
            member_name: m.name.clone(),
            binding,
            name: names.field,
            setter: names.setter,
            getter: names.getter,
            boxed: self.boxed.contains(&(owner.id.clone(), m.name.clone())),
            ty,
            optional,
            default: if optional { None } else { default },
            required: m.traits.has("smithy.api#required"),
            docs,
            sensitive: m.traits.has("smithy.api#sensitive")
                || target.traits.has("smithy.api#sensitive"),
            deprecated: deprecation(&m.traits),
        }
    }

    /// The member's place in the JSON body, with its timestamp format (the member's trait, else
    /// the target's, else epoch seconds).
    fn json_binding(&mut self, at: &str, m: &Member, ty: &RustType) -> Binding {
        let timestamp_format = (*ty == RustType::DateTime).then(|| {
            let named = m.traits.str("smithy.api#timestampFormat").or_else(|| {
                self.index
                    .expect(&m.target)
                    .traits
                    .str("smithy.api#timestampFormat")
            });
            match named {
                None => TimestampFormat::EpochSeconds,
                Some(f) => TimestampFormat::parse(f).unwrap_or_else(|| {
                    self.diags.push(Diagnostic::new(
                        at,
                        format!("unknown timestampFormat {f:?}"),
                    ));
                    TimestampFormat::EpochSeconds
                }),
            }
        });
        Binding::JsonBody {
            wire_name: m.name.clone(),
            timestamp_format,
        }
    }

    fn structure(&mut self, shape: &Shape, names: TypeSymbols, kind: StructKind) -> StructDef {
        let fields = shape.members.iter().map(|m| self.field(shape, m)).collect();
        StructDef {
            shape_id: shape.id.clone(),
            name: names.name,
            builder: names.builder,
            module: names.module,
            docs: docs_of(&shape.traits),
            fields,
            deprecated: deprecation(&shape.traits),
            kind,
        }
    }

    fn union(&mut self, shape: &Shape, names: TypeSymbols) -> UnionDef {
        let mut variants = Vec::new();
        for m in &shape.members {
            let at = format!("{}${}", shape.id, m.name);
            let vnames = self.symbols.variant(&shape.id, &m.name).clone();
            let ty = (m.target != "smithy.api#Unit").then(|| self.rust_type(&at, &m.target));
            let binding = self.json_binding(&at, m, ty.as_ref().unwrap_or(&RustType::Document));
            if let Binding::JsonBody {
                timestamp_format: Some(f @ (TimestampFormat::DateTime | TimestampFormat::HttpDate)),
                ..
            } = binding
            {
                // Union values are written through the type's own serde impl (epoch seconds).
                self.diags.push(Diagnostic::new(
                    &at,
                    format!(
                        "timestamps in unions with timestampFormat {} are not supported",
                        f.as_str()
                    ),
                ));
            }
            variants.push(UnionVariant {
                member_name: m.name.clone(),
                binding,
                name: vnames.name,
                is_method: vnames.is_method,
                ty,
                boxed: self.boxed.contains(&(shape.id.clone(), m.name.clone())),
                docs: docs_of(&m.traits),
                deprecated: deprecation(&m.traits),
            });
        }
        if variants.is_empty() {
            self.diags
                .push(Diagnostic::new(&shape.id, "union has no members"));
        }
        UnionDef {
            shape_id: shape.id.clone(),
            name: names.name,
            module: names.module,
            docs: docs_of(&shape.traits),
            variants,
            deprecated: deprecation(&shape.traits),
            sensitive: shape.traits.has("smithy.api#sensitive"),
        }
    }

    fn enumeration(&mut self, shape: &Shape, names: TypeSymbols) -> EnumDef {
        let int = shape.ty == ShapeType::IntEnum;
        let mut seen_values = BTreeMap::new();
        let mut strings = Vec::new();
        let mut ints = Vec::new();
        for m in &shape.members {
            let at = format!("{}${}", shape.id, m.name);
            let vname = self.symbols.variant(&shape.id, &m.name).name.clone();
            let shown = match (int, m.traits.get("smithy.api#enumValue")) {
                (false, Some(Value::String(s))) => s.clone(),
                (false, None) => m.name.clone(),
                (true, Some(Value::Number(n))) if n.is_i64() || n.is_u64() => {
                    // Generated intEnums hold `i32`, as Smithy's `integer` does.
                    let Some(value) = n.as_i64().and_then(|v| i32::try_from(v).ok()) else {
                        self.diags.push(Diagnostic::new(
                            &at,
                            format!(
                                "intEnum value {n} is outside the 32-bit integer range ({}..={})",
                                i32::MIN,
                                i32::MAX
                            ),
                        ));
                        continue;
                    };
                    ints.push(EnumVariant {
                        name: vname.clone(),
                        value,
                        docs: docs_of(&m.traits),
                        deprecated: deprecation(&m.traits),
                    });
                    value.to_string()
                }
                (_, other) => {
                    self.diags.push(Diagnostic::new(
                        &at,
                        format!(
                            "invalid enumValue {other:?} for an {}",
                            if int { "intEnum" } else { "enum" }
                        ),
                    ));
                    continue;
                }
            };
            if !int {
                strings.push(EnumVariant {
                    name: vname.clone(),
                    value: shown.clone(),
                    docs: docs_of(&m.traits),
                    deprecated: deprecation(&m.traits),
                });
            }
            if let Some(other) = seen_values.insert(shown.clone(), m.name.clone()) {
                let shown = if int { shown } else { format!("{shown:?}") };
                self.diags.push(Diagnostic::new(
                    &at,
                    format!("its value {shown} repeats that of member {other}"),
                ));
            }
        }
        EnumDef {
            shape_id: shape.id.clone(),
            name: names.name,
            module: names.module,
            docs: docs_of(&shape.traits),
            values: if int {
                EnumValues::Int(ints)
            } else {
                EnumValues::String(strings)
            },
            deprecated: deprecation(&shape.traits),
        }
    }

    fn error_info(&mut self, shape: &Shape) -> ErrorInfo {
        if !shape.traits.has("smithy.api#error") {
            self.diags.push(Diagnostic::new(
                &shape.id,
                "is listed as an operation error but has no smithy.api#error trait",
            ));
        }
        let retryable = shape.traits.get("smithy.api#retryable");
        ErrorInfo {
            code: shape.name().to_string(),
            fault: match shape.traits.str("smithy.api#error") {
                Some("server") => Fault::Server,
                _ => Fault::Client,
            },
            retryable: retryable.is_some(),
            throttling: retryable
                .and_then(|r| r.get("throttling"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }
    }

    fn io_struct(
        &mut self,
        op: &Shape,
        target: Option<&String>,
        names: TypeSymbols,
        kind: StructKind,
    ) -> StructDef {
        let what = match kind {
            StructKind::Input { .. } => "Input",
            _ => "Output",
        };
        match target.filter(|t| t.as_str() != "smithy.api#Unit") {
            Some(t) => {
                let mut s = self.structure(self.index.expect(t), names, kind);
                if s.docs.is_empty() {
                    s.docs = vec![format!("{what} of {}.", op.name())];
                }
                s
            }
            None => StructDef {
                shape_id: "smithy.api#Unit".into(),
                name: names.name,
                builder: names.builder,
                module: names.module,
                docs: vec![format!("{what} of {} (it has no members).", op.name())],
                fields: Vec::new(),
                deprecated: None,
                kind,
            },
        }
    }

    fn operation(&mut self, op: &Shape, service: &Shape) -> OperationPlan {
        let names = self.symbols.operation(&op.id).clone();
        let input = self.io_struct(
            op,
            op.input.as_ref(),
            names.input.clone(),
            StructKind::Input {
                operation: op.name().to_string(),
            },
        );
        let output = self.io_struct(
            op,
            op.output.as_ref(),
            names.output.clone(),
            StructKind::Output {
                operation: op.name().to_string(),
            },
        );
        let mut errors = Vec::new();
        let mut seen = BTreeSet::new();
        for e in op.errors.iter().chain(&service.errors) {
            if !seen.insert(e.clone()) {
                continue;
            }
            let shape = self.index.expect(e);
            // An error that is not a structure has no type; `plan` already reported it.
            let (Some(error), Some(ty)) = (self.symbols.error(e), self.symbols.type_of(e)) else {
                continue;
            };
            errors.push(OperationError {
                variant: error.name.clone(),
                is_method: error.is_method.clone(),
                type_name: ty.name.clone(),
                code: shape.name().to_string(),
                docs: docs_of(&shape.traits),
            });
        }
        let paginator = self.paginator(op, service, &names.paginator, &input, &output);
        OperationPlan {
            shape_id: op.id.clone(),
            name: op.name().to_string(),
            module: names.module,
            method: names.method,
            marker: names.marker,
            error: names.error,
            fluent_builder: names.fluent_builder,
            docs: docs_of(&op.traits),
            input,
            output,
            errors,
            paginator,
            deprecated: deprecation(&op.traits),
        }
    }

    fn paginator(
        &mut self,
        op: &Shape,
        service: &Shape,
        name: &str,
        input: &StructDef,
        output: &StructDef,
    ) -> Option<PaginatorPlan> {
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
            self.paginator_gaps.push(Skipped {
                operation: op.id.clone(),
                reason,
            })
        };
        let (Some(input_token), Some(output_token)) = (merged("inputToken"), merged("outputToken"))
        else {
            gap("its paginated trait (merged with the service's) names no inputToken or no outputToken".into());
            return None;
        };
        let find = |s: &StructDef, member: &str| {
            s.fields.iter().find(|f| f.member_name == member).cloned()
        };
        let Some(in_tok) = find(input, &input_token) else {
            self.diags.push(Diagnostic::new(
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
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::test_model::{base, plan_of, problems};
    use super::*;

    fn with_int_enum(values: &[(&str, serde_json::Value)]) -> serde_json::Value {
        let mut m = base();
        let members: serde_json::Map<String, serde_json::Value> = values
            .iter()
            .map(|(name, v)| {
                (
                    name.to_string(),
                    json!({"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": v}}),
                )
            })
            .collect();
        m["shapes"]["ex#Level"] = json!({"type": "intEnum", "members": members});
        m["shapes"]["ex#OpInput"]["members"]["Level"] = json!({"target": "ex#Level"});
        m
    }

    #[test]
    fn structure_kinds_and_sparsity_are_sum_types() {
        let mut m = base();
        m["shapes"]["ex#Op"]["errors"] = json!([{"target": "ex#Busy"}]);
        m["shapes"]["ex#Busy"] = json!({"type": "structure", "members": {},
            "traits": {"smithy.api#error": "server", "smithy.api#retryable": {"throttling": true}}});
        m["shapes"]["ex#Names"] = json!({"type": "list", "member": {"target": "smithy.api#String"},
            "traits": {"smithy.api#sparse": {}}});
        m["shapes"]["ex#OpInput"]["members"]["Names"] = json!({"target": "ex#Names"});
        let plan = plan_of(&m).expect("plans");
        let op = &plan.operations[0];
        assert!(matches!(&op.input.kind, StructKind::Input { operation } if operation == "Op"));
        assert!(matches!(&op.output.kind, StructKind::Output { .. }));
        let StructKind::Error(info) = &plan.errors[0].kind else {
            panic!("error structures carry their error facts");
        };
        assert_eq!(
            (info.fault, info.retryable, info.throttling),
            (Fault::Server, true, true)
        );
        let names = op
            .input
            .fields
            .iter()
            .find(|f| f.name == "names")
            .expect("field");
        assert_eq!(
            names.ty,
            RustType::List(Box::new(RustType::String), Sparsity::Sparse)
        );
    }

    #[test]
    fn every_member_carries_its_json_body_binding() {
        let mut m = base();
        m["shapes"]["ex#Stamp"] = json!({"type": "timestamp",
            "traits": {"smithy.api#timestampFormat": "http-date"}});
        let members = &mut m["shapes"]["ex#OpInput"]["members"];
        members["At"] = json!({"target": "ex#Stamp"});
        members["Since"] = json!({"target": "ex#Stamp",
            "traits": {"smithy.api#timestampFormat": "date-time"}});
        members["Plain"] = json!({"target": "smithy.api#Timestamp"});
        let plan = plan_of(&m).expect("plans");
        let bindings: Vec<(&str, Binding)> = plan.operations[0]
            .input
            .fields
            .iter()
            .map(|f| (f.member_name.as_str(), f.binding.clone()))
            .collect();
        let json = |wire: &str, format| Binding::JsonBody {
            wire_name: wire.into(),
            timestamp_format: format,
        };
        assert_eq!(
            bindings,
            vec![
                ("Name", json("Name", None)),
                ("At", json("At", Some(TimestampFormat::HttpDate))),
                ("Since", json("Since", Some(TimestampFormat::DateTime))),
                ("Plain", json("Plain", Some(TimestampFormat::EpochSeconds))),
            ]
        );
    }

    #[test]
    fn union_timestamps_in_another_format_are_reported() {
        let mut m = base();
        m["shapes"]["ex#When"] = json!({"type": "union", "members": {
            "At": {"target": "smithy.api#Timestamp", "traits": {"smithy.api#timestampFormat": "date-time"}}}});
        m["shapes"]["ex#OpInput"]["members"]["When"] = json!({"target": "ex#When"});
        assert_eq!(
            problems(&m),
            vec![
                "ex#When$At: timestamps in unions with timestampFormat date-time are not supported"
            ]
        );
    }

    #[test]
    fn int_enum_values_outside_i32_name_the_shape_and_member() {
        let m = with_int_enum(&[
            ("LOW", json!(1)),
            ("HUGE", json!(4294967296_i64)),
            ("TINY", json!(-2147483649_i64)),
            ("MAX", json!(u64::MAX)),
        ]);
        assert_eq!(
            problems(&m),
            vec![
                "ex#Level$HUGE: intEnum value 4294967296 is outside the 32-bit integer range (-2147483648..=2147483647)",
                "ex#Level$MAX: intEnum value 18446744073709551615 is outside the 32-bit integer range (-2147483648..=2147483647)",
                "ex#Level$TINY: intEnum value -2147483649 is outside the 32-bit integer range (-2147483648..=2147483647)",
            ]
        );
    }

    #[test]
    fn int_enum_values_at_the_i32_bounds_are_kept() {
        let m = with_int_enum(&[("MIN", json!(i32::MIN)), ("MAX", json!(i32::MAX))]);
        let plan = plan_of(&m).expect("plans");
        let Some(TypeDef::Enum(EnumDef {
            values: EnumValues::Int(variants),
            ..
        })) = plan.types.first()
        else {
            panic!("an intEnum type");
        };
        let values: Vec<i32> = variants.iter().map(|v| v.value).collect();
        assert_eq!(values, vec![i32::MIN, i32::MAX]);
    }
}
