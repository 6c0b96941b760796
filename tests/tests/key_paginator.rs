//! Paginators whose token is a map of key attributes (as DynamoDB's `Query` and `Scan` use),
//! through a generated fixture client against a local server.

use std::time::Duration;

use aws_client_runtime::credentials::Credentials;
use fixture_key_pages::{Client, Config};
use serde_json::{json, Value};
use tests::stub_server::{Reply, Response, StubServer};

fn client(url: &str) -> Client {
    Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url(url)
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .build(),
    )
}

/// Three pages; the key of each page names the next one, the last page has no key.
async fn key_server() -> StubServer {
    StubServer::start(|request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let page = match body["StartKey"]["id"].as_str() {
            None => json!({"Items": ["a", "b"], "LastKey": {"id": "k1", "sort": "x"}}),
            Some("k1") => json!({"Items": ["c"], "LastKey": {"id": "k2", "sort": "y"}}),
            Some(_) => json!({"Items": ["d"], "LastKey": {}}),
        };
        Reply::Respond(Response::json(200, page.to_string()))
    })
    .await
}

#[tokio::test]
async fn map_tokens_walk_every_page_and_stop_at_an_empty_key() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let server = key_server().await;
        let items = client(&server.url())
            .op()
            .into_paginator()
            .page_size(2)
            .items()
            .try_collect()
            .await
            .expect("items");
        assert_eq!(items, ["a", "b", "c", "d"]);
        let sent: Vec<Value> = server
            .requests()
            .iter()
            .map(|r| serde_json::from_slice(&r.body).expect("json body"))
            .collect();
        assert_eq!(
            sent,
            [
                json!({"Limit": 2}),
                json!({"Limit": 2, "StartKey": {"id": "k1", "sort": "x"}}),
                json!({"Limit": 2, "StartKey": {"id": "k2", "sort": "y"}}),
            ]
        );
    })
    .await
    .expect("bounded");
}

#[tokio::test]
async fn a_repeated_key_ends_the_pages() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let server = StubServer::start(|_| {
            Reply::Respond(Response::json(
                200,
                r#"{"Items":["x"],"LastKey":{"id":"same"}}"#,
            ))
        })
        .await;
        let pages = client(&server.url())
            .op()
            .into_paginator()
            .send()
            .try_collect()
            .await
            .expect("pages");
        assert_eq!(
            pages.len(),
            2,
            "the second page repeats the key, so paging stops"
        );
    })
    .await
    .expect("bounded");
}
