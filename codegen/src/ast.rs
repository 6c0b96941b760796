//! Serde types of the Smithy 2.0 JSON AST, as close to the file as possible. Nothing here is
//! resolved or validated; see [`crate::index`] for that.

use serde::Deserialize;
use serde_json::{Map, Value};

/// A whole model file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelAst {
    /// The IDL version, `2.0` (or `1.0`).
    pub smithy: String,
    /// Free-form metadata; ignored by the generator.
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// Shapes keyed by absolute shape id, in file order.
    #[serde(default)]
    pub shapes: serde_json::Map<String, Value>,
}

/// A reference to another shape: `{"target": "ns#Name"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct TargetRef {
    /// Absolute shape id.
    pub target: String,
}

/// A member of an aggregate shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberAst {
    /// The shape the member targets.
    pub target: String,
    /// Traits applied to the member.
    #[serde(default)]
    pub traits: Map<String, Value>,
}

/// Any shape; fields not used by a shape type stay empty. Unknown keys are rejected.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeAst {
    /// `structure`, `string`, `operation`, `apply`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Traits applied to the shape.
    #[serde(default)]
    pub traits: Map<String, Value>,
    /// Members of structures, unions, enums and intEnums, in declaration order.
    #[serde(default)]
    pub members: Option<serde_json::Map<String, Value>>,
    /// List member.
    #[serde(default)]
    pub member: Option<MemberAst>,
    /// Map key.
    #[serde(default)]
    pub key: Option<MemberAst>,
    /// Map value.
    #[serde(default)]
    pub value: Option<MemberAst>,
    /// Service version.
    #[serde(default)]
    pub version: Option<String>,
    /// Operations bound to a service or resource.
    #[serde(default)]
    pub operations: Vec<TargetRef>,
    /// Resources bound to a service or resource.
    #[serde(default)]
    pub resources: Vec<TargetRef>,
    /// Operation input.
    #[serde(default)]
    pub input: Option<TargetRef>,
    /// Operation output.
    #[serde(default)]
    pub output: Option<TargetRef>,
    /// Operation errors, or errors common to every operation of a service.
    #[serde(default)]
    pub errors: Vec<TargetRef>,
    /// Mixins (flattened before use).
    #[serde(default)]
    pub mixins: Vec<TargetRef>,
    /// Service shape renames.
    #[serde(default)]
    pub rename: Map<String, Value>,
    /// Resource identifiers.
    #[serde(default)]
    pub identifiers: Map<String, Value>,
    /// Resource properties.
    #[serde(default)]
    pub properties: Map<String, Value>,
    /// Resource lifecycle operations.
    #[serde(default)]
    pub create: Option<TargetRef>,
    /// Resource lifecycle operation.
    #[serde(default)]
    pub put: Option<TargetRef>,
    /// Resource lifecycle operation.
    #[serde(default)]
    pub read: Option<TargetRef>,
    /// Resource lifecycle operation.
    #[serde(default)]
    pub update: Option<TargetRef>,
    /// Resource lifecycle operation.
    #[serde(default)]
    pub delete: Option<TargetRef>,
    /// Resource lifecycle operation.
    #[serde(default)]
    pub list: Option<TargetRef>,
    /// Resource collection operations.
    #[serde(default, rename = "collectionOperations")]
    pub collection_operations: Vec<TargetRef>,
}
