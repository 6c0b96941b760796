//! Wire behaviour of each generated construct, exercised through the generated crates' public
//! API: the fixture crates (one construct each) and the MemoryDB crate.
#![allow(deprecated)]

use serde_json::json;

fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("parses")
}

#[test]
fn union_one_member_unknown_and_type_key() {
    use fixture_union::types::Value;
    assert_eq!(parse::<Value>(json!({"Str": "x"})), Value::Str("x".into()));
    assert_eq!(
        parse::<Value>(json!({"__type": "ex#Value", "Num": 3})),
        Value::Num(3)
    );
    assert_eq!(
        parse::<Value>(json!({"Num": null, "Empty": {}})),
        Value::Empty
    );
    assert!(parse::<Value>(json!({"Brand new": 1})).is_unknown());
    assert!(serde_json::from_value::<Value>(json!({"Str": "a", "Num": 1})).is_err());
    assert!(serde_json::from_value::<Value>(json!({})).is_err());
    let nested = Value::Nested(Box::new(Value::List(vec![Value::Str("deep".into())])));
    let text = serde_json::to_value(&nested).expect("serializes");
    assert_eq!(text, json!({"Nested": {"List": [{"Str": "deep"}]}}));
    assert_eq!(parse::<Value>(text), nested);
    assert!(
        serde_json::to_string(&Value::Unknown).is_err(),
        "an unknown member cannot be sent"
    );
}

#[test]
fn maps_keep_entries_and_drop_nulls_when_dense() {
    use fixture_map::operation::op::{OpInput, OpOutput};
    let out: OpOutput =
        parse(json!({"Tags": {"a": "1", "b": null}, "Counts": {"red": 2, "blue": 3}}));
    assert_eq!(out.tags().map(|t| t.len()), Some(1));
    assert_eq!(out.counts().and_then(|c| c.get("blue")), Some(&3));
    let input = OpInput::builder()
        .tags("k", "v")
        .tags("k2", "v2")
        .build()
        .expect("builds");
    let body = serde_json::to_value(&input).expect("serializes");
    assert_eq!(body, json!({"Tags": {"k": "v", "k2": "v2"}}));
}

#[test]
fn sparse_lists_keep_nulls_dense_lists_drop_them() {
    use fixture_sparse_list::operation::op::OpOutput;
    let out: OpOutput = parse(
        json!({"Items": ["a", null, "b"], "Dense": ["x", null, "y"], "SparseMap": {"n": null, "v": 1}}),
    );
    assert_eq!(
        out.items(),
        &[Some("a".to_string()), None, Some("b".to_string())]
    );
    assert_eq!(out.dense(), &["x".to_string(), "y".to_string()]);
    let sparse = out.sparse_map().expect("present");
    assert_eq!(sparse.get("n"), Some(&None));
    assert_eq!(sparse.get("v"), Some(&Some(1)));
}

#[test]
fn int_enum_known_and_unknown_values() {
    use fixture_int_enum::types::Level;
    assert_eq!(parse::<Level>(json!(10)), Level::High);
    assert_eq!(parse::<Level>(json!(99)), Level::Unknown(99));
    assert_eq!(
        serde_json::to_value(Level::Unknown(99)).expect("serializes"),
        json!(99)
    );
    assert_eq!(Level::values(), &[1, 10]);
    assert_eq!(Level::from(1).value(), 1);
}

#[test]
fn blobs_are_base64() {
    use fixture_blob::operation::op::{OpInput, OpOutput};
    use fixture_blob::primitives::Blob;
    let input = OpInput::builder()
        .data(Blob::new(b"hi\x00\xff".to_vec()))
        .build()
        .expect("builds");
    assert_eq!(
        serde_json::to_value(&input).expect("serializes"),
        json!({"Data": "aGkA/w=="})
    );
    let out: OpOutput = parse(json!({"Data": "aGkA/w=="}));
    assert_eq!(
        out.data().map(|b| b.as_ref().to_vec()),
        Some(b"hi\x00\xff".to_vec())
    );
    assert!(serde_json::from_value::<OpOutput>(json!({"Data": "not base64!"})).is_err());
}

#[test]
fn documents_are_any_json() {
    use fixture_document::operation::op::OpOutput;
    let doc = json!({"a": [1, 2.5, null, true, {"b": "c"}]});
    let out: OpOutput = parse(json!({"Doc": doc.clone()}));
    assert_eq!(out.doc(), Some(&doc));
}

#[test]
fn recursive_structures_are_boxed_and_round_trip() {
    use fixture_recursive::types::TreeNode;
    let mut value = json!({"Name": "leaf"});
    for i in 0..50 {
        value = json!({"Name": format!("n{i}"), "Parent": value, "Children": [{"Name": "c"}]});
    }
    let node: TreeNode = parse(value.clone());
    assert_eq!(node.parent().and_then(|p| p.name()), Some("n48"));
    assert_eq!(serde_json::to_value(&node).expect("serializes"), value);
}

#[test]
fn keyword_and_awkward_names() {
    use fixture_keywords::operation::op::{OpInput, OpOutput};
    use fixture_keywords::types::Kind;
    let input = OpInput::builder()
        .r#type("t")
        .r#match(true)
        .self_("s")
        .build_value("b")
        .r#async(1)
        .unknown(Kind::UnknownValue)
        .build()
        .expect("builds");
    let body = serde_json::to_value(&input).expect("serializes");
    assert_eq!(
        body,
        json!({"Type": "t", "Match": true, "Self": "s", "Build": "b", "async": 1, "Unknown": "UNKNOWN"})
    );
    assert_eq!(Kind::from("2xlarge"), Kind::V2xlarge);
    assert_eq!(Kind::from("self"), Kind::Self_);
    let out: OpOutput = parse(json!({"Type": "x", "Crate": "y", "Str": {"Value": "v"}}));
    assert_eq!((out.r#type(), out.crate_()), (Some("x"), Some("y")));
    assert_eq!(out.str().and_then(|s| s.value()), Some("v"));
}

#[test]
fn defaults_fill_missing_and_null_members() {
    use fixture_defaults::operation::op::{OpInput, OpOutput};
    let out: OpOutput = parse(json!({"Flag": null, "Ratio": "NaN"}));
    assert!(!out.flag());
    assert_eq!(out.count(), 0);
    assert!(out.ratio().is_nan());
    assert!(out.names().is_empty());
    let input = OpInput::builder().size(7).build().expect("builds");
    let body = serde_json::to_value(&input).expect("serializes");
    // Zero-like defaults are sent; a non-zero default stays optional and is sent only when set.
    assert_eq!(
        body,
        json!({"Flag": false, "Count": 0, "Ratio": 0.0, "Name": "", "Size": 7, "Names": []})
    );
}

#[test]
fn timestamps_in_each_format() {
    use fixture_timestamps::operation::op::{OpInput, OpOutput};
    use fixture_timestamps::primitives::DateTime;
    let out: OpOutput = parse(json!({
        "Epoch": 1700000000.123,
        "Iso": "2023-11-14T22:13:20.5Z",
        "Http": "Tue, 14 Nov 2023 22:13:20 GMT",
        "Shaped": "2023-11-14T22:13:20Z",
        "Times": [1, 2.25]
    }));
    assert_eq!(out.epoch().map(|t| t.to_millis()), Some(1_700_000_000_123));
    assert_eq!(out.iso().map(|t| t.to_millis()), Some(1_700_000_000_500));
    assert_eq!(out.http(), Some(DateTime::from_secs(1_700_000_000)));
    assert_eq!(out.shaped(), Some(DateTime::from_secs(1_700_000_000)));
    assert_eq!(
        out.times(),
        &[DateTime::from_secs(1), DateTime::from_millis(2250)]
    );
    let input = OpInput::builder()
        .epoch(DateTime::from_millis(1_500))
        .iso(DateTime::from_secs(0))
        .http(DateTime::from_secs(0))
        .build()
        .expect("builds");
    assert_eq!(
        serde_json::to_value(&input).expect("serializes"),
        json!({"Epoch": 1.5, "Iso": "1970-01-01T00:00:00Z", "Http": "Thu, 01 Jan 1970 00:00:00 GMT"})
    );
    assert!(serde_json::from_value::<OpOutput>(json!({"Iso": "yesterday"})).is_err());
}

#[test]
fn timestamp_lists_and_maps_use_their_members_format_both_ways() {
    use fixture_timestamp_collections::operation::op::{OpInput, OpOutput};
    use fixture_timestamp_collections::primitives::DateTime;
    // 2024-01-02T03:04:05Z and the same day at 06:07:08.
    let first = DateTime::from_secs(1_704_164_645);
    let second = DateTime::from_secs(1_704_175_628);
    let wire = json!({
        "IsoList": ["2024-01-02T03:04:05Z", "2024-01-02T06:07:08Z"],
        "IsoMap": {"a": "2024-01-02T03:04:05Z"},
        "HttpList": ["Tue, 02 Jan 2024 03:04:05 GMT"],
        "SparseIsoList": ["2024-01-02T03:04:05Z", null],
        "SparseHttpMap": {"a": "Tue, 02 Jan 2024 06:07:08 GMT", "b": null},
        "EpochList": [1704164645],
        "Defaulted": ["2024-01-02T06:07:08Z"]
    });
    let out: OpOutput = parse(wire.clone());
    assert_eq!(out.iso_list(), &[first, second]);
    assert_eq!(out.iso_map().and_then(|m| m.get("a")), Some(&first));
    assert_eq!(out.http_list(), &[first]);
    assert_eq!(out.sparse_iso_list(), &[Some(first), None]);
    let sparse = out.sparse_http_map().expect("sparse map");
    assert_eq!(
        (sparse.get("a"), sparse.get("b")),
        (Some(&Some(second)), Some(&None))
    );
    assert_eq!(out.epoch_list(), &[first]);
    assert_eq!(out.defaulted(), &[second]);

    let input = OpInput::builder()
        .iso_list(first)
        .iso_list(second)
        .iso_map("a", first)
        .http_list(first)
        .sparse_iso_list(Some(first))
        .sparse_iso_list(None)
        .sparse_http_map("a", Some(second))
        .sparse_http_map("b", None)
        .epoch_list(first)
        .defaulted(second)
        .build()
        .expect("builds");
    assert_eq!(serde_json::to_value(&input).expect("serializes"), wire);
    // The output type writes the same wire form it reads.
    assert_eq!(serde_json::to_value(&out).expect("serializes"), wire);
}

#[test]
fn timestamp_lists_and_maps_keep_dense_and_null_handling() {
    use fixture_timestamp_collections::operation::op::{OpInput, OpOutput};
    use fixture_timestamp_collections::primitives::DateTime;
    let first = DateTime::from_secs(1_704_164_645);
    // Dense collections drop the nulls a service may send; a null default reads as empty.
    let out: OpOutput = parse(json!({
        "IsoList": [null, "2024-01-02T03:04:05Z"],
        "IsoMap": {"a": null, "b": "2024-01-02T03:04:05Z"},
        "HttpList": null,
        "Defaulted": null
    }));
    assert_eq!(out.iso_list(), &[first]);
    assert_eq!(
        out.iso_map().map(|m| m.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["b".to_string()])
    );
    assert_eq!(out.http_list, None);
    assert_eq!(out.sparse_iso_list, None);
    assert!(out.defaulted().is_empty());
    // Absent optional collections are not written; an empty default is.
    let input = OpInput::builder().build().expect("builds");
    assert_eq!(
        serde_json::to_value(&input).expect("serializes"),
        json!({"Defaulted": []})
    );
}

#[test]
fn timestamp_lists_and_maps_reject_values_in_another_format() {
    use fixture_timestamp_collections::operation::op::OpOutput;
    for bad in [
        json!({"IsoList": ["Tue, 02 Jan 2024 03:04:05 GMT"]}),
        json!({"IsoList": [1704164645]}),
        json!({"IsoMap": {"a": "yesterday"}}),
        json!({"HttpList": ["2024-01-02T03:04:05Z"]}),
        json!({"SparseIsoList": [null, "2024-13-02T03:04:05Z"]}),
        json!({"SparseHttpMap": {"a": 5}}),
        json!({"Defaulted": ["soon"]}),
        json!({"IsoList": "2024-01-02T03:04:05Z"}),
    ] {
        let shown = bad.to_string();
        assert!(
            serde_json::from_value::<OpOutput>(bad).is_err(),
            "{shown} should be rejected"
        );
    }
}

#[test]
fn sensitive_members_are_redacted_in_debug() {
    use fixture_sensitive::operation::op::OpInput;
    use fixture_sensitive::types::Creds;
    let input = OpInput::builder()
        .password("hunter2")
        .token("tok-123")
        .user("alice")
        .build()
        .expect("builds");
    let shown = format!("{input:?} {:?}", OpInput::builder().password("hunter2"));
    assert!(
        !shown.contains("hunter2") && !shown.contains("tok-123"),
        "{shown}"
    );
    assert!(shown.contains("alice"));
    let creds = Creds::builder().key("k").value("s3cr3t").build();
    assert!(!format!("{creds:?}").contains("s3cr3t"));
}

#[test]
fn deprecated_members_still_work() {
    use fixture_deprecated::operation::op::OpInput;
    use fixture_deprecated::types::Mode;
    let input = OpInput::builder()
        .old("o")
        .new_value("n")
        .build()
        .expect("builds");
    assert_eq!(input.old(), Some("o"));
    assert_eq!(Mode::from("b"), Mode::B);
}

#[test]
fn errors_map_codes_to_variants() {
    use aws_client_runtime::{ErrorMetadata, Operation};
    use fixture_errors::operation::op::{Op, OpError, OpInput};
    let meta = ErrorMetadata::builder()
        .code("NotFound")
        .message("from header")
        .request_id("r-1")
        .status(404)
        .build();
    let err = Op::parse_error(meta, br#"{"message": "no such thing"}"#);
    assert!(err.is_not_found());
    assert_eq!(err.message(), Some("no such thing"));
    assert_eq!(err.request_id(), Some("r-1"));
    assert!(!Op::is_retryable_error(&err));
    let throttled = Op::parse_error(
        ErrorMetadata::builder().code("Throttled").build(),
        br#"{"Message": "slow", "RetryAfterSeconds": 3}"#,
    );
    match &throttled {
        OpError::Throttled(t) => assert_eq!(
            (t.message(), t.retry_after_seconds()),
            (Some("slow"), Some(3))
        ),
        other => panic!("wrong variant {other:?}"),
    }
    assert!(Op::is_retryable_error(&throttled));
    let unknown = Op::parse_error(
        ErrorMetadata::builder()
            .code("Mystery")
            .message("m")
            .status(400)
            .build(),
        b"{}",
    );
    assert!(unknown.is_unhandled());
    assert_eq!(
        (unknown.code(), unknown.message(), unknown.meta().status()),
        (Some("Mystery"), Some("m"), Some(400))
    );
    let missing = OpInput::builder().build().expect_err("Id is required");
    assert_eq!(missing.missing(), Some("id"));
    assert!(missing
        .to_string()
        .contains("OpInput: required member `id` was not set"));
}

#[test]
fn memorydb_output_tolerates_unknowns_and_nulls() {
    use memorydb::operation::describe_clusters::DescribeClustersOutput;
    use memorydb::types::{AzStatus, Cluster};
    let out: DescribeClustersOutput = parse(json!({
        "NextToken": null,
        "SomethingNew": {"x": 1},
        "Clusters": [{
            "Name": "c1",
            "AvailabilityMode": "triple-az",
            "Status": "available",
            "NumberOfShards": 1,
            "TLSEnabled": true,
            "ClusterEndpoint": {"Address": "a.example", "Port": null},
            "Shards": [{"Name": "0001", "Nodes": [{"Name": "n1", "CreateTime": 1700000000.5}]}]
        }]
    }));
    let cluster: &Cluster = &out.clusters()[0];
    assert_eq!(
        cluster.availability_mode(),
        Some(&AzStatus::from("triple-az"))
    );
    assert_eq!(
        cluster.availability_mode().map(|a| a.as_str()),
        Some("triple-az")
    );
    assert_eq!(cluster.tls_enabled(), Some(true));
    assert_eq!(cluster.cluster_endpoint().map(|e| e.port()), Some(0));
    let node = &cluster.shards()[0].nodes()[0];
    assert_eq!(
        node.create_time().map(|t| t.to_millis()),
        Some(1_700_000_000_500)
    );
    let back = serde_json::to_value(cluster).expect("serializes");
    assert_eq!(
        back["AvailabilityMode"],
        json!("triple-az"),
        "unknown enum values round-trip unchanged"
    );
    assert_eq!(AzStatus::values(), &["singleaz", "multiaz"]);
}

#[test]
fn names_meeting_generated_ones_are_resolved_and_keep_their_wire_names() {
    use fixture_name_clash::operation::test_connection::{
        TestConnectionInput, TestConnectionOutput,
    };
    use fixture_name_clash::types::{self, BuildersShape, Kind, Pick};
    // The operation's synthetic input holds the model shape of the same name.
    let input = TestConnectionInput::builder()
        .connection_name("c")
        .test_connection_input(
            types::TestConnectionInput::builder()
                .connection_type("JDBC")
                .builders(BuildersShape::builder().count(2).build())
                .build(),
        )
        .build()
        .expect("builds");
    assert_eq!(
        serde_json::to_value(&input).expect("serializes"),
        json!({"ConnectionName": "c", "TestConnectionInput": {"ConnectionType": "JDBC", "Builders": {"Count": 2}}})
    );
    let out: TestConnectionOutput = parse(json!({"Result": {
        "Name": "n", "SetName": "s", "Build": true, "Kind": "UNKNOWN", "Pick": {"Unknown": "u"}}}));
    let result = out.result().expect("result");
    assert_eq!(
        (result.name(), result.set_name_value(), result.build_value()),
        (Some("n"), Some("s"), Some(true))
    );
    assert_eq!(result.kind(), Some(&Kind::UnknownValue));
    assert_eq!(result.pick(), Some(&Pick::UnknownValue("u".into())));
    let _: fn(&fixture_name_clash::Client) -> _ = fixture_name_clash::Client::config_operation;
}
