//! The rule set: its parsed form, and its evaluation against [`Params`].

use super::functions;
use super::partition::{resolve_partition_in, Partition, PARTITIONS};
use super::template::{is_identifier, AttrPath, Part, Template};
use super::{Endpoint, EndpointError, Params, Value};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::fmt;
use std::str::FromStr;

/// A parsed `smithy.rules#endpointRuleSet`, ready to [`resolve`](Self::resolve) endpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    version: Option<String>,
    parameters: Vec<Parameter>,
    rules: Vec<Rule>,
}

/// A parameter the rule set declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    name: String,
    param_type: ParameterType,
    built_in: Option<String>,
    required: bool,
    default: Option<Value>,
    documentation: Option<String>,
}

impl Parameter {
    /// The name rules refer to, e.g. `UseFIPS`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The declared type.
    pub fn param_type(&self) -> ParameterType {
        self.param_type
    }
    /// The SDK setting that supplies the value, e.g. `AWS::Region` or `SDK::Endpoint`.
    pub fn built_in(&self) -> Option<&str> {
        self.built_in.as_deref()
    }
    /// Whether resolution fails when the parameter is neither set nor defaulted.
    pub fn required(&self) -> bool {
        self.required
    }
    /// The value used when the parameter is not set.
    pub fn default(&self) -> Option<&Value> {
        self.default.as_ref()
    }
    /// The model's description of the parameter.
    pub fn documentation(&self) -> Option<&str> {
        self.documentation.as_deref()
    }
}

/// The type of a [`Parameter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParameterType {
    /// `String`.
    String,
    /// `Boolean`.
    Boolean,
    /// `stringArray`: a list of strings.
    StringArray,
}

impl fmt::Display for ParameterType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::String => "String",
            Self::Boolean => "Boolean",
            Self::StringArray => "stringArray",
        })
    }
}

/// A rule set that could not be parsed: where (a JSON path such as
/// `rules[1].conditions[0].argv[0]`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetError {
    path: String,
    message: String,
}

impl RuleSetError {
    fn new(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            message: message.into(),
        }
    }
    /// Where in the rule set the problem is; empty for the document itself.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RuleSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "invalid endpoint rule set: {}", self.message)
        } else {
            write!(
                f,
                "invalid endpoint rule set at {}: {}",
                self.path, self.message
            )
        }
    }
}

impl StdError for RuleSetError {}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    conditions: Vec<Condition>,
    body: RuleBody,
}

#[derive(Debug, Clone, PartialEq)]
enum RuleBody {
    Endpoint(EndpointTemplate),
    Error(Expr),
    Tree(Vec<Rule>),
}

#[derive(Debug, Clone, PartialEq)]
struct EndpointTemplate {
    url: Expr,
    headers: Vec<(String, Vec<Expr>)>,
    properties: Vec<(String, Expr)>,
}

#[derive(Debug, Clone, PartialEq)]
struct Condition {
    call: Call,
    assign: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Template(Template),
    Bool(bool),
    Int(i64),
    Array(Vec<Expr>),
    Record(Vec<(String, Expr)>),
    Ref(String),
    Call(Box<Call>),
}

#[derive(Debug, Clone, PartialEq)]
struct Call {
    function: Function,
    args: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
enum Function {
    IsSet,
    Not,
    BooleanEquals,
    StringEquals,
    /// The path is the literal second argument, parsed up front; `args` holds the target.
    GetAttr(AttrPath),
    ParseUrl,
    Substring,
    UriEncode,
    IsValidHostLabel,
    Partition,
    ParseArn,
    IsVirtualHostableS3Bucket,
}

impl Function {
    /// The function called `name` and how many arguments it takes.
    fn lookup(name: &str) -> Option<(Self, usize)> {
        Some(match name {
            "isSet" => (Self::IsSet, 1),
            "not" => (Self::Not, 1),
            "booleanEquals" => (Self::BooleanEquals, 2),
            "stringEquals" => (Self::StringEquals, 2),
            "parseURL" => (Self::ParseUrl, 1),
            "substring" => (Self::Substring, 4),
            "uriEncode" => (Self::UriEncode, 1),
            "isValidHostLabel" => (Self::IsValidHostLabel, 2),
            "aws.partition" => (Self::Partition, 1),
            "aws.parseArn" => (Self::ParseArn, 1),
            "aws.isVirtualHostableS3Bucket" => (Self::IsVirtualHostableS3Bucket, 2),
            _ => return None,
        })
    }

    fn name(&self) -> &'static str {
        match self {
            Self::IsSet => "isSet",
            Self::Not => "not",
            Self::BooleanEquals => "booleanEquals",
            Self::StringEquals => "stringEquals",
            Self::GetAttr(_) => "getAttr",
            Self::ParseUrl => "parseURL",
            Self::Substring => "substring",
            Self::UriEncode => "uriEncode",
            Self::IsValidHostLabel => "isValidHostLabel",
            Self::Partition => "aws.partition",
            Self::ParseArn => "aws.parseArn",
            Self::IsVirtualHostableS3Bucket => "aws.isVirtualHostableS3Bucket",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

impl FromStr for RuleSet {
    type Err = RuleSetError;
    fn from_str(json: &str) -> Result<Self, RuleSetError> {
        Self::parse(json)
    }
}

impl TryFrom<&Json> for RuleSet {
    type Error = RuleSetError;
    fn try_from(json: &Json) -> Result<Self, RuleSetError> {
        Self::from_json(json)
    }
}

impl RuleSet {
    /// Parses the JSON text of an `endpointRuleSet` trait.
    pub fn parse(json: &str) -> Result<Self, RuleSetError> {
        let value: Json = serde_json::from_str(json)
            .map_err(|e| RuleSetError::new("", format!("not valid JSON: {e}")))?;
        Self::from_json(&value)
    }

    /// Reads the JSON value of an `endpointRuleSet` trait. Besides its shape, this checks
    /// that every function exists and gets the right number of arguments, and that every
    /// reference names a parameter or a variable assigned earlier on the way to it.
    pub fn from_json(json: &Json) -> Result<Self, RuleSetError> {
        // Parsing and resolving recurse once per level; serde_json stops text at 128 levels,
        // and a value built in code gets the same limit instead of overflowing the stack.
        if json_depth(json) > MAX_DEPTH {
            return Err(RuleSetError::new(
                "",
                format!("the rule set is nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        let root = object(json, "")?;
        let version = match root.get("version") {
            None => None,
            Some(v) => Some(
                v.as_str()
                    .ok_or_else(|| bad_type("version", "a string"))?
                    .to_owned(),
            ),
        };
        let declared = object(field(root, "", "parameters")?, "parameters")?;
        let parameters = declared
            .iter()
            .map(|(name, decl)| parse_parameter(name, decl))
            .collect::<Result<Vec<_>, _>>()?;
        let mut scope: Vec<String> = parameters.iter().map(|p| p.name.clone()).collect();
        let rules = parse_rules(field(root, "", "rules")?, "rules", &mut scope)?;
        Ok(Self {
            version,
            parameters,
            rules,
        })
    }

    /// The rule set's `version`, e.g. `1.0`.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The declared parameters, in declaration order.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The declared parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

/// Deepest nesting of JSON arrays and objects accepted in a rule set (serde_json's own limit
/// for text; real rule sets nest about 20 levels).
const MAX_DEPTH: usize = 128;

/// Nesting depth of `json` (a scalar is 1), computed without recursion.
fn json_depth(json: &Json) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(json, 1usize)];
    while let Some((value, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        match value {
            Json::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            Json::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    deepest
}

fn object<'a>(json: &'a Json, path: &str) -> Result<&'a Map<String, Json>, RuleSetError> {
    json.as_object().ok_or_else(|| bad_type(path, "an object"))
}

fn field<'a>(obj: &'a Map<String, Json>, path: &str, key: &str) -> Result<&'a Json, RuleSetError> {
    obj.get(key)
        .ok_or_else(|| RuleSetError::new(path, format!("missing `{key}`")))
}

fn bad_type(path: &str, expected: &str) -> RuleSetError {
    RuleSetError::new(path, format!("expected {expected}"))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn parse_parameter(name: &str, decl: &Json) -> Result<Parameter, RuleSetError> {
    let path = format!("parameters.{name}");
    if !is_identifier(name) {
        return Err(RuleSetError::new(
            &path,
            "parameter names must be identifiers",
        ));
    }
    let decl = object(decl, &path)?;
    let string = |key: &str| -> Result<Option<String>, RuleSetError> {
        match decl.get(key) {
            None => Ok(None),
            Some(v) => Ok(Some(
                v.as_str()
                    .ok_or_else(|| bad_type(&join(&path, key), "a string"))?
                    .to_owned(),
            )),
        }
    };
    let param_type = match string("type")?
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("string") => ParameterType::String,
        Some("boolean") => ParameterType::Boolean,
        Some("stringarray") => ParameterType::StringArray,
        Some(other) => {
            return Err(RuleSetError::new(
                &join(&path, "type"),
                format!("unknown type `{other}`"),
            ))
        }
        None => return Err(RuleSetError::new(&path, "missing `type`")),
    };
    let required = match decl.get("required") {
        None => false,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| bad_type(&join(&path, "required"), "a boolean"))?,
    };
    let default = match decl.get("default") {
        None | Some(Json::Null) => None,
        Some(v) => Some(
            Value::from_json(v)
                .filter(|v| v.parameter_type() == param_type)
                .ok_or_else(|| bad_type(&join(&path, "default"), &format!("a {param_type}")))?,
        ),
    };
    Ok(Parameter {
        name: name.to_owned(),
        param_type,
        built_in: string("builtIn")?,
        required,
        default,
        documentation: string("documentation")?,
    })
}

fn parse_rules(
    json: &Json,
    path: &str,
    scope: &mut Vec<String>,
) -> Result<Vec<Rule>, RuleSetError> {
    let items = json
        .as_array()
        .ok_or_else(|| bad_type(path, "an array of rules"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, rule)| parse_rule(rule, &format!("{path}[{i}]"), scope))
        .collect()
}

fn parse_rule(json: &Json, path: &str, scope: &mut Vec<String>) -> Result<Rule, RuleSetError> {
    let obj = object(json, path)?;
    let outer = scope.len();
    let conditions = match obj.get("conditions") {
        None => Vec::new(),
        Some(list) => {
            let cpath = join(path, "conditions");
            let list = list
                .as_array()
                .ok_or_else(|| bad_type(&cpath, "an array"))?;
            let mut conditions = Vec::with_capacity(list.len());
            for (i, c) in list.iter().enumerate() {
                conditions.push(parse_condition(c, &format!("{cpath}[{i}]"), scope)?);
            }
            conditions
        }
    };
    let kind = field(obj, path, "type")?
        .as_str()
        .ok_or_else(|| bad_type(&join(path, "type"), "a string"))?;
    let body = match kind {
        "endpoint" => RuleBody::Endpoint(parse_endpoint(
            field(obj, path, "endpoint")?,
            &join(path, "endpoint"),
            scope,
        )?),
        "error" => RuleBody::Error(parse_expr(
            field(obj, path, "error")?,
            &join(path, "error"),
            scope,
        )?),
        "tree" => RuleBody::Tree(parse_rules(
            field(obj, path, "rules")?,
            &join(path, "rules"),
            scope,
        )?),
        other => {
            return Err(RuleSetError::new(
                &join(path, "type"),
                format!("unknown rule type `{other}` (expected endpoint, error or tree)"),
            ))
        }
    };
    scope.truncate(outer);
    Ok(Rule { conditions, body })
}

fn parse_condition(
    json: &Json,
    path: &str,
    scope: &mut Vec<String>,
) -> Result<Condition, RuleSetError> {
    let obj = object(json, path)?;
    let call = parse_call(obj, path, scope)?;
    let assign = match obj.get("assign") {
        None => None,
        Some(name) => {
            let apath = join(path, "assign");
            let name = name.as_str().ok_or_else(|| bad_type(&apath, "a string"))?;
            if !is_identifier(name) {
                return Err(RuleSetError::new(
                    &apath,
                    format!("`{name}` is not an identifier"),
                ));
            }
            if scope.iter().any(|n| n == name) {
                return Err(RuleSetError::new(
                    &apath,
                    format!("`{name}` is already defined"),
                ));
            }
            scope.push(name.to_owned());
            Some(name.to_owned())
        }
    };
    Ok(Condition { call, assign })
}

fn parse_call(obj: &Map<String, Json>, path: &str, scope: &[String]) -> Result<Call, RuleSetError> {
    let name = field(obj, path, "fn")?
        .as_str()
        .ok_or_else(|| bad_type(&join(path, "fn"), "a string"))?;
    let apath = join(path, "argv");
    let argv = field(obj, path, "argv")?
        .as_array()
        .ok_or_else(|| bad_type(&apath, "an array"))?;
    let arity_error = |expected: usize| {
        RuleSetError::new(
            &apath,
            format!("`{name}` takes {expected} arguments, got {}", argv.len()),
        )
    };
    let (function, arity) = if name == "getAttr" {
        let [_, path_arg] = argv.as_slice() else {
            return Err(arity_error(2));
        };
        let ppath = format!("{apath}[1]");
        let attr = path_arg
            .as_str()
            .ok_or_else(|| bad_type(&ppath, "a literal path string"))?;
        let attr = AttrPath::parse(attr).map_err(|e| RuleSetError::new(&ppath, e))?;
        (Function::GetAttr(attr), 1)
    } else {
        Function::lookup(name).ok_or_else(|| {
            RuleSetError::new(&join(path, "fn"), format!("unknown function `{name}`"))
        })?
    };
    if !matches!(function, Function::GetAttr(_)) && argv.len() != arity {
        return Err(arity_error(arity));
    }
    let args = argv[..arity]
        .iter()
        .enumerate()
        .map(|(i, arg)| parse_expr(arg, &format!("{apath}[{i}]"), scope))
        .collect::<Result<_, _>>()?;
    Ok(Call { function, args })
}

fn parse_expr(json: &Json, path: &str, scope: &[String]) -> Result<Expr, RuleSetError> {
    let known = |name: &str| -> Result<(), RuleSetError> {
        if scope.iter().any(|n| n == name) {
            Ok(())
        } else {
            Err(RuleSetError::new(
                path,
                format!("`{name}` is neither a parameter nor assigned before this point"),
            ))
        }
    };
    Ok(match json {
        Json::String(s) => {
            let template = Template::parse(s).map_err(|e| RuleSetError::new(path, e))?;
            template.references().try_for_each(known)?;
            Expr::Template(template)
        }
        Json::Bool(b) => Expr::Bool(*b),
        Json::Number(n) => Expr::Int(n.as_i64().ok_or_else(|| bad_type(path, "an integer"))?),
        Json::Array(items) => Expr::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| parse_expr(item, &format!("{path}[{i}]"), scope))
                .collect::<Result<_, _>>()?,
        ),
        Json::Object(obj) if obj.contains_key("fn") => {
            Expr::Call(Box::new(parse_call(obj, path, scope)?))
        }
        Json::Object(obj) if obj.contains_key("ref") => {
            let name = obj["ref"]
                .as_str()
                .ok_or_else(|| bad_type(&join(path, "ref"), "a string"))?;
            known(name)?;
            Expr::Ref(name.to_owned())
        }
        Json::Object(obj) => Expr::Record(parse_record(obj, path, scope)?),
        Json::Null => return Err(bad_type(path, "a value, not null")),
    })
}

fn parse_record(
    obj: &Map<String, Json>,
    path: &str,
    scope: &[String],
) -> Result<Vec<(String, Expr)>, RuleSetError> {
    obj.iter()
        .map(|(key, value)| Ok((key.clone(), parse_expr(value, &join(path, key), scope)?)))
        .collect()
}

fn parse_endpoint(
    json: &Json,
    path: &str,
    scope: &[String],
) -> Result<EndpointTemplate, RuleSetError> {
    let obj = object(json, path)?;
    let url = parse_expr(field(obj, path, "url")?, &join(path, "url"), scope)?;
    let properties = match obj.get("properties") {
        None => Vec::new(),
        Some(props) => {
            let ppath = join(path, "properties");
            parse_record(object(props, &ppath)?, &ppath, scope)?
        }
    };
    let mut headers = Vec::new();
    if let Some(declared) = obj.get("headers") {
        let hpath = join(path, "headers");
        for (name, values) in object(declared, &hpath)? {
            let vpath = join(&hpath, name);
            let values = values
                .as_array()
                .ok_or_else(|| bad_type(&vpath, "an array"))?;
            let values = values
                .iter()
                .enumerate()
                .map(|(i, v)| parse_expr(v, &format!("{vpath}[{i}]"), scope))
                .collect::<Result<_, _>>()?;
            headers.push((name.clone(), values));
        }
    }
    Ok(EndpointTemplate {
        url,
        headers,
        properties,
    })
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

impl RuleSet {
    /// Resolves the endpoint for `params` with the built-in partition table.
    ///
    /// Fails with the rule's message when an `error` rule matches
    /// ([`EndpointError::rule_message`]), when a required parameter is missing or has the
    /// wrong type, or when no rule matches.
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, EndpointError> {
        self.resolve_with_partitions(params, PARTITIONS)
    }

    /// Like [`resolve`](Self::resolve), with `aws.partition` answering from `partitions`.
    pub fn resolve_with_partitions(
        &self,
        params: &Params,
        partitions: &[Partition],
    ) -> Result<Endpoint, EndpointError> {
        let mut eval = Evaluator {
            partitions,
            scope: Vec::with_capacity(self.parameters.len() + 4),
        };
        for parameter in &self.parameters {
            let value = match params.get(&parameter.name) {
                Some(value) if value.parameter_type() != parameter.param_type => {
                    return Err(EndpointError::invalid_params(format!(
                        "`{}` must be a {}, got {}",
                        parameter.name,
                        parameter.param_type,
                        value.to_json()
                    )))
                }
                Some(value) => Some(value),
                None => parameter.default.as_ref(),
            };
            if value.is_none() && parameter.required {
                return Err(EndpointError::missing_parameter(&parameter.name));
            }
            eval.scope
                .push((&parameter.name, value.map_or(Json::Null, Value::to_json)));
        }
        eval.rules(&self.rules)?.ok_or_else(EndpointError::no_match)
    }
}

/// The state of one resolution: the partition table and the variables in scope
/// (parameters first, then values assigned by the conditions that currently hold).
struct Evaluator<'a> {
    partitions: &'a [Partition],
    scope: Vec<(&'a str, Json)>,
}

impl<'a> Evaluator<'a> {
    /// The first matching rule's endpoint; `None` when no rule's conditions hold.
    fn rules(&mut self, rules: &'a [Rule]) -> Result<Option<Endpoint>, EndpointError> {
        for rule in rules {
            let outer = self.scope.len();
            if self.conditions_hold(&rule.conditions)? {
                return match &rule.body {
                    RuleBody::Endpoint(endpoint) => self.endpoint(endpoint).map(Some),
                    RuleBody::Error(message) => {
                        Err(EndpointError::rule(self.string(message, "error message")?))
                    }
                    // A tree whose conditions hold is final.
                    RuleBody::Tree(rules) => self
                        .rules(rules)?
                        .ok_or_else(EndpointError::no_match)
                        .map(Some),
                };
            }
            self.scope.truncate(outer);
        }
        Ok(None)
    }

    fn conditions_hold(&mut self, conditions: &'a [Condition]) -> Result<bool, EndpointError> {
        for condition in conditions {
            let value = self.call(&condition.call)?;
            if matches!(value, Json::Null | Json::Bool(false)) {
                return Ok(false);
            }
            if let Some(name) = &condition.assign {
                self.scope.push((name, value));
            }
        }
        Ok(true)
    }

    fn lookup(&self, name: &str) -> Result<&Json, EndpointError> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| EndpointError::evaluation(format!("`{name}` is not defined")))
    }

    fn endpoint(&self, template: &EndpointTemplate) -> Result<Endpoint, EndpointError> {
        let mut headers = BTreeMap::new();
        for (name, values) in &template.headers {
            let values = values
                .iter()
                .map(|v| self.string(v, "header value"))
                .collect::<Result<Vec<_>, _>>()?;
            headers.insert(name.clone(), values);
        }
        let mut properties = Map::new();
        for (name, value) in &template.properties {
            properties.insert(name.clone(), self.expr(value)?);
        }
        Ok(Endpoint {
            url: self.string(&template.url, "endpoint URL")?,
            headers,
            properties,
        })
    }

    /// Evaluates `expr`, which must produce a string (`what` names it in errors).
    fn string(&self, expr: &Expr, what: &str) -> Result<String, EndpointError> {
        match self.expr(expr)? {
            Json::String(s) => Ok(s),
            other => Err(EndpointError::evaluation(format!(
                "the {what} must be a string, got {other}"
            ))),
        }
    }

    fn expr(&self, expr: &Expr) -> Result<Json, EndpointError> {
        Ok(match expr {
            Expr::Template(template) => Json::String(self.template(template)?),
            Expr::Bool(b) => Json::Bool(*b),
            Expr::Int(i) => Json::from(*i),
            Expr::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|i| self.expr(i))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Record(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.expr(v)?)))
                    .collect::<Result<_, EndpointError>>()?,
            ),
            Expr::Ref(name) => self.lookup(name)?.clone(),
            Expr::Call(call) => self.call(call)?,
        })
    }

    fn template(&self, template: &Template) -> Result<String, EndpointError> {
        let mut out = String::new();
        for part in template.parts() {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Placeholder { name, path } => {
                    let found;
                    let value = match path {
                        Some(path) => {
                            found = path.get(self.lookup(name)?);
                            &found
                        }
                        None => self.lookup(name)?,
                    };
                    match value {
                        Json::String(s) => out.push_str(s),
                        other => {
                            let shown = match path {
                                Some(path) => format!("{name}#{path}"),
                                None => name.clone(),
                            };
                            return Err(EndpointError::evaluation(format!(
                                "template placeholder `{{{shown}}}` must be a string, got {other}"
                            )));
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    fn call(&self, call: &Call) -> Result<Json, EndpointError> {
        let args = call
            .args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Result<Vec<_>, _>>()?;
        if call.function == Function::IsSet {
            return Ok(Json::Bool(!args[0].is_null()));
        }
        if args.iter().any(Json::is_null) {
            return Ok(Json::Null);
        }
        let name = call.function.name();
        let string = |i: usize| arg(name, &args, i, "a string", Json::as_str);
        let boolean = |i: usize| arg(name, &args, i, "a boolean", Json::as_bool);
        let index = |i: usize| {
            arg(name, &args, i, "a non-negative integer", |v| {
                v.as_u64().and_then(|n| usize::try_from(n).ok())
            })
        };
        let optional = |value: Option<Json>| value.unwrap_or(Json::Null);
        Ok(match &call.function {
            Function::IsSet => unreachable!("handled above"),
            Function::Not => Json::Bool(!boolean(0)?),
            Function::BooleanEquals => Json::Bool(boolean(0)? == boolean(1)?),
            Function::StringEquals => Json::Bool(string(0)? == string(1)?),
            Function::GetAttr(path) => path.get(&args[0]),
            Function::ParseUrl => optional(functions::parse_url(string(0)?)),
            Function::Substring => optional(
                functions::substring(string(0)?, index(1)?, index(2)?, boolean(3)?)
                    .map(Json::String),
            ),
            Function::UriEncode => Json::String(functions::uri_encode(string(0)?)),
            Function::IsValidHostLabel => {
                Json::Bool(functions::is_valid_host_label(string(0)?, boolean(1)?))
            }
            Function::Partition => optional(
                resolve_partition_in(self.partitions, string(0)?)
                    .map(|outputs| outputs.to_record()),
            ),
            Function::ParseArn => optional(functions::parse_arn(string(0)?)),
            Function::IsVirtualHostableS3Bucket => Json::Bool(
                functions::is_virtual_hostable_s3_bucket(string(0)?, boolean(1)?),
            ),
        })
    }
}

/// Argument `i` of function `name`, read with `read`, or an error saying it is not `expected`.
fn arg<'v, T>(
    name: &str,
    args: &'v [Json],
    i: usize,
    expected: &str,
    read: impl Fn(&'v Json) -> Option<T>,
) -> Result<T, EndpointError> {
    read(&args[i]).ok_or_else(|| {
        EndpointError::evaluation(format!(
            "argument {} of `{name}` must be {expected}, got {}",
            i + 1,
            args[i]
        ))
    })
}
