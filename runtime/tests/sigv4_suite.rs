//! Runs the AWS SigV4 test suite from `../shared/testdata/sigv4` (relative to the workspace
//! root) against the signer: canonical request, string to sign, signature and signed request,
//! for header signing and for query signing.
//!
//! When the suite is missing the test fails under `CI=true` and is skipped (with a message)
//! otherwise.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use aws_client_runtime::sigv4::{
    self, canonical_request, credential_scope, format_amz_date, sign_headers, sign_query,
    string_to_sign, SignableRequest, SigningParams, SigningSettings,
};
use aws_client_runtime::Credentials;

fn suite_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata/sigv4");
    if dir.is_dir() {
        return Some(dir);
    }
    let shown = "../shared/testdata/sigv4 (the AWS SigV4 test suite)";
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true and {shown} is missing at {}", dir.display());
    }
    println!("SKIPPED: {shown} is missing at {}", dir.display());
    None
}

/// Every directory below `root` that holds a `context.json`.
fn case_dirs(root: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for dir in entries {
        if dir.join("context.json").is_file() {
            out.push(dir.clone());
        }
        case_dirs(&dir, out);
    }
}

struct Context {
    credentials: Credentials,
    region: String,
    service: String,
    time: SystemTime,
    expires_in: Duration,
    normalize: bool,
    sign_body: bool,
    omit_session_token: bool,
}

fn read_context(dir: &Path) -> Context {
    let text = fs::read_to_string(dir.join("context.json")).expect("context.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("context.json is JSON");
    let creds = &v["credentials"];
    let s = |v: &serde_json::Value| v.as_str().expect("string").to_string();
    let timestamp = time::OffsetDateTime::parse(
        v["timestamp"].as_str().expect("timestamp"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339 timestamp");
    Context {
        credentials: Credentials::new(
            s(&creds["access_key_id"]),
            s(&creds["secret_access_key"]),
            creds["token"].as_str().map(str::to_string),
            None,
            "test-suite",
        ),
        region: s(&v["region"]),
        service: s(&v["service"]),
        time: SystemTime::from(timestamp),
        expires_in: Duration::from_secs(v["expiration_in_seconds"].as_u64().unwrap_or(3600)),
        normalize: v["normalize"].as_bool().unwrap_or(true),
        sign_body: v["sign_body"].as_bool().unwrap_or(false),
        omit_session_token: v["omit_session_token"].as_bool().unwrap_or(false),
    }
}

/// An HTTP/1.1 request as written in `request.txt`.
struct RawRequest {
    method: String,
    path_and_query: String,
    /// Header lines as written (a folded header keeps its continuation lines).
    header_lines: Vec<String>,
    /// Name and value; a folded value keeps its line breaks, which the signer collapses.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_request(text: &str) -> RawRequest {
    let (head, body) = match text.split_once("\n\n") {
        Some((head, body)) => (head, body),
        None => (text.trim_end_matches('\n'), ""),
    };
    let mut lines = head.lines();
    let request_line = lines.next().expect("request line");
    // The path may contain spaces: the method ends at the first space, the version starts at
    // the last one.
    let (method, rest) = request_line.split_once(' ').expect("method");
    let (path_and_query, _version) = rest.rsplit_once(' ').expect("HTTP version");
    let mut header_lines: Vec<String> = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let (_, value) = headers.last_mut().expect("continuation follows a header");
            value.push('\n');
            value.push_str(line);
            let written = header_lines.last_mut().expect("header line");
            written.push('\n');
            written.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("header has a colon");
            headers.push((name.to_string(), value.to_string()));
            header_lines.push(line.to_string());
        }
    }
    RawRequest {
        method: method.to_string(),
        path_and_query: path_and_query.to_string(),
        header_lines,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

fn expected(dir: &Path, name: &str) -> String {
    let text = fs::read_to_string(dir.join(name))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()));
    text.trim_end_matches('\n').to_string()
}

fn settings(ctx: &Context) -> SigningSettings {
    SigningSettings {
        sign_body_header: ctx.sign_body,
        normalize_path: ctx.normalize,
        double_uri_encode: true,
        signed_headers: None,
        omit_session_token: ctx.omit_session_token,
    }
}

/// Compares `got` to `want` and records a readable difference.
fn check(failures: &mut Vec<String>, what: &str, got: &str, want: &str) {
    if got != want {
        failures.push(format!(
            "{what} differs\n--- expected\n{want}\n--- got\n{got}"
        ));
    }
}

/// Lines of a signed request with header names lowercased (names are case-insensitive; the
/// suite writes the added headers in mixed case).
fn normalize_request_text(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_head = true;
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            in_head = false;
        }
        if in_head && i > 0 && !line.starts_with([' ', '\t']) {
            if let Some((name, value)) = line.split_once(':') {
                out.push(format!("{}:{value}", name.to_ascii_lowercase()));
                continue;
            }
        }
        out.push(line.to_string());
    }
    out
}

fn run_header_case(dir: &Path, ctx: &Context, req: &RawRequest) -> Vec<String> {
    let mut failures = Vec::new();
    let settings = settings(ctx);
    let signable = SignableRequest {
        method: &req.method,
        path_and_query: &req.path_and_query,
        headers: &req.headers,
        body: &req.body,
    };
    let params = SigningParams {
        credentials: &ctx.credentials,
        region: &ctx.region,
        service: &ctx.service,
        time: ctx.time,
    };
    let added = match sign_headers(&signable, &params, &settings) {
        Ok(added) => added,
        Err(e) => return vec![format!("sign_headers failed: {e}")],
    };

    // The canonical request of the request as sent, restricted to the headers it signed.
    let auth = added
        .iter()
        .find(|(n, _)| n == "authorization")
        .expect("authorization");
    let parsed = sigv4::parse_authorization(&auth.1).expect("own authorization parses");
    let mut sent = req.headers.clone();
    sent.extend(added.iter().cloned());
    let sent_req = SignableRequest {
        headers: &sent,
        ..signable
    };
    let verify = SigningSettings {
        signed_headers: Some(parsed.signed_headers.clone()),
        ..settings
    };
    let creq = canonical_request(&sent_req, &verify).expect("canonical request");
    check(
        &mut failures,
        "header canonical request",
        &creq,
        &expected(dir, "header-canonical-request.txt"),
    );
    let amz_date = format_amz_date(ctx.time).unwrap();
    let scope = credential_scope(&amz_date[..8], &ctx.region, &ctx.service);
    let sts = string_to_sign(&amz_date, &scope, &creq);
    check(
        &mut failures,
        "header string to sign",
        &sts,
        &expected(dir, "header-string-to-sign.txt"),
    );
    check(
        &mut failures,
        "header signature",
        &parsed.signature,
        &expected(dir, "header-signature.txt"),
    );

    let mut text = format!("{} {} HTTP/1.1\n", req.method, req.path_and_query);
    for line in &req.header_lines {
        text.push_str(line);
        text.push('\n');
    }
    for (name, value) in &added {
        text.push_str(&format!("{name}:{value}\n"));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(&req.body));
    let got = normalize_request_text(text.trim_end_matches('\n'));
    let want = normalize_request_text(&expected(dir, "header-signed-request.txt"));
    check(
        &mut failures,
        "header signed request",
        &got.join("\n"),
        &want.join("\n"),
    );
    failures
}

fn run_query_case(dir: &Path, ctx: &Context, req: &RawRequest) -> Vec<String> {
    let mut failures = Vec::new();
    let settings = settings(ctx);
    let signable = SignableRequest {
        method: &req.method,
        path_and_query: &req.path_and_query,
        headers: &req.headers,
        body: &req.body,
    };
    let params = SigningParams {
        credentials: &ctx.credentials,
        region: &ctx.region,
        service: &ctx.service,
        time: ctx.time,
    };
    let added = match sign_query(&signable, &params, &settings, ctx.expires_in) {
        Ok(added) => added,
        Err(e) => return vec![format!("sign_query failed: {e}")],
    };
    let separator = if req.path_and_query.contains('?') {
        '&'
    } else {
        '?'
    };
    let presigned = format!(
        "{}{separator}{}",
        req.path_and_query,
        sigv4::encode_query_params(&added)
    );

    // A server recomputes the canonical request from the URL it received.
    let signed_headers: Vec<String> = added
        .iter()
        .find(|(n, _)| n == "X-Amz-SignedHeaders")
        .expect("X-Amz-SignedHeaders")
        .1
        .split(';')
        .map(str::to_string)
        .collect();
    let received = SignableRequest {
        path_and_query: &presigned,
        ..signable
    };
    let verify = SigningSettings {
        signed_headers: Some(signed_headers),
        ..settings
    };
    let mut creq = canonical_request(&received, &verify).expect("canonical request");
    if ctx.omit_session_token {
        // The token was added after signing; the server leaves it out of the canonical query.
        let line = creq.lines().nth(2).unwrap_or_default().to_string();
        let kept: Vec<&str> = line
            .split('&')
            .filter(|p| !p.starts_with("X-Amz-Security-Token="))
            .collect();
        creq = creq.replacen(&line, &kept.join("&"), 1);
    }
    check(
        &mut failures,
        "query canonical request",
        &creq,
        &expected(dir, "query-canonical-request.txt"),
    );
    let amz_date = format_amz_date(ctx.time).unwrap();
    let scope = credential_scope(&amz_date[..8], &ctx.region, &ctx.service);
    let sts = string_to_sign(&amz_date, &scope, &creq);
    check(
        &mut failures,
        "query string to sign",
        &sts,
        &expected(dir, "query-string-to-sign.txt"),
    );
    let signature = &added.last().expect("signature").1;
    check(
        &mut failures,
        "query signature",
        signature,
        &expected(dir, "query-signature.txt"),
    );

    let mut text = format!("{} {presigned} HTTP/1.1\n", req.method);
    for line in &req.header_lines {
        text.push_str(line);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(&req.body));
    let got = normalize_request_text(text.trim_end_matches('\n'));
    let want = normalize_request_text(&expected(dir, "query-signed-request.txt"));
    check(
        &mut failures,
        "query signed request",
        &got.join("\n"),
        &want.join("\n"),
    );
    failures
}

#[test]
fn aws_sigv4_suite() {
    let Some(root) = suite_dir() else { return };
    let mut dirs = Vec::new();
    case_dirs(&root, &mut dirs);
    assert!(
        !dirs.is_empty(),
        "no case directories in {}",
        root.display()
    );

    // Cases that cannot be run, with the reason. Empty: every case runs.
    let skips: &[(&str, &str)] = &[];

    let (mut header_pass, mut query_pass, mut total) = (0, 0, 0);
    let mut report = Vec::new();
    for dir in &dirs {
        let name = dir.strip_prefix(&root).unwrap_or(dir).display().to_string();
        if let Some((_, reason)) = skips.iter().find(|(n, _)| *n == name) {
            println!("skip {name}: {reason}");
            continue;
        }
        total += 1;
        let ctx = read_context(dir);
        let raw = fs::read(dir.join("request.txt")).expect("request.txt");
        let req = parse_request(std::str::from_utf8(&raw).expect("request.txt is UTF-8"));
        let header = run_header_case(dir, &ctx, &req);
        let query = run_query_case(dir, &ctx, &req);
        if header.is_empty() {
            header_pass += 1;
        }
        if query.is_empty() {
            query_pass += 1;
        }
        for failure in header.iter().chain(&query) {
            report.push(format!("[{name}] {failure}"));
        }
    }
    println!(
        "sigv4 suite: {} cases; header signing {header_pass}/{total} passed, query signing \
         {query_pass}/{total} passed; {} skipped",
        dirs.len(),
        skips.len()
    );
    assert!(
        report.is_empty(),
        "{} failure(s):\n{}",
        report.len(),
        report.join("\n\n")
    );
    assert_eq!(total, 38, "the suite should have 38 cases");
}
