//! Shape pass: structures, unions, enums, errors, operations and the service turned into IR
//! items, with field types, defaults, docs, deprecations and wire bindings, using the names
//! of the symbol pass and the boxes of the recursion pass.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::symbols::{SymbolTable, TypeSymbols};
use super::*;
use crate::docs::html_to_markdown;
use crate::error::Diagnostic;
use crate::index::{Member, Shape, ShapeIndex, ShapeType};

/// Builds IR items from shapes, with the names and boxes the earlier passes chose.
pub(super) struct Planner<'a> {
    pub(super) index: &'a ShapeIndex,
    pub(super) diags: Vec<Diagnostic>,
    /// Every Rust name.
    pub(super) symbols: SymbolTable,
    /// Edges `(shape, member)` that need a `Box`.
    pub(super) boxed: BTreeSet<(String, String)>,
    /// Lists and maps whose element type is being resolved, to stop at a cycle that passes
    /// through no structure or union (invalid in Smithy; it would recurse forever).
    expanding: BTreeSet<String>,
}

impl<'a> Planner<'a> {
    pub(super) fn new(index: &'a ShapeIndex) -> Self {
        Self {
            index,
            diags: Vec::new(),
            symbols: SymbolTable::default(),
            boxed: BTreeSet::new(),
            expanding: BTreeSet::new(),
        }
    }
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
    pub(super) fn service(&mut self, service: &Shape) -> ServicePlan {
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
            ShapeType::Timestamp => RustType::DateTime,
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

    /// The member's place in the JSON body, with the format of the timestamps it holds: its
    /// own, or for a list or map of timestamps that of the list's or map's member.
    fn json_binding(&mut self, at: &str, m: &Member, ty: &RustType) -> Binding {
        let timestamp_format = match ty {
            RustType::DateTime => Some(self.timestamp_format(at, m)),
            RustType::List(item, _) | RustType::Map(item, _) if **item == RustType::DateTime => {
                self.element(&m.target)
                    .map(|(id, element)| self.timestamp_format(&id, &element))
            }
            _ => None,
        };
        if *ty != RustType::DateTime && m.traits.has("smithy.api#timestampFormat") {
            // Smithy's selector for the trait is `:test(timestamp, member > timestamp)`: a
            // format for a list's items belongs on the list's member.
            self.diags.push(Diagnostic::new(
                at,
                "timestampFormat applies only to timestamps and to members that target one; put \
                 it on the member of the list or map, or on the timestamp shape",
            ));
        }
        if matches!(ty, RustType::List(..) | RustType::Map(..)) {
            let mut seen = BTreeSet::new();
            if let Some((inner, f)) = self.nested_text_timestamps(&m.target, &mut seen) {
                // Each serde helper knows one level of collection; deeper ones would need a
                // helper per shape of nesting.
                self.diags.push(Diagnostic::new(
                    at,
                    format!(
                        "timestamps with timestampFormat {} in a list or map nested in another \
                         list or map are not supported ({inner})",
                        f.as_str()
                    ),
                ));
            }
        }
        Binding::JsonBody {
            wire_name: m.name.clone(),
            timestamp_format,
        }
    }

    /// The format of a member that targets a timestamp: the member's trait, else the target's,
    /// else epoch seconds.
    fn timestamp_format(&mut self, at: &str, m: &Member) -> TimestampFormat {
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
    }

    /// A list's member or a map's value, with its id (`List$member`, `Map$value`).
    fn element(&self, collection: &str) -> Option<(String, Member)> {
        let shape = self.index.expect(collection);
        let m = match shape.ty {
            ShapeType::List => shape.members.first()?,
            ShapeType::Map => shape.members.get(1)?,
            _ => return None,
        };
        Some((format!("{}${}", shape.id, m.name), m.clone()))
    }

    /// The first member, in a list or map held by the list or map `collection`, that targets a
    /// timestamp in a text format.
    fn nested_text_timestamps(
        &mut self,
        collection: &str,
        seen: &mut BTreeSet<String>,
    ) -> Option<(String, TimestampFormat)> {
        if !seen.insert(collection.to_owned()) {
            return None;
        }
        let (_, element) = self.element(collection)?;
        let (inner_id, inner) = self.element(&element.target)?;
        if self.index.expect(&inner.target).ty == ShapeType::Timestamp {
            let f = self.timestamp_format(&inner_id, &inner);
            if f != TimestampFormat::EpochSeconds {
                return Some((inner_id, f));
            }
        }
        self.nested_text_timestamps(&element.target, seen)
    }

    pub(super) fn structure(
        &mut self,
        shape: &Shape,
        names: TypeSymbols,
        kind: StructKind,
    ) -> StructDef {
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

    pub(super) fn union(&mut self, shape: &Shape, names: TypeSymbols) -> UnionDef {
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

    pub(super) fn enumeration(&mut self, shape: &Shape, names: TypeSymbols) -> EnumDef {
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

    pub(super) fn error_info(&mut self, shape: &Shape) -> ErrorInfo {
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

    pub(super) fn operation(&mut self, op: &Shape, service: &Shape) -> OperationPlan {
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
            paginator: None,
            deprecated: deprecation(&op.traits),
        }
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
    fn lists_and_maps_of_timestamps_carry_their_members_format() {
        let mut m = base();
        m["shapes"]["ex#Iso"] = json!({"type": "timestamp",
            "traits": {"smithy.api#timestampFormat": "date-time"}});
        m["shapes"]["ex#IsoList"] = json!({"type": "list", "member": {"target": "ex#Iso"}});
        m["shapes"]["ex#HttpList"] = json!({"type": "list", "member": {"target": "ex#Iso",
            "traits": {"smithy.api#timestampFormat": "http-date"}}, "traits": {"smithy.api#sparse": {}}});
        m["shapes"]["ex#IsoMap"] = json!({"type": "map", "key": {"target": "smithy.api#String"},
            "value": {"target": "smithy.api#Timestamp", "traits": {"smithy.api#timestampFormat": "date-time"}}});
        m["shapes"]["ex#EpochList"] =
            json!({"type": "list", "member": {"target": "smithy.api#Timestamp"}});
        let members = &mut m["shapes"]["ex#OpInput"]["members"];
        members["Isos"] = json!({"target": "ex#IsoList"});
        members["Https"] = json!({"target": "ex#HttpList"});
        members["IsoMap"] = json!({"target": "ex#IsoMap"});
        members["Epochs"] = json!({"target": "ex#EpochList"});
        let plan = plan_of(&m).expect("lists and maps of timestamps in any format plan");
        let formats: Vec<(&str, Option<TimestampFormat>)> = plan.operations[0]
            .input
            .fields
            .iter()
            .map(|f| match &f.binding {
                Binding::JsonBody {
                    timestamp_format, ..
                } => (f.member_name.as_str(), *timestamp_format),
            })
            .collect();
        assert_eq!(
            formats,
            vec![
                ("Name", None),
                ("Isos", Some(TimestampFormat::DateTime)),
                ("Https", Some(TimestampFormat::HttpDate)),
                ("IsoMap", Some(TimestampFormat::DateTime)),
                ("Epochs", Some(TimestampFormat::EpochSeconds)),
            ]
        );
    }

    #[test]
    fn nested_collections_of_formatted_timestamps_are_reported() {
        let mut m = base();
        m["shapes"]["ex#IsoList"] = json!({"type": "list", "member": {"target": "smithy.api#Timestamp",
            "traits": {"smithy.api#timestampFormat": "date-time"}}});
        m["shapes"]["ex#Lists"] = json!({"type": "list", "member": {"target": "ex#IsoList"}});
        m["shapes"]["ex#MapOfLists"] = json!({"type": "map", "key": {"target": "smithy.api#String"},
            "value": {"target": "ex#Lists"}});
        m["shapes"]["ex#EpochList"] =
            json!({"type": "list", "member": {"target": "smithy.api#Timestamp"}});
        m["shapes"]["ex#EpochLists"] =
            json!({"type": "list", "member": {"target": "ex#EpochList"}});
        let members = &mut m["shapes"]["ex#OpInput"]["members"];
        members["Lists"] = json!({"target": "ex#Lists"});
        members["Deep"] = json!({"target": "ex#MapOfLists"});
        members["EpochLists"] = json!({"target": "ex#EpochLists"});
        assert_eq!(
            problems(&m),
            vec![
                "ex#OpInput$Deep: timestamps with timestampFormat date-time in a list or map \
                 nested in another list or map are not supported (ex#IsoList$member)",
                "ex#OpInput$Lists: timestamps with timestampFormat date-time in a list or map \
                 nested in another list or map are not supported (ex#IsoList$member)",
            ]
        );
    }

    #[test]
    fn timestamp_format_on_a_member_targeting_a_list_is_reported() {
        let mut m = base();
        m["shapes"]["ex#Times"] =
            json!({"type": "list", "member": {"target": "smithy.api#Timestamp"}});
        m["shapes"]["ex#OpInput"]["members"]["Times"] = json!({"target": "ex#Times",
            "traits": {"smithy.api#timestampFormat": "date-time"}});
        assert_eq!(
            problems(&m),
            vec![
                "ex#OpInput$Times: timestampFormat applies only to timestamps and to members that \
                 target one; put it on the member of the list or map, or on the timestamp shape"
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
