//! The HTTP boundary through the generated client: a custom `HttpClient` replaces the network
//! and sees exactly what the orchestrator sends; the body size cap applies to any transport's
//! streamed body; connector error kinds decide retries; one `HyperClient` shared by two
//! clients uses one connection pool.
//!
//! Every test is bounded: bodies run under a 20 s limit, backoffs are milliseconds, and every
//! scripted reply list is finite.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
use http_body::Frame;
use http_body_util::StreamBody;
use memorydb::config::transport::{
    ConnectorError, HttpClient, HttpFuture, HttpRequest, HttpResponse, HttpSettings, HyperClient,
    ResponseBody,
};
use memorydb::config::{Credentials, RetryConfig, TimeoutConfig};
use memorydb::error::SdkError;
use serde_json::json;
use tests::stub_server::{Response, StubServer};

/// Runs a test body under a time limit, so no test can hang.
async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(20), body)
        .await
        .expect("test exceeded its 20 s bound");
}

/// What a scripted transport answers to one request.
enum Answer {
    Status(u16, &'static str),
    Fail(fn() -> ConnectorError),
    Body(ResponseBody),
}

/// An in-memory transport: answers from a script, records what it was asked.
#[derive(Debug, Clone, Default)]
struct Scripted {
    answers: Arc<Mutex<VecDeque<Answer>>>,
    seen: Arc<Mutex<Vec<(HttpRequest, HttpSettings)>>>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Answer")
    }
}

impl Scripted {
    fn new(answers: Vec<Answer>) -> Self {
        Self {
            answers: Arc::new(Mutex::new(answers.into())),
            seen: Arc::default(),
        }
    }
    fn seen(&self) -> Vec<(HttpRequest, HttpSettings)> {
        self.seen.lock().unwrap().clone()
    }
}

impl HttpClient for Scripted {
    fn call(&self, request: HttpRequest, settings: &HttpSettings) -> HttpFuture<'_> {
        self.seen.lock().unwrap().push((request, settings.clone()));
        let answer = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("the script has an answer for every request");
        Box::pin(async move {
            match answer {
                Answer::Status(status, body) => Ok(http::Response::builder()
                    .status(status)
                    .header("x-amzn-requestid", "req-scripted")
                    .body(ResponseBody::from(body))
                    .unwrap()),
                Answer::Fail(error) => Err(error()),
                Answer::Body(body) => Ok(HttpResponse::new(body)),
            }
        })
    }
}

fn client_with(transport: impl HttpClient + 'static, max_attempts: u32) -> memorydb::Client {
    let config = memorydb::Config::builder()
        .region("us-east-1")
        .credentials_provider(Credentials::new(
            "AKIDTRANSPORT",
            "secret",
            None,
            None,
            "test",
        ))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(max_attempts)
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5)),
        )
        .timeout_config(TimeoutConfig::new().with_connect_timeout(Duration::from_millis(1234)))
        .max_response_body_bytes(10 * 1024)
        .http_client(transport)
        .build();
    memorydb::Client::new(config)
}

/// FailoverShard of shard `0001` of cluster `c1`.
async fn failover(
    client: &memorydb::Client,
) -> Result<
    memorydb::operation::failover_shard::FailoverShardOutput,
    SdkError<memorydb::operation::failover_shard::FailoverShardError>,
> {
    client
        .failover_shard()
        .cluster_name("c1")
        .shard_name("0001")
        .send()
        .await
}

const FAILED_OVER: &str = r#"{"Cluster":{"Name":"c1","Status":"failing-over"}}"#;

#[tokio::test]
async fn a_custom_transport_carries_every_attempt_of_a_signed_request() {
    bounded(async {
        let transport = Scripted::new(vec![
            Answer::Status(503, ""),
            Answer::Status(200, FAILED_OVER),
        ]);
        let out = failover(&client_with(transport.clone(), 3))
            .await
            .expect("the second attempt succeeds");
        assert_eq!(out.cluster().and_then(|c| c.status()), Some("failing-over"));

        let seen = transport.seen();
        assert_eq!(seen.len(), 2, "a 503 is retried once");
        for (i, (request, settings)) in seen.iter().enumerate() {
            assert_eq!(request.method(), http::Method::POST);
            // No endpoint override: the rule set resolves the regional https endpoint.
            assert_eq!(
                request.uri().to_string(),
                "https://memory-db.us-east-1.amazonaws.com/"
            );
            let header = |name: &str| request.headers().get(name).unwrap().to_str().unwrap();
            assert_eq!(header("x-amz-target"), "AmazonMemoryDB.FailoverShard");
            assert_eq!(header("content-type"), "application/x-amz-json-1.1");
            assert_eq!(header("host"), "memory-db.us-east-1.amazonaws.com");
            assert!(
                header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDTRANSPORT/")
            );
            assert_eq!(
                header("amz-sdk-request"),
                format!("attempt={}; max=3", i + 1)
            );
            let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
            assert_eq!(body, json!({"ClusterName": "c1", "ShardName": "0001"}));
            assert_eq!(settings.connect_timeout, Some(Duration::from_millis(1234)));
        }
    })
    .await;
}

#[tokio::test]
async fn a_streamed_body_over_the_cap_stops_being_read() {
    bounded(async {
        let pulled = Arc::new(AtomicUsize::new(0));
        let counter = pulled.clone();
        // 1,000 chunks of 1 KiB, produced only when the reader asks for them.
        let chunks = futures_util::stream::iter(0..1000).map(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<_, std::io::Error>(Frame::data(Bytes::from(vec![b' '; 1024])))
        });
        let transport = Scripted::new(vec![Answer::Body(ResponseBody::from_body(
            StreamBody::new(chunks),
        ))]);
        let err = failover(&client_with(transport, 3))
            .await
            .expect_err("the body passes the 10 KiB cap");
        let SdkError::ResponseError(e) = &err else {
            panic!("expected a response error, got {err:?}");
        };
        assert!(
            e.source
                .to_string()
                .contains("exceeds the limit of 10240 bytes"),
            "{e:?}"
        );
        let pulled = pulled.load(Ordering::SeqCst);
        assert!(
            pulled <= 11,
            "read {pulled} chunks of a body capped at 10 of them"
        );
    })
    .await;
}

#[tokio::test]
async fn connector_error_kinds_decide_the_retry() {
    bounded(async {
        // I/O: the outcome is unknown, so every allowed attempt is made.
        let io = Scripted::new(vec![
            Answer::Fail(|| ConnectorError::io("connection reset")),
            Answer::Fail(|| ConnectorError::io("connection reset")),
            Answer::Fail(|| ConnectorError::io("connection reset")),
        ]);
        let err = failover(&client_with(io.clone(), 3)).await.unwrap_err();
        assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
        assert_eq!(io.seen().len(), 3);

        // Connect timeout: a timeout error, retried.
        let timeout = Scripted::new(vec![
            Answer::Fail(|| ConnectorError::timeout("no connection")),
            Answer::Status(200, FAILED_OVER),
        ]);
        failover(&client_with(timeout.clone(), 3))
            .await
            .expect("retried after a connect timeout");
        assert_eq!(timeout.seen().len(), 2);

        // Refused before sending: never retried.
        let user = Scripted::new(vec![Answer::Fail(|| ConnectorError::user("bad header"))]);
        let err = failover(&client_with(user.clone(), 3)).await.unwrap_err();
        assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
        assert_eq!(user.seen().len(), 1);
    })
    .await;
}

fn local_client(url: &str, http: Option<HyperClient>) -> memorydb::Client {
    let builder = memorydb::Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials_provider(Credentials::new("AKIDLOCAL", "secret", None, None, "test"));
    let builder = match http {
        Some(http) => builder.http_client(http),
        None => builder,
    };
    memorydb::Client::new(builder.build())
}

#[tokio::test]
async fn one_hyper_client_shared_by_two_clients_uses_one_connection() {
    bounded(async {
        let answer = || Response::json(200, FAILED_OVER).into();
        let shared_server = StubServer::start(move |_| answer()).await;
        let http = HyperClient::new();
        let first = local_client(&shared_server.url(), Some(http.clone()));
        let second = local_client(&shared_server.url(), Some(http.clone()));
        for client in [&first, &second, &first] {
            failover(client).await.unwrap();
        }
        assert_eq!(shared_server.request_count(), 3);
        assert_eq!(
            shared_server.connection_count(),
            1,
            "one pool, one connection"
        );

        // The control: clients with their own default transport each open a connection.
        let separate_server = StubServer::start(move |_| answer()).await;
        let first = local_client(&separate_server.url(), None);
        let second = local_client(&separate_server.url(), None);
        for client in [&first, &second] {
            failover(client).await.unwrap();
        }
        assert_eq!(separate_server.connection_count(), 2);
    })
    .await;
}

#[tokio::test]
async fn clients_made_from_one_loaded_config_share_its_pool() {
    bounded(async {
        let server = StubServer::start(|_| Response::json(200, FAILED_OVER).into()).await;
        let env = aws_client_runtime::credentials::Env::from_vars([
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDLOADED"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_ENDPOINT_URL", server.url().as_str()),
        ]);
        let home = std::env::temp_dir().join("aws-client-transport-no-such-home");
        let config = memorydb::config::ConfigLoader::default()
            .env(env)
            .home_dir(home)
            .try_load()
            .await
            .expect("a valid environment");
        assert!(config.http_client().is_some());
        let first = memorydb::Client::new(config.clone());
        let second = memorydb::Client::new(config);
        for client in [&first, &second] {
            failover(client).await.unwrap();
        }
        assert_eq!(server.request_count(), 2);
        assert_eq!(server.connection_count(), 1);
    })
    .await;
}
