//! The botocore protocol tests, as part of `cargo xtask conformance`.
//!
//! botocore's source distribution ships the AWS protocol test cases for awsJson1_0 and
//! awsJson1_1 (`tests/unit/protocols/{input,output}/json*.json`). Each file is a list of
//! suites; a suite has botocore-format `shapes` and `cases`, and every case of a suite calls
//! the same operation. This module
//!
//! 1. downloads the pinned botocore sdist with pip (once, into `target/conformance/botocore/`)
//!    and extracts those files;
//! 2. turns each suite into a Smithy JSON AST model (one service, one operation) and generates
//!    a crate from it into `target/conformance/protocol/<suite>/`;
//! 3. writes a test crate, `target/conformance/protocol/harness/`, with one `#[tokio::test]` per
//!    case: input cases call the client against a stub server on 127.0.0.1 and compare method,
//!    path, headers and JSON body with `serialized`; output cases make the stub server answer
//!    with `response` and compare the typed output (built with the generated builders from
//!    `result`) or the typed error (`errorCode`, `errorMessage`, `error` members);
//! 4. runs it, and tallies pass/total per file.
//!
//! Cases that need a feature the generator deliberately lacks are skipped with the reason
//! (see [`skip_reason`]); they are counted and listed, not run.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use aws_client_codegen::index::ShapeIndex;
use aws_client_codegen::naming::module_name;
use aws_client_codegen::plan::{
    self, EnumValues, OperationPlan, Plan, RustType, Sparsity, StructDef, TypeDef,
};
use aws_client_codegen::{generate, CrateSettings, Options};
use serde_json::{json, Map, Value as Json};

use crate::codegen::relative;

/// The botocore release whose protocol tests are run. Pinned so that a new release cannot
/// change the outcome of a run; override with `BOTOCORE_VERSION`.
pub const BOTOCORE_VERSION: &str = "1.44.8";

/// The protocol test files: (key used in crate names, path under `tests/unit/protocols/`).
const FILES: [(&str, &str); 6] = [
    ("in_json11", "input/json.json"),
    ("in_json10", "input/json_1_0.json"),
    ("in_json10_qc", "input/json_1_0-query-compatible.json"),
    ("out_json11", "output/json.json"),
    ("out_json10", "output/json_1_0.json"),
    ("out_json10_qc", "output/json_1_0-query-compatible.json"),
];

/// The package name of the test crate.
pub const HARNESS: &str = "botocore-protocol-tests";

/// What was prepared: crates to add to the conformance workspace, and the cases.
pub struct Prepared {
    /// Workspace members, relative to `target/conformance/` (suite crates and the harness).
    pub members: Vec<String>,
    /// Every case, by test path (`<suite>::<test fn>`).
    pub cases: BTreeMap<String, Case>,
    /// Cases not run, with the file, the case id and the reason.
    pub skipped: Vec<(String, String, String)>,
    /// Suites whose model did not generate: (file, suite, error); their cases count as failed.
    pub broken: Vec<(String, String, String, usize)>,
}

/// One generated test.
pub struct Case {
    /// The protocol test file (`input/json.json`).
    pub file: String,
    /// The case id.
    pub id: String,
}

/// Where the extracted protocol test files are, downloading botocore first if needed.
pub fn protocol_dir(out_root: &Path) -> Result<PathBuf, String> {
    let version = std::env::var("BOTOCORE_VERSION").unwrap_or_else(|_| BOTOCORE_VERSION.into());
    let dir = out_root.join("botocore");
    let extracted = dir.join(format!("botocore-{version}/tests/unit/protocols"));
    if FILES.iter().all(|(_, f)| extracted.join(f).is_file()) {
        return Ok(extracted);
    }
    fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let sdist = dir.join(format!("botocore-{version}.tar.gz"));
    if !sdist.is_file() {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        eprintln!(
            "== pip download botocore=={version} (sdist) into {}",
            dir.display()
        );
        let status = Command::new(&python)
            .args([
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
            ])
            .args([
                "--no-binary",
                ":all:",
                &format!("botocore=={version}"),
                "-d",
            ])
            .arg(&dir)
            .status()
            .map_err(|e| format!("cannot run {python} -m pip: {e}"))?;
        if !status.success() || !sdist.is_file() {
            return Err(format!(
                "pip download of botocore=={version} failed ({status})"
            ));
        }
    }
    let patterns: Vec<String> = FILES
        .iter()
        .map(|(_, f)| format!("botocore-{version}/tests/unit/protocols/{f}"))
        .collect();
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&sdist)
        .arg("-C")
        .arg(&dir)
        .args(&patterns)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!(
            "extracting the protocol tests from {} failed ({status})",
            sdist.display()
        ));
    }
    Ok(extracted)
}

/// Generates a crate per suite and the test crate. `Err` only for problems that stop the whole
/// protocol run (unreadable files, unwritable directories).
pub fn prepare(root: &Path, out_root: &Path, tests_dir: &Path) -> Result<Prepared, String> {
    let proto_root = out_root.join("protocol");
    let mut prepared = Prepared {
        members: Vec::new(),
        cases: BTreeMap::new(),
        skipped: Vec::new(),
        broken: Vec::new(),
    };
    let mut harness = String::new();
    let mut suite_crates = Vec::new();
    for (key, file) in FILES {
        let text =
            fs::read_to_string(tests_dir.join(file)).map_err(|e| format!("reading {file}: {e}"))?;
        let suites: Vec<Json> = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
        for (i, suite) in suites.iter().enumerate() {
            let name = format!("{key}_{i:02}");
            let description = suite["description"].as_str().unwrap_or("").to_string();
            let cases = suite["cases"].as_array().cloned().unwrap_or_default();
            // Skips first: a suite whose every case is skipped needs no crate.
            let mut runnable = Vec::new();
            for case in &cases {
                let id = case["id"].as_str().unwrap_or("?").to_string();
                match skip_reason(case) {
                    Some(reason) => prepared.skipped.push((file.to_string(), id, reason)),
                    None => runnable.push(case.clone()),
                }
            }
            if runnable.is_empty() {
                continue;
            }
            let model = match smithy_model(suite, &runnable) {
                Ok(m) => m,
                Err(e) => {
                    prepared.broken.push((
                        file.into(),
                        description,
                        format!("cannot convert the shapes: {e}"),
                        runnable.len(),
                    ));
                    continue;
                }
            };
            let model_text = serde_json::to_string_pretty(&model).expect("JSON");
            let out = proto_root.join(&name);
            let options = Options {
                crate_name: Some(name.clone()),
                ..Options::default()
            };
            let settings = CrateSettings {
                runtime_path: relative(&out, &root.join("runtime")),
                standalone: false,
                ..CrateSettings::default()
            };
            let generated = generate(&model_text, &options, &settings);
            let plan =
                ShapeIndex::from_json(&model_text).and_then(|index| plan::plan(&index, &options));
            let (generated, plan) = match (generated, plan) {
                (Ok(g), Ok(p)) => (g, p),
                (Err(e), _) | (_, Err(e)) => {
                    prepared.broken.push((
                        file.into(),
                        description,
                        format!("code generation failed: {e}"),
                        runnable.len(),
                    ));
                    continue;
                }
            };
            let mut files = generated.files;
            files.insert("model.json".into(), model_text);
            super::sync_files(&out, &files)
                .map_err(|e| format!("writing {}: {e}", out.display()))?;
            suite_crates.push(name.clone());
            prepared.members.push(format!("protocol/{name}"));

            let Some(op) = plan.operations.first() else {
                prepared.broken.push((
                    file.into(),
                    description,
                    "the model has no operation".into(),
                    runnable.len(),
                ));
                continue;
            };
            // An absolute path: the test module has the crate's name and would shadow it.
            let krate = format!("::{name}");
            let ctx = Ctx {
                krate: &krate,
                plan: &plan,
                op,
                query_compatible: suite["metadata"]["awsQueryCompatible"].is_object(),
            };
            let _ = writeln!(
                harness,
                "\n/// {file}: {description}\nmod {name} {{\n    use super::*;"
            );
            let mut used = BTreeSet::new();
            for case in &runnable {
                let id = case["id"].as_str().unwrap_or("?").to_string();
                let mut fn_name = format!("case_{}", module_name(&id).trim_start_matches("r#"));
                while !used.insert(fn_name.clone()) {
                    fn_name.push('_');
                }
                let body = if file.starts_with("input/") {
                    ctx.input_test(case)
                } else {
                    ctx.output_test(case)
                };
                match body {
                    Ok(body) => {
                        let _ = writeln!(harness, "\n    /// {id}\n    #[tokio::test]\n    async fn {fn_name}() {{\n{body}    }}");
                        prepared.cases.insert(
                            format!("{name}::{fn_name}"),
                            Case {
                                file: file.into(),
                                id,
                            },
                        );
                    }
                    Err(reason) => prepared.skipped.push((
                        file.into(),
                        id,
                        format!("the harness cannot express it: {reason}"),
                    )),
                }
            }
            harness.push_str("}\n");
        }
    }

    // The test crate.
    let dir = proto_root.join("harness");
    let mut manifest = format!(
        "# Written by `cargo xtask conformance`; not part of the project.\n[package]\nname = \"{HARNESS}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\naws-client-runtime = {{ path = \"{}\" }}\ntests = {{ path = \"{}\" }}\ntokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\nserde_json = \"1\"\n",
        relative(&dir, &root.join("runtime")),
        relative(&dir, &root.join("tests")),
    );
    for name in &suite_crates {
        let _ = writeln!(manifest, "{name} = {{ path = \"../{name}\" }}");
    }
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_string(), manifest);
    files.insert(
        "src/lib.rs".to_string(),
        format!("{HARNESS_PRELUDE}{harness}"),
    );
    super::sync_files(&dir, &files).map_err(|e| format!("writing {}: {e}", dir.display()))?;
    prepared.members.push("protocol/harness".into());
    Ok(prepared)
}

/// Why a case is not run, if it is not. Each is a feature the generator or runtime does not
/// have; the case would fail for that reason alone.
fn skip_reason(case: &Json) -> Option<String> {
    let given = &case["given"];
    if given
        .get("endpoint")
        .and_then(|e| e.get("hostPrefix"))
        .is_some()
    {
        return Some("host prefixes (the smithy.api#endpoint trait) are not supported".into());
    }
    if given.get("requestcompression").is_some() {
        return Some("request compression (smithy.api#requestCompression) is not supported".into());
    }
    None
}

/// The helpers every generated test uses.
const HARNESS_PRELUDE: &str = r#"//! botocore's protocol test cases, one test each, generated by `cargo xtask conformance`.
#![cfg(test)]
#![allow(clippy::all, unused_imports, non_snake_case)]

use std::time::Duration;

use aws_client_runtime::config::Config;
use aws_client_runtime::credentials::Credentials;
use aws_client_runtime::retry::RetryConfig;
use tests::stub_server::{Reply, Request, Response, StubServer};

/// A config for the stub server at `url`: static credentials, one attempt, short timeouts.
fn config(url: &str) -> Config {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials_provider(Credentials::new("AKIDPROTOCOLTEST", "protocol-test-secret", None, None, "test"))
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .timeout_config(
            aws_client_runtime::config::TimeoutConfig::new()
                .with_connect_timeout(Duration::from_secs(2))
                .with_operation_attempt_timeout(Duration::from_secs(10)),
        )
        .build()
}

/// A stub server answering every request with `response`.
async fn server(response: Response) -> StubServer {
    StubServer::start(move |_| Reply::Respond(response.clone())).await
}

/// The only request the server received.
fn only_request(server: &StubServer) -> Request {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "expected exactly one request, got {}", requests.len());
    requests.into_iter().next().unwrap()
}

/// Compares a request with a case's `serialized`.
fn check_request(req: &Request, method: &str, uri: &str, headers: &[(&str, &str)], body: Option<&str>, required: &[&str]) {
    assert_eq!(req.method, method, "method");
    assert_eq!(req.target, uri, "request target");
    for (name, value) in headers {
        assert_eq!(req.header(name), Some(*value), "header {name}");
    }
    for name in required {
        assert!(req.header(name).is_some(), "header {name} must be present");
    }
    if let Some(body) = body {
        if body.is_empty() {
            assert!(req.body.is_empty(), "expected no body, got {}", req.body_str());
        } else {
            let expected: serde_json::Value = serde_json::from_str(body).expect("the case's body is JSON");
            let actual: serde_json::Value = serde_json::from_slice(&req.body)
                .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {}", req.body_str()));
            assert_eq!(actual, expected, "body");
        }
    }
}

/// `PartialEq`, or equal `Debug` text where values are NaN (which is never equal to itself).
fn same<T: PartialEq + std::fmt::Debug>(actual: &T, expected: &T) -> bool {
    actual == expected || format!("{actual:?}") == format!("{expected:?}")
}
"#;

/// What the expression writer needs: the suite crate, its plan and its operation.
struct Ctx<'a> {
    krate: &'a str,
    plan: &'a Plan,
    op: &'a OperationPlan,
    query_compatible: bool,
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

impl Ctx<'_> {
    fn client_call(&self, params: &Json, url: &str) -> Result<String, String> {
        let mut call = format!("        let client = {}::Client::new(config(&{url}));\n        let result = client.{}()", self.krate, self.op.method);
        if let Some(params) = params.as_object() {
            for (key, value) in params {
                if value.is_null() {
                    continue;
                }
                let field = self
                    .op
                    .input
                    .fields
                    .iter()
                    .find(|f| f.member_name == *key)
                    .ok_or_else(|| format!("input member {key} is not in the model"))?;
                let _ = write!(
                    call,
                    "\n            .{}(Some({}))",
                    field.setter,
                    self.expr(&field.ty, value)?
                );
            }
        }
        call.push_str("\n            .send()\n            .await;\n");
        Ok(call)
    }

    /// The body of an input (serialization) test.
    fn input_test(&self, case: &Json) -> Result<String, String> {
        let ser = &case["serialized"];
        let host = ser["host"].as_str().unwrap_or("");
        // `example.com/custom`: the endpoint has a path, which requests must keep.
        let url = match host.split_once('/') {
            Some((_, path)) => format!("format!(\"{{}}/{path}\", server.url())"),
            None => "server.url()".to_string(),
        };
        let mut out =
            String::from("        let server = server(Response::json(200, \"{}\")).await;\n");
        out += &self.client_call(&case["params"], &url)?;
        out += "        if let Err(e) = &result {\n            panic!(\"the call failed: {e:?}\");\n        }\n";
        let headers: Vec<String> = ser["headers"]
            .as_object()
            .map(|h| {
                h.iter()
                    .map(|(k, v)| format!("({}, {})", lit(k), lit(v.as_str().unwrap_or(""))))
                    .collect()
            })
            .unwrap_or_default();
        let required: Vec<String> = ser["requireHeaders"]
            .as_array()
            .map(|h| h.iter().map(|v| lit(v.as_str().unwrap_or(""))).collect())
            .unwrap_or_default();
        let body = match ser["body"].as_str() {
            Some(b) => format!("Some({})", lit(b)),
            None => "None".into(),
        };
        let _ = writeln!(
            out,
            "        check_request(&only_request(&server), {}, {}, &[{}], {body}, &[{}]);",
            lit(ser["method"].as_str().unwrap_or("POST")),
            lit(ser["uri"].as_str().unwrap_or("/")),
            headers.join(", "),
            required.join(", ")
        );
        Ok(out)
    }

    /// The body of an output (deserialization or error) test.
    fn output_test(&self, case: &Json) -> Result<String, String> {
        let response = &case["response"];
        let mut reply = format!(
            "Response::new({})",
            response["status_code"].as_u64().unwrap_or(200)
        );
        if let Some(headers) = response["headers"].as_object() {
            for (k, v) in headers {
                let _ = write!(
                    reply,
                    ".header({}, {})",
                    lit(k),
                    lit(v.as_str().unwrap_or(""))
                );
            }
        }
        if let Some(body) = response["body"].as_str() {
            let _ = write!(reply, ".body({})", lit(body));
        }
        let mut out = format!("        let server = server({reply}).await;\n");
        out += &self.client_call(&json!({}), "server.url()")?;
        let op_mod = format!("{}::operation::{}", self.krate, self.op.module);
        if case.get("errorCode").is_some() || case.get("error").is_some() {
            let code = case["errorCode"]
                .as_str()
                .ok_or("an error case without errorCode")?;
            out += "        let error = result.expect_err(\"the response is an error\");\n";
            out += "        let error = error.into_service_error().unwrap_or_else(|| panic!(\"not a service error\"));\n";
            let code_expr = if self.query_compatible {
                "error.meta().query_error_code().or(error.code())"
            } else {
                "error.code()"
            };
            let _ = writeln!(
                out,
                "        assert_eq!({code_expr}, Some({}), \"error code\");",
                lit(code)
            );
            if let Some(message) = case["errorMessage"].as_str() {
                let _ = writeln!(
                    out,
                    "        assert_eq!(error.message(), Some({}), \"error message\");",
                    lit(message)
                );
            }
            // The modelled error whose wire code is the case's error shape, with its members.
            let members = case["error"].as_object().cloned().unwrap_or_default();
            let target = self
                .op
                .errors
                .iter()
                .find(|e| e.code == code || self.op.errors.len() == 1)
                .ok_or_else(|| format!("no modelled error for code {code}"))?;
            let def = self
                .plan
                .errors
                .iter()
                .find(|d| d.name == target.type_name)
                .ok_or_else(|| format!("error type {} is not planned", target.type_name))?;
            let expected = self.struct_expr(
                def,
                &format!("{}::types::error::{}", self.krate, def.name),
                &Json::Object(members),
                Some("error.meta().clone()"),
            )?;
            let _ = writeln!(
                out,
                "        match &error {{\n            {op_mod}::{}::{}(e) => {{\n                let error = e;\n                let expected = {expected};\n                assert!(same(error, &expected), \"got {{error:?}}, expected {{expected:?}}\");\n            }}\n            other => panic!(\"expected {}, got {{other:?}}\"),\n        }}",
                self.op.error,
                target.variant,
                target.variant
            );
        } else {
            let expected = self.struct_expr(
                &self.op.output,
                &format!("{op_mod}::{}", self.op.output.name),
                case.get("result").unwrap_or(&json!({})),
                None,
            )?;
            out += "        let output = result.unwrap_or_else(|e| panic!(\"the call failed: {e:?}\"));\n";
            let _ = writeln!(
                out,
                "        let expected = {expected};\n        assert!(same(&output, &expected), \"got {{output:?}}, expected {{expected:?}}\");"
            );
        }
        Ok(out)
    }

    /// `Path::builder().set_a(Some(..))...build()`, with `.meta(..)` for errors.
    fn struct_expr(
        &self,
        def: &StructDef,
        path: &str,
        value: &Json,
        meta: Option<&str>,
    ) -> Result<String, String> {
        let object = value
            .as_object()
            .ok_or_else(|| format!("{} needs an object, got {value}", def.name))?;
        let mut out = format!("{path}::builder()");
        for (key, v) in object {
            if v.is_null() {
                continue;
            }
            let field = def
                .fields
                .iter()
                .find(|f| f.member_name == *key)
                .ok_or_else(|| format!("member {key} is not in {}", def.name))?;
            let _ = write!(out, ".{}(Some({}))", field.setter, self.expr(&field.ty, v)?);
        }
        if let Some(meta) = meta {
            let _ = write!(out, ".meta({meta})");
        }
        out.push_str(".build()");
        Ok(out)
    }

    /// A Rust expression of type `ty` for the botocore value `v`.
    fn expr(&self, ty: &RustType, v: &Json) -> Result<String, String> {
        let float = |suffix: &str| -> Result<String, String> {
            match v {
                Json::String(s) if s == "NaN" => Ok(format!("{suffix}::NAN")),
                Json::String(s) if s == "Infinity" => Ok(format!("{suffix}::INFINITY")),
                Json::String(s) if s == "-Infinity" => Ok(format!("{suffix}::NEG_INFINITY")),
                Json::Number(n) => {
                    let f = n.as_f64().ok_or("not a number")?;
                    Ok(if suffix == "f32" {
                        format!("{:?}f32", f as f32)
                    } else {
                        format!("{f:?}f64")
                    })
                }
                other => Err(format!("expected a float, got {other}")),
            }
        };
        let int = |suffix: &str| -> Result<String, String> {
            match v {
                Json::Number(n) if n.is_i64() || n.is_u64() => Ok(format!("{n}{suffix}")),
                other => Err(format!("expected an integer, got {other}")),
            }
        };
        match ty {
            RustType::String => Ok(format!(
                "String::from({})",
                lit(v
                    .as_str()
                    .ok_or_else(|| format!("expected a string, got {v}"))?)
            )),
            RustType::Bool => Ok(v
                .as_bool()
                .ok_or_else(|| format!("expected a boolean, got {v}"))?
                .to_string()),
            RustType::I8 => int("i8"),
            RustType::I16 => int("i16"),
            RustType::I32 => int("i32"),
            RustType::I64 => int("i64"),
            RustType::I128 => int("i128"),
            RustType::F32 => float("f32"),
            RustType::F64 => float("f64"),
            RustType::Blob => {
                let s = v
                    .as_str()
                    .ok_or_else(|| format!("expected blob text, got {v}"))?;
                Ok(format!(
                    "aws_client_runtime::Blob::new({}.as_bytes().to_vec())",
                    lit(s)
                ))
            }
            RustType::DateTime => {
                let n = v
                    .as_f64()
                    .ok_or_else(|| format!("expected epoch seconds, got {v}"))?;
                // botocore's values have at most millisecond precision.
                let millis = (n * 1000.0).round() as i64;
                Ok(format!(
                    "aws_client_runtime::DateTime::from_millis({millis})"
                ))
            }
            RustType::Document => Ok(format!(
                "serde_json::from_str::<serde_json::Value>({}).unwrap()",
                lit(&v.to_string())
            )),
            RustType::List(item, sparse) => {
                let items = v
                    .as_array()
                    .ok_or_else(|| format!("expected a list, got {v}"))?;
                let parts = items
                    .iter()
                    .map(|i| match (sparse, i.is_null()) {
                        (Sparsity::Sparse, true) => Ok("None".to_string()),
                        (Sparsity::Sparse, false) => Ok(format!("Some({})", self.expr(item, i)?)),
                        (Sparsity::Dense, _) => self.expr(item, i),
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(format!("vec![{}]", parts.join(", ")))
            }
            RustType::Map(value, sparse) => {
                let entries = v
                    .as_object()
                    .ok_or_else(|| format!("expected a map, got {v}"))?;
                let parts = entries
                    .iter()
                    .map(|(k, i)| {
                        let value = match (sparse, i.is_null()) {
                            (Sparsity::Sparse, true) => "None".to_string(),
                            (Sparsity::Sparse, false) => format!("Some({})", self.expr(value, i)?),
                            (Sparsity::Dense, _) => self.expr(value, i)?,
                        };
                        Ok(format!("(String::from({}), {value})", lit(k)))
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(format!(
                    "[{}].into_iter().collect::<std::collections::HashMap<_, _>>()",
                    parts.join(", ")
                ))
            }
            RustType::Named(name) => {
                let path = format!("{}::types::{name}", self.krate);
                match self.plan.types.iter().find(|t| t.name() == name) {
                    Some(TypeDef::Struct(s)) => self.struct_expr(s, &path, v, None),
                    Some(TypeDef::Enum(e)) if matches!(e.values, EnumValues::Int(_)) => {
                        Ok(format!("{path}::from({})", int("i32")?))
                    }
                    Some(TypeDef::Enum(_)) => Ok(format!(
                        "{path}::from({})",
                        lit(v
                            .as_str()
                            .ok_or_else(|| format!("expected an enum value, got {v}"))?)
                    )),
                    Some(TypeDef::Union(u)) => {
                        let set: Vec<(&String, &Json)> = v
                            .as_object()
                            .ok_or_else(|| format!("expected a union object, got {v}"))?
                            .iter()
                            .filter(|(k, x)| !x.is_null() && *k != "__type")
                            .collect();
                        let [(key, value)] = set.as_slice() else {
                            return Err(format!("a union value needs exactly one member, got {v}"));
                        };
                        let variant = u
                            .variants
                            .iter()
                            .find(|x| x.member_name == **key)
                            .ok_or_else(|| format!("union member {key} is not in {name}"))?;
                        match &variant.ty {
                            None => Ok(format!("{path}::{}", variant.name)),
                            Some(t) if variant.boxed => Ok(format!(
                                "{path}::{}(Box::new({}))",
                                variant.name,
                                self.expr(t, value)?
                            )),
                            Some(t) => Ok(format!(
                                "{path}::{}({})",
                                variant.name,
                                self.expr(t, value)?
                            )),
                        }
                    }
                    None => Err(format!("type {name} is not planned")),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// botocore shapes -> Smithy JSON AST
// ---------------------------------------------------------------------------------------------

const NS: &str = "botocore.protocoltests";

fn id(name: &str) -> String {
    format!("{NS}#{name}")
}

/// A Smithy model with one service (named after `targetPrefix`, so `X-Amz-Target` matches)
/// and the suite's operation.
fn smithy_model(suite: &Json, cases: &[Json]) -> Result<Json, String> {
    let meta = &suite["metadata"];
    let prefix = meta["targetPrefix"].as_str().ok_or("no targetPrefix")?;
    let protocol = match meta["jsonVersion"].as_str() {
        Some("1.0") => "aws.protocols#awsJson1_0",
        Some("1.1") => "aws.protocols#awsJson1_1",
        other => return Err(format!("unsupported jsonVersion {other:?}")),
    };
    let given = &cases[0]["given"];
    if cases.iter().any(|c| c["given"] != *given) {
        return Err("the suite's cases call differently shaped operations".into());
    }
    let op_name = given["name"].as_str().ok_or("given has no name")?;
    let mut shapes = Map::new();
    for (name, shape) in suite["shapes"].as_object().cloned().unwrap_or_default() {
        shapes.insert(id(&name), convert_shape(&name, &shape)?);
    }
    let mut op = Map::new();
    op.insert("type".into(), json!("operation"));
    if let Some(input) = given["input"]["shape"].as_str() {
        op.insert("input".into(), json!({"target": id(input)}));
    }
    if let Some(output) = given["output"]["shape"].as_str() {
        op.insert("output".into(), json!({"target": id(output)}));
    }
    if let Some(errors) = given["errors"].as_array() {
        let targets: Vec<Json> = errors
            .iter()
            .filter_map(|e| e["shape"].as_str())
            .map(|s| json!({"target": id(s)}))
            .collect();
        op.insert("errors".into(), Json::Array(targets));
    }
    if given["idempotent"] == json!(true) {
        op.insert("traits".into(), json!({"smithy.api#idempotent": {}}));
    }
    shapes.insert(id(op_name), Json::Object(op));
    let mut traits = json!({
        protocol: {},
        "aws.auth#sigv4": {"name": "protocoltests"},
        "aws.api#service": {"sdkId": prefix},
        "smithy.rules#endpointRuleSet": {
            "version": "1.0",
            "parameters": {
                "Endpoint": {"builtIn": "SDK::Endpoint", "required": false, "type": "String"},
                "Region": {"builtIn": "AWS::Region", "required": false, "type": "String"}
            },
            "rules": [
                {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}], "endpoint": {"url": {"ref": "Endpoint"}}, "type": "endpoint"},
                {"conditions": [], "error": "these tests always set an endpoint URL", "type": "error"}
            ]
        }
    });
    if meta["awsQueryCompatible"].is_object() {
        traits["aws.protocols#awsQueryCompatible"] = json!({});
    }
    shapes.insert(
        id(prefix),
        json!({
            "type": "service",
            "version": meta["apiVersion"].as_str().unwrap_or("2020-01-01"),
            "operations": [{"target": id(op_name)}],
            "traits": traits
        }),
    );
    Ok(json!({"smithy": "2.0", "shapes": shapes}))
}

fn convert_shape(name: &str, shape: &Json) -> Result<Json, String> {
    let ty = shape["type"]
        .as_str()
        .ok_or_else(|| format!("shape {name} has no type"))?;
    let mut traits = Map::new();
    if let Some(doc) = shape["documentation"].as_str() {
        traits.insert("smithy.api#documentation".into(), json!(doc));
    }
    let member = |m: &Json| -> Result<Json, String> {
        let target = m["shape"]
            .as_str()
            .ok_or_else(|| format!("a member of {name} has no shape"))?;
        let mut t = Map::new();
        if let Some(format) = m["timestampFormat"].as_str() {
            t.insert(
                "smithy.api#timestampFormat".into(),
                json!(timestamp_format(format)?),
            );
        }
        if m["hostLabel"] == json!(true) {
            t.insert("smithy.api#hostLabel".into(), json!({}));
        }
        if m["idempotencyToken"] == json!(true) {
            t.insert("smithy.api#idempotencyToken".into(), json!({}));
        }
        Ok(if t.is_empty() {
            json!({"target": id(target)})
        } else {
            json!({"target": id(target), "traits": t})
        })
    };
    let out = match ty {
        "structure" if shape["document"] == json!(true) => json!({"type": "document"}),
        "structure" => {
            let required: BTreeSet<&str> = shape["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            let mut members = Map::new();
            for (m, def) in shape["members"].as_object().cloned().unwrap_or_default() {
                let mut converted = member(&def)?;
                if required.contains(m.as_str()) {
                    converted
                        .as_object_mut()
                        .expect("object")
                        .entry("traits")
                        .or_insert_with(|| json!({}))["smithy.api#required"] = json!({});
                }
                members.insert(m, converted);
            }
            if shape["exception"] == json!(true) {
                let fault = if shape["fault"] == json!(true) {
                    "server"
                } else {
                    "client"
                };
                traits.insert("smithy.api#error".into(), json!(fault));
                if let Some(code) = shape["error"]["code"].as_str() {
                    let status = shape["error"]["httpStatusCode"].as_u64().unwrap_or(400);
                    traits.insert(
                        "aws.protocols#awsQueryError".into(),
                        json!({"code": code, "httpResponseCode": status}),
                    );
                }
            }
            let kind = if shape["union"] == json!(true) {
                "union"
            } else {
                "structure"
            };
            json!({"type": kind, "members": members})
        }
        "list" => json!({"type": "list", "member": member(&shape["member"])?}),
        "map" => {
            json!({"type": "map", "key": member(&shape["key"])?, "value": member(&shape["value"])?})
        }
        "string" if shape["enum"].is_array() => {
            let mut members = Map::new();
            for (i, value) in shape["enum"].as_array().expect("array").iter().enumerate() {
                let value = value.as_str().ok_or("enum values must be strings")?;
                let valid = value
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                    && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                let member_name = if valid {
                    value.to_string()
                } else {
                    format!("VALUE_{i}")
                };
                members.insert(
                    member_name,
                    json!({"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": value}}),
                );
            }
            json!({"type": "enum", "members": members})
        }
        "timestamp" => {
            if let Some(format) = shape["timestampFormat"].as_str() {
                traits.insert(
                    "smithy.api#timestampFormat".into(),
                    json!(timestamp_format(format)?),
                );
            }
            json!({"type": "timestamp"})
        }
        "string" | "blob" | "boolean" | "byte" | "short" | "integer" | "long" | "float"
        | "double" => json!({"type": ty}),
        "bigdecimal" => json!({"type": "bigDecimal"}),
        "biginteger" => json!({"type": "bigInteger"}),
        other => return Err(format!("shape {name} has unsupported type {other}")),
    };
    let mut out = out;
    if !traits.is_empty() {
        out["traits"] = Json::Object(traits);
    }
    Ok(out)
}

fn timestamp_format(botocore: &str) -> Result<&'static str, String> {
    match botocore {
        "iso8601" => Ok("date-time"),
        "rfc822" => Ok("http-date"),
        "unixTimestamp" => Ok("epoch-seconds"),
        other => Err(format!("unknown timestampFormat {other}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/// Per file: (passed, total run, failed test ids).
pub type Tally = BTreeMap<String, (usize, usize, Vec<String>)>;

/// Runs the test crate; returns the tally per file, or why the tests could not run.
pub fn run_tests(out_root: &Path, prepared: &Prepared) -> Result<Tally, String> {
    eprintln!(
        "== cargo test -p {HARNESS} ({} cases)",
        prepared.cases.len()
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(out_root)
        .args([
            "test",
            "-p",
            HARNESS,
            "--lib",
            "--no-fail-fast",
            "--",
            "--color",
            "never",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut outcome: BTreeMap<&str, bool> = BTreeMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((name, result)) = rest.split_once(" ... ") else {
            continue;
        };
        outcome.insert(name, result.trim() == "ok");
    }
    if outcome.is_empty() {
        // Compilation failed (cargo's diagnostics went to stderr) or nothing ran.
        return Err(format!(
            "the protocol tests did not run ({})",
            output.status
        ));
    }
    let mut tally = Tally::new();
    for (path, case) in &prepared.cases {
        let entry = tally.entry(case.file.clone()).or_default();
        entry.1 += 1;
        match outcome.get(path.as_str()) {
            Some(true) => entry.0 += 1,
            _ => entry.2.push(case.id.clone()),
        }
    }
    // Print the failures' details (libtest's failure sections).
    if let Some(start) = stdout.find("\nfailures:\n") {
        let details = &stdout[start..];
        let cut = details.find("\ntest result:").unwrap_or(details.len());
        eprintln!("{}", &details[..cut]);
    }
    Ok(tally)
}
