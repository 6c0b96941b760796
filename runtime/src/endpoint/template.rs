//! Template strings (`https://memory-db.{Region}.{PartitionResult#dnsSuffix}`) and
//! `getAttr` paths (`resourceId[0]`, `a.b[2]`).

use serde_json::Value as Json;
use std::fmt;

/// A parsed template string: literal text and `{name}` / `{name#path}` placeholders.
/// `{{` and `}}` stand for literal braces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Literal(String),
    Placeholder {
        name: String,
        path: Option<AttrPath>,
    },
}

impl Template {
    pub(crate) fn parse(source: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => inner.push(c),
                            None => return Err(format!("unclosed `{{` in template {source:?}")),
                        }
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    let (name, path) = match inner.split_once('#') {
                        Some((name, path)) => (name, Some(AttrPath::parse(path)?)),
                        None => (inner.as_str(), None),
                    };
                    if !is_identifier(name) {
                        return Err(format!(
                            "bad placeholder `{{{inner}}}` in template {source:?}"
                        ));
                    }
                    parts.push(Part::Placeholder {
                        name: name.to_owned(),
                        path,
                    });
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Self { parts })
    }

    pub(crate) fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The names the placeholders refer to.
    pub(crate) fn references(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Placeholder { name, .. } => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }
}

/// Whether `name` can be a parameter or an assigned variable name.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A `getAttr` path: `.`-separated keys, each optionally followed by `[index]`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttrPath {
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

impl AttrPath {
    pub(crate) fn parse(source: &str) -> Result<Self, String> {
        let bad = || format!("bad getAttr path {source:?}");
        let mut steps = Vec::new();
        for segment in source.split('.') {
            let (key, mut rest) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
            if !key.is_empty() {
                steps.push(Step::Key(key.to_owned()));
            } else if rest.is_empty() {
                return Err(bad());
            }
            while !rest.is_empty() {
                let (index, tail) = rest
                    .strip_prefix('[')
                    .and_then(|r| r.split_once(']'))
                    .ok_or_else(bad)?;
                let index = match index.parse::<usize>() {
                    Ok(i) if index.bytes().all(|b| b.is_ascii_digit()) => i,
                    _ => return Err(bad()),
                };
                steps.push(Step::Index(index));
                rest = tail;
            }
        }
        Ok(Self { steps })
    }

    /// Follows the path into `value`; a missing key or an index out of range gives `null`.
    pub(crate) fn get(&self, value: &Json) -> Json {
        let mut current = value;
        for step in &self.steps {
            let next = match step {
                Step::Key(key) => current.get(key.as_str()),
                Step::Index(index) => current.as_array().and_then(|a| a.get(*index)),
            };
            match next {
                Some(next) => current = next,
                None => return Json::Null,
            }
        }
        current.clone()
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Key(key) if i == 0 => write!(f, "{key}")?,
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates() {
        let t = Template::parse("https://a.{Region}.{P#dnsSuffix}/{{x}}").unwrap();
        assert_eq!(
            t.parts(),
            [
                Part::Literal("https://a.".into()),
                Part::Placeholder {
                    name: "Region".into(),
                    path: None
                },
                Part::Literal(".".into()),
                Part::Placeholder {
                    name: "P".into(),
                    path: Some(AttrPath::parse("dnsSuffix").unwrap())
                },
                Part::Literal("/{x}".into()),
            ]
        );
        assert_eq!(t.references().collect::<Vec<_>>(), ["Region", "P"]);
        assert!(Template::parse("a{b").is_err());
        assert!(Template::parse("a{}").is_err());
        assert!(Template::parse("a{b c}").is_err());
        assert_eq!(
            Template::parse("}").unwrap().parts(),
            [Part::Literal("}".into())]
        );
    }

    #[test]
    fn attr_paths() {
        let v = json!({"a": {"b": [10, 20, [30]]}, "list": ["x"]});
        assert_eq!(AttrPath::parse("a.b[1]").unwrap().get(&v), json!(20));
        assert_eq!(AttrPath::parse("a.b[2][0]").unwrap().get(&v), json!(30));
        assert_eq!(AttrPath::parse("a.b[9]").unwrap().get(&v), Json::Null);
        assert_eq!(AttrPath::parse("zzz").unwrap().get(&v), Json::Null);
        assert_eq!(
            AttrPath::parse("[0]").unwrap().get(&json!(["q"])),
            json!("q")
        );
        assert_eq!(
            AttrPath::parse("a.b[2][0]").unwrap().to_string(),
            "a.b[2][0]"
        );
        for bad in ["", "a..b", "a[", "a[x]", "a[-1]", "a[1]b", "a[+1]"] {
            assert!(AttrPath::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
