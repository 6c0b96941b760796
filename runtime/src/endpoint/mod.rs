//! Endpoint resolution: an interpreter for Smithy's `smithy.rules#endpointRuleSet` trait.
//!
//! A generated client embeds its service's rule set as JSON, parses it once into a
//! [`RuleSet`], fills [`Params`] from its configuration (region, FIPS, dual-stack, custom
//! endpoint...) and calls [`RuleSet::resolve`] to obtain the [`Endpoint`] to send requests to,
//! or the [`EndpointError`] the rules raise for an unsupported configuration.
//!
//! ```
//! use aws_client_runtime::endpoint::{Params, RuleSet};
//!
//! let rules = RuleSet::parse(r#"{
//!     "version": "1.0",
//!     "parameters": {
//!         "Region": {"type": "String", "builtIn": "AWS::Region", "required": false},
//!         "UseFIPS": {"type": "Boolean", "builtIn": "AWS::UseFIPS", "required": true, "default": false}
//!     },
//!     "rules": [
//!         {"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]},
//!                         {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"}],
//!          "type": "endpoint",
//!          "endpoint": {"url": "https://example.{Region}.{P#dnsSuffix}"}},
//!         {"conditions": [], "type": "error", "error": "Invalid Configuration: Missing Region"}
//!     ]
//! }"#).unwrap();
//!
//! let endpoint = rules.resolve(&Params::new().with_str("Region", "cn-north-1")).unwrap();
//! assert_eq!(endpoint.url(), "https://example.cn-north-1.amazonaws.com.cn");
//!
//! let error = rules.resolve(&Params::new()).unwrap_err();
//! assert_eq!(error.rule_message(), Some("Invalid Configuration: Missing Region"));
//! ```
//!
//! The rules language: parameters of type `String`, `Boolean` or `stringArray` with optional
//! `builtIn`, `required` and `default`; rules of type `endpoint`, `error` and `tree`, each
//! guarded by conditions. A condition calls a function; it holds unless the result is `false`
//! or unset, and `assign` binds the result for later conditions and the rule's body. String
//! literals are templates (`{Region}`, `{PartitionResult#dnsSuffix}`, `{{` for a brace).
//! Functions: `isSet`, `not`, `booleanEquals`, `stringEquals`, `getAttr`, `parseURL`,
//! `substring`, `uriEncode`, `isValidHostLabel`, `aws.partition`, `aws.parseArn`,
//! `aws.isVirtualHostableS3Bucket`. Except for `isSet`, a function given an unset argument
//! returns unset. A `tree` rule whose conditions hold is final: if none of its rules
//! matches, resolution fails.

mod functions;
pub mod partition;
mod pattern;
mod rules;
mod template;
pub mod test_cases;

pub use partition::{resolve_partition, Partition, PartitionOutputs, PARTITIONS};
pub use rules::{Parameter, ParameterType, RuleSet, RuleSetError};

use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::fmt;

/// The value of an endpoint parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A `String` parameter.
    String(String),
    /// A `Boolean` parameter.
    Bool(bool),
    /// A `stringArray` parameter.
    Array(Vec<String>),
}

impl Value {
    /// The string, if this is a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }
    /// The boolean, if this is a [`Value::Bool`].
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The strings, if this is a [`Value::Array`].
    pub fn as_array(&self) -> Option<&[String]> {
        match self {
            Self::Array(a) => Some(a),
            _ => None,
        }
    }
    /// Reads a JSON string, boolean or array of strings; anything else gives `None`.
    pub fn from_json(json: &Json) -> Option<Self> {
        match json {
            Json::String(s) => Some(Self::String(s.clone())),
            Json::Bool(b) => Some(Self::Bool(*b)),
            Json::Array(items) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Self::Array),
            _ => None,
        }
    }
    /// The value as JSON.
    pub fn to_json(&self) -> Json {
        match self {
            Self::String(s) => Json::String(s.clone()),
            Self::Bool(b) => Json::Bool(*b),
            Self::Array(items) => Json::Array(items.iter().cloned().map(Json::String).collect()),
        }
    }
    /// The parameter type this value has.
    pub fn parameter_type(&self) -> ParameterType {
        match self {
            Self::String(_) => ParameterType::String,
            Self::Bool(_) => ParameterType::Boolean,
            Self::Array(_) => ParameterType::StringArray,
        }
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<Vec<String>> for Value {
    fn from(value: Vec<String>) -> Self {
        Self::Array(value)
    }
}

/// The parameters of one resolution, by name (`Region`, `UseFIPS`, ...).
///
/// Parameters the rule set does not declare are ignored; declared ones left unset take the
/// rule set's default, and a `required` one without default makes resolution fail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: BTreeMap<String, Value>,
}

impl Params {
    /// No parameters set.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `name` to `value`.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set(name, value);
        self
    }
    /// Sets the `String` parameter `name`.
    pub fn with_str(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.with(name, Value::String(value.into()))
    }
    /// Sets the `String` parameter `name` when `value` is `Some`, leaves it unset otherwise.
    pub fn with_opt_str(self, name: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(value) => self.with_str(name, value),
            None => self,
        }
    }
    /// Sets the `Boolean` parameter `name`.
    pub fn with_bool(self, name: impl Into<String>, value: bool) -> Self {
        self.with(name, Value::Bool(value))
    }
    /// Sets the `stringArray` parameter `name`.
    pub fn with_array<I, S>(self, name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.with(
            name,
            Value::Array(values.into_iter().map(Into::into).collect()),
        )
    }
    /// Sets `name` to `value` in place.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) -> &mut Self {
        self.values.insert(name.into(), value.into());
        self
    }
    /// Unsets `name`, returning its previous value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.values.remove(name)
    }
    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }
    /// Every parameter set, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }
    /// Reads a JSON object of strings, booleans and arrays of strings (the `params` of an
    /// `endpointTests` case); `null` members are left unset.
    pub fn from_json(json: &Json) -> Result<Self, EndpointError> {
        let object = json.as_object().ok_or_else(|| {
            EndpointError::invalid_params("endpoint parameters must be a JSON object")
        })?;
        let mut params = Self::new();
        for (name, value) in object.iter().filter(|(_, v)| !v.is_null()) {
            let value = Value::from_json(value).ok_or_else(|| {
                EndpointError::invalid_params(format!(
                    "`{name}` must be a string, a boolean or an array of strings, got {value}"
                ))
            })?;
            params.set(name.clone(), value);
        }
        Ok(params)
    }
}

/// A resolved endpoint: the URL to send requests to, extra headers, and properties such as
/// `authSchemes` (signing name and region overrides).
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    url: String,
    headers: BTreeMap<String, Vec<String>>,
    properties: Map<String, Json>,
}

impl Endpoint {
    /// An endpoint with only a URL, e.g. for a caller-supplied endpoint.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            headers: BTreeMap::new(),
            properties: Map::new(),
        }
    }
    /// Adds a value of header `name`.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .entry(name.into())
            .or_default()
            .push(value.into());
        self
    }
    /// Sets property `name`.
    pub fn with_property(mut self, name: impl Into<String>, value: Json) -> Self {
        self.properties.insert(name.into(), value);
        self
    }
    /// The URL, e.g. `https://memory-db.us-east-1.amazonaws.com`.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// Headers to add to every request, by name, each with its values in order.
    pub fn headers(&self) -> &BTreeMap<String, Vec<String>> {
        &self.headers
    }
    /// The endpoint properties, by name.
    pub fn properties(&self) -> &Map<String, Json> {
        &self.properties
    }
    /// The `authSchemes` property: the schemes to sign with, each an object with a `name`
    /// (e.g. `sigv4`) and optional `signingName` / `signingRegion`. Empty when absent.
    pub fn auth_schemes(&self) -> &[Json] {
        self.properties
            .get("authSchemes")
            .and_then(Json::as_array)
            .map_or(&[], Vec::as_slice)
    }
}

/// Why no endpoint could be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    kind: EndpointErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum EndpointErrorKind {
    /// An `error` rule matched; its message, verbatim.
    Rule(String),
    MissingParameter(String),
    InvalidParams(String),
    NoMatch,
    Evaluation(String),
}

impl EndpointError {
    pub(crate) fn rule(message: String) -> Self {
        Self {
            kind: EndpointErrorKind::Rule(message),
        }
    }
    pub(crate) fn missing_parameter(name: &str) -> Self {
        Self {
            kind: EndpointErrorKind::MissingParameter(name.to_owned()),
        }
    }
    pub(crate) fn invalid_params(message: impl Into<String>) -> Self {
        Self {
            kind: EndpointErrorKind::InvalidParams(message.into()),
        }
    }
    pub(crate) fn no_match() -> Self {
        Self {
            kind: EndpointErrorKind::NoMatch,
        }
    }
    pub(crate) fn evaluation(message: impl Into<String>) -> Self {
        Self {
            kind: EndpointErrorKind::Evaluation(message.into()),
        }
    }
    /// The message of the `error` rule that matched, exactly as the rules word it
    /// (e.g. `Invalid Configuration: Missing Region`); `None` for other failures.
    pub fn rule_message(&self) -> Option<&str> {
        match &self.kind {
            EndpointErrorKind::Rule(message) => Some(message),
            _ => None,
        }
    }
    /// The required parameter that was neither set nor defaulted, if that is the cause.
    pub fn missing_parameter_name(&self) -> Option<&str> {
        match &self.kind {
            EndpointErrorKind::MissingParameter(name) => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for EndpointError {
    /// An `error` rule's message is shown verbatim; other failures are described.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            EndpointErrorKind::Rule(message) => f.write_str(message),
            EndpointErrorKind::MissingParameter(name) => {
                write!(f, "endpoint parameter `{name}` is required but was not set")
            }
            EndpointErrorKind::InvalidParams(message) => {
                write!(f, "invalid endpoint parameters: {message}")
            }
            EndpointErrorKind::NoMatch => {
                f.write_str("no endpoint rule matched the parameters (the rule set is incomplete)")
            }
            EndpointErrorKind::Evaluation(message) => {
                write!(f, "endpoint rules could not be evaluated: {message}")
            }
        }
    }
}

impl StdError for EndpointError {}
