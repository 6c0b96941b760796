//! Error-code, message and request-id parsing of awsJson error responses (DESIGN section 2).

use aws_client_runtime::client::snippet;
use aws_client_runtime::protocol::aws_json::errors::{
    parse_error_metadata, parse_query_error_header, sanitize_error_code,
};
use http::header::{HeaderMap, HeaderName, HeaderValue};

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

#[test]
fn sanitizes_namespaces_and_uri_suffixes() {
    assert_eq!(
        sanitize_error_code("aws.protocoltests#FooError:http://internal.amazon.com/"),
        "FooError"
    );
    assert_eq!(
        sanitize_error_code("FooError:http://internal.amazon.com/coral/com.amazon/"),
        "FooError"
    );
    assert_eq!(
        sanitize_error_code("com.amazonaws.memorydb#ClusterNotFoundFault"),
        "ClusterNotFoundFault"
    );
    assert_eq!(sanitize_error_code("a.b#c#FooError"), "FooError");
    assert_eq!(sanitize_error_code("FooError"), "FooError");
    assert_eq!(sanitize_error_code(" FooError "), "FooError");
}

#[test]
fn header_wins_over_type_and_code() {
    let meta = parse_error_metadata(
        400,
        &headers(&[("X-Amzn-ErrorType", "HeaderError:http://x")]),
        br#"{"__type": "TypeError", "code": "CodeError"}"#,
        false,
    )
    .unwrap();
    assert_eq!(meta.code(), Some("HeaderError"));
    assert_eq!(meta.status(), Some(400));
}

#[test]
fn type_wins_over_code() {
    let meta = parse_error_metadata(
        400,
        &HeaderMap::new(),
        br#"{"code": "CodeError", "__type": "ns#TypeError"}"#,
        false,
    )
    .unwrap();
    assert_eq!(meta.code(), Some("TypeError"));
}

#[test]
fn code_is_the_last_resort() {
    let meta =
        parse_error_metadata(400, &HeaderMap::new(), br#"{"code": "CodeError"}"#, false).unwrap();
    assert_eq!(meta.code(), Some("CodeError"));
}

#[test]
fn empty_header_counts_as_absent() {
    let meta = parse_error_metadata(
        400,
        &headers(&[("x-amzn-errortype", "")]),
        br#"{"__type": "T"}"#,
        false,
    )
    .unwrap();
    assert_eq!(meta.code(), Some("T"));
}

#[test]
fn message_precedence() {
    let all = br#"{"__type": "E", "errorMessage": "c", "Message": "b", "message": "a"}"#;
    assert_eq!(
        parse_error_metadata(400, &HeaderMap::new(), all, false)
            .unwrap()
            .message(),
        Some("a")
    );
    let two = br#"{"__type": "E", "errorMessage": "c", "Message": "b"}"#;
    assert_eq!(
        parse_error_metadata(400, &HeaderMap::new(), two, false)
            .unwrap()
            .message(),
        Some("b")
    );
    let one = br#"{"__type": "E", "errorMessage": "c"}"#;
    assert_eq!(
        parse_error_metadata(400, &HeaderMap::new(), one, false)
            .unwrap()
            .message(),
        Some("c")
    );
    let none = br#"{"__type": "E", "message": null}"#;
    assert_eq!(
        parse_error_metadata(400, &HeaderMap::new(), none, false)
            .unwrap()
            .message(),
        None
    );
}

#[test]
fn request_id_from_header() {
    let meta = parse_error_metadata(
        500,
        &headers(&[("x-amzn-RequestId", "req-123")]),
        br#"{"__type": "E"}"#,
        false,
    )
    .unwrap();
    assert_eq!(meta.request_id(), Some("req-123"));
    assert_eq!(meta.status(), Some(500));
}

#[test]
fn query_error_header_only_for_query_compatible_services() {
    let h = headers(&[(
        "x-amzn-query-error",
        "AWS.SimpleQueueService.NonExistentQueue;Sender",
    )]);
    let body = br#"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "gone"}"#;
    let meta = parse_error_metadata(400, &h, body, true).unwrap();
    assert_eq!(meta.code(), Some("QueueDoesNotExist"));
    assert_eq!(
        meta.query_error_code(),
        Some("AWS.SimpleQueueService.NonExistentQueue")
    );
    let meta = parse_error_metadata(400, &h, body, false).unwrap();
    assert_eq!(meta.query_error_code(), None);
    assert_eq!(parse_query_error_header("Code;Sender"), Some("Code"));
    assert_eq!(parse_query_error_header("Code"), Some("Code"));
    assert_eq!(parse_query_error_header(";Sender"), None);
}

#[test]
fn empty_body_is_an_empty_object() {
    let meta = parse_error_metadata(503, &HeaderMap::new(), b"", false).unwrap();
    assert_eq!(meta.code(), None);
    assert_eq!(meta.status(), Some(503));
    let meta = parse_error_metadata(503, &HeaderMap::new(), b"  \n", false).unwrap();
    assert_eq!(meta.code(), None);
}

#[test]
fn non_json_body_is_an_error_unless_the_header_names_the_error() {
    let html = b"<html><body>Bad gateway</body></html>";
    let err = parse_error_metadata(502, &HeaderMap::new(), html, false).unwrap_err();
    assert!(err.to_string().contains("not a JSON object"), "{err}");
    assert!(parse_error_metadata(400, &HeaderMap::new(), b"[1,2]", false).is_err());
    assert!(parse_error_metadata(400, &HeaderMap::new(), b"\"text\"", false).is_err());
    let meta = parse_error_metadata(
        403,
        &headers(&[("x-amzn-errortype", "AccessDenied")]),
        html,
        false,
    )
    .unwrap();
    assert_eq!(meta.code(), Some("AccessDenied"));
    assert_eq!(meta.message(), None);
}

#[test]
fn snippets_are_bounded_and_lossy() {
    assert_eq!(snippet(b"short", 10), "short");
    assert_eq!(snippet(b"0123456789abc", 10), "0123456789…");
    assert_eq!(snippet(&[0xff, b'a'], 10), "\u{fffd}a");
    let big = vec![b'x'; 100_000];
    assert!(snippet(&big, 256).chars().count() <= 257);
}
