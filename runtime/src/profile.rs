//! The AWS shared config (`~/.aws/config`) and credentials (`~/.aws/credentials`) files.
//!
//! The format is INI-like:
//!
//! ```text
//! # comment            ; comment
//! [default]            # in the config file: [default] or [profile NAME]
//! region = us-east-1   # inline comments need whitespace before `#` or `;`
//! s3 =
//!   max_concurrent_requests = 10   # indented lines after an empty value: sub-properties
//! description = first line
//!   second line                    # indented lines after a value: continuation
//! ```
//!
//! In the credentials file a profile's section is just `[NAME]`. Property names are
//! case-insensitive (stored lowercase). When both files define a profile, their properties are
//! merged and the credentials file wins for a name both set, as the AWS CLI does.
//!
//! Everything here reads the environment through [`Env`], so tests can use a fixed map instead of
//! the process environment.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where environment variables are read from: the process environment or a fixed map.
///
/// [`Default`] is the process environment. `Debug` prints variable names only, never values.
#[derive(Clone, Default)]
pub struct Env {
    fixed: Option<Arc<HashMap<String, String>>>,
}

impl Env {
    /// The process environment.
    pub fn real() -> Self {
        Self { fixed: None }
    }

    /// A fixed, empty set of variables: every variable is unset.
    pub fn empty() -> Self {
        Self {
            fixed: Some(Arc::new(HashMap::new())),
        }
    }

    /// A fixed set of variables; every other variable is unset.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let map = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self {
            fixed: Some(Arc::new(map)),
        }
    }

    /// The variable's value; `None` when unset or not valid Unicode.
    pub fn get(&self, name: &str) -> Option<String> {
        match &self.fixed {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        }
    }

    /// The variable's value with surrounding whitespace removed; `None` when unset or empty.
    pub fn get_non_empty(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// Every variable whose name starts with `prefix`, with its value trimmed; empty values and
    /// (in the process environment) names or values that are not valid Unicode are left out.
    pub(crate) fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        let pairs: Vec<(String, String)> = match &self.fixed {
            Some(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            None => std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        };
        pairs
            .into_iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k, v.trim().to_string()))
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }

    /// The user's home directory: `HOME`, else `USERPROFILE`, else `HOMEDRIVE` + `HOMEPATH`.
    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(home) = self.get_non_empty("HOME") {
            return Some(PathBuf::from(home));
        }
        if let Some(home) = self.get_non_empty("USERPROFILE") {
            return Some(PathBuf::from(home));
        }
        match (
            self.get_non_empty("HOMEDRIVE"),
            self.get_non_empty("HOMEPATH"),
        ) {
            (Some(drive), Some(path)) => Some(PathBuf::from(format!("{drive}{path}"))),
            _ => None,
        }
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fixed {
            None => f.write_str("Env::Process"),
            Some(map) => {
                let mut names: Vec<&String> = map.keys().collect();
                names.sort();
                f.debug_struct("Env::Fixed").field("names", &names).finish()
            }
        }
    }
}

/// The profile to use: `AWS_PROFILE` when set and non-empty, else `default`.
pub fn selected_profile_name(env: &Env) -> String {
    env.get_non_empty("AWS_PROFILE")
        .unwrap_or_else(|| "default".to_string())
}

/// Which of the two shared files a text comes from; it decides how section headers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileFileKind {
    /// The config file: `[default]`, `[profile NAME]`, `[sso-session NAME]`, `[services NAME]`.
    Config,
    /// The credentials file: `[NAME]`.
    Credentials,
}

impl ProfileFileKind {
    /// The environment variable that overrides this file's location.
    pub fn env_var(self) -> &'static str {
        match self {
            Self::Config => "AWS_CONFIG_FILE",
            Self::Credentials => "AWS_SHARED_CREDENTIALS_FILE",
        }
    }

    fn default_relative_path(self) -> &'static str {
        match self {
            Self::Config => ".aws/config",
            Self::Credentials => ".aws/credentials",
        }
    }
}

impl fmt::Display for ProfileFileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Config => "config file",
            Self::Credentials => "credentials file",
        })
    }
}

/// The path of one shared file: `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` (a leading
/// `~` is the home directory), else `~/.aws/config` / `~/.aws/credentials`. `home` overrides the
/// home directory found in `env`. `None` when no home directory is known and the variable is
/// unset.
pub fn profile_file_path(kind: ProfileFileKind, env: &Env, home: Option<&Path>) -> Option<PathBuf> {
    let home = home.map(Path::to_path_buf).or_else(|| env.home_dir());
    match env.get_non_empty(kind.env_var()) {
        Some(path) => Some(expand_tilde(&path, home.as_deref())),
        None => home.map(|h| h.join(kind.default_relative_path())),
    }
}

fn expand_tilde(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix('~'), home) {
        (Some(""), Some(home)) => home.to_path_buf(),
        (Some(rest), Some(home)) if rest.starts_with('/') || rest.starts_with('\\') => {
            home.join(&rest[1..])
        }
        _ => PathBuf::from(path),
    }
}

/// A shared file that was (or could not be) read, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Config or credentials file.
    pub kind: ProfileFileKind,
    /// Where it was looked for.
    pub path: PathBuf,
    /// Whether it existed.
    pub found: bool,
}

impl fmt::Display for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.found { "" } else { " (not found)" };
        write!(f, "{} {}{state}", self.kind, self.path.display())
    }
}

/// A shared file could not be read or parsed. Names the file and, for syntax errors, the line;
/// never quotes the line (it may hold a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFileError {
    path: PathBuf,
    line: Option<usize>,
    message: String,
}

impl ProfileFileError {
    fn syntax(path: &Path, line: usize, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            line: Some(line),
            message: message.into(),
        }
    }

    /// The file at fault.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The 1-based line of a syntax error.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ProfileFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ProfileFileError {}

/// One property: its value and, for a property whose value is empty and followed by indented
/// `key = value` lines, its sub-properties.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Property {
    value: String,
    sub_properties: BTreeMap<String, String>,
    path: PathBuf,
    line: usize,
}

impl Property {
    /// The file that sets this property.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The 1-based line of the property's `name =` in [`path`](Self::path).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The value (continuation lines joined with `\n`).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The sub-properties, by lowercase name.
    pub fn sub_properties(&self) -> &BTreeMap<String, String> {
        &self.sub_properties
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Property")
            .field("value", &"** redacted **")
            .field(
                "sub_properties",
                &self.sub_properties.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A named profile with its properties merged from both files.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Profile {
    name: String,
    properties: BTreeMap<String, Property>,
    sources: Vec<PathBuf>,
}

impl Profile {
    /// The profile's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A property's value; `None` when unset. Names are case-insensitive.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.property(name).map(Property::value)
    }

    /// A property's value, `None` when unset or empty.
    pub fn get_non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// A property with its sub-properties.
    pub fn property(&self, name: &str) -> Option<&Property> {
        match self.properties.get(name) {
            Some(p) => Some(p),
            None => self.properties.get(&name.to_ascii_lowercase()),
        }
    }

    /// The names of all properties, lowercase and sorted.
    pub fn property_names(&self) -> impl Iterator<Item = &str> {
        self.properties.keys().map(String::as_str)
    }

    /// The files that define this profile, in load order (config before credentials).
    pub fn sources(&self) -> &[PathBuf] {
        &self.sources
    }
}

/// Property names whose values `Debug` of [`Profile`] hides.
fn is_sensitive(name: &str) -> bool {
    name.contains("secret") || name.contains("token") || name.contains("password")
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Props<'a>(&'a BTreeMap<String, Property>);
        impl fmt::Debug for Props<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut map = f.debug_map();
                for (k, v) in self.0 {
                    if is_sensitive(k) {
                        map.entry(k, &"** redacted **");
                    } else if v.sub_properties.is_empty() {
                        map.entry(k, &v.value);
                    } else {
                        map.entry(k, &v.sub_properties);
                    }
                }
                map.finish()
            }
        }
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("properties", &Props(&self.properties))
            .field("sources", &self.sources)
            .finish()
    }
}

/// All profiles of the config and credentials files, and the config file's `[services NAME]`
/// sections.
#[derive(Debug, Clone, Default)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
    services: BTreeMap<String, Profile>,
    files: Vec<SourceFile>,
}

impl ProfileSet {
    /// An empty set (no files read).
    pub fn empty() -> Self {
        Self::default()
    }

    /// Reads the config file, then the credentials file (whose properties win), from the
    /// locations of [`profile_file_path`]. A missing file is not an error; an unreadable or
    /// malformed one is.
    pub fn load(env: &Env, home: Option<&Path>) -> Result<Self, ProfileFileError> {
        let mut set = Self::empty();
        for kind in [ProfileFileKind::Config, ProfileFileKind::Credentials] {
            let Some(path) = profile_file_path(kind, env, home) else {
                continue;
            };
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let text = String::from_utf8(bytes).map_err(|_| ProfileFileError {
                        path: path.clone(),
                        line: None,
                        message: "the file is not valid UTF-8".to_string(),
                    })?;
                    set.add_file(kind, &path, &text)?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    set.files.push(SourceFile {
                        kind,
                        path,
                        found: false,
                    });
                }
                Err(e) => {
                    return Err(ProfileFileError {
                        path,
                        line: None,
                        message: format!("cannot read the {kind}: {e}"),
                    });
                }
            }
        }
        Ok(set)
    }

    /// Parses `text` (the contents of `path`) and merges its profiles into this set; for a
    /// property set twice, the file added last wins.
    pub fn add_file(
        &mut self,
        kind: ProfileFileKind,
        path: &Path,
        text: &str,
    ) -> Result<(), ProfileFileError> {
        let parsed = parse(kind, path, text)?;
        for (sections, parsed) in [
            (&mut self.profiles, parsed.profiles),
            (&mut self.services, parsed.services),
        ] {
            for (name, properties) in parsed {
                let section = sections.entry(name.clone()).or_insert_with(|| Profile {
                    name,
                    ..Profile::default()
                });
                if !section.sources.iter().any(|p| p == path) {
                    section.sources.push(path.to_path_buf());
                }
                section.properties.extend(properties);
            }
        }
        self.files.push(SourceFile {
            kind,
            path: path.to_path_buf(),
            found: true,
        });
        Ok(())
    }

    /// The named profile, if any file defines it.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The names of all profiles, sorted.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// The config file's `[services NAME]` section, which a profile selects with
    /// `services = NAME`. Its properties are service keys (`memorydb`, `secrets_manager`) whose
    /// sub-properties are settings for that service (`endpoint_url`).
    pub fn services_section(&self, name: &str) -> Option<&Profile> {
        self.services.get(name)
    }

    /// The files looked at, in load order, with whether each was found.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
}

type Properties = BTreeMap<String, Property>;

/// Which section the parser is in.
enum Section {
    /// A profile; `legacy_default` is `[default]` in the config file, which `[profile default]`
    /// overrides.
    Profile { name: String, legacy_default: bool },
    /// A `[services NAME]` section of the config file.
    Services { name: String },
    /// A section this crate does not use (`[sso-session x]`, or a config file section without
    /// a known prefix). Its lines are still checked.
    Other,
}

/// One file's sections, by name.
struct Parsed {
    profiles: BTreeMap<String, Properties>,
    services: BTreeMap<String, Properties>,
}

/// Parses one file into its profiles and services sections.
fn parse(kind: ProfileFileKind, path: &Path, text: &str) -> Result<Parsed, ProfileFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut profiles: BTreeMap<String, Properties> = BTreeMap::new();
    let mut services: BTreeMap<String, Properties> = BTreeMap::new();
    let mut legacy_default: Option<Properties> = None;
    let mut other = Properties::new();
    let mut section: Option<Section> = None;
    // The property that more-indented lines continue, and the indentation of its line.
    let mut last_key: Option<String> = None;
    let mut last_indent = 0;

    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        // As in Python's configparser (which the AWS CLI uses), a line continues the previous
        // property only when it is indented more than that property's line; otherwise it is a
        // header or a property of its own, so uniformly indented properties are fine.
        let indent = raw.len() - raw.trim_start_matches([' ', '\t']).len();
        if let (Some(current), Some(key), true) = (&section, &last_key, indent > last_indent) {
            let props = match current {
                Section::Profile {
                    name,
                    legacy_default: false,
                } => profiles.get_mut(name).expect("section created on header"),
                Section::Profile {
                    legacy_default: true,
                    ..
                } => legacy_default.as_mut().expect("section created on header"),
                Section::Services { name } => {
                    services.get_mut(name).expect("section created on header")
                }
                Section::Other => &mut other,
            };
            let property = props.get_mut(key).expect("last property exists");
            if property.value.is_empty() {
                let (name, value) = split_property(path, number, trimmed)?;
                property.sub_properties.insert(name, value);
            } else {
                property.value.push('\n');
                property.value.push_str(trimmed);
            }
            continue;
        }

        if let Some(header) = trimmed.strip_prefix('[') {
            let Some((inner, after)) = header.split_once(']') else {
                return Err(ProfileFileError::syntax(
                    path,
                    number,
                    "section header has no closing `]`",
                ));
            };
            let after = after.trim();
            if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                return Err(ProfileFileError::syntax(
                    path,
                    number,
                    "unexpected text after the section header's `]`",
                ));
            }
            let inner = inner.trim();
            if inner.is_empty() {
                return Err(ProfileFileError::syntax(
                    path,
                    number,
                    "section header has no name",
                ));
            }
            let new_section = match kind {
                ProfileFileKind::Credentials => Section::Profile {
                    name: inner.to_string(),
                    legacy_default: false,
                },
                ProfileFileKind::Config if inner == "default" => Section::Profile {
                    name: "default".to_string(),
                    legacy_default: true,
                },
                ProfileFileKind::Config if inner == "profile" => {
                    return Err(ProfileFileError::syntax(
                        path,
                        number,
                        "`[profile]` needs a profile name",
                    ));
                }
                ProfileFileKind::Config if inner == "services" => {
                    return Err(ProfileFileError::syntax(
                        path,
                        number,
                        "`[services]` needs a section name",
                    ));
                }
                ProfileFileKind::Config => match inner.split_once(char::is_whitespace) {
                    Some(("profile", name)) => Section::Profile {
                        name: name.trim().to_string(),
                        legacy_default: false,
                    },
                    Some(("services", name)) => Section::Services {
                        name: name.trim().to_string(),
                    },
                    _ => Section::Other,
                },
            };
            match &new_section {
                Section::Profile {
                    name,
                    legacy_default: false,
                } => {
                    profiles.entry(name.clone()).or_default();
                }
                Section::Profile {
                    legacy_default: true,
                    ..
                } => {
                    legacy_default.get_or_insert_with(Properties::new);
                }
                Section::Services { name } => {
                    services.entry(name.clone()).or_default();
                }
                Section::Other => other.clear(),
            }
            section = Some(new_section);
            last_key = None;
            continue;
        }

        let Some(current) = &section else {
            return Err(ProfileFileError::syntax(
                path,
                number,
                "property appears before any `[section]` header",
            ));
        };
        let (name, value) = split_property(path, number, trimmed)?;
        let value = strip_inline_comment(&value).to_string();
        let props = match current {
            Section::Profile {
                name,
                legacy_default: false,
            } => profiles.get_mut(name).expect("section created on header"),
            Section::Profile {
                legacy_default: true,
                ..
            } => legacy_default.as_mut().expect("section created on header"),
            Section::Services { name } => {
                services.get_mut(name).expect("section created on header")
            }
            Section::Other => &mut other,
        };
        props.insert(
            name.clone(),
            Property {
                value,
                sub_properties: BTreeMap::new(),
                path: path.to_path_buf(),
                line: number,
            },
        );
        last_key = Some(name);
        last_indent = indent;
    }

    // `[profile default]` wins over `[default]` in the config file.
    if let Some(legacy) = legacy_default {
        profiles.entry("default".to_string()).or_insert(legacy);
    }
    Ok(Parsed { profiles, services })
}

/// Splits `name = value`, lowercasing and trimming the name and trimming the value.
fn split_property(
    path: &Path,
    line: usize,
    text: &str,
) -> Result<(String, String), ProfileFileError> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(ProfileFileError::syntax(
            path,
            line,
            "expected `name = value`",
        ));
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(ProfileFileError::syntax(
            path,
            line,
            "property has no name before `=`",
        ));
    }
    Ok((name.to_ascii_lowercase(), value.trim().to_string()))
}

/// Cuts an inline comment: `#` or `;` preceded by whitespace.
fn strip_inline_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for i in 1..bytes.len() {
        if matches!(bytes[i], b'#' | b';') && matches!(bytes[i - 1], b' ' | b'\t') {
            return value[..i].trim_end();
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_config(text: &str) -> Result<ProfileSet, ProfileFileError> {
        let mut set = ProfileSet::empty();
        set.add_file(ProfileFileKind::Config, Path::new("/h/.aws/config"), text)?;
        Ok(set)
    }

    #[test]
    fn sections_comments_and_whitespace() {
        // Uniformly indented properties are properties, not continuations.
        let set = parse_config(
            "\u{feff}[default]\n  region = us-west-2\n  output = json\n\t[profile x]\n\tregion = r\n",
        )
        .unwrap();
        let default = set.get("default").unwrap();
        assert_eq!(default.get("region"), Some("us-west-2"));
        assert_eq!(default.get("output"), Some("json"));
        assert_eq!(set.get("x").unwrap().get("region"), Some("r"));

        let set = parse_config(
            "# leading comment\n\
             ; another\n\
             [default]\n\
             region=us-west-2\n\
             \n\
             [ profile   dev ]   # trailing comment\n\
             REGION =  eu-west-1   ; inline\n\
             output = json#not-a-comment\n\
             [sso-session corp]\n\
             sso_region = us-east-1\n\
             [orphan]\n\
             region = ignored\n",
        )
        .unwrap();
        assert_eq!(set.profile_names().collect::<Vec<_>>(), ["default", "dev"]);
        assert_eq!(set.get("default").unwrap().get("region"), Some("us-west-2"));
        let dev = set.get("dev").unwrap();
        assert_eq!(dev.get("region"), Some("eu-west-1"));
        assert_eq!(dev.get("Region"), Some("eu-west-1"));
        assert_eq!(dev.get("output"), Some("json#not-a-comment"));
        assert!(set.get("orphan").is_none());
        assert!(set.get("corp").is_none());
    }

    #[test]
    fn sub_properties_and_continuations() {
        let set = parse_config(
            "[profile p]\n\
             s3 =\n  max_concurrent_requests = 10\n\tsignature_version=s3v4\n\
             description = line one\n   line two\n  # comment\n     line three\n\
             region = r\n",
        )
        .unwrap();
        let p = set.get("p").unwrap();
        let s3 = p.property("s3").unwrap();
        assert_eq!(s3.value(), "");
        assert_eq!(
            s3.sub_properties()
                .get("max_concurrent_requests")
                .map(String::as_str),
            Some("10")
        );
        assert_eq!(
            s3.sub_properties()
                .get("signature_version")
                .map(String::as_str),
            Some("s3v4")
        );
        assert_eq!(p.get("description"), Some("line one\nline two\nline three"));
        assert_eq!(p.get("region"), Some("r"));
    }

    #[test]
    fn services_sections_keep_sub_properties_and_lines() {
        let set = parse_config(
            "[profile p]\nservices = local\n\
             [services local]\nmemorydb =\n  endpoint_url = http://localhost:1\n\
             secrets_manager =\n  endpoint_url = http://localhost:2\n",
        )
        .unwrap();
        let p = set.get("p").unwrap();
        assert_eq!(p.get("services"), Some("local"));
        assert_eq!(p.property("services").unwrap().line(), 2);
        assert_eq!(
            p.property("services").unwrap().path(),
            Path::new("/h/.aws/config")
        );
        let local = set.services_section("local").unwrap();
        let memorydb = local.property("memorydb").unwrap();
        assert_eq!(
            memorydb
                .sub_properties()
                .get("endpoint_url")
                .map(String::as_str),
            Some("http://localhost:1")
        );
        assert_eq!(memorydb.line(), 4);
        assert!(local.property("secrets_manager").is_some());
        assert!(
            set.get("local").is_none(),
            "a services section is not a profile"
        );
        let err = parse_config("[services]\n").unwrap_err();
        assert_eq!(err.line(), Some(1));
    }

    #[test]
    fn profile_default_wins_over_default_in_config() {
        let set = parse_config("[profile default]\nregion = a\n[default]\nregion = b\n").unwrap();
        assert_eq!(set.get("default").unwrap().get("region"), Some("a"));
        let set = parse_config("[default]\nregion = b\n").unwrap();
        assert_eq!(set.get("default").unwrap().get("region"), Some("b"));
    }

    #[test]
    fn credentials_file_sections_are_bare_names() {
        let mut set = ProfileSet::empty();
        set.add_file(
            ProfileFileKind::Credentials,
            Path::new("creds"),
            "[default]\naws_access_key_id = A\n[dev]\naws_access_key_id = B\n",
        )
        .unwrap();
        assert_eq!(set.get("dev").unwrap().get("aws_access_key_id"), Some("B"));
    }

    #[test]
    fn syntax_errors_name_file_and_line_without_quoting_it() {
        let cases: &[(&str, usize, &str)] = &[
            ("region = x\n", 1, "before any `[section]`"),
            ("[default]\nregion = x\n[broken\n", 3, "no closing `]`"),
            (
                "[default]\n\naws_secret_access_key SECRETVALUE\n",
                3,
                "expected `name = value`",
            ),
            ("[default]\n= v\n", 2, "no name"),
            ("[default] junk\n", 1, "after the section header"),
            ("[]\n", 1, "no name"),
            ("[profile ]\n", 1, "needs a profile name"),
            (
                "[default]\ns3 =\n  SECRETVALUE\n",
                3,
                "expected `name = value`",
            ),
        ];
        for (text, line, what) in cases {
            let err = parse_config(text).unwrap_err();
            assert_eq!(err.line(), Some(*line), "{text:?}: {err}");
            let shown = err.to_string();
            assert!(
                shown.starts_with(&format!("/h/.aws/config:{line}: ")),
                "{shown}"
            );
            assert!(shown.contains(what), "{shown}");
            assert!(!shown.contains("SECRETVALUE"), "{shown}");
        }
    }

    #[test]
    fn debug_hides_secret_values() {
        let set = parse_config(
            "[default]\naws_secret_access_key = SECRETVALUE\naws_session_token = SECRETTOKEN\nregion = r\n",
        )
        .unwrap();
        let debug = format!("{set:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
        assert!(debug.contains("region"), "{debug}");
        let prop = set
            .get("default")
            .unwrap()
            .property("aws_secret_access_key")
            .unwrap();
        assert!(!format!("{prop:?}").contains("SECRET"));
        let env = Env::from_vars([("AWS_SECRET_ACCESS_KEY", "hunter2")]);
        assert!(!format!("{env:?}").contains("hunter2"));
    }

    #[test]
    fn file_locations() {
        let env = Env::from_vars([("HOME", "/home/u")]);
        assert_eq!(
            profile_file_path(ProfileFileKind::Config, &env, None),
            Some(PathBuf::from("/home/u/.aws/config"))
        );
        assert_eq!(
            profile_file_path(
                ProfileFileKind::Credentials,
                &env,
                Some(Path::new("/other"))
            ),
            Some(PathBuf::from("/other/.aws/credentials"))
        );
        let env = Env::from_vars([
            ("HOME", "/home/u"),
            ("AWS_CONFIG_FILE", "~/cfg"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/abs/creds"),
        ]);
        assert_eq!(
            profile_file_path(ProfileFileKind::Config, &env, None),
            Some(PathBuf::from("/home/u/cfg"))
        );
        assert_eq!(
            profile_file_path(ProfileFileKind::Credentials, &env, None),
            Some(PathBuf::from("/abs/creds"))
        );
        assert_eq!(
            profile_file_path(ProfileFileKind::Config, &Env::empty(), None),
            None
        );
        assert_eq!(
            selected_profile_name(&Env::from_vars([("AWS_PROFILE", "")])),
            "default"
        );
        assert_eq!(
            selected_profile_name(&Env::from_vars([("AWS_PROFILE", "dev")])),
            "dev"
        );
    }
}
