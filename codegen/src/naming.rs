//! Case conversion of Smithy names into Rust identifiers: acronym fixes and keyword escaping.
//! Which name each item gets, clear of the names the generated code uses itself, is decided
//! by the symbol pass (`plan::symbols`); the wire name is never changed.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be used as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Lowercases a plural acronym's `s` so case conversion keeps it with its acronym:
/// `ACLsUpdateStatus` -> `AclsUpdateStatus`, `IDs` -> `Ids`.
fn fix_plural_acronyms(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && chars[i].is_ascii_uppercase() {
            i += 1;
        }
        let run = i - start;
        let plural = run >= 2
            && i < chars.len()
            && chars[i] == 's'
            && (i + 1 == chars.len()
                || chars[i + 1].is_ascii_uppercase()
                || chars[i + 1].is_ascii_digit()
                || chars[i + 1] == '_');
        if plural {
            out.push(chars[start]);
            out.extend(chars[start + 1..i].iter().map(|c| c.to_ascii_lowercase()));
            out.push('s');
            i += 1;
        } else if run > 0 {
            out.extend(&chars[start..i]);
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn escape_keyword(name: String) -> String {
    if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Snake case for fields and methods: `ACLsUpdateStatus` -> `acls_update_status`,
/// `TLSEnabled` -> `tls_enabled`, `type` -> `r#type`.
pub fn snake(name: &str) -> String {
    let mut s = sanitize(&fix_plural_acronyms(name).to_snake_case());
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape_keyword(s)
}

/// Upper camel case for types and variants: `AZStatus` -> `AzStatus`, `ACLsUpdateStatus` ->
/// `AclsUpdateStatus`, `NOT_APPLIED` -> `NotApplied`.
pub fn upper_camel(name: &str) -> String {
    let mut s: String = sanitize(&fix_plural_acronyms(name).to_upper_camel_case()).replace('_', "");
    if s.is_empty() {
        s = "Value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    escape_keyword(s)
}

/// The identifier without a raw prefix, for composing names like `set_type`.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Module/file name for a type or operation name.
pub fn module_name(name: &str) -> String {
    let s = snake(name);
    match s.strip_prefix("r#") {
        Some(bare) => format!("{bare}_"),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms() {
        assert_eq!(snake("ACLsUpdateStatus"), "acls_update_status");
        assert_eq!(snake("TLSEnabled"), "tls_enabled");
        assert_eq!(snake("AZStatus"), "az_status");
        assert_eq!(snake("ACLName"), "acl_name");
        assert_eq!(snake("SnsTopicArn"), "sns_topic_arn");
        assert_eq!(snake("NodeIDs"), "node_ids");
        assert_eq!(upper_camel("ACLsUpdateStatus"), "AclsUpdateStatus");
        assert_eq!(upper_camel("AZStatus"), "AzStatus");
        assert_eq!(upper_camel("NOT_APPLIED"), "NotApplied");
        assert_eq!(upper_camel("ipv4"), "Ipv4");
        assert_eq!(upper_camel("dual_stack"), "DualStack");
        assert_eq!(snake("DataTiering"), "data_tiering");
        assert_eq!(snake("KmsKeyId"), "kms_key_id");
    }

    #[test]
    fn keywords_and_oddities() {
        assert_eq!(snake("Type"), "r#type");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(snake("Match"), "r#match");
        assert_eq!(upper_camel("Self"), "Self_");
        assert_eq!(upper_camel("2xlarge"), "V2xlarge");
        assert_eq!(snake("2Fast"), "_2fast");
        assert_eq!(upper_camel("a-b.c"), "ABC");
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(module_name("Type"), "type_");
    }
}
