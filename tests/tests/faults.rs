//! The generated MemoryDB client against a server that misbehaves on purpose.
//!
//! Every case ends in a typed result — `SdkError::DispatchFailure`, `TimeoutError`,
//! `ResponseError`, `ServiceError`, or success after a retry — within the configured timeouts,
//! and the test asserts how many requests the server saw. Each test is wrapped in
//! [`bounded`], so a hang fails instead of stalling CI. The README's "Behaviour under faults"
//! table summarises these cases.
//!
//! # When FailoverShard can be sent twice
//!
//! `FailoverShard` is not idempotent. The client sends it again only when (a) the outcome of
//! the previous attempt is unknown — the connection was refused, reset or closed before a
//! response head arrived, or the attempt timed out — or (b) the service answered that the
//! request was not processed: HTTP 500/502/503/504, a throttling or transient error code,
//! or a `@retryable` modelled error. Only (a) can execute a failover twice
//! ([`failover_shard_is_resent_when_the_outcome_is_unknown`] shows it). Once a response head
//! has arrived with any other status — a modelled fault such as `InvalidClusterStateFault`,
//! any other 4xx, or a 2xx whose body is cut, oversized or unreadable — the request is never
//! sent again. Callers that must not risk a duplicate use `RetryConfig::disabled()`.

mod fault_support;

use std::time::{Duration, Instant};

use aws_client_runtime::config::{RetryConfig, TimeoutConfig};
use aws_client_runtime::SdkError;
use fault_support::*;

/// Every test must finish within this, whatever the server does.
const HARD_LIMIT: Duration = Duration::from_secs(30);

/// The variant name of an [`SdkError`], for assertions and messages.
fn kind<E>(e: &SdkError<E>) -> &'static str {
    match e {
        SdkError::ConstructionFailure(_) => "ConstructionFailure",
        SdkError::TimeoutError(_) => "TimeoutError",
        SdkError::DispatchFailure(_) => "DispatchFailure",
        SdkError::ResponseError(_) => "ResponseError",
        SdkError::ServiceError(_) => "ServiceError",
        _ => "other",
    }
}

async fn describe(
    client: &memorydb::Client,
) -> Result<
    memorydb::operation::describe_clusters::DescribeClustersOutput,
    SdkError<memorydb::operation::describe_clusters::DescribeClustersError>,
> {
    client.describe_clusters().send().await
}

async fn failover(
    client: &memorydb::Client,
) -> Result<
    memorydb::operation::failover_shard::FailoverShardOutput,
    SdkError<memorydb::operation::failover_shard::FailoverShardError>,
> {
    client
        .failover_shard()
        .cluster_name("my-cluster")
        .shard_name("0001")
        .send()
        .await
}

const OK_CLUSTERS: &str = r#"{"Clusters":[{"Name":"c1","Status":"available"}]}"#;

fn expect_ok_clusters(out: &memorydb::operation::describe_clusters::DescribeClustersOutput) {
    assert_eq!(out.clusters().len(), 1, "{out:?}");
    assert_eq!(out.clusters()[0].name(), Some("c1"));
    assert_eq!(out.clusters()[0].status(), Some("available"));
}

// ----------------------------------------------------------------------------------------------
// Transport faults.

#[tokio::test]
async fn connection_refused_is_a_dispatch_failure_after_every_attempt() {
    bounded(HARD_LIMIT, async {
        let url = dead_url().await;
        let started = Instant::now();
        let err = describe(&client(&url)).await.unwrap_err();
        assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        let text = err.to_string();
        assert!(text.contains("dispatch failure"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn connect_timeout_is_a_timeout_error_and_retried() {
    bounded(HARD_LIMIT, async {
        // A listener that never accepts: once its backlog is full, the kernel drops further
        // SYNs, so a connect neither succeeds nor is refused.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut held = Vec::new();
        let full = loop {
            match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(50)) {
                Ok(stream) if held.len() < 4096 => held.push(stream),
                Ok(_) => break false,
                Err(_) => break true,
            }
        };
        if !full {
            eprintln!("skipped: the listen backlog never filled on this platform");
            return;
        }
        let config = config_builder(&format!("http://{addr}"))
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(2)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .timeout_config(TimeoutConfig::new().with_connect_timeout(Duration::from_millis(300)))
            .build();
        let started = Instant::now();
        let err = describe(&memorydb::Client::new(config)).await.unwrap_err();
        let elapsed = started.elapsed();
        let SdkError::TimeoutError(timeout) = &err else {
            panic!("{err:?}");
        };
        assert!(timeout.message.contains("connect timeout"), "{err}");
        // Two attempts of 300 ms each: the timed-out connect was retried.
        assert!(
            elapsed >= Duration::from_millis(550) && elapsed < Duration::from_secs(5),
            "{elapsed:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn reset_before_the_response_is_retried_then_a_dispatch_failure() {
    bounded(HARD_LIMIT, async {
        let server = RawServer::scripted(vec![vec![Step::Reset]]).await;
        let err = describe(&client(server.url())).await.unwrap_err();
        assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
        assert_eq!(server.request_count(), 3, "all 3 attempts are made");
    })
    .await;
}

#[tokio::test]
async fn reset_before_the_response_then_success() {
    bounded(HARD_LIMIT, async {
        let server =
            RawServer::scripted(vec![vec![Step::Reset], send(json(200, OK_CLUSTERS))]).await;
        let out = describe(&client(server.url())).await.unwrap();
        expect_ok_clusters(&out);
        assert_eq!(server.request_count(), 2);
    })
    .await;
}

#[tokio::test]
async fn closed_without_answer_is_retried() {
    bounded(HARD_LIMIT, async {
        let server =
            RawServer::scripted(vec![vec![Step::Close], send(json(200, OK_CLUSTERS))]).await;
        let out = describe(&client(server.url())).await.unwrap();
        expect_ok_clusters(&out);
        assert_eq!(server.request_count(), 2);
    })
    .await;
}

#[tokio::test]
async fn reset_mid_response_is_a_dispatch_failure() {
    bounded(HARD_LIMIT, async {
        let mut partial = head(
            200,
            &[
                ("Content-Type", "application/x-amz-json-1.1"),
                ("Content-Length", "200"),
            ],
        );
        partial.extend_from_slice(br#"{"Clusters":[{"Name":"c1","#);
        let server = RawServer::scripted(vec![vec![
            Step::Send(partial),
            // Let the client read the head and the first bytes before the reset.
            Step::Sleep(Duration::from_millis(300)),
            Step::Reset,
        ]])
        .await;
        let config = config_builder(server.url())
            .retry_config(RetryConfig::disabled())
            .build();
        let err = describe(&memorydb::Client::new(config)).await.unwrap_err();
        assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn body_shorter_than_content_length_is_a_dispatch_failure_and_not_retried() {
    bounded(HARD_LIMIT, async {
        let mut partial = head(
            200,
            &[
                ("Content-Type", "application/x-amz-json-1.1"),
                ("Content-Length", "1000"),
            ],
        );
        partial.extend_from_slice(br#"{"Clusters":[{"Name":"c1"}]}"#);
        // The head arrived with a 200: the service processed the call, so it is not resent.
        let server = RawServer::scripted(vec![vec![Step::Send(partial), Step::Close]]).await;
        let err = failover(&client(server.url())).await.unwrap_err();
        assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn body_cut_short_on_a_503_is_retried() {
    bounded(HARD_LIMIT, async {
        let mut partial = head(
            503,
            &[
                ("Content-Type", "application/x-amz-json-1.1"),
                ("Content-Length", "1000"),
            ],
        );
        partial.extend_from_slice(br#"{"__type":"Service"#);
        let server = RawServer::scripted(vec![
            vec![Step::Send(partial), Step::Close],
            send(json(200, OK_CLUSTERS)),
        ])
        .await;
        let out = describe(&client(server.url())).await.unwrap();
        expect_ok_clusters(&out);
        assert_eq!(server.request_count(), 2);
    })
    .await;
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_dispatch_failure() {
    bounded(HARD_LIMIT, async {
        let server = RawServer::scripted(vec![send(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec())]).await;
        let config = config_builder(server.url())
            .retry_config(RetryConfig::disabled())
            .build();
        let err = describe(&memorydb::Client::new(config)).await.unwrap_err();
        assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
    })
    .await;
}

// ----------------------------------------------------------------------------------------------
// Slow servers and timeouts.

fn one_second_attempts(url: &str, attempts: u32) -> memorydb::Client {
    let timeouts = TimeoutConfig::new()
        .with_connect_timeout(Duration::from_secs(1))
        .with_operation_attempt_timeout(Duration::from_secs(1))
        .with_operation_timeout(Duration::from_secs(10));
    memorydb::Client::new(
        config_builder(url)
            .timeout_config(timeouts)
            .retry_config(fast_retries(attempts))
            .build(),
    )
}

#[tokio::test]
async fn trickled_head_hits_the_attempt_timeout() {
    bounded(HARD_LIMIT, async {
        // One byte a second: the response head alone would take over a minute.
        let server = RawServer::scripted(vec![vec![Step::Trickle(
            json(200, OK_CLUSTERS),
            Duration::from_secs(1),
        )]])
        .await;
        let started = Instant::now();
        let err = describe(&one_second_attempts(server.url(), 2))
            .await
            .unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
        assert!(err.to_string().contains("attempt timeout"), "{err}");
        // Two attempts of 1 s each, plus at most 10 ms of backoff.
        assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
        assert_eq!(server.request_count(), 2, "a timed-out attempt is retried");
    })
    .await;
}

#[tokio::test]
async fn trickled_body_hits_the_attempt_timeout() {
    bounded(HARD_LIMIT, async {
        let body = OK_CLUSTERS.as_bytes().to_vec();
        let len = body.len().to_string();
        let server = RawServer::scripted(vec![vec![
            Step::Send(head(
                200,
                &[
                    ("Content-Type", "application/x-amz-json-1.1"),
                    ("Content-Length", &len),
                ],
            )),
            Step::Trickle(body, Duration::from_secs(1)),
        ]])
        .await;
        let started = Instant::now();
        let err = describe(&one_second_attempts(server.url(), 1))
            .await
            .unwrap_err();
        assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn silent_server_hits_the_operation_timeout() {
    bounded(HARD_LIMIT, async {
        let server = RawServer::scripted(vec![vec![Step::Hang]]).await;
        let timeouts = TimeoutConfig::new()
            .with_connect_timeout(Duration::from_secs(1))
            .with_operation_timeout(Duration::from_millis(1500));
        let config = config_builder(server.url())
            .timeout_config(timeouts)
            .build();
        let started = Instant::now();
        let err = describe(&memorydb::Client::new(config)).await.unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
        assert!(err.to_string().contains("operation timeout"), "{err}");
        assert!(elapsed >= Duration::from_millis(1500), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

// ----------------------------------------------------------------------------------------------
// Error statuses and retries.

#[tokio::test]
async fn transient_statuses_then_success() {
    bounded(HARD_LIMIT, async {
        for status in [500, 502, 503, 504] {
            let server = RawServer::scripted(vec![
                send(json(
                    status,
                    r#"{"__type":"InternalFailure","message":"boom"}"#,
                )),
                send(json(200, OK_CLUSTERS)),
            ])
            .await;
            let out = describe(&client(server.url()))
                .await
                .unwrap_or_else(|e| panic!("{status}: {e:?}"));
            expect_ok_clusters(&out);
            assert_eq!(server.request_count(), 2, "status {status}");
        }
    })
    .await;
}

#[tokio::test]
async fn transient_statuses_with_html_or_empty_bodies_then_success() {
    bounded(HARD_LIMIT, async {
        let html = response(
            502,
            &[("Content-Type", "text/html")],
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        );
        let empty = response(503, &[], b"");
        let server =
            RawServer::scripted(vec![send(html), send(empty), send(json(200, OK_CLUSTERS))]).await;
        let out = describe(&client(server.url())).await.unwrap();
        expect_ok_clusters(&out);
        assert_eq!(server.request_count(), 3);
    })
    .await;
}

#[tokio::test]
async fn throttling_codes_then_success() {
    bounded(HARD_LIMIT, async {
        // (status, headers, body) of each throttling answer.
        type Case<'a> = (u16, Vec<(&'a str, &'a str)>, &'a str);
        let cases: Vec<Case> = vec![
            (
                400,
                vec![],
                r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
            ),
            (
                400,
                vec![],
                r#"{"__type":"com.amazonaws.memorydb#ThrottlingException:http://internal/"}"#,
            ),
            (400, vec![], r#"{"code":"Throttling"}"#),
            (429, vec![], r#"{"__type":"TooManyRequestsException"}"#),
            (400, vec![], r#"{"__type":"RequestLimitExceeded"}"#),
            (400, vec![("x-amzn-ErrorType", "ThrottlingException")], ""),
            (400, vec![], r#"{"__type":"RequestTimeoutException"}"#),
        ];
        for (status, headers, body) in cases {
            let mut all = vec![("Content-Type", "application/x-amz-json-1.1")];
            all.extend(headers.iter().copied());
            let server = RawServer::scripted(vec![
                send(response(status, &all, body.as_bytes())),
                send(json(200, OK_CLUSTERS)),
            ])
            .await;
            let out = describe(&client(server.url()))
                .await
                .unwrap_or_else(|e| panic!("{status} {body}: {e:?}"));
            expect_ok_clusters(&out);
            assert_eq!(server.request_count(), 2, "{status} {headers:?} {body}");
        }
    })
    .await;
}

#[tokio::test]
async fn retries_stop_at_max_attempts_with_the_last_service_error() {
    bounded(HARD_LIMIT, async {
        let server = RawServer::scripted(vec![send(json(
            503,
            r#"{"__type":"ServiceUnavailable","message":"try later"}"#,
        ))])
        .await;
        let err = describe(&client(server.url())).await.unwrap_err();
        assert!(matches!(err, SdkError::ServiceError(_)), "{err:?}");
        assert_eq!(err.raw_status(), Some(503));
        assert_eq!(err.code(), Some("ServiceUnavailable"));
        assert_eq!(err.request_id(), Some("req-1"));
        assert_eq!(server.request_count(), 3);
    })
    .await;
}

#[tokio::test]
async fn failover_shard_is_never_resent_after_a_non_retryable_answer() {
    bounded(HARD_LIMIT, async {
        let cases = [
            (
                400,
                r#"{"__type":"InvalidClusterStateFault","message":"busy"}"#,
                "InvalidClusterStateFault",
            ),
            (
                400,
                r#"{"__type":"com.amazonaws.memorydb#ShardNotFoundFault"}"#,
                "ShardNotFoundFault",
            ),
            (
                400,
                r#"{"__type":"APICallRateForCustomerExceededFault"}"#,
                "APICallRateForCustomerExceededFault",
            ),
            (
                400,
                r#"{"__type":"ValidationException","message":"bad"}"#,
                "ValidationException",
            ),
            (
                403,
                r#"{"__type":"AccessDeniedException"}"#,
                "AccessDeniedException",
            ),
            (
                404,
                r#"{"__type":"UnknownOperationException"}"#,
                "UnknownOperationException",
            ),
        ];
        for (status, body, code) in cases {
            let server = RawServer::scripted(vec![send(json(status, body))]).await;
            // Many attempts allowed: none may be used.
            let config = config_builder(server.url())
                .retry_config(fast_retries(5))
                .build();
            let err = failover(&memorydb::Client::new(config)).await.unwrap_err();
            assert!(matches!(err, SdkError::ServiceError(_)), "{err:?}");
            assert_eq!(err.code(), Some(code));
            assert_eq!(err.raw_status(), Some(status));
            assert_eq!(server.request_count(), 1, "{code} must not be resent");
        }
        // The typed fault is usable.
        let server = RawServer::scripted(vec![send(json(
            400,
            r#"{"__type":"InvalidClusterStateFault","message":"busy"}"#,
        ))])
        .await;
        let err = failover(&client(server.url())).await.unwrap_err();
        let service = err.as_service_error().expect("service error");
        assert!(service.is_invalid_cluster_state_fault(), "{service:?}");
        assert_eq!(service.message(), Some("busy"));
        assert_eq!(server.request_count(), 1);
        let requests = server.requests();
        assert_eq!(
            requests[0].header("x-amz-target"),
            Some("AmazonMemoryDB.FailoverShard")
        );
    })
    .await;
}

#[tokio::test]
async fn failover_shard_is_resent_when_the_outcome_is_unknown() {
    bounded(HARD_LIMIT, async {
        // The first delivery was reset after the server read it: the failover may have
        // started, yet the client cannot know, so standard retries send it again.
        let server = RawServer::scripted(vec![
            vec![Step::Reset],
            send(json(
                200,
                r#"{"Cluster":{"Name":"my-cluster","Status":"available"}}"#,
            )),
        ])
        .await;
        let out = failover(&client(server.url())).await.unwrap();
        assert_eq!(out.cluster().and_then(|c| c.name()), Some("my-cluster"));
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert!(requests
            .iter()
            .all(|r| r.header("x-amz-target") == Some("AmazonMemoryDB.FailoverShard")));
        assert_eq!(requests[0].body, requests[1].body, "the same input, resent");
        assert_eq!(
            requests[1].header("amz-sdk-request"),
            Some("attempt=2; max=3")
        );

        // With retries disabled it is delivered at most once.
        let server = RawServer::scripted(vec![vec![Step::Reset]]).await;
        let config = config_builder(server.url())
            .retry_config(RetryConfig::disabled())
            .build();
        let err = failover(&memorydb::Client::new(config)).await.unwrap_err();
        assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

// ----------------------------------------------------------------------------------------------
// Bodies the client cannot use.

async fn response_error_for(bytes: Vec<u8>) -> (String, usize, Option<u16>, String) {
    let server = RawServer::scripted(vec![send(bytes)]).await;
    let err = describe(&client(server.url())).await.unwrap_err();
    let SdkError::ResponseError(e) = &err else {
        panic!("expected a ResponseError, got {}: {err:?}", kind(&err));
    };
    (
        e.source.to_string(),
        server.request_count(),
        e.status,
        e.snippet.clone(),
    )
}

#[tokio::test]
async fn html_with_200_is_a_response_error() {
    bounded(HARD_LIMIT, async {
        let (source, count, status, snippet) = response_error_for(response(
            200,
            &[("Content-Type", "text/html")],
            b"<html><body>Captive portal: please log in</body></html>",
        ))
        .await;
        assert!(
            source.contains("could not parse the DescribeClusters response"),
            "{source}"
        );
        assert_eq!(status, Some(200));
        assert!(snippet.starts_with("<html>"), "{snippet}");
        assert_eq!(count, 1, "an unreadable 2xx is not resent");
    })
    .await;
}

#[tokio::test]
async fn truncated_json_is_a_response_error() {
    bounded(HARD_LIMIT, async {
        let (source, count, _, _) =
            response_error_for(json(200, r#"{"Clusters":[{"Name":"c1","Sta"#)).await;
        assert!(source.contains("EOF while parsing"), "{source}");
        assert_eq!(count, 1);
    })
    .await;
}

#[tokio::test]
async fn body_over_the_limit_declared_by_content_length_is_refused_unread() {
    bounded(HARD_LIMIT, async {
        const HUNDRED_MB: u64 = 100 * 1024 * 1024;
        let len = HUNDRED_MB.to_string();
        let server = RawServer::scripted(vec![vec![
            Step::Send(head(
                200,
                &[
                    ("Content-Type", "application/x-amz-json-1.1"),
                    ("Content-Length", &len),
                ],
            )),
            Step::Zeros(HUNDRED_MB),
        ]])
        .await;
        let config = config_builder(server.url())
            .max_response_body_bytes(1024 * 1024)
            .build();
        let started = Instant::now();
        let err = describe(&memorydb::Client::new(config)).await.unwrap_err();
        assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
        assert!(
            tests::error_report(&err).contains("exceeds the limit of 1048576 bytes"),
            "{err}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            server.request_count(),
            1,
            "a body over the limit is not retried"
        );
        // Give the server a moment to notice the closed connection, then check it could not
        // push the whole body.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            server.bytes_written() < HUNDRED_MB / 2,
            "client drained {} bytes",
            server.bytes_written()
        );
    })
    .await;
}

/// The process's peak resident memory (`VmHWM`), where the platform reports it.
fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[tokio::test]
async fn chunked_body_over_the_limit_is_cut_at_the_limit() {
    bounded(HARD_LIMIT, async {
        const HUNDRED_MB: u64 = 100 * 1024 * 1024;
        const LIMIT: usize = 1024 * 1024;
        let server = RawServer::scripted(vec![vec![
            Step::Send(head(
                200,
                &[
                    ("Content-Type", "application/x-amz-json-1.1"),
                    ("Transfer-Encoding", "chunked"),
                ],
            )),
            Step::ChunkedZeros(HUNDRED_MB),
        ]])
        .await;
        let config = config_builder(server.url())
            .max_response_body_bytes(LIMIT)
            .build();
        let peak_before = peak_memory_bytes();
        let started = Instant::now();
        let err = describe(&memorydb::Client::new(config)).await.unwrap_err();
        assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
        assert!(
            tests::error_report(&err).contains("exceeds the limit of 1048576 bytes"),
            "{err}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(server.request_count(), 1);
        // The process's peak memory grew by far less than the 100 MB sent (other tests of
        // this file run alongside, so the bound is generous).
        if let (Some(before), Some(after)) = (peak_before, peak_memory_bytes()) {
            assert!(
                after.saturating_sub(before) < 64 * 1024 * 1024,
                "peak memory grew from {before} to {after} bytes"
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        // The client stops reading at the limit; what the server managed to write beyond it
        // sits in socket buffers (a few MiB on loopback), never 100 MB.
        let written = server.bytes_written();
        assert!(written >= LIMIT as u64, "{written}");
        assert!(written < 32 * 1024 * 1024, "client drained {written} bytes");
    })
    .await;
}

#[tokio::test]
async fn chunked_body_over_the_default_limit_fails() {
    bounded(HARD_LIMIT, async {
        const HUNDRED_MB: u64 = 100 * 1024 * 1024;
        let server = RawServer::scripted(vec![vec![
            Step::Send(head(200, &[("Transfer-Encoding", "chunked")])),
            Step::ChunkedZeros(HUNDRED_MB),
        ]])
        .await;
        let err = describe(&client(server.url())).await.unwrap_err();
        assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
        let limit = aws_client_runtime::config::DEFAULT_MAX_RESPONSE_BODY_BYTES;
        assert!(
            tests::error_report(&err).contains(&format!("limit of {limit} bytes")),
            "{err}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(server.bytes_written() < HUNDRED_MB / 2);
    })
    .await;
}

/// `open` `depth` times, then `leaf`, then `close` `depth` times.
fn nested(open: &str, leaf: &str, close: &str, depth: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * depth + leaf.len());
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(leaf);
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

#[tokio::test]
async fn deeply_nested_json_in_an_unknown_member_is_skipped_without_recursion() {
    bounded(HARD_LIMIT, async {
        // serde_json skips unknown members with an explicit stack, not recursion, so depth is
        // no danger there: the known members still parse.
        let body = format!(
            r#"{{"Clusters":[{{"Name":"c1","Status":"available"}}],"Extra":{}}}"#,
            nested("[", "", "]", 10_000)
        );
        let server = RawServer::scripted(vec![send(json(200, &body))]).await;
        let out = describe(&client(server.url())).await.unwrap();
        expect_ok_clusters(&out);
    })
    .await;
}

#[tokio::test]
async fn deeply_nested_json_in_a_known_member_is_a_response_error() {
    bounded(HARD_LIMIT, async {
        let body = format!(r#"{{"Clusters":{}}}"#, nested("[", "", "]", 10_000));
        let (source, count, _, _) = response_error_for(json(200, &body)).await;
        assert!(source.contains("invalid type"), "{source}");
        assert_eq!(count, 1);
    })
    .await;
}

#[tokio::test]
async fn deeply_nested_error_body_is_a_response_error() {
    bounded(HARD_LIMIT, async {
        let body = format!(
            r#"{{"__type":"InvalidClusterStateFault","detail":{}}}"#,
            nested(r#"{"a":"#, "1", "}", 10_000)
        );
        let server = RawServer::scripted(vec![send(json(400, &body))]).await;
        let err = failover(&client(server.url())).await.unwrap_err();
        let SdkError::ResponseError(e) = &err else {
            panic!("{err:?}");
        };
        assert!(
            e.source.to_string().contains("recursion limit exceeded"),
            "{}",
            e.source
        );
        assert_eq!(e.status, Some(400));
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn deeply_nested_recursive_shape_hits_the_recursion_limit_not_the_stack() {
    bounded(HARD_LIMIT, async {
        // `TreeNode.Parent` is a recursive member: 10,000 levels would overflow the stack
        // without serde_json's recursion limit (128).
        let body = format!(
            r#"{{"Root":{}}}"#,
            nested(r#"{"Parent":"#, "{}", "}", 10_000)
        );
        let server = RawServer::scripted(vec![send(response(
            200,
            &[("Content-Type", "application/x-amz-json-1.0")],
            body.as_bytes(),
        ))])
        .await;
        let config = config_builder(server.url()).build();
        let client = fixture_recursive::Client::new(config);
        let err = client.op().send().await.unwrap_err();
        let SdkError::ResponseError(e) = &err else {
            panic!("{err:?}");
        };
        assert!(
            e.source.to_string().contains("recursion limit exceeded"),
            "{}",
            e.source
        );

        // Depth just within the limit (the outer object counts too) parses and drops fine.
        const DEPTH: usize = 120;
        let body = format!(
            r#"{{"Root":{}}}"#,
            nested(
                r#"{"Name":"n","Parent":"#,
                r#"{"Name":"leaf"}"#,
                "}",
                DEPTH - 1
            )
        );
        let server = RawServer::scripted(vec![send(response(200, &[], body.as_bytes()))]).await;
        let client = fixture_recursive::Client::new(config_builder(server.url()).build());
        let out = client.op().send().await.unwrap();
        let mut depth = 0;
        let mut node = out.root();
        while let Some(n) = node {
            depth += 1;
            node = n.parent();
        }
        assert_eq!(depth, DEPTH);
    })
    .await;
}

#[tokio::test]
async fn duplicate_keys_in_an_output_are_a_response_error() {
    bounded(HARD_LIMIT, async {
        // Two values for one member are ambiguous; the derived deserializer refuses them
        // rather than silently picking one.
        let (source, count, _, _) =
            response_error_for(json(200, r#"{"Clusters":[{"Name":"c1","Name":"c2"}]}"#)).await;
        assert!(source.contains("duplicate field `Name`"), "{source}");
        assert_eq!(count, 1);
        let (source, _, _, _) =
            response_error_for(json(200, r#"{"Clusters":[],"Clusters":[{"Name":"c2"}]}"#)).await;
        assert!(source.contains("duplicate field `Clusters`"), "{source}");
    })
    .await;
}

#[tokio::test]
async fn duplicate_keys_in_an_error_body_take_the_last_value() {
    bounded(HARD_LIMIT, async {
        // Error bodies are read as a JSON map, where a repeated key keeps the last value.
        let server = RawServer::scripted(vec![send(json(
            400,
            r#"{"__type":"ClusterNotFoundFault","__type":"InvalidClusterStateFault","message":"x"}"#,
        ))])
        .await;
        let err = failover(&client(server.url())).await.unwrap_err();
        assert_eq!(err.code(), Some("InvalidClusterStateFault"), "{err:?}");
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn content_type_is_not_checked() {
    bounded(HARD_LIMIT, async {
        // awsJson responses are read by status and body; a wrong or missing content type
        // does not change the outcome.
        for headers in [
            vec![("Content-Type", "text/plain")],
            vec![("Content-Type", "application/xml")],
            vec![],
        ] {
            let server =
                RawServer::scripted(vec![send(response(200, &headers, OK_CLUSTERS.as_bytes()))])
                    .await;
            let out = describe(&client(server.url())).await.unwrap();
            expect_ok_clusters(&out);
        }
        let server = RawServer::scripted(vec![send(response(
            400,
            &[("Content-Type", "text/html")],
            br#"{"__type":"ClusterNotFoundFault","message":"none"}"#,
        ))])
        .await;
        let err = describe(&client(server.url())).await.unwrap_err();
        assert_eq!(err.code(), Some("ClusterNotFoundFault"));
    })
    .await;
}

#[tokio::test]
async fn empty_2xx_body_is_an_empty_output() {
    bounded(HARD_LIMIT, async {
        let server = RawServer::scripted(vec![send(response(200, &[], b""))]).await;
        let out = describe(&client(server.url())).await.unwrap();
        assert!(out.clusters().is_empty());
        assert_eq!(out.next_token(), None);
    })
    .await;
}

#[tokio::test]
async fn invalid_utf8_in_a_string_is_a_response_error() {
    bounded(HARD_LIMIT, async {
        let mut body = br#"{"Clusters":[{"Name":"c"#.to_vec();
        body.extend_from_slice(&[0xff, 0xfe]);
        body.extend_from_slice(br#""}]}"#);
        let (source, count, _, snippet) = response_error_for(response(
            200,
            &[("Content-Type", "application/x-amz-json-1.1")],
            &body,
        ))
        .await;
        assert!(
            source.contains("invalid unicode") || source.contains("UTF-8"),
            "{source}"
        );
        assert!(snippet.contains('\u{FFFD}'), "lossy snippet: {snippet}");
        assert_eq!(count, 1);

        // The same in an error body: not JSON, so a response error too, not resent.
        let mut body = br#"{"__type":"InvalidClusterStateFault","message":""#.to_vec();
        body.extend_from_slice(&[0xc3, 0x28]);
        body.extend_from_slice(br#""}"#);
        let server = RawServer::scripted(vec![send(response(400, &[], &body))]).await;
        let err = failover(&client(server.url())).await.unwrap_err();
        assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn lone_surrogate_escape_is_a_response_error() {
    bounded(HARD_LIMIT, async {
        let (source, _, _, _) =
            response_error_for(json(200, r#"{"Clusters":[{"Name":"\ud800"}]}"#)).await;
        // serde_json reports the unpaired high surrogate as an incomplete escape.
        assert!(
            source.contains("escape") || source.contains("surrogate"),
            "{source}"
        );
    })
    .await;
}
