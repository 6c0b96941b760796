//! The IR's plain data: every item to emit, with Rust names fixed, recursion boxed and wire
//! bindings chosen. The passes fill it in; emitters only read it.

use serde_json::Value;

use crate::index::Shape;

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
    pub(super) fn of(shape: &Shape) -> Self {
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
        /// For timestamps, and for lists and maps whose items are timestamps, the format of
        /// the timestamps on the wire; `None` for other types.
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
    pub(super) fn parse(value: &str) -> Option<Self> {
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
