//! AWS Signature Version 4 request signing, for header signing and query-string presigning.
//!
//! The signer works on a borrowed view of a request ([`SignableRequest`]) and returns what must
//! be added to it: headers ([`sign_headers`]) or query parameters ([`sign_query`]). The building
//! blocks ([`canonical_request`], [`string_to_sign`], [`calculate_signature`]) are public so
//! that a test server can recompute a signature it received.
//!
//! Nothing here prints or formats a secret: [`SignableRequest`]'s `Debug` hides the values of
//! `authorization` and `x-amz-security-token`, and credentials redact themselves.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::{digest, hmac};

use crate::credentials::Credentials;

/// The only algorithm this signer produces.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The longest validity of a presigned request: seven days.
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Header names the signer sets itself. Values already present in a request under these names
/// are ignored while signing (the caller replaces them with the returned ones).
const HEADER_AUTHORIZATION: &str = "authorization";
const HEADER_DATE: &str = "x-amz-date";
const HEADER_SECURITY_TOKEN: &str = "x-amz-security-token";
const HEADER_CONTENT_SHA256: &str = "x-amz-content-sha256";

/// The headers an awsJson client signs by default (botocore signs exactly these).
pub const AWS_JSON_SIGNED_HEADERS: &[&str] = &[
    "content-type",
    "host",
    "x-amz-date",
    "x-amz-target",
    "x-amz-security-token",
];

/// A borrowed view of the request to sign.
#[derive(Clone, Copy)]
pub struct SignableRequest<'a> {
    /// HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// Path and optional query exactly as sent on the wire, e.g. `/` or `/a%20b?x=1`.
    pub path_and_query: &'a str,
    /// Request headers, including `host`. A name may appear more than once; the values are
    /// then joined with `,` in the order given.
    pub headers: &'a [(String, String)],
    /// The exact body bytes that will be sent.
    pub body: &'a [u8],
}

impl fmt::Debug for SignableRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'h>(&'h [(String, String)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut list = f.debug_list();
                for (name, value) in self.0 {
                    let lower = name.to_ascii_lowercase();
                    if lower == HEADER_AUTHORIZATION || lower == HEADER_SECURITY_TOKEN {
                        list.entry(&(name, "** redacted **"));
                    } else {
                        list.entry(&(name, value));
                    }
                }
                list.finish()
            }
        }
        f.debug_struct("SignableRequest")
            .field("method", &self.method)
            .field("path_and_query", &self.path_and_query)
            .field("headers", &Headers(self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Who signs, for which region and service, and at which instant.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The credentials to sign with.
    pub credentials: &'a Credentials,
    /// Signing region, e.g. `us-east-1`.
    pub region: &'a str,
    /// Signing name of the service from `aws.auth#sigv4`, e.g. `memorydb`.
    pub service: &'a str,
    /// The signing instant (sub-second precision is dropped).
    pub time: SystemTime,
}

/// How a request is canonicalized and which headers are signed.
///
/// [`Default`] is what an awsJson client needs: path normalization and double URI encoding on,
/// no `x-amz-content-sha256` header, and the signed headers limited to
/// [`AWS_JSON_SIGNED_HEADERS`] so that headers a proxy may rewrite (`user-agent`,
/// `amz-sdk-request`, ...) are never signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningSettings {
    /// Add a signed `x-amz-content-sha256` header holding the body's SHA-256 (header signing
    /// only). The canonical request ends with the body hash either way.
    pub sign_body_header: bool,
    /// Remove `.` and `..` segments and collapse repeated slashes in the canonical path
    /// (every service except S3).
    pub normalize_path: bool,
    /// URI-encode the path as sent once more, so `%20` becomes `%2520` (every service except S3).
    pub double_uri_encode: bool,
    /// Lowercase allow-list of request headers to sign; `None` signs every given header.
    /// `host`, `x-amz-date`, and the headers the signer adds are signed regardless.
    pub signed_headers: Option<Vec<String>>,
    /// Add the session token after signing instead of signing it (a few services, such as
    /// IoT, require this). Off by default.
    pub omit_session_token: bool,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self {
            sign_body_header: false,
            normalize_path: true,
            double_uri_encode: true,
            signed_headers: Some(
                AWS_JSON_SIGNED_HEADERS
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
            omit_session_token: false,
        }
    }
}

impl SigningSettings {
    /// Settings that sign every header given, as the AWS SigV4 test suite expects.
    pub fn all_headers() -> Self {
        Self {
            signed_headers: None,
            ..Self::default()
        }
    }
}

/// Why a request could not be signed. Never contains secret material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningError {
    kind: SigningErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SigningErrorKind {
    MissingHost,
    InvalidTime,
    InvalidExpiry(Duration),
    EmptyParam(&'static str),
    MalformedAuthorization(&'static str),
}

impl SigningError {
    fn new(kind: SigningErrorKind) -> Self {
        Self { kind }
    }
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SigningErrorKind::MissingHost => {
                write!(f, "cannot sign request: it has no `host` header")
            }
            SigningErrorKind::InvalidTime => write!(
                f,
                "cannot sign request: signing time is outside the years 1970 to 9999"
            ),
            SigningErrorKind::InvalidExpiry(d) => write!(
                f,
                "cannot presign request: expiry of {} s is not between 1 s and 7 days",
                d.as_secs()
            ),
            SigningErrorKind::EmptyParam(what) => {
                write!(f, "cannot sign request: the {what} is empty")
            }
            SigningErrorKind::MalformedAuthorization(what) => {
                write!(f, "malformed SigV4 authorization header: {what}")
            }
        }
    }
}

impl std::error::Error for SigningError {}

/// Formats an instant as SigV4's `X-Amz-Date`, e.g. `20150830T123600Z`.
pub fn format_amz_date(time: SystemTime) -> Result<String, SigningError> {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| SigningError::new(SigningErrorKind::InvalidTime))?
        .as_secs();
    let secs = i64::try_from(secs).map_err(|_| SigningError::new(SigningErrorKind::InvalidTime))?;
    let t = time::OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|_| SigningError::new(SigningErrorKind::InvalidTime))?;
    Ok(format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    ))
}

/// The credential scope: `<yyyymmdd>/<region>/<service>/aws4_request`.
pub fn credential_scope(date: &str, region: &str, service: &str) -> String {
    format!("{date}/{region}/{service}/aws4_request")
}

/// Lowercase hex of the SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, data).as_ref())
}

/// The string to sign: algorithm, `X-Amz-Date` value, credential scope and the hash of the
/// canonical request, one per line.
pub fn string_to_sign(amz_date: &str, credential_scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{credential_scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// The hex signature of `string_to_sign`, with the signing key derived from the secret access
/// key, the scope date (`yyyymmdd`), region and service.
pub fn calculate_signature(
    secret_access_key: &str,
    date: &str,
    region: &str,
    service: &str,
    string_to_sign: &str,
) -> String {
    let mut key = Vec::with_capacity(4 + secret_access_key.len());
    key.extend_from_slice(b"AWS4");
    key.extend_from_slice(secret_access_key.as_bytes());
    let k_date = hmac_sha256(&key, date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"aws4_request");
    hex(&hmac_sha256(&k_signing, string_to_sign.as_bytes()))
}

/// The canonical request of `req`, signing the headers that `settings.signed_headers` allows
/// (all of them when `None`; `host` always).
///
/// `req` must already carry every signing header (`x-amz-date`, ...) or, when presigned, every
/// `X-Amz-*` query parameter; an `X-Amz-Signature` query parameter is left out, so a server can
/// pass the request it received unchanged. Query names and values are percent-decoded (`+`
/// reads as a space, as in form encoding) and re-encoded with SigV4 rules, so raw and
/// already-encoded queries give the same result. The last line is the SHA-256 of `req.body`.
pub fn canonical_request(
    req: &SignableRequest<'_>,
    settings: &SigningSettings,
) -> Result<String, SigningError> {
    let allow = settings.signed_headers.as_deref();
    let headers = select_headers(req.headers, |name| {
        name == "host" || allow.is_none_or(|list| list.iter().any(|h| h.eq_ignore_ascii_case(name)))
    })?;
    Ok(build_canonical_request(req, &headers, settings).0)
}

/// Signs `req` with the `Authorization` header.
///
/// Returns the headers to add, in this order: `x-amz-security-token` (when the credentials
/// have a session token), `x-amz-date`, `x-amz-content-sha256` (when
/// [`SigningSettings::sign_body_header`]), `authorization`. Any of these already present in
/// `req.headers` is ignored and must be replaced by the returned value, which is how a retry
/// is re-signed.
pub fn sign_headers(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    settings: &SigningSettings,
) -> Result<Vec<(String, String)>, SigningError> {
    check_params(params)?;
    let amz_date = format_amz_date(params.time)?;
    let date = &amz_date[..8];
    let body_hash = sha256_hex(req.body);

    let mut added: Vec<(String, String)> = Vec::with_capacity(4);
    if let Some(token) = params.credentials.session_token() {
        added.push((HEADER_SECURITY_TOKEN.to_string(), token.to_string()));
    }
    added.push((HEADER_DATE.to_string(), amz_date.clone()));
    if settings.sign_body_header {
        added.push((HEADER_CONTENT_SHA256.to_string(), body_hash.clone()));
    }

    let replaced = |name: &str| {
        name == HEADER_AUTHORIZATION
            || name == HEADER_DATE
            || name == HEADER_SECURITY_TOKEN
            || (settings.sign_body_header && name == HEADER_CONTENT_SHA256)
    };
    let mut all: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(name, _)| !replaced(&name.trim().to_ascii_lowercase()))
        .cloned()
        .collect();
    all.extend(added.iter().cloned());

    let allow = settings.signed_headers.as_deref();
    let headers = select_headers(&all, |name| {
        if name == HEADER_SECURITY_TOKEN {
            return !settings.omit_session_token;
        }
        name == "host"
            || name == HEADER_DATE
            || (settings.sign_body_header && name == HEADER_CONTENT_SHA256)
            || allow.is_none_or(|list| list.iter().any(|h| h.eq_ignore_ascii_case(name)))
    })?;
    let full = SignableRequest {
        headers: &all,
        ..*req
    };
    let (creq, signed_headers) =
        build_canonical_request_with_hash(&full, &headers, settings, &body_hash);

    let scope = credential_scope(date, params.region, params.service);
    let sts = string_to_sign(&amz_date, &scope, &creq);
    let signature = calculate_signature(
        params.credentials.secret_access_key(),
        date,
        params.region,
        params.service,
        &sts,
    );
    added.push((
        HEADER_AUTHORIZATION.to_string(),
        format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            params.credentials.access_key_id()
        ),
    ));
    Ok(added)
}

/// Presigns `req` in the query string, valid for `expires_in` (1 s to 7 days).
///
/// Returns the query parameters to append after any existing ones, in this order:
/// `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`,
/// `X-Amz-Expires`, `X-Amz-Security-Token` (when the credentials have a session token),
/// `X-Amz-Signature`. Names and values are **not** percent-encoded; encode each with
/// [`uri_encode`] (or use [`encode_query_params`]). The signed headers are the request's
/// headers filtered by [`SigningSettings::signed_headers`]; no header is added, so
/// [`SigningSettings::sign_body_header`] has no effect here.
pub fn sign_query(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    settings: &SigningSettings,
    expires_in: Duration,
) -> Result<Vec<(String, String)>, SigningError> {
    check_params(params)?;
    if expires_in < Duration::from_secs(1) || expires_in > MAX_PRESIGN_EXPIRY {
        return Err(SigningError::new(SigningErrorKind::InvalidExpiry(
            expires_in,
        )));
    }
    let amz_date = format_amz_date(params.time)?;
    let date = &amz_date[..8];
    let scope = credential_scope(date, params.region, params.service);

    let allow = settings.signed_headers.as_deref();
    let headers = select_headers(req.headers, |name| {
        name == "host" || allow.is_none_or(|list| list.iter().any(|h| h.eq_ignore_ascii_case(name)))
    })?;
    let signed_headers = signed_header_list(&headers);

    let mut out: Vec<(String, String)> = vec![
        ("X-Amz-Algorithm".to_string(), ALGORITHM.to_string()),
        (
            "X-Amz-Credential".to_string(),
            format!("{}/{scope}", params.credentials.access_key_id()),
        ),
        ("X-Amz-Date".to_string(), amz_date.clone()),
        ("X-Amz-SignedHeaders".to_string(), signed_headers),
        (
            "X-Amz-Expires".to_string(),
            expires_in.as_secs().to_string(),
        ),
    ];
    let token = params.credentials.session_token();
    if let (Some(token), false) = (token, settings.omit_session_token) {
        out.push(("X-Amz-Security-Token".to_string(), token.to_string()));
    }

    let mut path_and_query = req.path_and_query.to_string();
    for (name, value) in &out {
        path_and_query.push(if path_and_query.contains('?') {
            '&'
        } else {
            '?'
        });
        path_and_query.push_str(&uri_encode(name));
        path_and_query.push('=');
        path_and_query.push_str(&uri_encode(value));
    }
    let full = SignableRequest {
        path_and_query: &path_and_query,
        ..*req
    };
    let (creq, _) = build_canonical_request(&full, &headers, settings);
    let sts = string_to_sign(&amz_date, &scope, &creq);
    let signature = calculate_signature(
        params.credentials.secret_access_key(),
        date,
        params.region,
        params.service,
        &sts,
    );
    if let (Some(token), true) = (token, settings.omit_session_token) {
        out.push(("X-Amz-Security-Token".to_string(), token.to_string()));
    }
    out.push(("X-Amz-Signature".to_string(), signature));
    Ok(out)
}

/// Joins query parameters as `name=value&...`, each side encoded with [`uri_encode`].
pub fn encode_query_params(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", uri_encode(k), uri_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes every byte except the unreserved characters `A-Z a-z 0-9 - . _ ~`, with
/// uppercase hex, as SigV4 requires for query names and values.
pub fn uri_encode(s: &str) -> String {
    encode_bytes(s.as_bytes(), false)
}

/// The parts of a SigV4 `Authorization` header, as parsed by [`parse_authorization`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id of the credential.
    pub access_key_id: String,
    /// Scope date, `yyyymmdd`.
    pub date: String,
    /// Scope region.
    pub region: String,
    /// Scope service (signing name).
    pub service: String,
    /// The signed header names, lowercase, in the order listed.
    pub signed_headers: Vec<String>,
    /// The hex signature.
    pub signature: String,
}

/// Parses `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
/// SignedHeaders=host;x-amz-date, Signature=...`, so a server can recompute the signature
/// with [`canonical_request`] (passing `signed_headers` as the allow-list).
pub fn parse_authorization(value: &str) -> Result<Authorization, SigningError> {
    let malformed = |what| SigningError::new(SigningErrorKind::MalformedAuthorization(what));
    let rest = value
        .trim()
        .strip_prefix(ALGORITHM)
        .ok_or_else(|| malformed("it does not start with AWS4-HMAC-SHA256"))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let credential = credential.ok_or_else(|| malformed("no Credential"))?;
    let signed = signed.ok_or_else(|| malformed("no SignedHeaders"))?;
    let signature = signature.ok_or_else(|| malformed("no Signature"))?;
    let parts: Vec<&str> = credential.split('/').collect();
    if parts.len() != 5 || parts[4] != "aws4_request" {
        return Err(malformed(
            "Credential is not <key>/<date>/<region>/<service>/aws4_request",
        ));
    }
    Ok(Authorization {
        access_key_id: parts[0].to_string(),
        date: parts[1].to_string(),
        region: parts[2].to_string(),
        service: parts[3].to_string(),
        signed_headers: signed.split(';').map(|s| s.to_ascii_lowercase()).collect(),
        signature: signature.to_string(),
    })
}

// ---------------------------------------------------------------------------------------------

fn check_params(params: &SigningParams<'_>) -> Result<(), SigningError> {
    if params.region.is_empty() {
        return Err(SigningError::new(SigningErrorKind::EmptyParam(
            "signing region",
        )));
    }
    if params.service.is_empty() {
        return Err(SigningError::new(SigningErrorKind::EmptyParam(
            "signing name",
        )));
    }
    if params.credentials.access_key_id().is_empty() {
        return Err(SigningError::new(SigningErrorKind::EmptyParam(
            "access key id",
        )));
    }
    Ok(())
}

/// Canonical headers: lowercase name -> values (trimmed, inner whitespace collapsed) joined with
/// `,`, sorted by name. Fails when `host` is missing.
fn select_headers(
    headers: &[(String, String)],
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<(String, String)>, SigningError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in headers {
        let name = name.trim().to_ascii_lowercase();
        if !keep(&name) {
            continue;
        }
        let value = value.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            None => out.push((name, value)),
        }
    }
    if !out.iter().any(|(n, _)| n == "host") {
        return Err(SigningError::new(SigningErrorKind::MissingHost));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn signed_header_list(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

fn build_canonical_request(
    req: &SignableRequest<'_>,
    headers: &[(String, String)],
    settings: &SigningSettings,
) -> (String, String) {
    build_canonical_request_with_hash(req, headers, settings, &sha256_hex(req.body))
}

fn build_canonical_request_with_hash(
    req: &SignableRequest<'_>,
    headers: &[(String, String)],
    settings: &SigningSettings,
    body_hash: &str,
) -> (String, String) {
    let (path, query) = match req.path_and_query.split_once('?') {
        Some((p, q)) => (p, q),
        None => (req.path_and_query, ""),
    };
    let path = path.split('#').next().unwrap_or_default();
    let query = query.split('#').next().unwrap_or_default();
    let signed_headers = signed_header_list(headers);
    let mut out = String::with_capacity(256);
    out.push_str(req.method);
    out.push('\n');
    out.push_str(&canonical_path(path, settings));
    out.push('\n');
    out.push_str(&canonical_query(query));
    out.push('\n');
    for (name, value) in headers {
        out.push_str(name);
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers);
    out.push('\n');
    out.push_str(body_hash);
    (out, signed_headers)
}

fn canonical_path(path: &str, settings: &SigningSettings) -> String {
    let path = if settings.normalize_path {
        normalize_path(path)
    } else if path.is_empty() {
        "/".to_string()
    } else {
        path.to_string()
    };
    encode_path(&path, settings.double_uri_encode)
}

/// Removes `.` and `..` segments and empty segments (repeated slashes); keeps a trailing slash.
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    let trailing = ["/", "/.", "/.."].iter().any(|end| path.ends_with(end));
    if out.is_empty() || (trailing && !segments.is_empty()) {
        out.push('/');
    }
    out
}

/// Encodes a path, keeping `/`. With `double` every `%` is encoded too (so an already-encoded
/// path is encoded twice); without, valid `%XX` escapes are kept as they are.
fn encode_path(path: &str, double: bool) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'/' || is_unreserved(b) {
            out.push(b as char);
        } else if !double
            && b == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            out.push('%');
            out.push(bytes[i + 1].to_ascii_uppercase() as char);
            out.push(bytes[i + 2].to_ascii_uppercase() as char);
            i += 2;
        } else {
            push_escape(&mut out, b);
        }
        i += 1;
    }
    out
}

/// Decodes each `name=value` of the raw query (`+` is a space, as in form encoding), encodes
/// both sides with SigV4 rules and sorts by name, then value. `X-Amz-Signature` is left out.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                encode_bytes(&percent_decode(k), false),
                encode_bytes(&percent_decode(v), false),
            )
        })
        .filter(|(k, _)| k != "X-Amz-Signature")
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn encode_bytes(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            push_escape(&mut out, b);
        }
    }
    out
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn push_escape(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[(b >> 4) as usize] as char);
    out.push(HEX[(b & 0xf) as usize] as char);
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 0xf) as usize] as char);
    }
    out
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    // ring's HMAC-SHA256 (the TLS stack's own), so SHA-256 is linked once.
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data)
        .as_ref()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_string),
            None,
            "test",
        )
    }

    fn time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_440_938_160) // 2015-08-30T12:36:00Z
    }

    #[test]
    fn amz_date() {
        assert_eq!(format_amz_date(time()).unwrap(), "20150830T123600Z");
        assert!(format_amz_date(UNIX_EPOCH - Duration::from_secs(1)).is_err());
    }

    #[test]
    fn path_normalization() {
        for (input, want) in [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/example/..", "/"),
            ("/a/b/..", "/a/"),
            ("/a/b/../c", "/a/c"),
            ("/example1/example2/../..", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/a/.", "/a/"),
            ("/..", "/"),
        ] {
            assert_eq!(normalize_path(input), want, "{input}");
        }
    }

    #[test]
    fn path_encoding() {
        let s = SigningSettings::default();
        assert_eq!(canonical_path("/a b/ሴ", &s), "/a%20b/%E1%88%B4");
        assert_eq!(canonical_path("/a%20b", &s), "/a%2520b");
        let single = SigningSettings {
            double_uri_encode: false,
            normalize_path: false,
            ..s
        };
        assert_eq!(
            canonical_path("/a%20b//c d/%zz", &single),
            "/a%20b//c%20d/%25zz"
        );
        assert_eq!(canonical_path("", &single), "/");
    }

    #[test]
    fn query_canonicalization() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(canonical_query("flag&x="), "flag=&x=");
        assert_eq!(canonical_query("a+b=c%2fd&%7e=~"), "a%20b=c%2Fd&~=~");
        assert_eq!(canonical_query("X-Amz-Signature=abc&z=1"), "z=1");
        assert_eq!(canonical_query("a=1&&b=2"), "a=1&b=2");
    }

    #[test]
    fn header_canonicalization() {
        let headers = vec![
            ("Host".to_string(), "example.com".to_string()),
            ("My-Header".to_string(), "  a   b\n\t c ".to_string()),
            ("my-header".to_string(), "d".to_string()),
        ];
        let got = select_headers(&headers, |_| true).unwrap();
        assert_eq!(
            got,
            vec![
                ("host".to_string(), "example.com".to_string()),
                ("my-header".to_string(), "a b c,d".to_string()),
            ]
        );
        assert_eq!(
            select_headers(&headers[1..], |_| true)
                .unwrap_err()
                .to_string(),
            "cannot sign request: it has no `host` header"
        );
    }

    #[test]
    fn default_settings_sign_only_aws_json_headers() {
        let headers = vec![
            (
                "Host".to_string(),
                "memory-db.us-east-1.amazonaws.com".to_string(),
            ),
            (
                "Content-Type".to_string(),
                "application/x-amz-json-1.1".to_string(),
            ),
            (
                "X-Amz-Target".to_string(),
                "AmazonMemoryDB.FailoverShard".to_string(),
            ),
            ("User-Agent".to_string(), "awsjson/0.1".to_string()),
            (
                "amz-sdk-request".to_string(),
                "attempt=1; max=3".to_string(),
            ),
            ("Content-Length".to_string(), "2".to_string()),
            // A stale signature from a previous attempt is ignored.
            ("Authorization".to_string(), "stale".to_string()),
            ("X-Amz-Date".to_string(), "19990101T000000Z".to_string()),
        ];
        let req = SignableRequest {
            method: "POST",
            path_and_query: "/",
            headers: &headers,
            body: b"{}",
        };
        let c = creds(Some("TOKEN"));
        let params = SigningParams {
            credentials: &c,
            region: "us-east-1",
            service: "memorydb",
            time: time(),
        };
        let added = sign_headers(&req, &params, &SigningSettings::default()).unwrap();
        let names: Vec<&str> = added.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["x-amz-security-token", "x-amz-date", "authorization"]
        );
        let auth = parse_authorization(&added[2].1).unwrap();
        assert_eq!(
            auth.signed_headers,
            [
                "content-type",
                "host",
                "x-amz-date",
                "x-amz-security-token",
                "x-amz-target"
            ]
        );
        assert_eq!(auth.service, "memorydb");
        assert_eq!(auth.date, "20150830");

        // A server recomputes the same signature from the request as sent.
        let mut sent: Vec<(String, String)> = headers[..6].to_vec();
        sent.extend(added.iter().cloned());
        let server_req = SignableRequest {
            headers: &sent,
            ..req
        };
        let server_settings = SigningSettings {
            signed_headers: Some(auth.signed_headers.clone()),
            ..SigningSettings::default()
        };
        let creq = canonical_request(&server_req, &server_settings).unwrap();
        let sts = string_to_sign(
            "20150830T123600Z",
            &credential_scope(&auth.date, &auth.region, &auth.service),
            &creq,
        );
        let sig = calculate_signature(
            c.secret_access_key(),
            &auth.date,
            &auth.region,
            &auth.service,
            &sts,
        );
        assert_eq!(sig, auth.signature);
    }

    #[test]
    fn debug_of_request_hides_token_and_authorization() {
        let headers = vec![
            ("host".to_string(), "h".to_string()),
            (
                "X-Amz-Security-Token".to_string(),
                "SECRET-TOKEN".to_string(),
            ),
            ("Authorization".to_string(), "SECRET-AUTH".to_string()),
        ];
        let req = SignableRequest {
            method: "GET",
            path_and_query: "/",
            headers: &headers,
            body: b"",
        };
        let debug = format!("{req:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
        let c = creds(Some("SECRET-TOKEN"));
        let params = SigningParams {
            credentials: &c,
            region: "r",
            service: "s",
            time: time(),
        };
        let debug = format!("{params:?}");
        assert!(
            !debug.contains("SECRET") && !debug.contains("EXAMPLEKEY"),
            "{debug}"
        );
    }

    #[test]
    fn invalid_inputs() {
        let headers = vec![("host".to_string(), "h".to_string())];
        let req = SignableRequest {
            method: "GET",
            path_and_query: "/",
            headers: &headers,
            body: b"",
        };
        let c = creds(None);
        let params = SigningParams {
            credentials: &c,
            region: "",
            service: "s",
            time: time(),
        };
        assert!(sign_headers(&req, &params, &SigningSettings::default()).is_err());
        let params = SigningParams {
            region: "r",
            ..params
        };
        let s = SigningSettings::default();
        assert!(sign_query(&req, &params, &s, Duration::from_secs(0)).is_err());
        assert!(sign_query(
            &req,
            &params,
            &s,
            MAX_PRESIGN_EXPIRY + Duration::from_secs(1)
        )
        .is_err());
        assert!(sign_query(&req, &params, &s, MAX_PRESIGN_EXPIRY).is_ok());
        assert!(parse_authorization("Basic abc").is_err());
    }
}
