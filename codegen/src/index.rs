//! The shape index: every shape of the model (plus the Smithy prelude) resolved into typed
//! form, with `apply` statements and mixins folded in, and references checked.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::ast::{MemberAst, ModelAst, ShapeAst, TargetRef};
use crate::error::{Diagnostic, Error};

/// The Smithy shape types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum ShapeType {
    Blob,
    Boolean,
    String,
    Enum,
    IntEnum,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
    List,
    Map,
    Structure,
    Union,
    Service,
    Operation,
    Resource,
}

impl ShapeType {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "blob" => Self::Blob,
            "boolean" => Self::Boolean,
            "string" => Self::String,
            "enum" => Self::Enum,
            "intEnum" => Self::IntEnum,
            "byte" => Self::Byte,
            "short" => Self::Short,
            "integer" => Self::Integer,
            "long" => Self::Long,
            "float" => Self::Float,
            "double" => Self::Double,
            "bigInteger" => Self::BigInteger,
            "bigDecimal" => Self::BigDecimal,
            "timestamp" => Self::Timestamp,
            "document" => Self::Document,
            "list" | "set" => Self::List,
            "map" => Self::Map,
            "structure" => Self::Structure,
            "union" => Self::Union,
            "service" => Self::Service,
            "operation" => Self::Operation,
            "resource" => Self::Resource,
            _ => return None,
        })
    }
}

/// Traits keyed by absolute trait id (`smithy.api#required`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Traits(pub Map<String, Value>);

impl Traits {
    /// Whether the trait is applied.
    pub fn has(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }
    /// The trait's value.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.0.get(id)
    }
    /// A string-valued trait.
    pub fn str(&self, id: &str) -> Option<&str> {
        self.get(id).and_then(Value::as_str)
    }
    /// `smithy.api#documentation`.
    pub fn documentation(&self) -> Option<&str> {
        self.str("smithy.api#documentation")
    }
    fn merge(&mut self, other: &Map<String, Value>) {
        for (k, v) in other {
            self.0.insert(k.clone(), v.clone());
        }
    }
}

/// A member of an aggregate shape (list `member`, map `key`/`value`, structure/union/enum members).
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The member name as written in the model (the wire name for awsJson).
    pub name: String,
    /// Absolute id of the targeted shape.
    pub target: String,
    /// Traits applied to the member.
    pub traits: Traits,
}

/// One resolved shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// Absolute shape id, `namespace#Name`.
    pub id: String,
    /// The shape type.
    pub ty: ShapeType,
    /// Traits applied to the shape.
    pub traits: Traits,
    /// Members in declaration order; lists have `member`, maps `key` and `value`.
    pub members: Vec<Member>,
    /// Operation input, output and errors; service-wide errors for services.
    pub input: Option<String>,
    /// See `input`.
    pub output: Option<String>,
    /// See `input`.
    pub errors: Vec<String>,
    /// Operations bound to a service or resource (all lifecycle operations included).
    pub operations: Vec<String>,
    /// Resources bound to a service or resource.
    pub resources: Vec<String>,
    /// Service version.
    pub version: Option<String>,
    /// Service renames: shape id to new name.
    pub rename: BTreeMap<String, String>,
}

impl Shape {
    /// The name part of the id.
    pub fn name(&self) -> &str {
        shape_name(&self.id)
    }
    /// The member with this name.
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

/// The name part of an absolute shape id (`ns#Name` -> `Name`).
pub fn shape_name(id: &str) -> &str {
    id.rsplit_once('#').map_or(id, |(_, n)| n)
}

/// All shapes of a model, by absolute id.
#[derive(Debug, Clone, Default)]
pub struct ShapeIndex {
    shapes: BTreeMap<String, Shape>,
}

/// State of one shape's walk through its mixins.
#[derive(Default)]
struct MixinWalk {
    /// The shape and the mixins being expanded, outermost first: meeting one again is a cycle.
    path: Vec<String>,
    /// Mixins already folded in: meeting one again is a diamond, not a cycle.
    applied: BTreeSet<String>,
    /// For each member folded in so far, the mixin that defined it.
    origin: BTreeMap<String, String>,
}

const PRELUDE: &[(&str, &str, Option<&str>)] = &[
    ("String", "string", None),
    ("Blob", "blob", None),
    ("BigInteger", "bigInteger", None),
    ("BigDecimal", "bigDecimal", None),
    ("Timestamp", "timestamp", None),
    ("Document", "document", None),
    ("Boolean", "boolean", None),
    ("PrimitiveBoolean", "boolean", Some("false")),
    ("Byte", "byte", None),
    ("PrimitiveByte", "byte", Some("0")),
    ("Short", "short", None),
    ("PrimitiveShort", "short", Some("0")),
    ("Integer", "integer", None),
    ("PrimitiveInteger", "integer", Some("0")),
    ("Long", "long", None),
    ("PrimitiveLong", "long", Some("0")),
    ("Float", "float", None),
    ("PrimitiveFloat", "float", Some("0")),
    ("Double", "double", None),
    ("PrimitiveDouble", "double", Some("0")),
];

impl ShapeIndex {
    /// Parses model JSON text into an index.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let ast: ModelAst = serde_json::from_str(text)
            .map_err(|e| Error::single("", format!("not a Smithy JSON AST model: {e}")))?;
        Self::from_ast(ast)
    }

    /// Resolves a parsed model: prelude, `apply`, mixins, reference checks.
    pub fn from_ast(ast: ModelAst) -> Result<Self, Error> {
        let mut diags = Vec::new();
        if !matches!(ast.smithy.as_str(), "2.0" | "2" | "1.0" | "1") {
            diags.push(Diagnostic::new(
                "",
                format!("unsupported Smithy version {:?}", ast.smithy),
            ));
        }
        let mut shapes = BTreeMap::new();
        for (name, ty, default) in PRELUDE {
            let mut traits = Map::new();
            if let Some(d) = default {
                traits.insert(
                    "smithy.api#default".into(),
                    serde_json::from_str(d).expect("literal"),
                );
            }
            shapes.insert(
                format!("smithy.api#{name}"),
                Self::simple(&format!("smithy.api#{name}"), ty, traits),
            );
        }
        let mut unit = Self::simple("smithy.api#Unit", "structure", Map::new());
        unit.traits
            .0
            .insert("smithy.api#unitType".into(), Value::Object(Map::new()));
        shapes.insert(unit.id.clone(), unit);

        let mut applies = Vec::new();
        let mut raw: BTreeMap<String, ShapeAst> = BTreeMap::new();
        for (id, value) in ast.shapes {
            if !id.contains('#') {
                diags.push(Diagnostic::new(
                    &id,
                    "shape id is not absolute (expected namespace#Name)",
                ));
                continue;
            }
            match serde_json::from_value::<ShapeAst>(value) {
                Ok(s) if s.kind == "apply" => applies.push((id, s.traits)),
                Ok(s) => {
                    raw.insert(id, s);
                }
                Err(e) => diags.push(Diagnostic::new(&id, format!("malformed shape: {e}"))),
            }
        }
        for (id, s) in &raw {
            match Self::convert(id, s, &raw, &mut diags) {
                Some(shape) => {
                    shapes.insert(id.clone(), shape);
                }
                None => continue,
            }
        }
        for (target, traits) in applies {
            match target.split_once('$') {
                Some((shape, member)) => match shapes
                    .get_mut(shape)
                    .and_then(|s| s.members.iter_mut().find(|m| m.name == member))
                {
                    Some(m) => m.traits.merge(&traits),
                    None => diags.push(Diagnostic::new(
                        &target,
                        "`apply` targets a member that does not exist",
                    )),
                },
                None => match shapes.get_mut(&target) {
                    Some(s) => s.traits.merge(&traits),
                    None => diags.push(Diagnostic::new(
                        &target,
                        "`apply` targets a shape that does not exist",
                    )),
                },
            }
        }
        let index = Self { shapes };
        index.check_references(&mut diags);
        if diags.is_empty() {
            Ok(index)
        } else {
            Err(Error::from_diagnostics(diags))
        }
    }

    fn simple(id: &str, ty: &str, traits: Map<String, Value>) -> Shape {
        Shape {
            id: id.into(),
            ty: ShapeType::parse(ty).expect("prelude type"),
            traits: Traits(traits),
            members: Vec::new(),
            input: None,
            output: None,
            errors: Vec::new(),
            operations: Vec::new(),
            resources: Vec::new(),
            version: None,
            rename: BTreeMap::new(),
        }
    }

    fn convert(
        id: &str,
        s: &ShapeAst,
        raw: &BTreeMap<String, ShapeAst>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Shape> {
        let Some(ty) = ShapeType::parse(&s.kind) else {
            diags.push(Diagnostic::new(
                id,
                format!("unknown shape type {:?}", s.kind),
            ));
            return None;
        };
        let mut shape = Self::simple(id, "string", Map::new());
        shape.ty = ty;
        // Mixins first, so the shape's own traits and members win.
        let mut walk = MixinWalk {
            path: vec![id.to_string()],
            ..MixinWalk::default()
        };
        Self::apply_mixins(id, s, raw, &mut shape, diags, &mut walk);
        shape.traits.merge(&s.traits);
        shape.traits.0.remove("smithy.api#mixin");
        let member = |name: &str, m: &MemberAst| Member {
            name: name.into(),
            target: m.target.clone(),
            traits: Traits(m.traits.clone()),
        };
        match ty {
            ShapeType::List => match &s.member {
                Some(m) => shape.members.push(member("member", m)),
                None if shape.members.is_empty() => {
                    diags.push(Diagnostic::new(id, "list has no `member`"))
                }
                None => {}
            },
            ShapeType::Map => match (&s.key, &s.value) {
                (Some(k), Some(v)) => {
                    shape.members = vec![member("key", k), member("value", v)];
                }
                _ if shape.members.len() == 2 => {}
                _ => diags.push(Diagnostic::new(id, "map needs both `key` and `value`")),
            },
            _ => {
                if let Some(members) = &s.members {
                    for (name, value) in members {
                        match serde_json::from_value::<MemberAst>(value.clone()) {
                            Ok(m) => {
                                let m = member(name, &m);
                                match shape.members.iter_mut().find(|x| x.name == *name) {
                                    Some(existing) => {
                                        existing.target = m.target;
                                        existing.traits.merge(&m.traits.0);
                                    }
                                    None => shape.members.push(m),
                                }
                            }
                            Err(e) => diags.push(Diagnostic::new(
                                format!("{id}${name}"),
                                format!("malformed member: {e}"),
                            )),
                        }
                    }
                }
            }
        }
        let ids = |v: &[TargetRef]| v.iter().map(|t| t.target.clone()).collect::<Vec<_>>();
        shape.input = s.input.as_ref().map(|t| t.target.clone());
        shape.output = s.output.as_ref().map(|t| t.target.clone());
        shape.errors = ids(&s.errors);
        shape.operations = ids(&s.operations);
        for lifecycle in [&s.create, &s.put, &s.read, &s.update, &s.delete, &s.list]
            .into_iter()
            .flatten()
        {
            shape.operations.push(lifecycle.target.clone());
        }
        shape.operations.extend(ids(&s.collection_operations));
        shape.resources = ids(&s.resources);
        shape.version = s.version.clone();
        for (k, v) in &s.rename {
            match v.as_str() {
                Some(name) => {
                    shape.rename.insert(k.clone(), name.to_string());
                }
                None => diags.push(Diagnostic::new(
                    id,
                    format!("rename of {k} is not a string"),
                )),
            }
        }
        Some(shape)
    }

    /// Folds the mixins of `s`, and theirs first, into `shape` (the shape `id`).
    fn apply_mixins(
        id: &str,
        s: &ShapeAst,
        raw: &BTreeMap<String, ShapeAst>,
        shape: &mut Shape,
        diags: &mut Vec<Diagnostic>,
        walk: &mut MixinWalk,
    ) {
        for mixin in &s.mixins {
            let target = &mixin.target;
            if let Some(start) = walk.path.iter().position(|p| p == target) {
                let cycle = walk.path[start..].join(" -> ");
                diags.push(Diagnostic::new(
                    id,
                    format!("mixin cycle {cycle} -> {target}"),
                ));
                continue;
            }
            // Reached again through another mixin (a diamond): its members are already in.
            if !walk.applied.insert(target.clone()) {
                continue;
            }
            let Some(m) = raw.get(target) else {
                diags.push(Diagnostic::new(
                    id,
                    format!("mixin {target} does not exist"),
                ));
                continue;
            };
            walk.path.push(target.clone());
            Self::apply_mixins(id, m, raw, shape, diags, walk);
            walk.path.pop();
            let mut traits = m.traits.clone();
            traits.remove("smithy.api#mixin");
            traits.remove("smithy.api#documentation");
            shape.traits.merge(&traits);
            for (name, value) in m.members.iter().flatten() {
                let at = format!("{id}${name}");
                // The mixin's own conversion reports this too, but only here is it said that
                // `id` lost a member because of it.
                let ma = match serde_json::from_value::<MemberAst>(value.clone()) {
                    Ok(ma) => ma,
                    Err(e) => {
                        diags.push(Diagnostic::new(
                            at,
                            format!("malformed member from mixin {target}: {e}"),
                        ));
                        continue;
                    }
                };
                if let Some(first) = walk.origin.get(name) {
                    diags.push(Diagnostic::new(
                        at,
                        format!("defined by both mixin {first} and mixin {target}"),
                    ));
                    continue;
                }
                walk.origin.insert(name.clone(), target.clone());
                shape.members.push(Member {
                    name: name.clone(),
                    target: ma.target,
                    traits: Traits(ma.traits),
                });
            }
        }
    }

    fn check_references(&self, diags: &mut Vec<Diagnostic>) {
        for shape in self.shapes.values() {
            for m in &shape.members {
                if !self.shapes.contains_key(&m.target) {
                    diags.push(Diagnostic::new(
                        format!("{}${}", shape.id, m.name),
                        format!("targets unknown shape {}", m.target),
                    ));
                }
            }
            let refs = shape
                .input
                .iter()
                .chain(&shape.output)
                .chain(&shape.errors)
                .chain(&shape.operations)
                .chain(&shape.resources);
            for target in refs {
                if !self.shapes.contains_key(target) {
                    diags.push(Diagnostic::new(
                        &shape.id,
                        format!("refers to unknown shape {target}"),
                    ));
                }
            }
        }
    }

    /// The shape with this id.
    pub fn get(&self, id: &str) -> Option<&Shape> {
        self.shapes.get(id)
    }

    /// The shape with this id; the id must have been checked already.
    pub fn expect(&self, id: &str) -> &Shape {
        self.shapes
            .get(id)
            .unwrap_or_else(|| panic!("shape {id} was checked to exist"))
    }

    /// Every shape, sorted by id.
    pub fn shapes(&self) -> impl Iterator<Item = &Shape> {
        self.shapes.values()
    }

    /// The service shapes of the model.
    pub fn services(&self) -> Vec<&Shape> {
        self.shapes
            .values()
            .filter(|s| s.ty == ShapeType::Service)
            .collect()
    }

    /// Every operation of a service, through its resources too, in model order, deduplicated.
    pub fn service_operations(&self, service: &Shape) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec![service.id.clone()];
        let mut visited = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if !visited.insert(id.clone()) {
                continue;
            }
            let Some(s) = self.get(&id) else { continue };
            for op in &s.operations {
                if seen.insert(op.clone()) {
                    out.push(op.clone());
                }
            }
            stack.extend(s.resources.iter().rev().cloned());
        }
        out
    }

    /// Every shape reachable from the given roots through members, inputs, outputs and errors.
    pub fn closure(&self, roots: &[String]) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = roots.to_vec();
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let Some(s) = self.get(&id) else { continue };
            stack.extend(s.members.iter().map(|m| m.target.clone()));
            stack.extend(s.input.iter().chain(&s.output).chain(&s.errors).cloned());
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn index(shapes: Value) -> Result<ShapeIndex, Vec<String>> {
        let model = json!({"smithy": "2.0", "shapes": shapes});
        ShapeIndex::from_json(&model.to_string())
            .map_err(|e| e.diagnostics.iter().map(ToString::to_string).collect())
    }

    fn members(index: &ShapeIndex, id: &str) -> Vec<String> {
        index
            .expect(id)
            .members
            .iter()
            .map(|m| m.name.clone())
            .collect()
    }

    fn mixin(members: Value, mixins: &[&str]) -> Value {
        json!({
            "type": "structure",
            "mixins": mixins.iter().map(|m| json!({"target": m})).collect::<Vec<_>>(),
            "members": members,
            "traits": {"smithy.api#mixin": {}, "smithy.api#documentation": "A mixin."}
        })
    }

    #[test]
    fn mixin_members_come_first_and_the_shapes_own_win() {
        let index = index(json!({
            "ex#Base": mixin(json!({
                "Id": {"target": "smithy.api#String", "traits": {"smithy.api#documentation": "The id."}},
                "Size": {"target": "smithy.api#Integer"}
            }), &[]),
            "ex#User": {
                "type": "structure",
                "mixins": [{"target": "ex#Base"}],
                "members": {
                    "Own": {"target": "smithy.api#String"},
                    "Id": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}}}
                }
            }
        }))
        .expect("valid");
        assert_eq!(members(&index, "ex#User"), ["Id", "Size", "Own"]);
        let id = index.expect("ex#User").member("Id").expect("Id");
        assert!(
            id.traits.has("smithy.api#required") && id.traits.documentation() == Some("The id.")
        );
        let user = &index.expect("ex#User").traits;
        assert!(
            !user.has("smithy.api#mixin"),
            "a user of a mixin is no mixin"
        );
        assert_eq!(
            user.documentation(),
            None,
            "a mixin's documentation is its own"
        );
    }

    #[test]
    fn diamond_of_mixins_brings_the_base_members_once() {
        let index = index(json!({
            "ex#Base": mixin(json!({"Id": {"target": "smithy.api#String"}}), &[]),
            "ex#Left": mixin(json!({"Left": {"target": "smithy.api#String"}}), &["ex#Base"]),
            "ex#Right": mixin(json!({"Right": {"target": "smithy.api#String"}}), &["ex#Base"]),
            "ex#User": {
                "type": "structure",
                "mixins": [{"target": "ex#Left"}, {"target": "ex#Right"}],
                "members": {"Own": {"target": "smithy.api#String"}}
            }
        }))
        .expect("a diamond is no cycle");
        assert_eq!(members(&index, "ex#User"), ["Id", "Left", "Right", "Own"]);
        assert_eq!(members(&index, "ex#Right"), ["Id", "Right"]);
    }

    #[test]
    fn mixin_cycle_is_reported_with_its_path() {
        let problems = index(json!({
            "ex#A": mixin(json!({}), &["ex#B"]),
            "ex#B": mixin(json!({}), &["ex#A"]),
            "ex#Own": mixin(json!({}), &["ex#Own"])
        }))
        .expect_err("cycles");
        assert_eq!(
            problems,
            [
                "ex#A: mixin cycle ex#A -> ex#B -> ex#A",
                "ex#B: mixin cycle ex#B -> ex#A -> ex#B",
                "ex#Own: mixin cycle ex#Own -> ex#Own",
            ]
        );
    }

    #[test]
    fn missing_mixin_is_reported() {
        let problems = index(json!({
            "ex#User": {"type": "structure", "mixins": [{"target": "ex#Nope"}], "members": {}}
        }))
        .expect_err("missing mixin");
        assert_eq!(problems, ["ex#User: mixin ex#Nope does not exist"]);
    }

    #[test]
    fn malformed_mixin_member_is_reported_for_the_mixin_and_its_user() {
        let problems = index(json!({
            "ex#Base": mixin(json!({
                "Good": {"target": "smithy.api#String"},
                "Bad": {"traits": {}}
            }), &[]),
            "ex#User": {"type": "structure", "mixins": [{"target": "ex#Base"}], "members": {}}
        }))
        .expect_err("malformed member");
        assert_eq!(
            problems,
            [
                "ex#Base$Bad: malformed member: missing field `target`",
                "ex#User$Bad: malformed member from mixin ex#Base: missing field `target`",
            ]
        );
    }

    #[test]
    fn same_member_from_two_unrelated_mixins_is_a_conflict() {
        let problems = index(json!({
            "ex#Left": mixin(json!({"Id": {"target": "smithy.api#String"}}), &[]),
            "ex#Right": mixin(json!({"Id": {"target": "smithy.api#Integer"}}), &[]),
            "ex#User": {
                "type": "structure",
                "mixins": [{"target": "ex#Left"}, {"target": "ex#Right"}],
                "members": {}
            }
        }))
        .expect_err("conflict");
        assert_eq!(
            problems,
            ["ex#User$Id: defined by both mixin ex#Left and mixin ex#Right"]
        );
    }
}
