//! `Handle::send` end to end against the stub server on 127.0.0.1: request shape, SigV4 (the
//! server recomputes the signature), error mapping, retries, timeouts, limits, pagination.
//!
//! Every test is bounded: servers listen on port 0, timeouts are at most 1 s, backoffs are a
//! few milliseconds, and every scripted failure is finite.

use std::fmt;
use std::time::{Duration, Instant};

use aws_client_runtime::client::Handle;
use aws_client_runtime::config::{Config, ConfigBuilder, ConfigLoader, TimeoutConfig};
use aws_client_runtime::credentials::Credentials;
use aws_client_runtime::error::BoxError;
use aws_client_runtime::paginate::{paginate, paginate_items};
use aws_client_runtime::profile::Env;
use aws_client_runtime::protocol::aws_json::{AwsJson, AwsJsonVersion};
use aws_client_runtime::retry::RetryConfig;
use aws_client_runtime::sigv4::{
    calculate_signature, canonical_request, credential_scope, string_to_sign, SignableRequest,
    SigningSettings,
};
use aws_client_runtime::transport::HttpRequest;
use aws_client_runtime::{
    DeserializeError, ErrorMetadata, Operation, ProvideErrorMetadata, SdkError, ServiceInfo,
    Unhandled,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tests::stub_server::{refused_url, Reply, Request, Response, StubServer};
use tests::{error_chain, error_report};

const PROTOCOL: AwsJson =
    AwsJson::new(AwsJsonVersion::V1_0, "TestService_20240101").query_compatible(true);

const ACCESS_KEY: &str = "AKIDTESTEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// A tiny rule set: the explicit endpoint if set, else a regional https URL.
const RULES: &str = r#"{
  "version": "1.0",
  "parameters": {
    "Region": {"type": "String", "builtIn": "AWS::Region", "required": false},
    "UseFIPS": {"type": "Boolean", "builtIn": "AWS::UseFIPS", "required": true, "default": false},
    "Endpoint": {"type": "String", "builtIn": "SDK::Endpoint", "required": false}
  },
  "rules": [
    {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}],
     "type": "endpoint", "endpoint": {"url": {"ref": "Endpoint"}}},
    {"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]},
                    {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
     "type": "endpoint", "endpoint": {"url": "https://testsvc-fips.{Region}.amazonaws.com"}},
    {"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}],
     "type": "endpoint", "endpoint": {"url": "https://testsvc.{Region}.amazonaws.com"}},
    {"conditions": [], "type": "error", "error": "Invalid Configuration: Missing Region"}
  ]
}"#;

static SERVICE: ServiceInfo = ServiceInfo {
    signing_name: "testsvc",
    sdk_id: "Test Svc",
    endpoint_rule_set: RULES,
    crate_name: "test-client",
    crate_version: "0.0.1",
};

#[derive(Debug, Clone, Default, Serialize)]
struct EchoInput {
    #[serde(rename = "Name", skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(rename = "NextToken", skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct EchoOutput {
    #[serde(rename = "Value")]
    value: Option<String>,
    #[serde(rename = "NextToken")]
    next_token: Option<String>,
    #[serde(rename = "Items")]
    items: Option<Vec<String>>,
}

#[derive(Debug)]
enum EchoError {
    NotFound(ErrorMetadata),
    Busy(ErrorMetadata),
    Unhandled(Unhandled),
}

impl fmt::Display for EchoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.meta())
    }
}

impl std::error::Error for EchoError {}

impl ProvideErrorMetadata for EchoError {
    fn meta(&self) -> &ErrorMetadata {
        match self {
            EchoError::NotFound(m) | EchoError::Busy(m) => m,
            EchoError::Unhandled(u) => u.meta(),
        }
    }
}

struct Echo;

impl Operation for Echo {
    type Input = EchoInput;
    type Output = EchoOutput;
    type Error = EchoError;
    const NAME: &'static str = "Echo";

    fn serialize_request(input: &EchoInput) -> Result<HttpRequest, BoxError> {
        PROTOCOL.serialize_request(Self::NAME, input)
    }

    fn deserialize_response(
        response: &http::Response<bytes::Bytes>,
    ) -> Result<EchoOutput, DeserializeError<EchoError>> {
        PROTOCOL.deserialize_response(Self::NAME, response, Self::parse_error)
    }

    fn parse_error(meta: ErrorMetadata, _body: &[u8]) -> EchoError {
        match meta.code() {
            Some("ResourceNotFoundFault") => EchoError::NotFound(meta),
            Some("BusyFault") => EchoError::Busy(meta),
            _ => EchoError::Unhandled(Unhandled::new(meta)),
        }
    }

    fn is_retryable_error(error: &EchoError) -> bool {
        matches!(error, EchoError::Busy(_))
    }
}

/// Recomputes the SigV4 signature of a received request with the signer's public helpers.
fn verify_sigv4(req: &Request, secret: &str) -> Result<(), String> {
    let auth = req
        .header("authorization")
        .ok_or("no authorization header")?;
    let rest = auth
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or("unexpected algorithm")?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(", ") {
        match part.split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => return Err(format!("unexpected authorization part {part:?}")),
        }
    }
    let (credential, signed, signature) = (
        credential.ok_or("no Credential")?,
        signed.ok_or("no SignedHeaders")?,
        signature.ok_or("no Signature")?,
    );
    let scope: Vec<&str> = credential.split('/').collect();
    let [akid, date, region, service, "aws4_request"] = scope[..] else {
        return Err(format!("bad credential scope {credential}"));
    };
    if akid != ACCESS_KEY {
        return Err(format!("unknown access key {akid}"));
    }
    let amz_date = req.header("x-amz-date").ok_or("no x-amz-date")?;
    let settings = SigningSettings {
        signed_headers: Some(signed.split(';').map(str::to_owned).collect()),
        ..SigningSettings::default()
    };
    let signable = SignableRequest {
        method: &req.method,
        path_and_query: &req.target,
        headers: &req.headers,
        body: &req.body,
    };
    let creq = canonical_request(&signable, &settings).map_err(|e| e.to_string())?;
    let sts = string_to_sign(amz_date, &credential_scope(date, region, service), &creq);
    let expected = calculate_signature(secret, date, region, service, &sts);
    if expected == signature {
        Ok(())
    } else {
        Err("The request signature we calculated does not match the signature you provided.".into())
    }
}

/// A server that checks every signature (403 `InvalidSignatureException` when wrong) and
/// otherwise replies with `replies[n]` (the last one repeated).
async fn signed_server(replies: Vec<Reply>) -> StubServer {
    StubServer::start(move |req| match verify_sigv4(req, SECRET) {
        Ok(()) => replies[req.index.min(replies.len() - 1)].clone(),
        Err(message) => Response::json(
            403,
            json!({"__type": "com.amazon.coral.service#InvalidSignatureException", "message": message})
                .to_string(),
        )
        .header("x-amzn-RequestId", "sig-req")
        .into(),
    })
    .await
}

fn ok(body: serde_json::Value) -> Reply {
    Response::json(200, body.to_string())
        .header("x-amzn-RequestId", "ok-req")
        .into()
}

fn error(status: u16, code: &str, message: &str) -> Reply {
    Response::json(
        status,
        json!({"__type": code, "message": message}).to_string(),
    )
    .header("x-amzn-RequestId", format!("req-{status}"))
    .into()
}

fn fast_retries() -> RetryConfig {
    RetryConfig::standard().with_initial_backoff(Duration::from_millis(5))
}

fn config(url: &str) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .credentials_provider(Credentials::from_keys(ACCESS_KEY, SECRET))
        .endpoint_url(url)
        .retry_config(fast_retries())
}

fn handle(builder: ConfigBuilder) -> Handle {
    Handle::new(builder.build(), &SERVICE)
}

fn named(name: &str) -> EchoInput {
    EchoInput {
        name: Some(name.into()),
        next_token: None,
    }
}

#[tokio::test]
async fn request_shape_and_signature() {
    let server = signed_server(vec![ok(json!({"Value": "hi", "Unknown": [1, 2]}))]).await;
    let h = handle(config(&server.url()).app_name("my app"));
    let out = h.send::<Echo>(named("x")).await.expect("call succeeds");
    assert_eq!(out.value.as_deref(), Some("hi"));

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/");
    assert_eq!(r.body_str(), r#"{"Name":"x"}"#);
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(r.header("x-amz-target"), Some("TestService_20240101.Echo"));
    assert_eq!(r.header("host"), Some(server.addr().to_string().as_str()));
    assert_eq!(r.header("content-length"), Some("12"));
    assert_eq!(r.header("amz-sdk-request"), Some("attempt=1; max=3"));
    let ua = r.header("user-agent").unwrap();
    assert!(
        ua.starts_with("test-client/0.0.1 aws-client-runtime/"),
        "{ua}"
    );
    assert!(ua.ends_with(" app/my_app"), "{ua}");
    let amz_ua = r.header("x-amz-user-agent").unwrap();
    assert!(
        amz_ua.contains("api/test_svc/0.0.1") && amz_ua.contains("test-client/0.0.1"),
        "{amz_ua}"
    );
    let id = r.header("amz-sdk-invocation-id").unwrap();
    assert_eq!(id.len(), 36, "{id}");
    assert_eq!(&id[14..15], "4", "{id}");
    let auth = r.header("authorization").unwrap();
    assert!(
        auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/")),
        "{auth}"
    );
    assert!(auth.contains("/us-east-1/testsvc/aws4_request"), "{auth}");
    assert!(
        auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target,"),
        "{auth}"
    );
    assert!(r.header("x-amz-security-token").is_none());
    let date = r.header("x-amz-date").unwrap();
    assert_eq!(date.len(), 16, "{date}");
}

#[tokio::test]
async fn empty_input_is_braces_and_empty_output_is_default() {
    let server = signed_server(vec![Response::new(200).into()]).await;
    let out = handle(config(&server.url()))
        .send::<Echo>(EchoInput::default())
        .await
        .unwrap();
    assert!(out.value.is_none() && out.next_token.is_none() && out.items.is_none());
    assert_eq!(server.requests()[0].body_str(), "{}");
}

#[tokio::test]
async fn wrong_secret_is_rejected_and_right_secret_passes() {
    let server = signed_server(vec![ok(json!({}))]).await;
    let wrong = config(&server.url())
        .credentials_provider(Credentials::from_keys(ACCESS_KEY, "not-the-secret"));
    let err = handle(wrong).send::<Echo>(named("x")).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    assert_eq!(err.raw_status(), Some(403));
    assert_eq!(err.request_id(), Some("sig-req"));
    assert!(matches!(
        err.as_service_error(),
        Some(EchoError::Unhandled(_))
    ));
    let text = format!("{err} {err:?}");
    assert!(!text.contains("not-the-secret"), "{text}");
    assert_eq!(
        server.request_count(),
        1,
        "a signature error is not retried"
    );

    handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .expect("right secret passes");
}

#[tokio::test]
async fn session_token_is_sent_and_signed() {
    let server = signed_server(vec![ok(json!({}))]).await;
    let creds = Credentials::new(
        ACCESS_KEY,
        SECRET,
        Some("session-token".into()),
        None,
        "Test",
    );
    handle(config(&server.url()).credentials_provider(creds))
        .send::<Echo>(named("x"))
        .await
        .unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.header("x-amz-security-token"), Some("session-token"));
    let auth = r.header("authorization").unwrap();
    assert!(
        auth.contains(
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"
        ),
        "{auth}"
    );
}

#[tokio::test]
async fn endpoint_path_is_preserved() {
    let server = signed_server(vec![ok(json!({}))]).await;
    handle(config(&format!("{}/prefix/api", server.url())))
        .send::<Echo>(named("x"))
        .await
        .unwrap();
    // The operation's URI `/` goes after the endpoint's path.
    assert_eq!(server.requests()[0].target, "/prefix/api/");
}

#[tokio::test]
async fn unknown_error_code_is_unhandled_with_metadata() {
    let server = signed_server(vec![error(
        400,
        "com.amazon#WeirdFault:http://internal.amazon.com/",
        "boom",
    )])
    .await;
    let err = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    let SdkError::ServiceError(service) = &err else {
        panic!("expected a service error: {err:?}")
    };
    assert_eq!(service.status, 400);
    let EchoError::Unhandled(unhandled) = &service.err else {
        panic!("expected Unhandled: {err:?}")
    };
    let meta = unhandled.meta();
    assert_eq!(meta.code(), Some("WeirdFault"));
    assert_eq!(meta.message(), Some("boom"));
    assert_eq!(meta.status(), Some(400));
    assert_eq!(meta.request_id(), Some("req-400"));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn modelled_fault_is_typed_and_not_retried() {
    let server = signed_server(vec![
        error(400, "ResourceNotFoundFault", "no such thing"),
        ok(json!({})),
    ])
    .await;
    let err = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(err.as_service_error(), Some(EchoError::NotFound(_))),
        "{err:?}"
    );
    assert_eq!(
        error_report(&err),
        "service error: ResourceNotFoundFault: no such thing (status 400, request id req-400)"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn retryable_modelled_fault_is_retried() {
    let server = signed_server(vec![
        error(400, "BusyFault", "busy"),
        ok(json!({"Value": "done"})),
    ])
    .await;
    let out = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap();
    assert_eq!(out.value.as_deref(), Some("done"));
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn throttling_is_retried() {
    let server = signed_server(vec![
        error(400, "ThrottlingException", "slow down"),
        ok(json!({})),
    ])
    .await;
    handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap();
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn query_error_header_is_kept() {
    let reply = Response::json(
        400,
        json!({"__type": "com.amazonaws.sqs#QueueDoesNotExist"}).to_string(),
    )
    .header(
        "x-amzn-query-error",
        "AWS.SimpleQueueService.NonExistentQueue;Sender",
    );
    let server = signed_server(vec![reply.into()]).await;
    let err = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    let meta = err.as_service_error().unwrap().meta();
    assert_eq!(meta.code(), Some("QueueDoesNotExist"));
    assert_eq!(
        meta.query_error_code(),
        Some("AWS.SimpleQueueService.NonExistentQueue")
    );
}

#[tokio::test]
async fn retries_503_twice_then_succeeds_on_attempt_three() {
    let server = signed_server(vec![
        error(503, "ServiceUnavailable", "later"),
        Response::new(503).into(),
        ok(json!({"Value": "third"})),
    ])
    .await;
    let out = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap();
    assert_eq!(out.value.as_deref(), Some("third"));
    let reqs = server.requests();
    let attempts: Vec<&str> = reqs
        .iter()
        .map(|r| r.header("amz-sdk-request").unwrap())
        .collect();
    assert_eq!(
        attempts,
        ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]
    );
    let ids: Vec<&str> = reqs
        .iter()
        .map(|r| r.header("amz-sdk-invocation-id").unwrap())
        .collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "same invocation id across retries: {ids:?}"
    );
    assert!(reqs.iter().all(|r| r.body == reqs[0].body));
    // A new call gets a new invocation id.
    handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap();
    assert_ne!(
        server.requests()[3]
            .header("amz-sdk-invocation-id")
            .unwrap(),
        ids[0]
    );
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error() {
    let server = signed_server(vec![error(500, "InternalFailure", "oops")]).await;
    let err = handle(config(&server.url()).retry_config(fast_retries().with_max_attempts(4)))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InternalFailure"));
    assert_eq!(err.raw_status(), Some(500));
    assert_eq!(server.request_count(), 4);
    assert_eq!(
        server.requests()[3].header("amz-sdk-request"),
        Some("attempt=4; max=4")
    );
}

#[tokio::test]
async fn retries_disabled_sends_once() {
    let server = signed_server(vec![Response::new(503).into()]).await;
    let err = handle(config(&server.url()).retry_config(RetryConfig::disabled()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert_eq!(err.raw_status(), Some(503));
    assert_eq!(server.request_count(), 1);
    assert_eq!(
        server.requests()[0].header("amz-sdk-request"),
        Some("attempt=1; max=1")
    );
}

#[tokio::test]
async fn html_5xx_is_retried_then_a_response_error_with_snippet() {
    let html = Response::new(502)
        .header("content-type", "text/html")
        .body("<html><body>Bad Gateway</body></html>");
    let server = signed_server(vec![html.into()]).await;
    let err = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    let SdkError::ResponseError(e) = &err else {
        panic!("expected a response error: {err:?}")
    };
    assert_eq!(e.status, Some(502));
    assert!(e.snippet.contains("Bad Gateway"), "{}", e.snippet);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn xml_403_is_a_response_error_and_not_retried() {
    let xml = Response::new(403)
        .header("content-type", "text/xml")
        .header("x-amzn-RequestId", "xml-req")
        .body("<Error><Code>AccessDenied</Code></Error>");
    let server = signed_server(vec![xml.into()]).await;
    let err = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    let SdkError::ResponseError(e) = &err else {
        panic!("expected a response error: {err:?}")
    };
    assert_eq!(e.status, Some(403));
    assert_eq!(e.request_id.as_deref(), Some("xml-req"));
    assert!(e.snippet.starts_with("<Error>"), "{}", e.snippet);
    assert!(err.to_string().contains("status 403"), "{err}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn empty_5xx_body_is_unhandled_with_status() {
    let server = signed_server(vec![Response::new(500).into()]).await;
    let err = handle(config(&server.url()).retry_config(RetryConfig::disabled()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    let Some(EchoError::Unhandled(u)) = err.as_service_error() else {
        panic!("{err:?}")
    };
    assert_eq!(u.meta().status(), Some(500));
    assert_eq!(u.meta().code(), None);
}

#[tokio::test]
async fn unparseable_success_body_is_a_response_error() {
    let server = signed_server(vec![Response::json(200, "{\"Value\": 12").into()]).await;
    let err = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    let SdkError::ResponseError(e) = &err else {
        panic!("expected a response error: {err:?}")
    };
    assert_eq!(e.status, Some(200));
    assert_eq!(e.snippet, "{\"Value\": 12");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn body_over_the_limit_is_a_response_error() {
    let big = format!("{{\"Value\": \"{}\"}}", "x".repeat(5000));
    let server = signed_server(vec![Response::json(200, big).into()]).await;
    let err = handle(config(&server.url()).max_response_body_bytes(1000))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    let SdkError::ResponseError(e) = &err else {
        panic!("expected a response error: {err:?}")
    };
    assert!(
        e.source.to_string().contains("limit of 1000 bytes"),
        "{}",
        e.source
    );
    assert_eq!(server.request_count(), 1);

    // Without Content-Length (chunked), the limit is enforced while reading.
    let mut raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ntransfer-encoding: chunked\r\n\r\n"
        .to_vec();
    for _ in 0..10 {
        raw.extend_from_slice(format!("190\r\n{}\r\n", "y".repeat(400)).as_bytes());
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let server = signed_server(vec![Reply::Raw(raw)]).await;
    let err = handle(config(&server.url()).max_response_body_bytes(1000))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    let SdkError::ResponseError(e) = &err else {
        panic!("expected a response error: {err:?}")
    };
    assert!(
        e.source.to_string().contains("limit of 1000 bytes"),
        "{}",
        e.source
    );
}

#[tokio::test]
async fn attempt_timeout_fires_and_is_retried() {
    let server = signed_server(vec![Reply::Hang]).await;
    let timeouts = TimeoutConfig::new().with_operation_attempt_timeout(Duration::from_millis(200));
    let started = Instant::now();
    let err = handle(
        config(&server.url())
            .timeout_config(timeouts)
            .retry_config(fast_retries().with_max_attempts(2)),
    )
    .send::<Echo>(named("x"))
    .await
    .unwrap_err();
    let SdkError::TimeoutError(e) = &err else {
        panic!("expected a timeout: {err:?}")
    };
    assert!(e.message.contains("attempt timeout"), "{}", e.message);
    assert_eq!(server.request_count(), 2);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn attempt_timeout_then_success() {
    let server = signed_server(vec![Reply::Hang, ok(json!({"Value": "second"}))]).await;
    let timeouts = TimeoutConfig::new().with_operation_attempt_timeout(Duration::from_millis(200));
    let out = handle(config(&server.url()).timeout_config(timeouts))
        .send::<Echo>(named("x"))
        .await
        .unwrap();
    assert_eq!(out.value.as_deref(), Some("second"));
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn operation_timeout_fires() {
    let server = signed_server(vec![Reply::Delay(
        Duration::from_secs(5),
        Response::new(200),
    )])
    .await;
    let timeouts = TimeoutConfig::new().with_operation_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let err = handle(config(&server.url()).timeout_config(timeouts))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    let SdkError::TimeoutError(e) = &err else {
        panic!("expected a timeout: {err:?}")
    };
    assert!(e.message.contains("operation timeout"), "{}", e.message);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn operation_timeout_bounds_retries() {
    let server = signed_server(vec![Response::new(503).into()]).await;
    let retries = RetryConfig::standard()
        .with_max_attempts(50)
        .with_initial_backoff(Duration::from_millis(50));
    let timeouts = TimeoutConfig::new().with_operation_timeout(Duration::from_millis(400));
    let err = handle(
        config(&server.url())
            .retry_config(retries)
            .timeout_config(timeouts),
    )
    .send::<Echo>(named("x"))
    .await
    .unwrap_err();
    assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
    assert!(server.request_count() < 50);
}

#[tokio::test]
async fn connection_refused_is_a_dispatch_failure_after_retries() {
    let url = refused_url().await;
    let started = Instant::now();
    let err = handle(config(&url))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn closed_connection_is_retried() {
    let server = signed_server(vec![Reply::Close, ok(json!({"Value": "again"}))]).await;
    let out = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap();
    assert_eq!(out.value.as_deref(), Some("again"));
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn truncated_success_body_is_not_retried() {
    // The service answered 200, so it processed the request: never send it again.
    let raw = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"Value\"".to_vec();
    let server = signed_server(vec![Reply::Raw(raw), ok(json!({}))]).await;
    let err = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn missing_region_is_a_construction_failure() {
    let h = handle(config("http://127.0.0.1:9").set_region(None));
    let err = h.send::<Echo>(named("x")).await.unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    let report = error_report(&err);
    assert!(report.contains("AWS_REGION"), "{report}");
}

#[tokio::test]
async fn missing_credentials_is_a_construction_failure_with_the_reason() {
    let dir = std::env::temp_dir().join(format!("awsjson-send-test-{}", std::process::id()));
    let config = ConfigLoader::default()
        .env(Env::from_vars([
            ("AWS_REGION", "us-east-1"),
            ("HOME", dir.to_str().unwrap()),
        ]))
        .endpoint_url("http://127.0.0.1:9")
        .load()
        .await;
    let err = Handle::new(config, &SERVICE)
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    let text = error_report(&err);
    assert!(text.contains("credentials"), "{text}");
    assert!(
        text.contains("AWS_ACCESS_KEY_ID"),
        "the provider's explanation is kept: {text}"
    );

    let no_provider = Config::builder()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:9")
        .build();
    let err = Handle::new(no_provider, &SERVICE)
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    let report = error_report(&err);
    assert!(report.contains("no credentials provider"), "{report}");
}

#[tokio::test]
async fn endpoint_from_rules_and_http_guard() {
    let base = Config::builder()
        .region("eu-west-1")
        .credentials_provider(Credentials::from_keys("a", "b"));
    let h = handle(base.clone());
    assert_eq!(
        h.endpoint_url().unwrap(),
        "https://testsvc.eu-west-1.amazonaws.com/"
    );
    assert_eq!(
        handle(base.clone().use_fips(true)).endpoint_url().unwrap(),
        "https://testsvc-fips.eu-west-1.amazonaws.com/"
    );
    let err = handle(base.clone().set_region(None))
        .endpoint_url()
        .unwrap_err();
    assert!(err.contains("Missing Region"), "{err}");
    assert_eq!(
        handle(base.endpoint_url("http://localhost:8000"))
            .endpoint_url()
            .unwrap(),
        "http://localhost:8000/"
    );
}

#[tokio::test]
async fn service_specific_endpoint_from_env() {
    let server = signed_server(vec![ok(json!({"Value": "env"}))]).await;
    let env = Env::from_vars([
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", SECRET.to_owned()),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9".to_owned()),
        ("AWS_ENDPOINT_URL_TEST_SVC", server.url()),
        ("AWS_MAX_ATTEMPTS", "2".to_owned()),
    ]);
    let config = ConfigLoader::default().env(env).load().await;
    assert_eq!(config.retry_config().max_attempts(), 2);
    let out = Handle::new(config, &SERVICE)
        .send::<Echo>(named("x"))
        .await
        .unwrap();
    assert_eq!(out.value.as_deref(), Some("env"));
    assert_eq!(
        server.requests()[0].header("amz-sdk-request"),
        Some("attempt=1; max=2")
    );
}

/// Pages keyed by the request's `NextToken`.
async fn paging_server() -> StubServer {
    StubServer::start(|req| {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let page = match body.get("NextToken").and_then(|t| t.as_str()) {
            None => json!({"Items": ["a", "b"], "NextToken": "t1"}),
            Some("t1") => json!({"Items": ["c"], "NextToken": "t2"}),
            Some("t2") => json!({"Items": ["d"]}),
            Some("same") => json!({"Items": ["s"], "NextToken": "same"}),
            Some(other) => {
                return Response::json(
                    400,
                    json!({"__type": "BadToken", "message": other}).to_string(),
                )
                .into()
            }
        };
        let page = if body.get("Name").and_then(|n| n.as_str()) == Some("echo") {
            json!({"Items": ["s"], "NextToken": "same"})
        } else if body.get("Name").and_then(|n| n.as_str()) == Some("empty") {
            json!({"Items": ["e"], "NextToken": ""})
        } else {
            page
        };
        Response::json(200, page.to_string()).into()
    })
    .await
}

fn next_token(out: &EchoOutput) -> Option<&str> {
    out.next_token.as_deref()
}

fn set_token(input: &mut EchoInput, token: Option<String>) {
    input.next_token = token;
}

#[tokio::test]
async fn paginator_follows_tokens() {
    let server = paging_server().await;
    let h = handle(config(&server.url()));
    let pages = paginate::<Echo>(h.clone(), EchoInput::default(), next_token, set_token)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    let items = paginate_items::<Echo, _>(h, EchoInput::default(), next_token, set_token, |p| {
        p.items.unwrap_or_default()
    })
    .try_collect()
    .await
    .unwrap();
    assert_eq!(items, ["a", "b", "c", "d"]);
    assert_eq!(server.request_count(), 6);
}

#[tokio::test]
async fn paginator_stops_on_repeated_or_empty_token_and_on_error() {
    let server = paging_server().await;
    let h = handle(config(&server.url()));
    let pages = paginate::<Echo>(h.clone(), named("echo"), next_token, set_token)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.len(),
        2,
        "stops when the service repeats the token just sent"
    );
    let pages = paginate::<Echo>(h.clone(), named("empty"), next_token, set_token)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1, "stops on an empty token");

    let start = EchoInput {
        name: None,
        next_token: Some("bogus".into()),
    };
    let mut stream = paginate::<Echo>(h, start, next_token, set_token);
    let first = stream.next().await.unwrap();
    assert_eq!(first.unwrap_err().code(), Some("BadToken"));
    assert!(stream.next().await.is_none(), "an error ends the stream");
}

#[tokio::test]
async fn paginator_closures_coerce_like_generated_code() {
    let server = paging_server().await;
    let h = handle(config(&server.url()));
    let mut stream = paginate::<Echo>(
        h,
        EchoInput::default(),
        |p| p.next_token.as_deref(),
        |i, t| i.next_token = t,
    );
    let mut n = 0;
    while let Some(page) = stream.next().await {
        page.unwrap();
        n += 1;
    }
    assert_eq!(n, 3);
}

/// Counts how often it is asked; hands out credentials expiring `lifetime` from now.
#[derive(Debug)]
struct CountingProvider {
    calls: std::sync::atomic::AtomicUsize,
    lifetime: Option<Duration>,
}

impl aws_client_runtime::credentials::ProvideCredentials for CountingProvider {
    fn provide_credentials(&self) -> aws_client_runtime::credentials::ProvideCredentialsFuture<'_> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let expiry = self.lifetime.map(|l| std::time::SystemTime::now() + l);
        Box::pin(async move {
            Ok(Credentials::new(
                ACCESS_KEY, SECRET, None, expiry, "Counting",
            ))
        })
    }
}

#[tokio::test]
async fn credentials_are_cached_until_they_near_expiry() {
    for (lifetime, expected_calls) in [
        (None, 1),
        (Some(Duration::from_secs(3600)), 1),
        // Inside the refresh margin: asked again for every request.
        (Some(Duration::from_secs(60)), 3),
    ] {
        let server = signed_server(vec![ok(json!({})), ok(json!({})), ok(json!({}))]).await;
        let provider = std::sync::Arc::new(CountingProvider {
            calls: Default::default(),
            lifetime,
        });
        let client = handle(config(&server.url()).credentials_provider(provider.clone()));
        for _ in 0..3 {
            client.send::<Echo>(named("x")).await.unwrap();
        }
        assert_eq!(server.request_count(), 3);
        assert_eq!(
            provider.calls.load(std::sync::atomic::Ordering::SeqCst),
            expected_calls,
            "lifetime {lifetime:?}"
        );
    }
}

/// Each level of the chain must say something of its own: no level's message contains
/// another's, and each `needle` (a detail of the failure) shows once in the whole chain.
fn assert_each_message_once(err: &(dyn std::error::Error + 'static), needles: &[&str]) {
    let levels = error_chain(err);
    assert!(levels.len() >= 2 || needles.len() <= 1, "{levels:?}");
    for (i, outer) in levels.iter().enumerate() {
        assert!(!outer.is_empty(), "{levels:?}");
        for (j, inner) in levels.iter().enumerate() {
            assert!(
                i == j || !outer.contains(inner.as_str()),
                "level {i} repeats level {j}: {levels:?}"
            );
        }
    }
    let report = levels.join("\n");
    for needle in needles {
        assert_eq!(
            report.matches(needle).count(),
            1,
            "`{needle}` in {levels:?}"
        );
    }
}

#[tokio::test]
async fn every_error_kind_says_each_message_once_along_its_source_chain() {
    // Service error: the typed error is the source.
    let server = signed_server(vec![error(400, "ResourceNotFoundFault", "no such thing")]).await;
    let err = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ServiceError(_)), "{err:?}");
    assert_eq!(err.to_string(), "service error");
    assert_each_message_once(&err, &["ResourceNotFoundFault", "no such thing", "req-400"]);

    // Response error: status, request id and body here, the parse error as the source.
    let server = signed_server(vec![Response::json(200, "<html>oops</html>")
        .header("x-amzn-RequestId", "html-req")
        .into()])
    .await;
    let err = handle(config(&server.url()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("response error (status 200, request id html-req); body starts with"),
        "{err}"
    );
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert_each_message_once(&err, &["html-req", "<html>oops</html>", &cause]);

    // Dispatch failure: the transport's chain follows.
    let url = refused_url().await;
    let err = handle(config(&url).retry_config(RetryConfig::disabled()))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
    assert_eq!(err.to_string(), "dispatch failure");
    assert_each_message_once(&err, &[]);
    assert!(error_chain(&err).len() >= 2, "{:?}", error_chain(&err));

    // Timeout: no underlying error, the message says which timeout fired.
    let server = signed_server(vec![Reply::Hang]).await;
    let err = handle(
        config(&server.url())
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::new().with_operation_attempt_timeout(Duration::from_millis(200)),
            ),
    )
    .send::<Echo>(named("x"))
    .await
    .unwrap_err();
    assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
    assert_eq!(error_chain(&err).len(), 1);
    assert!(err.to_string().starts_with("attempt timeout"), "{err}");

    // Construction failure: the reason is the source.
    let err = handle(config("http://127.0.0.1:9").set_region(None))
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "construction failure");
    assert_each_message_once(&err, &["no region is configured"]);

    // Construction failure for a configuration loaded with an error: the ConfigError.
    let config = ConfigLoader::default()
        .env(Env::from_vars([
            ("AWS_REGION", "us-east-1"),
            ("AWS_MAX_ATTEMPTS", "abc"),
        ]))
        .credentials_provider(Credentials::from_keys(ACCESS_KEY, SECRET))
        .endpoint_url("http://127.0.0.1:9")
        .load()
        .await;
    let err = Handle::new(config, &SERVICE)
        .send::<Echo>(named("x"))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "construction failure");
    assert_each_message_once(&err, &["AWS_MAX_ATTEMPTS", "`abc`"]);
}
