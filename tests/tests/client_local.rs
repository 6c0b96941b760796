//! The generated `memorydb::Client` end to end against a stub HTTP server on 127.0.0.1:0:
//! request shape, SigV4 (recomputed by the server), typed outputs and faults, retries,
//! timeouts, input validation, pagination and credential errors.
//!
//! Every test is bounded: each body runs under a 20 s limit, backoffs are milliseconds,
//! attempt timeouts are at most 300 ms, and every scripted failure is finite.

use std::future::Future;
use std::time::{Duration, Instant};

use aws_client_runtime::credentials::Env;
use aws_client_runtime::sigv4::{
    calculate_signature, canonical_request, credential_scope, parse_authorization, string_to_sign,
    SignableRequest, SigningSettings,
};
use memorydb::config::{Credentials, DefaultCredentialsChain, RetryConfig, TimeoutConfig};
use memorydb::error::{ProvideErrorMetadata, SdkError};
use memorydb::operation::describe_clusters::DescribeClustersError;
use memorydb::operation::failover_shard::FailoverShardError;
use serde_json::{json, Value};
use tests::stub_server::{Reply, Request, Response, StubServer};

const ACCESS_KEY: &str = "AKIDLOCALTEST";
const SECRET: &str = "local/secret+key";
const REGION: &str = "us-east-1";
const JSON_11: &str = "application/x-amz-json-1.1";

/// Runs a test body under a time limit, so no test can hang.
async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(20), body)
        .await
        .expect("test exceeded its 20 s bound");
}

/// A config for `url` with static credentials, fast retries and short timeouts.
fn config_builder(url: &str, secret: &str) -> memorydb::config::ConfigBuilder {
    memorydb::Config::builder()
        .region(REGION)
        .endpoint_url(url)
        .credentials_provider(Credentials::new(ACCESS_KEY, secret, None, None, "test"))
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .timeout_config(
            TimeoutConfig::new()
                .with_connect_timeout(Duration::from_secs(2))
                .with_operation_attempt_timeout(Duration::from_secs(5)),
        )
}

fn client(url: &str) -> memorydb::Client {
    memorydb::Client::new(config_builder(url, SECRET).build())
}

/// Recomputes the SigV4 signature of `req` with `secret`, as a service would.
fn verify_sigv4(req: &Request, secret: &str) -> Result<(), String> {
    let header = req
        .header("authorization")
        .ok_or("no Authorization header")?;
    let auth = parse_authorization(header).map_err(|e| e.to_string())?;
    let amz_date = req.header("x-amz-date").ok_or("no X-Amz-Date header")?;
    if auth.access_key_id != ACCESS_KEY {
        return Err(format!("unknown access key {}", auth.access_key_id));
    }
    if !amz_date.starts_with(&auth.date) || auth.region != REGION || auth.service != "memorydb" {
        return Err(format!("wrong scope in {header}"));
    }
    let settings = SigningSettings {
        signed_headers: Some(auth.signed_headers.clone()),
        ..SigningSettings::default()
    };
    let signable = SignableRequest {
        method: &req.method,
        path_and_query: &req.target,
        headers: &req.headers,
        body: &req.body,
    };
    let creq = canonical_request(&signable, &settings).map_err(|e| e.to_string())?;
    let scope = credential_scope(&auth.date, &auth.region, &auth.service);
    let sts = string_to_sign(amz_date, &scope, &creq);
    let expected = calculate_signature(secret, &auth.date, &auth.region, &auth.service, &sts);
    if expected == auth.signature {
        Ok(())
    } else {
        Err("signature mismatch".into())
    }
}

/// 403 with the service's JSON error shape when the signature is wrong.
fn reject_bad_signature(req: &Request) -> Option<Reply> {
    verify_sigv4(req, SECRET).err().map(|why| {
        Response::json(
            403,
            json!({"__type": "InvalidSignatureException", "message": why}).to_string(),
        )
        .header("x-amzn-requestid", "req-403")
        .into()
    })
}

fn ok_json(body: Value) -> Reply {
    Response::json(200, body.to_string())
        .header("x-amzn-requestid", "req-ok")
        .into()
}

fn node(cluster: &str, shard: &str, n: u32) -> Value {
    let name = format!("{cluster}-{shard}-{n:03}");
    json!({
        "Name": name,
        "Status": "available",
        "AvailabilityZone": format!("us-east-1{}", ['a', 'b', 'c'][n as usize % 3]),
        "CreateTime": 1_700_000_000.5 + f64::from(n),
        "Endpoint": {"Address": format!("{name}.example"), "Port": 6379}
    })
}

fn cluster_json(name: &str, shards: u32) -> Value {
    let shards: Vec<Value> = (1..=shards)
        .map(|i| {
            let shard = format!("{i:04}");
            json!({
                "Name": shard,
                "Status": "available",
                "Slots": "0-16383",
                "Nodes": [node(name, &shard, 1), node(name, &shard, 2)],
                "NumberOfNodes": 2
            })
        })
        .collect();
    json!({
        "Name": name,
        "Status": "available",
        "NumberOfShards": shards.len(),
        "Shards": shards,
        "AvailabilityMode": "MultiAZ",
        "ClusterEndpoint": {"Address": format!("clustercfg.{name}.example"), "Port": 6379},
        "NodeType": "db.r6g.large",
        "EngineVersion": "7.1",
        "TLSEnabled": true,
        "ARN": format!("arn:aws:memorydb:us-east-1:123456789012:cluster/{name}"),
        "DataTiering": "false",
        "SomeFutureMember": {"ignored": true}
    })
}

#[tokio::test]
async fn failover_shard_sends_the_awsjson_request_and_parses_the_cluster() {
    bounded(async {
        let server = StubServer::start(|req| {
            reject_bad_signature(req)
                .unwrap_or_else(|| ok_json(json!({"Cluster": cluster_json("c", 3)})))
        })
        .await;
        let out = client(&server.url())
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect("FailoverShard succeeds");

        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        let req = &requests[0];
        assert_eq!(req.method, "POST");
        assert_eq!(req.target, "/");
        assert_eq!(req.header("content-type"), Some(JSON_11));
        assert_eq!(
            req.header("x-amz-target"),
            Some("AmazonMemoryDB.FailoverShard")
        );
        let body: Value = serde_json::from_slice(&req.body).expect("JSON body");
        assert_eq!(body, json!({"ClusterName": "c", "ShardName": "0001"}));
        let ua = req.header("user-agent").expect("user-agent");
        assert!(
            ua.starts_with(&format!("memorydb/{}", env!("CARGO_PKG_VERSION"))),
            "{ua}"
        );
        let invocation = req.header("amz-sdk-invocation-id").expect("invocation id");
        assert_eq!(invocation.len(), 36, "{invocation}");
        assert_eq!(invocation.matches('-').count(), 4, "{invocation}");
        assert_eq!(req.header("amz-sdk-request"), Some("attempt=1; max=3"));
        let auth = parse_authorization(req.header("authorization").expect("authorization"))
            .expect("SigV4 authorization");
        assert_eq!(
            auth.signed_headers,
            ["content-type", "host", "x-amz-date", "x-amz-target"]
        );
        verify_sigv4(req, SECRET).expect("the server accepts the signature");

        let cluster = out.cluster().expect("cluster in the output");
        assert_eq!(cluster.name(), Some("c"));
        assert_eq!(cluster.status(), Some("available"));
        assert_eq!(cluster.number_of_shards(), Some(3));
        assert_eq!(cluster.tls_enabled(), Some(true));
        assert_eq!(cluster.engine_version(), Some("7.1"));
        let shards = cluster.shards();
        assert_eq!(
            shards.iter().map(|s| s.name().unwrap()).collect::<Vec<_>>(),
            ["0001", "0002", "0003"]
        );
        for shard in shards {
            assert_eq!(shard.number_of_nodes(), Some(2));
            assert_eq!(shard.nodes().len(), 2);
        }
        let first = &shards[0].nodes()[0];
        assert_eq!(first.name(), Some("c-0001-001"));
        let created = first.create_time().expect("create time");
        assert_eq!(created.secs(), 1_700_000_001);
        assert_eq!(created.subsec_nanos(), 500_000_000);
        assert_eq!(
            first.endpoint().map(|e| e.port()),
            Some(6379),
            "node endpoint"
        );
        assert_eq!(
            cluster.cluster_endpoint().and_then(|e| e.address()),
            Some("clustercfg.c.example")
        );
    })
    .await;
}

#[tokio::test]
async fn a_wrong_secret_is_rejected_by_the_server() {
    bounded(async {
        let server = StubServer::start(|req| {
            reject_bad_signature(req)
                .unwrap_or_else(|| ok_json(json!({"Cluster": cluster_json("c", 1)})))
        })
        .await;
        let wrong = memorydb::Client::new(config_builder(&server.url(), "not-the-secret").build());
        let err = wrong
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect_err("a wrong signature is refused");
        assert_eq!(err.raw_status(), Some(403));
        let service = err.as_service_error().expect("a service error");
        assert!(service.is_unhandled(), "{service:?}");
        assert_eq!(service.code(), Some("InvalidSignatureException"));
        assert_eq!(service.message(), Some("signature mismatch"));
        assert_eq!(service.request_id(), Some("req-403"));
        assert_eq!(server.request_count(), 1, "a 403 is not retried");

        // The same server accepts the right secret.
        client(&server.url())
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect("the right secret is accepted");
    })
    .await;
}

/// Recognises one variant of [`FailoverShardError`].
type IsVariant = fn(&FailoverShardError) -> bool;

/// The eight FailoverShard faults, with the predicate that recognises each variant.
fn failover_faults() -> Vec<(&'static str, IsVariant)> {
    vec![
        (
            "APICallRateForCustomerExceededFault",
            FailoverShardError::is_api_call_rate_for_customer_exceeded_fault,
        ),
        (
            "ClusterNotFoundFault",
            FailoverShardError::is_cluster_not_found_fault,
        ),
        (
            "InvalidClusterStateFault",
            FailoverShardError::is_invalid_cluster_state_fault,
        ),
        (
            "InvalidKMSKeyFault",
            FailoverShardError::is_invalid_kms_key_fault,
        ),
        (
            "InvalidParameterCombinationException",
            FailoverShardError::is_invalid_parameter_combination_exception,
        ),
        (
            "InvalidParameterValueException",
            FailoverShardError::is_invalid_parameter_value_exception,
        ),
        (
            "ShardNotFoundFault",
            FailoverShardError::is_shard_not_found_fault,
        ),
        (
            "TestFailoverNotAvailableFault",
            FailoverShardError::is_test_failover_not_available_fault,
        ),
    ]
}

async fn check_fault(code: &str, is_variant: IsVariant, via_header: bool) {
    let message = format!("{code} happened");
    let request_id = format!("rid-{code}");
    let response = if via_header {
        Response::json(400, json!({"message": message}).to_string()).header(
            "x-amzn-errortype",
            format!("{code}:http://internal.example/"),
        )
    } else {
        Response::json(
            400,
            json!({"__type": format!("com.amazonaws.memorydb#{code}"), "message": message})
                .to_string(),
        )
    }
    .header("x-amzn-requestid", request_id.clone());
    let server = StubServer::scripted(vec![response.into()]).await;
    let err = client(&server.url())
        .failover_shard()
        .cluster_name("c")
        .shard_name("0001")
        .send()
        .await
        .expect_err("a fault");
    // Each level of the chain says its own part: the fault's message appears once, through
    // the operation's error enum and through the crate-level error alike.
    let report = tests::error_report(&err);
    assert_eq!(report.matches(&message).count(), 1, "{report}");
    let crate_level = memorydb::Error::from(
        client(&server.url())
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect_err("a fault"),
    );
    let report = tests::error_report(&crate_level);
    assert_eq!(report.matches(&message).count(), 1, "{report}");
    assert_eq!(err.raw_status(), Some(400), "{code}");
    assert_eq!(err.code(), Some(code));
    assert_eq!(err.request_id(), Some(request_id.as_str()));
    let fault = err.into_service_error().expect("a service error");
    assert!(
        is_variant(&fault),
        "{code} (header: {via_header}) -> {fault:?}"
    );
    assert!(!fault.is_unhandled());
    assert_eq!(fault.code(), Some(code));
    assert_eq!(fault.message(), Some(message.as_str()));
    assert_eq!(fault.request_id(), Some(request_id.as_str()));
    assert_eq!(fault.meta().status(), Some(400));
    assert_eq!(fault.to_string(), format!("{code}: {message}"));
    assert_eq!(
        server.request_count(),
        2,
        "{code}: a modelled fault is not retried (two calls, one request each)"
    );
}

#[tokio::test]
async fn every_failover_fault_maps_to_its_variant_via_type() {
    bounded(async {
        for (code, is_variant) in failover_faults() {
            check_fault(code, is_variant, false).await;
        }
    })
    .await;
}

#[tokio::test]
async fn every_failover_fault_maps_to_its_variant_via_errortype_header() {
    bounded(async {
        for (code, is_variant) in failover_faults() {
            check_fault(code, is_variant, true).await;
        }
    })
    .await;
}

#[tokio::test]
async fn an_unknown_code_is_unhandled_with_its_metadata() {
    bounded(async {
        let server = StubServer::scripted(vec![Response::json(
            409,
            r#"{"__type":"com.amazonaws.memorydb#BrandNewFault","Message":"something new"}"#,
        )
        .header("x-amzn-requestid", "rid-new")
        .into()])
        .await;
        let err = client(&server.url())
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect_err("an error");
        assert_eq!(err.raw_status(), Some(409));
        let fault = err.into_service_error().expect("a service error");
        let FailoverShardError::Unhandled(unhandled) = &fault else {
            panic!("expected Unhandled, got {fault:?}");
        };
        let meta = unhandled.meta();
        assert_eq!(meta.code(), Some("BrandNewFault"));
        assert_eq!(meta.message(), Some("something new"));
        assert_eq!(meta.status(), Some(409));
        assert_eq!(meta.request_id(), Some("rid-new"));
        assert_eq!(fault.message(), Some("something new"));
        let text = fault.to_string();
        assert!(
            text.contains("BrandNewFault") && text.contains("409") && text.contains("rid-new"),
            "{text}"
        );
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_non_json_500_is_a_response_error_with_status_and_snippet() {
    bounded(async {
        let html = "<!doctype html><html><title>500 Internal Server Error</title></html>";
        let server = StubServer::scripted(vec![Response::new(500)
            .header("content-type", "text/html")
            .header("x-amzn-requestid", "rid-500")
            .body(html)
            .into()])
        .await;
        let err = client(&server.url())
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect_err("an error");
        let SdkError::ResponseError(response) = &err else {
            panic!("expected ResponseError, got {err:?}");
        };
        assert_eq!(response.status, Some(500));
        assert_eq!(response.request_id.as_deref(), Some("rid-500"));
        assert!(
            response.snippet.contains("500 Internal Server Error"),
            "{}",
            response.snippet
        );
        assert_eq!(err.raw_status(), Some(500));
        let text = tests::error_report(&err);
        assert!(
            text.contains("500") && text.contains("<!doctype html>"),
            "{text}"
        );
        // A 500 is transient: every attempt was made.
        assert_eq!(server.request_count(), 3);
    })
    .await;
}

#[tokio::test]
async fn two_503s_then_success_on_the_third_attempt() {
    bounded(async {
        let unavailable: Reply = Response::json(503, r#"{"__type":"ServiceUnavailable"}"#).into();
        let server = StubServer::start(move |req| {
            if let Some(reject) = reject_bad_signature(req) {
                return reject;
            }
            if req.index < 2 {
                unavailable.clone()
            } else {
                ok_json(json!({"Cluster": cluster_json("c", 1)}))
            }
        })
        .await;
        let out = client(&server.url())
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect("the third attempt succeeds");
        assert_eq!(out.cluster().and_then(|c| c.name()), Some("c"));
        let requests = server.requests();
        let attempts: Vec<_> = requests
            .iter()
            .map(|r| r.header("amz-sdk-request").unwrap_or_default())
            .collect();
        assert_eq!(
            attempts,
            ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]
        );
        let ids: Vec<_> = requests
            .iter()
            .map(|r| r.header("amz-sdk-invocation-id").unwrap_or_default())
            .collect();
        assert!(
            ids.iter().all(|id| *id == ids[0] && !id.is_empty()),
            "{ids:?}"
        );
        for req in &requests {
            verify_sigv4(req, SECRET).expect("every attempt is signed");
            assert_eq!(req.body, requests[0].body);
        }
    })
    .await;
}

#[tokio::test]
async fn a_modelled_fault_is_not_retried() {
    bounded(async {
        let server = StubServer::scripted(vec![
            Response::json(
                400,
                r#"{"__type":"InvalidClusterStateFault","message":"cluster is updating"}"#,
            )
            .into(),
            Response::json(200, r#"{"Cluster":{"Name":"c"}}"#).into(),
        ])
        .await;
        let err = client(&server.url())
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect_err("the fault is returned");
        assert!(
            err.as_service_error()
                .is_some_and(FailoverShardError::is_invalid_cluster_state_fault),
            "{err:?}"
        );
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_attempt_timeout_fires_against_a_silent_server() {
    bounded(async {
        let server = StubServer::scripted(vec![Reply::Hang]).await;
        let config = config_builder(&server.url(), SECRET)
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(2)
                    .with_initial_backoff(Duration::from_millis(5))
                    .with_max_backoff(Duration::from_millis(10)),
            )
            .timeout_config(
                TimeoutConfig::new()
                    .with_connect_timeout(Duration::from_secs(1))
                    .with_operation_attempt_timeout(Duration::from_millis(200)),
            )
            .build();
        let started = Instant::now();
        let err = memorydb::Client::new(config)
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect_err("times out");
        let elapsed = started.elapsed();
        let SdkError::TimeoutError(timeout) = &err else {
            panic!("expected TimeoutError, got {err:?}");
        };
        assert!(
            timeout.message.contains("attempt timeout"),
            "{}",
            timeout.message
        );
        assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
        // A timed-out attempt is retried once more, then the call gives up.
        assert_eq!(server.request_count(), 2);

        // The whole-operation timeout bounds all attempts together.
        let config = config_builder(&server.url(), SECRET)
            .timeout_config(TimeoutConfig::new().with_operation_timeout(Duration::from_millis(250)))
            .build();
        let err = memorydb::Client::new(config)
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect_err("times out");
        assert!(
            matches!(&err, SdkError::TimeoutError(t) if t.message.contains("operation timeout")),
            "{err:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_missing_required_member_fails_before_sending() {
    bounded(async {
        let server = StubServer::scripted(vec![ok_json(json!({}))]).await;
        let client = client(&server.url());
        let cases = [
            (client.failover_shard().cluster_name("c"), "shard_name"),
            (client.failover_shard().shard_name("0001"), "cluster_name"),
            (client.failover_shard(), "cluster_name"),
        ];
        for (builder, missing) in cases {
            let err = builder.send().await.expect_err("construction fails");
            let SdkError::ConstructionFailure(failure) = &err else {
                panic!("expected ConstructionFailure, got {err:?}");
            };
            let build = failure
                .source
                .downcast_ref::<memorydb::error::BuildError>()
                .expect("the source is a BuildError");
            assert_eq!(build.missing(), Some(missing));
            assert!(tests::error_report(&err).contains(missing), "{err}");
        }
        assert_eq!(server.request_count(), 0, "nothing was sent");
    })
    .await;
}

/// A DescribeClusters server with three pages chained by NextToken.
async fn paging_server() -> StubServer {
    StubServer::start(|req| {
        if let Some(reject) = reject_bad_signature(req) {
            return reject;
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        if req.header("x-amz-target") != Some("AmazonMemoryDB.DescribeClusters")
            || body["ShowShardDetails"] != json!(true)
            || body["MaxResults"] != json!(2)
        {
            return Response::json(400, r#"{"__type":"InvalidParameterValueException"}"#).into();
        }
        let (names, next): (&[&str], Option<&str>) = match body["NextToken"].as_str() {
            None => (&["a", "b"], Some("t1")),
            Some("t1") => (&["c", "d"], Some("t2")),
            Some("t2") => (&["e"], None),
            Some(_) => {
                return Response::json(400, r#"{"__type":"InvalidParameterValueException"}"#).into()
            }
        };
        let clusters: Vec<Value> = names.iter().map(|n| cluster_json(n, 1)).collect();
        let mut page = json!({"Clusters": clusters});
        if let Some(token) = next {
            page["NextToken"] = json!(token);
        }
        ok_json(page)
    })
    .await
}

fn sent_tokens(server: &StubServer) -> Vec<Option<String>> {
    server
        .requests()
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).expect("JSON body");
            body["NextToken"].as_str().map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn describe_clusters_paginator_walks_three_pages() {
    bounded(async {
        let server = paging_server().await;
        let client = client(&server.url());
        let mut pages = client
            .describe_clusters()
            .show_shard_details(true)
            .into_paginator()
            .page_size(2)
            .send();
        let mut seen = Vec::new();
        // Bounded: the server has three pages; a fourth would be a bug.
        for _ in 0..4 {
            let Some(page) = pages.next().await else {
                break;
            };
            let page = page.expect("page");
            seen.push(
                page.clusters()
                    .iter()
                    .map(|c| c.name().unwrap_or_default().to_owned())
                    .collect::<Vec<_>>(),
            );
        }
        assert_eq!(seen, [vec!["a", "b"], vec!["c", "d"], vec!["e"]]);
        assert_eq!(
            sent_tokens(&server),
            [None, Some("t1".into()), Some("t2".into())]
        );

        let server = paging_server().await;
        let client = self::client(&server.url());
        let items = client
            .describe_clusters()
            .show_shard_details(true)
            .into_paginator()
            .page_size(2)
            .items()
            .try_collect()
            .await
            .expect("items");
        let names: Vec<_> = items.iter().map(|c| c.name().unwrap_or_default()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e"]);
        assert!(items.iter().all(|c| c.shards().len() == 1));
        assert_eq!(server.request_count(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_paginator_stops_at_the_first_error() {
    bounded(async {
        let server = StubServer::start(|req| {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            match body["NextToken"].as_str() {
                None => ok_json(json!({"Clusters": [cluster_json("a", 1)], "NextToken": "t1"})),
                Some(_) => {
                    Response::json(400, r#"{"__type":"ClusterNotFoundFault","message":"gone"}"#)
                        .into()
                }
            }
        })
        .await;
        let results: Vec<_> = {
            let mut stream = client(&server.url())
                .describe_clusters()
                .into_paginator()
                .items();
            let mut out = Vec::new();
            for _ in 0..5 {
                match stream.next().await {
                    Some(item) => out.push(item),
                    None => break,
                }
            }
            out
        };
        assert_eq!(results.len(), 2, "{results:?}");
        assert_eq!(results[0].as_ref().ok().and_then(|c| c.name()), Some("a"));
        let err = results[1].as_ref().expect_err("the second page fails");
        assert!(
            err.as_service_error()
                .is_some_and(DescribeClustersError::is_cluster_not_found_fault),
            "{err:?}"
        );
        assert_eq!(server.request_count(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_credentials_error_says_where_it_looked() {
    bounded(async {
        let server = StubServer::scripted(vec![ok_json(json!({}))]).await;
        let dir = std::env::temp_dir().join("awsjson-client-local-no-such-dir");
        let credentials = dir.join("credentials");
        let config_file = dir.join("config");
        let env = Env::from_vars([
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                credentials.to_string_lossy().into_owned(),
            ),
            (
                "AWS_CONFIG_FILE",
                config_file.to_string_lossy().into_owned(),
            ),
        ]);
        let chain = DefaultCredentialsChain::with_env(env).home_dir(&dir);
        let config = config_builder(&server.url(), SECRET)
            .credentials_provider(chain)
            .build();
        let err = memorydb::Client::new(config)
            .failover_shard()
            .cluster_name("c")
            .shard_name("0001")
            .send()
            .await
            .expect_err("no credentials");
        assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
        let text = tests::error_report(&err);
        eprintln!("{text}");
        for needle in [
            "credentials",
            "AWS_ACCESS_KEY_ID",
            "environment",
            &credentials.to_string_lossy(),
        ] {
            assert!(text.contains(needle), "`{needle}` missing from: {text}");
        }
        assert_eq!(server.request_count(), 0);
        // The provider's error stays typed along the chain, for callers that inspect it.
        let typed = std::iter::successors(Some(&err as &(dyn std::error::Error + 'static)), |e| {
            e.source()
        })
        .find_map(|e| e.downcast_ref::<memorydb::config::CredentialsError>());
        assert!(typed.is_some_and(|e| e.is_not_loaded()), "{text}");

        // A provider of the user's own that fails: its message is passed on.
        #[derive(Debug)]
        struct Broken;
        impl memorydb::config::ProvideCredentials for Broken {
            fn provide_credentials(
                &self,
            ) -> aws_client_runtime::credentials::ProvideCredentialsFuture<'_> {
                Box::pin(async {
                    Err(memorydb::config::CredentialsError::provider_error(
                        "vault at http://vault.invalid refused the token",
                        None,
                    ))
                })
            }
        }
        let config = config_builder(&server.url(), SECRET)
            .credentials_provider(Broken)
            .build();
        let err = memorydb::Client::new(config)
            .describe_clusters()
            .send()
            .await
            .expect_err("provider fails");
        assert!(
            tests::error_report(&err).contains("vault at http://vault.invalid"),
            "{err}"
        );
        assert_eq!(server.request_count(), 0);
    })
    .await;
}

#[tokio::test]
async fn clones_of_a_client_share_one_configuration() {
    bounded(async {
        let server = StubServer::scripted(vec![ok_json(json!({"Clusters": []}))]).await;
        let client = client(&server.url());
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.describe_clusters().send().await })
            })
            .collect();
        for task in tasks {
            let out = task.await.expect("task").expect("call");
            assert!(out.clusters().is_empty());
        }
        assert_eq!(server.request_count(), 3);
        assert_eq!(client.config().region().map(|r| r.as_ref()), Some(REGION));
    })
    .await;
}

#[tokio::test]
async fn an_endpoint_path_and_a_session_token_are_signed() {
    bounded(async {
        let server = StubServer::start(|req| {
            reject_bad_signature(req).unwrap_or_else(|| ok_json(json!({"Clusters": []})))
        })
        .await;
        let config = config_builder(&format!("{}/memorydb/", server.url()), SECRET)
            .credentials_provider(Credentials::new(
                ACCESS_KEY,
                SECRET,
                Some("session-token/with+chars".into()),
                None,
                "test",
            ))
            .build();
        memorydb::Client::new(config)
            .describe_clusters()
            .send()
            .await
            .expect("signed with the session token");
        let req = &server.requests()[0];
        assert_eq!(req.target, "/memorydb/");
        assert_eq!(
            req.header("x-amz-security-token"),
            Some("session-token/with+chars")
        );
        let auth = parse_authorization(req.header("authorization").unwrap_or_default())
            .expect("authorization");
        assert!(
            auth.signed_headers
                .contains(&"x-amz-security-token".to_owned()),
            "{:?}",
            auth.signed_headers
        );
        assert_eq!(req.body, b"{}");
    })
    .await;
}
