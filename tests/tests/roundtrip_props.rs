//! Property tests of the generated MemoryDB types' JSON.
//!
//! - Random valid `FailoverShardInput` / `DescribeClustersInput` values serialize (as the
//!   client sends them) to JSON objects that parse back to equal values.
//! - Random output documents built from the model's shapes — `Cluster` with pending updates,
//!   shards, nodes, endpoints and security groups; strings of any Unicode (control characters,
//!   quotes, astral planes); enum strings known and unknown; epoch timestamps with millisecond
//!   fractions; floats including `"NaN"` / `"Infinity"`; `null` members and `null` list
//!   entries; unknown members — parse, and re-serialize to exactly the canonical document
//!   (absent/`null` members dropped, defaults filled in, unknown members ignored).
//!
//! 256 cases each (proptest's default), small collections, so the file runs in seconds.

use memorydb::operation::describe_clusters::{DescribeClustersInput, DescribeClustersOutput};
use memorydb::operation::failover_shard::{FailoverShardInput, FailoverShardOutput};
use memorydb::types::{AzStatus, DataTieringStatus, IpDiscovery, NetworkType, ServiceUpdateStatus};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// proptest's defaults (256 cases, `PROPTEST_CASES` overrides), without writing regression
/// files into the source tree: failures found are turned into plain tests below.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any Unicode string, control characters and astral planes included.
fn any_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        1 => "[a-zA-Z0-9-]{1,20}",
        1 => Just("\"\\/\u{0}\u{1f}\u{7f}\u{2028}\u{fffd}\u{10ffff}😀".to_owned()),
    ]
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn failover_shard_input_round_trips(cluster in any_string(), shard in any_string()) {
        let input = FailoverShardInput::builder()
            .cluster_name(cluster.clone())
            .shard_name(shard.clone())
            .build()
            .unwrap();
        let body = aws_client_runtime::serde_fmt::to_body(&input).unwrap();
        let value: Value = serde_json::from_slice(&body).unwrap();
        prop_assert_eq!(
            value,
            serde_json::json!({"ClusterName": cluster, "ShardName": shard})
        );
        let back: FailoverShardInput = serde_json::from_slice(&body).unwrap();
        prop_assert_eq!(back, input);
    }

    #[test]
    fn describe_clusters_input_round_trips(
        cluster in proptest::option::of(any_string()),
        max in proptest::option::of(any::<i32>()),
        token in proptest::option::of(any_string()),
        shards in proptest::option::of(any::<bool>()),
    ) {
        let input = DescribeClustersInput::builder()
            .set_cluster_name(cluster.clone())
            .set_max_results(max)
            .set_next_token(token.clone())
            .set_show_shard_details(shards)
            .build()
            .unwrap();
        let body = aws_client_runtime::serde_fmt::to_body(&input).unwrap();
        let value: Value = serde_json::from_slice(&body).unwrap();
        let object = value.as_object().expect("a JSON object");
        // Only the members that are set, and nothing else.
        let expected = [cluster.is_some(), max.is_some(), token.is_some(), shards.is_some()]
            .iter()
            .filter(|set| **set)
            .count();
        prop_assert_eq!(object.len(), expected);
        prop_assert_eq!(object.get("ClusterName").and_then(Value::as_str), cluster.as_deref());
        prop_assert_eq!(object.get("MaxResults").and_then(Value::as_i64), max.map(i64::from));
        prop_assert_eq!(object.get("NextToken").and_then(Value::as_str), token.as_deref());
        prop_assert_eq!(object.get("ShowShardDetails").and_then(Value::as_bool), shards);
        let back: DescribeClustersInput = serde_json::from_slice(&body).unwrap();
        prop_assert_eq!(back, input);
    }
}

// ---------------------------------------------------------------------------------------------
// Output documents: each strategy yields (what the service sends, what re-serializing the
// parsed value must give).

type Pair = (Value, Value);

fn same(v: Value) -> Pair {
    (v.clone(), v)
}

fn string_pair() -> BoxedStrategy<Pair> {
    any_string().prop_map(|s| same(Value::String(s))).boxed()
}

fn int_pair() -> BoxedStrategy<Pair> {
    any::<i32>().prop_map(|i| same(Value::from(i))).boxed()
}

fn bool_pair() -> BoxedStrategy<Pair> {
    any::<bool>().prop_map(|b| same(Value::Bool(b))).boxed()
}

/// A known value of the enum, or any other string (kept as `Unknown`, sent back unchanged).
fn enum_pair(known: &'static [&'static str]) -> BoxedStrategy<Pair> {
    prop_oneof![
        proptest::sample::select(known).prop_map(|s| same(Value::from(s))),
        any_string().prop_map(|s| same(Value::String(s))),
    ]
    .boxed()
}

/// Epoch seconds with millisecond precision (years 1900 to 2200), whole seconds as integers.
fn timestamp_pair() -> BoxedStrategy<Pair> {
    (-2_208_988_800_000i64..7_258_118_400_000i64)
        .prop_map(|ms| {
            let v = if ms % 1000 == 0 {
                Value::from(ms / 1000)
            } else {
                Value::from(ms as f64 / 1000.0)
            };
            same(v)
        })
        .boxed()
}

/// A finite double, or a non-finite one as its string form.
fn float_pair() -> BoxedStrategy<Pair> {
    prop_oneof![
        4 => (-1e6f64..1e6f64).prop_map(|f| same(Value::from(f))),
        1 => proptest::sample::select(&["NaN", "Infinity", "-Infinity"][..])
            .prop_map(|s| same(Value::from(s))),
    ]
    .boxed()
}

/// A dense list: `null` entries the service sends are dropped.
fn list_pair(item: BoxedStrategy<Pair>) -> BoxedStrategy<Pair> {
    proptest::collection::vec(prop_oneof![5 => item.prop_map(Some), 1 => Just(None)], 0..3)
        .prop_map(|items| {
            let input = items
                .iter()
                .map(|i| i.as_ref().map_or(Value::Null, |(v, _)| v.clone()))
                .collect();
            let expected = items.into_iter().flatten().map(|(_, e)| e).collect();
            (Value::Array(input), Value::Array(expected))
        })
        .boxed()
}

/// How a member appears: `(name, sent, expected)`, `None` meaning the key is absent.
type MemberOut = (&'static str, Option<Value>, Option<Value>);

/// An optional member: absent, `null` (read as absent), or a value.
fn optional(name: &'static str, value: BoxedStrategy<Pair>) -> BoxedStrategy<MemberOut> {
    prop_oneof![
        1 => Just((name, None, None)),
        1 => Just((name, Some(Value::Null), None)),
        4 => value.prop_map(move |(i, e)| (name, Some(i), Some(e))),
    ]
    .boxed()
}

/// A member with a modelled default: absent or `null` read as `default`, always sent back.
fn defaulted(
    name: &'static str,
    value: BoxedStrategy<Pair>,
    default: Value,
) -> BoxedStrategy<MemberOut> {
    let d1 = default.clone();
    prop_oneof![
        1 => Just((name, None, Some(d1))),
        1 => Just((name, Some(Value::Null), Some(default))),
        4 => value.prop_map(move |(i, e)| (name, Some(i), Some(e))),
    ]
    .boxed()
}

/// Any small JSON value, for unknown members.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::vec(("[a-z]{1,5}", inner), 0..3)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// An object of `members`, plus up to two unknown members the client must ignore.
fn object(members: Vec<BoxedStrategy<MemberOut>>) -> BoxedStrategy<Pair> {
    (
        members,
        proptest::collection::vec(("x-unknown-[a-z]{1,6}", any_json()), 0..2),
    )
        .prop_map(|(members, unknown)| {
            let mut input = Map::new();
            let mut expected = Map::new();
            for (name, sent, want) in members {
                if let Some(v) = sent {
                    input.insert(name.to_owned(), v);
                }
                if let Some(v) = want {
                    expected.insert(name.to_owned(), v);
                }
            }
            for (name, v) in unknown {
                input.insert(name, v);
            }
            (Value::Object(input), Value::Object(expected))
        })
        .boxed()
}

fn endpoint() -> BoxedStrategy<Pair> {
    object(vec![
        optional("Address", string_pair()),
        defaulted("Port", int_pair(), Value::from(0)),
    ])
}

fn node() -> BoxedStrategy<Pair> {
    object(vec![
        optional("Name", string_pair()),
        optional("Status", string_pair()),
        optional("AvailabilityZone", string_pair()),
        optional("CreateTime", timestamp_pair()),
        optional("Endpoint", endpoint()),
    ])
}

fn shard() -> BoxedStrategy<Pair> {
    object(vec![
        optional("Name", string_pair()),
        optional("Status", string_pair()),
        optional("Slots", string_pair()),
        optional("Nodes", list_pair(node())),
        optional("NumberOfNodes", int_pair()),
    ])
}

fn pending_updates() -> BoxedStrategy<Pair> {
    let slot_migration = object(vec![defaulted(
        "ProgressPercentage",
        float_pair(),
        Value::from(0.0),
    )]);
    let service_update = object(vec![
        optional("ServiceUpdateName", string_pair()),
        optional("Status", enum_pair(ServiceUpdateStatus::values())),
    ]);
    object(vec![
        optional(
            "Resharding",
            object(vec![optional("SlotMigration", slot_migration)]),
        ),
        optional("ACLs", object(vec![optional("ACLToApply", string_pair())])),
        optional("ServiceUpdates", list_pair(service_update)),
    ])
}

fn cluster() -> BoxedStrategy<Pair> {
    let security_group = object(vec![
        optional("SecurityGroupId", string_pair()),
        optional("Status", string_pair()),
    ]);
    object(vec![
        optional("Name", string_pair()),
        optional("Description", string_pair()),
        optional("Status", string_pair()),
        optional("PendingUpdates", pending_updates()),
        optional("MultiRegionClusterName", string_pair()),
        optional("NumberOfShards", int_pair()),
        optional("Shards", list_pair(shard())),
        optional("AvailabilityMode", enum_pair(AzStatus::values())),
        optional("ClusterEndpoint", endpoint()),
        optional("NodeType", string_pair()),
        optional("Engine", string_pair()),
        optional("EngineVersion", string_pair()),
        optional("EnginePatchVersion", string_pair()),
        optional("ParameterGroupName", string_pair()),
        optional("ParameterGroupStatus", string_pair()),
        optional("SecurityGroups", list_pair(security_group)),
        optional("SubnetGroupName", string_pair()),
        optional("TLSEnabled", bool_pair()),
        optional("KmsKeyId", string_pair()),
        optional("ARN", string_pair()),
        optional("SnsTopicArn", string_pair()),
        optional("SnsTopicStatus", string_pair()),
        optional("SnapshotRetentionLimit", int_pair()),
        optional("MaintenanceWindow", string_pair()),
        optional("SnapshotWindow", string_pair()),
        optional("ACLName", string_pair()),
        optional("AutoMinorVersionUpgrade", bool_pair()),
        optional("DataTiering", enum_pair(DataTieringStatus::values())),
        optional("NetworkType", enum_pair(NetworkType::values())),
        optional("IpDiscovery", enum_pair(IpDiscovery::values())),
    ])
}

fn describe_clusters_output() -> BoxedStrategy<Pair> {
    object(vec![
        optional("NextToken", string_pair()),
        optional("Clusters", list_pair(cluster())),
    ])
}

/// Checks a few fields through the accessors, so a failure does not depend on `Serialize`
/// alone.
fn check_cluster_fields(
    cluster: &memorydb::types::Cluster,
    expected: &Value,
) -> Result<(), TestCaseError> {
    let str_of = |key: &str| expected.get(key).and_then(Value::as_str);
    prop_assert_eq!(cluster.name(), str_of("Name"));
    prop_assert_eq!(cluster.description(), str_of("Description"));
    prop_assert_eq!(
        cluster.availability_mode().map(|m| m.as_str()),
        str_of("AvailabilityMode")
    );
    if let Some(mode) = cluster.availability_mode() {
        let known = AzStatus::values().contains(&mode.as_str());
        prop_assert_eq!(matches!(mode, AzStatus::Unknown(_)), !known);
    }
    prop_assert_eq!(
        cluster.shards().len(),
        expected
            .get("Shards")
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    );
    for (shard, want) in cluster.shards().iter().zip(
        expected
            .get("Shards")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    ) {
        for (node, want) in shard.nodes().iter().zip(
            want.get("Nodes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        ) {
            let millis = want.get("CreateTime").map(|t| {
                t.as_i64()
                    .map(|s| s * 1000)
                    .unwrap_or_else(|| (t.as_f64().unwrap() * 1000.0).round() as i64)
            });
            prop_assert_eq!(node.create_time().map(|t| t.to_millis()), millis);
            prop_assert_eq!(
                node.endpoint().map(|e| i64::from(e.port())),
                want.get("Endpoint").map(|e| e["Port"].as_i64().unwrap())
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn describe_clusters_output_parses_to_the_same_values((input, expected) in describe_clusters_output()) {
        let body = serde_json::to_vec(&input).unwrap();
        let parsed: DescribeClustersOutput = serde_json::from_slice(&body)
            .map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&body))))?;
        let clusters = expected.get("Clusters").and_then(Value::as_array);
        prop_assert_eq!(parsed.clusters().len(), clusters.map_or(0, Vec::len));
        for (c, want) in parsed.clusters().iter().zip(clusters.into_iter().flatten()) {
            check_cluster_fields(c, want)?;
        }
        let again = serde_json::to_value(&parsed).unwrap();
        prop_assert_eq!(&again, &expected);
        // And the canonical form is a fixed point (compared as JSON: NaN != NaN in Rust).
        let twice: DescribeClustersOutput = serde_json::from_value(again.clone()).unwrap();
        prop_assert_eq!(serde_json::to_value(&twice).unwrap(), again);
    }

    #[test]
    fn failover_shard_output_parses_to_the_same_values((input, expected) in object(vec![optional("Cluster", cluster())])) {
        let body = serde_json::to_vec(&input).unwrap();
        let parsed: FailoverShardOutput = serde_json::from_slice(&body)
            .map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&body))))?;
        if let (Some(c), Some(want)) = (parsed.cluster(), expected.get("Cluster")) {
            check_cluster_fields(c, want)?;
        }
        prop_assert_eq!(serde_json::to_value(&parsed).unwrap(), expected);
    }

    #[test]
    fn timestamps_keep_millisecond_precision(ms in -2_208_988_800_000i64..7_258_118_400_000i64) {
        let text = format!(r#"{{"CreateTime":{}}}"#, Value::from(ms as f64 / 1000.0));
        let node: memorydb::types::Node = serde_json::from_str(&text).unwrap();
        let t = node.create_time().unwrap();
        prop_assert_eq!(t.to_millis(), ms);
        prop_assert_eq!(t.subsec_nanos() % 1_000_000, 0, "no sub-millisecond noise");
    }
}

/// Cases the properties found: instants after 2106 read back with a microsecond of noise
/// (`4482308465.52` became `4482308465.520001`), and doubles were read one ulp off.
#[test]
fn regressions_found_by_the_properties() {
    for (text, millis) in [
        ("4343768280.298", 4_343_768_280_298i64),
        ("4482308465.52", 4_482_308_465_520),
        ("4372726158.6", 4_372_726_158_600),
        ("-1.5", -1_500),
        ("1700000000.123", 1_700_000_000_123),
    ] {
        let node: memorydb::types::Node =
            serde_json::from_str(&format!(r#"{{"CreateTime":{text}}}"#)).unwrap();
        let t = node.create_time().unwrap();
        assert_eq!(t.to_millis(), millis, "{text}");
        assert_eq!(t.subsec_nanos() % 1_000_000, 0, "{text}");
        let back = serde_json::to_string(&node).unwrap();
        assert_eq!(back, format!(r#"{{"CreateTime":{text}}}"#));
    }
    // Beyond i64 microseconds (9.2e12 s) an instant used to be clamped; it now reads exactly.
    let node: memorydb::types::Node = serde_json::from_str(r#"{"CreateTime":9e13}"#).unwrap();
    assert_eq!(node.create_time().unwrap().secs(), 90_000_000_000_000);
    let slot: memorydb::types::SlotMigration =
        serde_json::from_str(r#"{"ProgressPercentage":426219.07010526827}"#).unwrap();
    assert_eq!(slot.progress_percentage, 426_219.070_105_268_27);
    assert_eq!(
        serde_json::to_string(&slot).unwrap(),
        r#"{"ProgressPercentage":426219.07010526827}"#
    );
}
