//! In-process fuzzing on stable Rust (`cargo fuzz` needs nightly): proptest drives random
//! bytes and mutated seed documents through every parser that reads untrusted or
//! user-supplied input, asserting that none panics and each returns within a time bound.
//!
//! | target | input |
//! |---|---|
//! | output parsing (`serde_json::from_slice` of MemoryDB and every fixture crate's output) | random bytes; byte and JSON mutations of `tests/fuzz-corpus/*.json` |
//! | error parsing (`json_errors::parse_error_metadata`, the generated `parse_error`, retry classification) | random status, headers and bodies; mutated error documents |
//! | the code generator (`aws_client_codegen::generate`) | JSON mutations of `model/memorydb.json` and `tests/fixtures/*.json` |
//! | shared config/credentials files, endpoint rule sets, timestamps, `Authorization` headers | mutated seeds and random strings |
//!
//! Seeds live in `tests/fuzz-corpus/`. Panics are caught with `catch_unwind` so the failing
//! input is reported (proptest then shrinks it). A crash found here becomes a named
//! regression test at the end of this file. Case counts are proptest's default (256, or
//! `PROPTEST_CASES`), lower for the code generator, which is slower per case.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_client_runtime::client::snippet;
use aws_client_runtime::protocol::aws_json::errors as json_errors;
use aws_client_runtime::Operation;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};

/// Longest any single parse of a fuzz input may take.
const PARSE_LIMIT: Duration = Duration::from_secs(2);
/// Longest one run of the code generator on a mutated model may take (debug build).
const CODEGEN_LIMIT: Duration = Duration::from_secs(30);

fn config(cases: Option<u32>) -> ProptestConfig {
    let base = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    match cases {
        // An explicit PROPTEST_CASES wins over the lower count of slow targets.
        Some(n) if std::env::var_os("PROPTEST_CASES").is_none() => {
            ProptestConfig { cases: n, ..base }
        }
        _ => base,
    }
}

// ---------------------------------------------------------------------------------------------
// Seeds and dictionaries.

fn root() -> PathBuf {
    tests::workspace_root()
}

/// `tests/fuzz-corpus/*.json`, as (file name, bytes), sorted.
fn corpus() -> &'static [(String, Vec<u8>)] {
    static CORPUS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = root().join("tests/fuzz-corpus");
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .expect("tests/fuzz-corpus exists")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&p).unwrap())
            })
            .collect();
        files.sort();
        assert!(files.len() >= 3, "the seed corpus is missing");
        files
    })
}

/// The models the generator is fuzzed with: the MemoryDB model and every fixture model.
fn models() -> &'static [(String, Value)] {
    static MODELS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let mut out = vec![(
            "memorydb".to_owned(),
            read_json(&root().join("model/memorydb.json")),
        )];
        for (name, path) in tests::fixture_models() {
            out.push((name, read_json(&path)));
        }
        out
    })
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Every object key and short string found in the seeds and models (member names, shape
/// ids, trait ids, enum values...), so that mutations produce near-valid documents.
fn dictionary() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        fn walk(v: &Value, out: &mut std::collections::BTreeSet<String>) {
            match v {
                Value::String(s) if s.len() <= 64 => {
                    out.insert(s.clone());
                }
                Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
                Value::Object(map) => {
                    for (k, v) in map {
                        out.insert(k.clone());
                        walk(v, out);
                    }
                }
                _ => {}
            }
        }
        let mut words = std::collections::BTreeSet::new();
        for (_, model) in models() {
            walk(model, &mut words);
        }
        for (_, bytes) in corpus() {
            if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
                walk(&v, &mut words);
            }
        }
        words.extend(
            [
                "",
                "NaN",
                "Infinity",
                "-Infinity",
                "#",
                ":",
                "$",
                "a#b#c:d",
                "smithy.api#Unit",
                "smithy.api#Document",
                "structure",
                "union",
                "list",
                "map",
                "enum",
                "intEnum",
                "timestamp",
                "blob",
                "document",
                "bigInteger",
                "bigDecimal",
                "resource",
                "operation",
                "service",
                "__type",
                "\u{0}",
                "\u{202e}",
                "😀",
                "ℝ",
                "\u{fffd}",
            ]
            .map(str::to_owned),
        );
        words.into_iter().collect()
    })
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<Index>().prop_map(|i| {
            let words = dictionary();
            words[i.index(words.len())].clone()
        }),
        1 => proptest::collection::vec(any::<char>(), 0..8).prop_map(String::from_iter),
    ]
}

/// JSON values rich in edge cases: extreme numbers, dictionary strings, nested containers.
fn interesting_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        proptest::sample::select(vec![
            Value::from(0),
            Value::from(-1),
            Value::from(i64::MAX),
            Value::from(i64::MIN),
            Value::from(u64::MAX),
            Value::from(i32::MAX as i64 + 1),
            Value::from(1e308),
            Value::from(-0.0),
            Value::from(5e-324),
            Value::from(1e15),
            Value::from(1e16),
            Value::from(-62_135_596_800.5),
        ]),
        any::<f64>()
            .prop_filter("JSON has no NaN", |f| f.is_finite())
            .prop_map(Value::from),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((word(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

// ---------------------------------------------------------------------------------------------
// Mutations.

#[derive(Debug, Clone)]
enum ByteEdit {
    Flip(Index, u8),
    Set(Index, u8),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    Truncate(Index),
    /// Copy `len` bytes from one place to another (duplicates keys, brackets, escapes).
    Splice(Index, Index, usize),
}

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    let token = prop_oneof![
        proptest::collection::vec(any::<u8>(), 1..6),
        proptest::sample::select(vec![
            b"{".to_vec(),
            b"[".to_vec(),
            b"}".to_vec(),
            b"]".to_vec(),
            b"\"".to_vec(),
            b"\\".to_vec(),
            b"\\u".to_vec(),
            b"\\ud800".to_vec(),
            b",".to_vec(),
            b":".to_vec(),
            b"null".to_vec(),
            b"1e999".to_vec(),
            b"-0".to_vec(),
            vec![0xff],
            vec![0xc3],
            vec![0xed, 0xa0, 0x80],
            b"[".repeat(200),
        ]),
    ];
    prop_oneof![
        (any::<Index>(), 1..=255u8).prop_map(|(i, b)| ByteEdit::Flip(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| ByteEdit::Set(i, b)),
        (any::<Index>(), token).prop_map(|(i, t)| ByteEdit::Insert(i, t)),
        (any::<Index>(), 1..16usize).prop_map(|(i, n)| ByteEdit::Delete(i, n)),
        any::<Index>().prop_map(ByteEdit::Truncate),
        (any::<Index>(), any::<Index>(), 1..32usize)
            .prop_map(|(a, b, n)| ByteEdit::Splice(a, b, n)),
    ]
}

fn apply_bytes(seed: &[u8], edits: &[ByteEdit]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for edit in edits {
        let len = out.len();
        let at = |i: &Index| if len == 0 { 0 } else { i.index(len) };
        match edit {
            ByteEdit::Flip(i, b) if len > 0 => {
                let p = at(i);
                out[p] ^= b;
            }
            ByteEdit::Set(i, b) if len > 0 => {
                let p = at(i);
                out[p] = *b;
            }
            ByteEdit::Insert(i, bytes) => {
                let p = if len == 0 { 0 } else { i.index(len + 1) };
                out.splice(p..p, bytes.iter().copied());
            }
            ByteEdit::Delete(i, n) if len > 0 => {
                let p = at(i);
                out.drain(p..(p + n).min(len));
            }
            ByteEdit::Truncate(i) if len > 0 => out.truncate(at(i)),
            ByteEdit::Splice(from, to, n) if len > 0 => {
                let f = at(from);
                let piece = out[f..(f + n).min(len)].to_vec();
                let t = at(to);
                out.splice(t..t, piece);
            }
            _ => {}
        }
    }
    out
}

#[derive(Debug, Clone)]
enum JsonEdit {
    Replace(Index, Value),
    Remove(Index, Index),
    Rename(Index, Index, String),
    /// Wrap a node in `depth` arrays (crosses the parser's recursion limit when deep).
    Nest(Index, usize),
    /// Copy one node over another (wrong shapes in the right places).
    Copy(Index, Index),
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        4 => (any::<Index>(), interesting_json()).prop_map(|(i, v)| JsonEdit::Replace(i, v)),
        3 => (any::<Index>(), any::<Index>()).prop_map(|(i, k)| JsonEdit::Remove(i, k)),
        2 => (any::<Index>(), any::<Index>(), word()).prop_map(|(i, k, w)| JsonEdit::Rename(i, k, w)),
        1 => (any::<Index>(), prop_oneof![1..4usize, 100..300usize]).prop_map(|(i, d)| JsonEdit::Nest(i, d)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| JsonEdit::Copy(a, b)),
    ]
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// The `n`-th node in pre-order.
fn nth_mut<'a>(v: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
    if *n == 0 {
        return Some(v);
    }
    *n -= 1;
    match v {
        Value::Array(items) => {
            for item in items.iter_mut() {
                if let Some(found) = nth_mut(item, n) {
                    return Some(found);
                }
            }
            None
        }
        Value::Object(map) => {
            for item in map.values_mut() {
                if let Some(found) = nth_mut(item, n) {
                    return Some(found);
                }
            }
            None
        }
        _ => None,
    }
}

fn node_mut<'a>(v: &'a mut Value, i: &Index) -> &'a mut Value {
    let mut n = i.index(count_nodes(v));
    nth_mut(v, &mut n).expect("index within the node count")
}

fn apply_json(mut doc: Value, edits: &[JsonEdit]) -> Value {
    for edit in edits {
        match edit {
            JsonEdit::Replace(i, value) => *node_mut(&mut doc, i) = value.clone(),
            JsonEdit::Remove(i, k) => {
                if let Value::Object(map) = node_mut(&mut doc, i) {
                    if !map.is_empty() {
                        let key = map.keys().nth(k.index(map.len())).unwrap().clone();
                        map.remove(&key);
                    }
                } else if let Value::Array(items) = node_mut(&mut doc, i) {
                    if !items.is_empty() {
                        items.remove(k.index(items.len()));
                    }
                }
            }
            JsonEdit::Rename(i, k, new) => {
                if let Value::Object(map) = node_mut(&mut doc, i) {
                    if !map.is_empty() {
                        let key = map.keys().nth(k.index(map.len())).unwrap().clone();
                        let value = map.remove(&key).unwrap();
                        map.insert(new.clone(), value);
                    }
                }
            }
            JsonEdit::Nest(i, depth) => {
                let node = node_mut(&mut doc, i);
                let mut value = node.take();
                for _ in 0..*depth {
                    value = Value::Array(vec![value]);
                }
                *node = value;
            }
            JsonEdit::Copy(from, to) => {
                let value = node_mut(&mut doc, from).clone();
                *node_mut(&mut doc, to) = value;
            }
        }
    }
    doc
}

/// Serializes a deeply nested value without recursion limits getting in the way.
fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("a Value always serializes")
}

/// A seed from the corpus: its bytes, mutated either byte-wise or JSON-wise.
fn mutated_corpus_document() -> impl Strategy<Value = Vec<u8>> {
    let n = corpus().len();
    prop_oneof![
        (0..n, proptest::collection::vec(byte_edit(), 1..6))
            .prop_map(|(i, edits)| apply_bytes(&corpus()[i].1, &edits)),
        (0..n, proptest::collection::vec(json_edit(), 1..5)).prop_map(|(i, edits)| {
            let doc: Value = serde_json::from_slice(&corpus()[i].1).unwrap();
            to_bytes(&apply_json(doc, &edits))
        }),
        proptest::collection::vec(any::<u8>(), 0..256),
        interesting_json().prop_map(|v| to_bytes(&v)),
    ]
}

/// Runs `f`, turning a panic or an overlong run into a test failure naming the input.
fn guarded<T>(
    what: &str,
    input: &dyn std::fmt::Debug,
    limit: Duration,
    f: impl FnOnce() -> T,
) -> Result<T, TestCaseError> {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(f));
    let elapsed = started.elapsed();
    match result {
        Ok(value) if elapsed <= limit => Ok(value),
        Ok(_) => Err(TestCaseError::fail(format!(
            "{what} took {elapsed:?} (limit {limit:?}) on {input:?}"
        ))),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("<non-string panic>");
            Err(TestCaseError::fail(format!(
                "{what} panicked ({message}) on {input:?}"
            )))
        }
    }
}

fn lossy(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.chars().count() > 2000 {
        let head: String = text.chars().take(2000).collect();
        format!("{head}… ({} bytes)", bytes.len())
    } else {
        text.into_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// (a) Output parsing.

/// Parses `bytes` as `T`; when that works, the value is serialized and formatted too.
fn parse_output<T>(bytes: &[u8]) -> bool
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    match serde_json::from_slice::<T>(bytes) {
        Ok(value) => {
            // May fail, never panic: a union holding an unknown member cannot be sent back.
            let _ = serde_json::to_vec(&value);
            let _ = format!("{value:?}");
            true
        }
        Err(e) => {
            let _ = e.to_string();
            false
        }
    }
}

/// Every output type the fuzzer feeds.
fn parse_every_output(bytes: &[u8]) {
    use memorydb::operation::{describe_clusters, failover_shard};
    parse_output::<describe_clusters::DescribeClustersOutput>(bytes);
    parse_output::<failover_shard::FailoverShardOutput>(bytes);
    parse_output::<memorydb::types::Cluster>(bytes);
    parse_output::<fixture_blob::operation::op::OpOutput>(bytes);
    parse_output::<fixture_defaults::operation::op::OpOutput>(bytes);
    parse_output::<fixture_deprecated::operation::op::OpOutput>(bytes);
    parse_output::<fixture_document::operation::op::OpOutput>(bytes);
    parse_output::<fixture_errors::operation::op::OpOutput>(bytes);
    parse_output::<fixture_int_enum::operation::op::OpOutput>(bytes);
    parse_output::<fixture_keywords::operation::op::OpOutput>(bytes);
    parse_output::<fixture_map::operation::op::OpOutput>(bytes);
    parse_output::<fixture_paginated::operation::op::OpOutput>(bytes);
    parse_output::<fixture_recursive::operation::op::OpOutput>(bytes);
    parse_output::<fixture_sensitive::operation::op::OpOutput>(bytes);
    parse_output::<fixture_sparse_list::operation::op::OpOutput>(bytes);
    parse_output::<fixture_timestamps::operation::op::OpOutput>(bytes);
    parse_output::<fixture_union::operation::op::OpOutput>(bytes);
}

/// Fixture outputs are fed documents built from their own models' member names.
fn fixture_document() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((word(), interesting_json()), 0..6)
        .prop_map(|kv| to_bytes(&Value::Object(kv.into_iter().collect::<Map<_, _>>())))
}

proptest! {
    #![proptest_config(config(None))]

    #[test]
    fn output_parsers_never_panic(bytes in mutated_corpus_document()) {
        guarded("output parsing", &lossy(&bytes), PARSE_LIMIT, || parse_every_output(&bytes))?;
    }

    #[test]
    fn fixture_output_parsers_never_panic(bytes in fixture_document()) {
        guarded("fixture output parsing", &lossy(&bytes), PARSE_LIMIT, || parse_every_output(&bytes))?;
    }
}

// ---------------------------------------------------------------------------------------------
// (b) Error parsing.

#[derive(Debug, Clone)]
struct ErrorResponse {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    query_compatible: bool,
}

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        word().prop_map(String::into_bytes),
        "[ -~]{0,40}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..24),
        Just(b"Code;Sender".to_vec()),
        Just(b"aws.protocoltests#FooError:http://internal.example/".to_vec()),
    ]
}

fn error_response() -> impl Strategy<Value = ErrorResponse> {
    let name = proptest::sample::select(vec![
        "x-amzn-errortype",
        "X-Amzn-ErrorType",
        "x-amzn-requestid",
        "x-amzn-query-error",
        "content-type",
    ]);
    (
        prop_oneof![300..600u16, Just(400u16), Just(500u16), Just(503u16)],
        proptest::collection::vec((name, header_value()), 0..4),
        mutated_corpus_document(),
        any::<bool>(),
    )
        .prop_map(|(status, headers, body, query_compatible)| ErrorResponse {
            status,
            headers: headers
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v))
                .collect(),
            body,
            query_compatible,
        })
}

fn handle_error(r: &ErrorResponse) -> Result<(), String> {
    let mut headers = HeaderMap::new();
    for (name, value) in &r.headers {
        // Bytes a real HTTP stack would not deliver as a header value are skipped.
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(HeaderName::from_bytes(name.as_bytes()).unwrap(), value);
        }
    }
    let _ = snippet(&r.body, 256);
    let meta =
        match json_errors::parse_error_metadata(r.status, &headers, &r.body, r.query_compatible) {
            Ok(meta) => meta,
            Err(not_json) => {
                let _ = not_json.to_string();
                return Ok(());
            }
        };
    if let Some(code) = meta.code() {
        if code.is_empty() || code.contains(':') || code.contains('#') || code.trim() != code {
            return Err(format!("code not sanitised: {code:?}"));
        }
    }
    if meta.status() != Some(r.status) {
        return Err(format!("status lost: {:?}", meta.status()));
    }
    let _ = meta.to_string();
    let body = &r.body;
    let fs = memorydb::operation::failover_shard::FailoverShard::parse_error(meta.clone(), body);
    let retryable = memorydb::operation::failover_shard::FailoverShard::is_retryable_error(&fs);
    let _ = aws_client_runtime::retry::classify_error_response(
        meta.code(),
        meta.query_error_code(),
        r.status,
        retryable,
    );
    let _ = (fs.to_string(), fs.message(), fs.code(), format!("{fs:?}"));
    let dc =
        memorydb::operation::describe_clusters::DescribeClusters::parse_error(meta.clone(), body);
    let _ = (dc.to_string(), dc.message());
    let fe = fixture_errors::operation::op::Op::parse_error(meta, body);
    let _ = (fe.to_string(), format!("{fe:?}"));
    Ok(())
}

proptest! {
    #![proptest_config(config(None))]

    #[test]
    fn error_parsing_never_panics(response in error_response()) {
        guarded("error parsing", &response, PARSE_LIMIT, || handle_error(&response))?
            .map_err(TestCaseError::fail)?;
    }

    #[test]
    fn error_code_sanitising_never_panics(raw in word(), more in "[ -~]{0,30}") {
        for text in [raw.clone(), more.clone(), format!("{raw}#{more}:{raw}")] {
            let code = json_errors::sanitize_error_code(&text);
            prop_assert!(!code.contains(':') && !code.contains('#'), "{:?} -> {:?}", text, code);
            let _ = json_errors::parse_query_error_header(&text);
        }
    }

    #[test]
    fn snippets_are_bounded(body in proptest::collection::vec(any::<u8>(), 0..2048), max in 0..300usize) {
        let s = snippet(&body, max);
        prop_assert!(s.chars().count() <= max + 1, "{} chars for max {}", s.chars().count(), max);
    }
}

// ---------------------------------------------------------------------------------------------
// (c) The code generator.

/// Mutations aimed at any node of a model: a shape, trait, member, target or doc string is
/// replaced, removed, renamed, nested or copied elsewhere. Yields a description and the text.
fn mutated_model() -> impl Strategy<Value = (String, String)> {
    let n = models().len();
    (0..n, proptest::collection::vec(json_edit(), 1..4)).prop_map(|(i, edits)| {
        let (name, model) = &models()[i];
        let text = serde_json::to_string(&apply_json(model.clone(), &edits)).unwrap();
        (format!("{name} with {edits:?}"), text)
    })
}

/// Names that stress the generator's naming: keywords, reserved type and method names,
/// names that collide after case conversion, non-identifiers.
const TRICKY_NAMES: &[&str] = &[
    "",
    "1abc",
    "type",
    "Type",
    "self",
    "Self",
    "super",
    "crate",
    "_",
    "__",
    "r#type",
    "a-b",
    "a b",
    "ÿ",
    "日本",
    "😀",
    "FooBar",
    "foo_bar",
    "FOOBar",
    "Client",
    "Config",
    "Error",
    "Result",
    "Option",
    "Box",
    "String",
    "Vec",
    "Unknown",
    "UNKNOWN",
    "Unhandled",
    "Builder",
    "meta",
    "builder",
    "build",
    "send",
    "as_str",
    "values",
    "fmt",
    "Name",
    "name",
    "NAME",
    "message",
    "Message",
    "Operation",
    "Default",
    "core",
    "std",
    "serde",
    "aws_client_runtime",
];

/// Trait ids the generator interprets.
const TRAIT_IDS: &[&str] = &[
    "smithy.api#required",
    "smithy.api#default",
    "smithy.api#error",
    "smithy.api#retryable",
    "smithy.api#paginated",
    "smithy.api#sparse",
    "smithy.api#sensitive",
    "smithy.api#deprecated",
    "smithy.api#documentation",
    "smithy.api#enumValue",
    "smithy.api#timestampFormat",
    "smithy.api#jsonName",
    "smithy.api#input",
    "smithy.api#output",
    "smithy.api#mixin",
    "smithy.api#idempotencyToken",
    "smithy.api#streaming",
    "aws.api#service",
    "aws.auth#sigv4",
    "aws.protocols#awsJson1_0",
    "aws.protocols#awsJson1_1",
    "aws.protocols#awsQueryCompatible",
    "smithy.rules#endpointRuleSet",
];

/// A change aimed at what the generator interprets: a shape's type, a member's name or
/// target, a trait, a reference.
#[derive(Debug, Clone)]
enum ModelEdit {
    /// Point a member (or a list/map member) at another shape, existing or not.
    Retarget(Index, Index, Index),
    /// Rename a member to a tricky name.
    RenameMember(Index, Index, Index),
    /// Rename a shape (references to it dangle) or add a copy under a tricky name.
    RenameShape(Index, Index, bool),
    /// Change a shape's type.
    SetType(Index, Index),
    /// Add or replace a trait on a shape or, when the flag is set, on one of its members.
    SetTrait(Index, Index, Index, bool, Value),
    /// Remove a key of the shape (`members`, `traits`, `input`, `operations`...).
    RemoveKey(Index, Index),
}

fn model_edit() -> impl Strategy<Value = ModelEdit> {
    prop_oneof![
        3 => (any::<Index>(), any::<Index>(), any::<Index>()).prop_map(|(a, b, c)| ModelEdit::Retarget(a, b, c)),
        3 => (any::<Index>(), any::<Index>(), any::<Index>()).prop_map(|(a, b, c)| ModelEdit::RenameMember(a, b, c)),
        2 => (any::<Index>(), any::<Index>(), any::<bool>()).prop_map(|(a, b, c)| ModelEdit::RenameShape(a, b, c)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| ModelEdit::SetType(a, b)),
        4 => (any::<Index>(), any::<Index>(), any::<Index>(), any::<bool>(), interesting_json())
            .prop_map(|(a, b, c, m, v)| ModelEdit::SetTrait(a, b, c, m, v)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| ModelEdit::RemoveKey(a, b)),
    ]
}

fn pick<'a>(keys: impl Iterator<Item = &'a String>, i: &Index) -> Option<String> {
    let keys: Vec<&String> = keys.collect();
    (!keys.is_empty()).then(|| keys[i.index(keys.len())].clone())
}

/// The member objects of a shape: `members.*`, plus `member`, `key`, `value`.
fn member_slots(shape: &mut Value) -> Vec<&mut Value> {
    let mut out = Vec::new();
    let Some(object) = shape.as_object_mut() else {
        return out;
    };
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "member" | "key" | "value" => out.push(value),
            "members" => {
                if let Some(members) = value.as_object_mut() {
                    out.extend(members.values_mut());
                }
            }
            _ => {}
        }
    }
    out
}

fn apply_model_edits(mut model: Value, edits: &[ModelEdit]) -> Value {
    const TYPES: &[&str] = &[
        "structure",
        "union",
        "list",
        "map",
        "string",
        "enum",
        "intEnum",
        "integer",
        "long",
        "boolean",
        "double",
        "timestamp",
        "blob",
        "document",
        "bigDecimal",
        "operation",
        "service",
        "resource",
        "set",
        "nonsense",
    ];
    let Some(shapes) = model.get_mut("shapes").and_then(Value::as_object_mut) else {
        return model;
    };
    for edit in edits {
        let mut ids: Vec<String> = shapes.keys().cloned().collect();
        ids.extend(
            [
                "smithy.api#String",
                "smithy.api#Unit",
                "smithy.api#Document",
                "smithy.api#Timestamp",
                "smithy.api#Nope",
                "no.namespace",
                "#",
                "a#b$c",
            ]
            .map(str::to_owned),
        );
        match edit {
            ModelEdit::Retarget(s, m, t) => {
                let Some(id) = pick(shapes.keys(), s) else {
                    continue;
                };
                let target = ids[t.index(ids.len())].clone();
                let mut slots = member_slots(&mut shapes[&id]);
                if !slots.is_empty() {
                    let n = slots.len();
                    slots[m.index(n)]["target"] = Value::String(target);
                }
            }
            ModelEdit::RenameMember(s, m, n) => {
                let Some(id) = pick(shapes.keys(), s) else {
                    continue;
                };
                let name = TRICKY_NAMES[n.index(TRICKY_NAMES.len())];
                if let Some(members) = shapes[&id]
                    .get_mut("members")
                    .and_then(Value::as_object_mut)
                {
                    if let Some(old) = pick(members.keys(), m) {
                        let v = members.remove(&old).unwrap();
                        members.insert(name.to_owned(), v);
                    }
                }
            }
            ModelEdit::RenameShape(s, n, keep) => {
                let Some(id) = pick(shapes.keys(), s) else {
                    continue;
                };
                let ns = id.split('#').next().unwrap_or("ns").to_owned();
                let new = format!("{ns}#{}", TRICKY_NAMES[n.index(TRICKY_NAMES.len())]);
                let v = if *keep {
                    shapes[&id].clone()
                } else {
                    shapes.remove(&id).unwrap()
                };
                shapes.insert(new, v);
            }
            ModelEdit::SetType(s, t) => {
                let Some(id) = pick(shapes.keys(), s) else {
                    continue;
                };
                shapes[&id]["type"] = Value::from(TYPES[t.index(TYPES.len())]);
            }
            ModelEdit::SetTrait(s, m, t, on_member, value) => {
                let Some(id) = pick(shapes.keys(), s) else {
                    continue;
                };
                let trait_id = TRAIT_IDS[t.index(TRAIT_IDS.len())];
                let shape = &mut shapes[&id];
                let holder = if *on_member {
                    let mut slots = member_slots(shape);
                    if slots.is_empty() {
                        continue;
                    }
                    let n = slots.len();
                    slots.swap_remove(m.index(n))
                } else {
                    shape
                };
                if !holder.is_object() {
                    continue;
                }
                if !holder.get("traits").is_some_and(Value::is_object) {
                    holder["traits"] = Value::Object(Map::new());
                }
                holder["traits"][trait_id] = value.clone();
            }
            ModelEdit::RemoveKey(s, k) => {
                let Some(id) = pick(shapes.keys(), s) else {
                    continue;
                };
                if let Some(object) = shapes[&id].as_object_mut() {
                    if let Some(key) = pick(object.keys(), k) {
                        object.remove(&key);
                    }
                }
            }
        }
    }
    model
}

fn run_codegen(text: &str) {
    let options = aws_client_codegen::Options::default();
    let settings = aws_client_codegen::CrateSettings::default();
    match aws_client_codegen::generate(text, &options, &settings) {
        Ok(generated) => {
            assert!(generated.files.contains_key("src/lib.rs"));
        }
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "an error without diagnostics");
            let _ = e.to_string();
        }
    }
}

proptest! {
    #![proptest_config(config(Some(48)))]

    #[test]
    fn codegen_never_panics_on_mutated_models((what, text) in mutated_model()) {
        guarded("aws_client_codegen::generate", &what, CODEGEN_LIMIT, || run_codegen(&text))?;
    }
}

proptest! {
    #![proptest_config(config(Some(128)))]

    #[test]
    fn codegen_never_panics_on_semantic_model_edits(
        i in 0..models().len(),
        edits in proptest::collection::vec(model_edit(), 1..4),
    ) {
        let text = serde_json::to_string(&apply_model_edits(models()[i].1.clone(), &edits)).unwrap();
        let what = format!("{} with {edits:?}", models()[i].0);
        guarded("aws_client_codegen::generate", &what, CODEGEN_LIMIT, || run_codegen(&text))?;
    }
}

proptest! {
    #![proptest_config(config(Some(64)))]

    #[test]
    fn codegen_never_panics_on_mutated_model_bytes(
        i in 0..models().len(),
        edits in proptest::collection::vec(byte_edit(), 1..4),
    ) {
        let text = serde_json::to_vec(&models()[i].1).unwrap();
        let text = String::from_utf8_lossy(&apply_bytes(&text, &edits)).into_owned();
        let what = format!("{} with {edits:?}", models()[i].0);
        guarded("aws_client_codegen::generate", &what, CODEGEN_LIMIT, || run_codegen(&text))?;
    }
}

// ---------------------------------------------------------------------------------------------
// Other parsers of outside input.

const CONFIG_SEED: &str = "[default]\nregion = us-east-1\naws_access_key_id = AKID\n\
aws_secret_access_key = SECRET ; comment\ns3 =\n  max_concurrent_requests = 10\n\
[profile dev]\nregion=eu-west-1 # c\ndescription = a\n  b\n[sso-session x]\nsso_region = us-east-1\n";

fn endpoint_rules() -> &'static Value {
    static RULES: OnceLock<Value> = OnceLock::new();
    RULES.get_or_init(|| {
        let model = &models()[0].1;
        model["shapes"]
            .as_object()
            .unwrap()
            .values()
            .find_map(|s| s["traits"].get("smithy.rules#endpointRuleSet").cloned())
            .expect("the MemoryDB model has endpoint rules")
    })
}

proptest! {
    #![proptest_config(config(None))]

    #[test]
    fn profile_files_never_panic(
        edits in proptest::collection::vec(byte_edit(), 0..8),
        credentials in any::<bool>(),
    ) {
        use aws_client_runtime::profile::{ProfileFileKind, ProfileSet};
        let text = String::from_utf8_lossy(&apply_bytes(CONFIG_SEED.as_bytes(), &edits)).into_owned();
        let kind = if credentials { ProfileFileKind::Credentials } else { ProfileFileKind::Config };
        let result = guarded("profile parsing", &text, PARSE_LIMIT, || {
            let mut set = ProfileSet::empty();
            set.add_file(kind, Path::new("/fuzz/config"), &text).map(|()| set)
        })?;
        if let Err(e) = result {
            // A malformed file is reported with its path.
            prop_assert!(e.to_string().starts_with("/fuzz/config"), "{}", e);
        }
    }

    #[test]
    fn endpoint_rules_never_panic(
        edits in proptest::collection::vec(json_edit(), 0..3),
        region in prop_oneof![word(), Just("us-east-1".to_owned()), Just("cn-north-1".to_owned()), "[a-z0-9-]{0,20}"],
        fips in any::<bool>(),
        dual in any::<bool>(),
        endpoint in proptest::option::of(prop_oneof![word(), Just("http://127.0.0.1:1".to_owned())]),
    ) {
        let rules = apply_json(endpoint_rules().clone(), &edits);
        let input = format!("{region:?} fips={fips} dual={dual} endpoint={endpoint:?} edits={edits:?}");
        guarded("endpoint resolution", &input, PARSE_LIMIT, || {
            if let Ok(set) = aws_client_runtime::RuleSet::from_json(&rules) {
                let params = aws_client_runtime::EndpointParams::new()
                    .with_str("Region", region.clone())
                    .with_bool("UseFIPS", fips)
                    .with_bool("UseDualStack", dual)
                    .with_opt_str("Endpoint", endpoint.clone());
                let _ = set.resolve(&params).map(|e| e.url().to_owned()).map_err(|e| e.to_string());
            }
        })?;
    }

    #[test]
    fn timestamps_and_authorization_never_panic(text in prop_oneof![word(), "[ -~]{0,60}"], f in any::<f64>()) {
        use aws_client_runtime::DateTime;
        guarded("timestamp parsing", &text, PARSE_LIMIT, || {
            let _ = DateTime::parse_rfc3339(&text).map(|t| t.to_rfc3339());
            let _ = DateTime::parse_http_date(&text).map(|t| t.to_http_date());
            if let Some(t) = DateTime::from_secs_f64(f) {
                let _ = (t.as_secs_f64(), t.to_string(), t.to_millis());
            }
            let _ = aws_client_runtime::sigv4::parse_authorization(&text);
            let _ = aws_client_runtime::sigv4::parse_authorization(&format!(
                "AWS4-HMAC-SHA256 Credential={text}, SignedHeaders={text}, Signature={text}"
            ));
        })?;
    }
}

// ---------------------------------------------------------------------------------------------
// The seeds themselves, and regressions.

#[test]
fn corpus_seeds_parse_as_intended() {
    use memorydb::operation::{describe_clusters, failover_shard};
    for (name, bytes) in corpus() {
        parse_every_output(bytes);
        let r = ErrorResponse {
            status: 400,
            headers: vec![],
            body: bytes.clone(),
            query_compatible: false,
        };
        handle_error(&r).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let get = |n: &str| &corpus().iter().find(|(f, _)| f == n).unwrap().1;
    let out: describe_clusters::DescribeClustersOutput =
        serde_json::from_slice(get("describe_clusters_output.json")).unwrap();
    let cluster = &out.clusters()[0];
    assert_eq!(cluster.shards()[0].nodes().len(), 2);
    assert_eq!(
        cluster.pending_updates().unwrap().service_updates().len(),
        1,
        "the null entry of a dense list is dropped"
    );
    assert!(matches!(
        cluster.ip_discovery(),
        Some(memorydb::types::IpDiscovery::Unknown(_))
    ));
    let out: failover_shard::FailoverShardOutput =
        serde_json::from_slice(get("failover_shard_output.json")).unwrap();
    assert!(out.cluster().is_some());
    let meta = json_errors::parse_error_metadata(
        400,
        &HeaderMap::new(),
        get("error_invalid_cluster_state.json"),
        false,
    )
    .unwrap();
    assert_eq!(meta.code(), Some("InvalidClusterStateFault"));
    let meta = json_errors::parse_error_metadata(
        400,
        &HeaderMap::new(),
        get("error_code_variants.json"),
        false,
    )
    .unwrap();
    assert_eq!(meta.code(), Some("ThrottlingException"));
    assert_eq!(meta.message(), Some("Rate exceeded"));
}

#[test]
fn unmutated_models_generate() {
    for (name, model) in models() {
        let text = serde_json::to_string(model).unwrap();
        let generated = aws_client_codegen::generate(
            &text,
            &aws_client_codegen::Options::default(),
            &aws_client_codegen::CrateSettings::default(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(generated.files.contains_key("src/lib.rs"), "{name}");
    }
}

/// Generator crash found by `codegen_never_panics_on_semantic_model_edits`: an operation
/// error that is not a structure panicked in `plan` (`no entry found for key`).
#[test]
fn regression_operation_error_that_is_not_a_structure() {
    for ty in ["integer", "string", "list", "enum"] {
        let mut model = read_json(&root().join("tests/fixtures/errors.json"));
        model["shapes"]["fixture.errors#Broken"]["type"] = Value::from(ty);
        if ty == "list" {
            model["shapes"]["fixture.errors#Broken"]["member"] =
                serde_json::json!({"target": "smithy.api#String"});
        }
        let text = serde_json::to_string(&model).unwrap();
        let err = catch_unwind(|| {
            aws_client_codegen::generate(
                &text,
                &aws_client_codegen::Options::default(),
                &aws_client_codegen::CrateSettings::default(),
            )
        })
        .unwrap_or_else(|_| panic!("generate panicked for an error of type {ty}"))
        .expect_err("an error shape must be a structure");
        assert!(
            err.diagnostics.iter().any(
                |d| d.shape == "fixture.errors#Broken" && d.message.contains("not a structure")
            ),
            "{ty}: {err}"
        );
    }
}

/// Generator crash found by `codegen_never_panics_on_semantic_model_edits`: a list (or map)
/// that contains itself with no structure in the cycle overflowed the stack in `plan`.
#[test]
fn regression_list_or_map_containing_itself() {
    let mut list = read_json(&root().join("tests/fixtures/sparse_list.json"));
    list["shapes"]["fixture.sparse_list#DenseStrings"]["member"]["target"] =
        Value::from("fixture.sparse_list#DenseStrings");
    let mut map = read_json(&root().join("tests/fixtures/map.json"));
    let map_id = map["shapes"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, s)| s["type"] == "map")
        .map(|(id, _)| id.clone())
        .expect("the map fixture has a map");
    map["shapes"][&map_id]["value"]["target"] = Value::from(map_id.clone());
    for (model, id) in [
        (list, "fixture.sparse_list#DenseStrings"),
        (map, map_id.as_str()),
    ] {
        let text = serde_json::to_string(&model).unwrap();
        let err = aws_client_codegen::generate(
            &text,
            &aws_client_codegen::Options::default(),
            &aws_client_codegen::CrateSettings::default(),
        )
        .expect_err("a collection that contains itself is invalid");
        assert!(
            err.diagnostics
                .iter()
                .any(|d| d.message.contains(&format!("{id} contains itself"))),
            "{err}"
        );
    }
}

/// Runtime crash found by `endpoint_rules_never_panic`: a rule set value nested a few hundred
/// levels deep overflowed the stack in `RuleSet::from_json` (text input is already stopped at
/// 128 levels by serde_json). It is now refused with an error.
#[test]
fn regression_deeply_nested_endpoint_rule_set() {
    let with_argument_depth = |depth: usize| {
        let mut arg = Value::from("x");
        for _ in 0..depth {
            arg = Value::Array(vec![arg]);
        }
        let mut rules = serde_json::json!({
            "version": "1.0",
            "parameters": {"Region": {"builtIn": "AWS::Region", "required": false, "type": "String"}},
            "rules": [
                {"conditions": [{"fn": "isSet", "argv": [null]}], "endpoint": {"url": "https://x"}, "type": "endpoint"},
                {"conditions": [], "error": "e", "type": "error"}
            ]
        });
        rules["rules"][0]["conditions"][0]["argv"][0] = arg;
        rules
    };
    // Run where a test thread's stack is, not the main thread's larger one.
    std::thread::spawn(move || {
        let deep = with_argument_depth(400);
        let err = aws_client_runtime::RuleSet::from_json(&deep).unwrap_err();
        assert!(err.to_string().contains("nested deeper than 128"), "{err}");
        let fine = aws_client_runtime::RuleSet::from_json(&with_argument_depth(100)).unwrap();
        let params = aws_client_runtime::EndpointParams::new().with_str("Region", "us-east-1");
        assert_eq!(fine.resolve(&params).unwrap().url(), "https://x");
    })
    .join()
    .expect("no stack overflow");
}
