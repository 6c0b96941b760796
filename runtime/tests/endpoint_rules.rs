//! The endpoint-rules interpreter against the reference material in `../shared/models`:
//!
//! - our partition table equals `partitions.json`, field by field;
//! - the built-in region-pattern matcher agrees with every region name listed there;
//! - every `smithy.rules#endpointTests` case of every service model resolves as expected.
//!
//! When `../shared` is missing the tests fail if `CI=true` and otherwise print what is
//! missing and return.

use aws_client_runtime::endpoint::partition::{
    resolve_partition, OutputOverrides, Partition, PARTITIONS, PARTITIONS_VERSION,
};
use aws_client_runtime::endpoint::test_cases::{check_case, CaseOutcome};
use aws_client_runtime::endpoint::{Params, RuleSet, Value};
use serde_json::{json, Map, Value as Json};
use std::path::{Path, PathBuf};

const MODELS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/models");

/// The path of `../shared/models/{name}`, or `None` (outside CI) when it is absent.
fn shared_file(name: &str, test: &str) -> Option<PathBuf> {
    let path = Path::new(MODELS).join(name);
    if path.is_file() {
        return Some(path);
    }
    let msg = format!(
        "reference file not found: {} (the reference folder ../shared must sit next to the \
         project root)",
        path.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{msg}");
    }
    eprintln!("skipping {test}: {msg}");
    None
}

fn read_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Partitions
// ---------------------------------------------------------------------------------------------

fn overrides_json(o: &OutputOverrides) -> Map<String, Json> {
    let mut map = Map::new();
    let mut put = |key: &str, value: Option<Json>| {
        if let Some(value) = value {
            map.insert(key.to_owned(), value);
        }
    };
    put("name", o.name.map(Json::from));
    put("dnsSuffix", o.dns_suffix.map(Json::from));
    put(
        "dualStackDnsSuffix",
        o.dual_stack_dns_suffix.map(Json::from),
    );
    put("supportsFIPS", o.supports_fips.map(Json::from));
    put("supportsDualStack", o.supports_dual_stack.map(Json::from));
    put(
        "implicitGlobalRegion",
        o.implicit_global_region.map(Json::from),
    );
    map
}

/// Our table in the layout of `partitions.json`.
fn partition_json(p: &Partition) -> Json {
    let regions: Map<String, Json> = p
        .regions
        .iter()
        .map(|r| {
            let mut entry = overrides_json(&r.overrides);
            if let Some(description) = r.description {
                entry.insert("description".into(), description.into());
            }
            (r.name.to_owned(), Json::Object(entry))
        })
        .collect();
    json!({
        "id": p.id,
        "regionRegex": p.region_regex,
        "outputs": {
            "name": p.outputs.name,
            "dnsSuffix": p.outputs.dns_suffix,
            "dualStackDnsSuffix": p.outputs.dual_stack_dns_suffix,
            "supportsFIPS": p.outputs.supports_fips,
            "supportsDualStack": p.outputs.supports_dual_stack,
            "implicitGlobalRegion": p.outputs.implicit_global_region,
        },
        "regions": regions,
    })
}

#[test]
fn partition_table_equals_reference() {
    let Some(path) = shared_file("partitions.json", "partition table check") else {
        return;
    };
    let reference = read_json(&path);
    assert_eq!(
        reference["version"], PARTITIONS_VERSION,
        "partition data version"
    );
    let theirs = reference["partitions"]
        .as_array()
        .expect("`partitions` is an array");
    let ids = |list: &mut dyn Iterator<Item = String>| list.collect::<Vec<_>>();
    assert_eq!(
        ids(&mut PARTITIONS.iter().map(|p| p.id.to_owned())),
        ids(&mut theirs
            .iter()
            .map(|p| p["id"].as_str().unwrap_or("?").to_owned())),
        "partition ids and order"
    );
    for (ours, theirs) in PARTITIONS.iter().zip(theirs) {
        assert_eq!(&partition_json(ours), theirs, "partition {}", ours.id);
    }
    // Nothing besides `version` and `partitions` that the table would miss.
    let keys: Vec<&String> = reference.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["partitions", "version"]);
}

#[test]
fn region_patterns_agree_with_listed_regions() {
    let Some(path) = shared_file("partitions.json", "region pattern check") else {
        return;
    };
    let reference = read_json(&path);
    let mut listed: Vec<(String, String)> = Vec::new(); // (region, owning partition)
    for p in reference["partitions"].as_array().unwrap() {
        for region in p["regions"].as_object().unwrap().keys() {
            listed.push((region.clone(), p["id"].as_str().unwrap().to_owned()));
        }
    }
    let mut checked = 0;
    for partition in PARTITIONS {
        for (region, owner) in &listed {
            // Each real region follows exactly its own partition's pattern; the `*-global`
            // pseudo-regions follow none.
            let expected = owner == partition.id && !region.ends_with("-global");
            assert_eq!(
                partition.matches_region_regex(region),
                expected,
                "{} against {region} (listed in {owner})",
                partition.region_regex
            );
            checked += 1;
        }
    }
    for (region, owner) in &listed {
        assert_eq!(
            resolve_partition(region).name,
            owner.as_str(),
            "aws.partition({region})"
        );
    }
    println!(
        "{checked} pattern/region pairs agree; {} listed regions resolve",
        listed.len()
    );
}

// ---------------------------------------------------------------------------------------------
// endpointTests of every model
// ---------------------------------------------------------------------------------------------

const SERVICE_MODELS: [&str; 7] = [
    "memorydb-2021-01-01.json",
    "dynamodb-2012-08-10.json",
    "kms-2014-11-01.json",
    "secrets-manager-2017-10-17.json",
    "sqs-2012-11-05.json",
    "ecr-2015-09-21.json",
    "ssm-2014-11-06.json",
];

/// The rule set and test cases of the model's service shape.
fn rules_and_cases(model: &Json, file: &str) -> (Json, Vec<Json>) {
    let service = model["shapes"]
        .as_object()
        .unwrap_or_else(|| panic!("{file}: no `shapes`"))
        .values()
        .find(|s| s["type"] == "service")
        .unwrap_or_else(|| panic!("{file}: no service shape"));
    let traits = &service["traits"];
    let rules = traits["smithy.rules#endpointRuleSet"].clone();
    let cases = traits["smithy.rules#endpointTests"]["testCases"]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: no endpoint test cases"))
        .clone();
    (rules, cases)
}

#[test]
fn endpoint_tests_of_every_model() {
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for file in SERVICE_MODELS {
        let Some(path) = shared_file(file, "endpoint test cases") else {
            return;
        };
        let (rules, cases) = rules_and_cases(&read_json(&path), file);
        let rule_set = RuleSet::from_json(&rules).unwrap_or_else(|e| panic!("{file}: {e}"));
        let (mut passed, mut stale) = (0, Vec::new());
        for (i, case) in cases.iter().enumerate() {
            // Cases with `operationInputs` matter here only for their `params`.
            let params = Params::from_json(case.get("params").unwrap_or(&json!({})))
                .unwrap_or_else(|e| panic!("{file} case {i}: {e}"));
            let expect = &case["expect"];
            match check_case(&rule_set, &params, expect) {
                CaseOutcome::Pass => passed += 1,
                CaseOutcome::Stale => {
                    stale.push(format!("{i} ({})", params.get("Region").unwrap().to_json()));
                }
                CaseOutcome::Fail(problem) => failures.push(format!(
                    "{file} case {i} ({}), params {}: {problem}",
                    case["documentation"].as_str().unwrap_or(""),
                    case.get("params").unwrap_or(&Json::Null)
                )),
            }
        }
        let mut line = format!("{file}: {passed}/{} endpoint test cases pass", cases.len());
        if !stale.is_empty() {
            line += &format!(
                "; {} more (cases {}) were written for partition data in which their region's \
                 partition lacks dual-stack (partitions.json {PARTITIONS_VERSION} says it has it) \
                 and pass against our table with that flag cleared",
                stale.len(),
                stale.join(", ")
            );
        }
        summary.push(line);
    }
    for line in &summary {
        println!("{line}");
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// The interpreter on hand-written rule sets (no reference files needed)
// ---------------------------------------------------------------------------------------------

const DEMO: &str = r#"{
  "version": "1.0",
  "parameters": {
    "Region": {"type": "String", "builtIn": "AWS::Region", "required": false},
    "UseFIPS": {"type": "Boolean", "builtIn": "AWS::UseFIPS", "required": true, "default": false},
    "Endpoint": {"type": "String", "builtIn": "SDK::Endpoint", "required": false},
    "Arns": {"type": "stringArray", "required": false},
    "Bucket": {"type": "String", "required": false}
  },
  "rules": [
    {
      "conditions": [
        {"fn": "isSet", "argv": [{"ref": "Endpoint"}]},
        {"fn": "parseURL", "argv": [{"ref": "Endpoint"}], "assign": "Url"}
      ],
      "type": "tree",
      "rules": [
        {
          "conditions": [{"fn": "booleanEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "Url"}, "isIp"]}, true]}],
          "type": "error",
          "error": "IP endpoint {Url#authority} not allowed"
        },
        {
          "conditions": [],
          "type": "endpoint",
          "endpoint": {
            "url": "{Url#scheme}://{Url#authority}{Url#normalizedPath}x",
            "headers": {"x-path": ["{Url#path}", "literal"]},
            "properties": {"nested": {"flag": true, "list": ["{Region}", 3]}}
          }
        }
      ]
    },
    {
      "conditions": [
        {"fn": "getAttr", "argv": [{"ref": "Arns"}, "[0]"], "assign": "First"},
        {"fn": "aws.parseArn", "argv": [{"ref": "First"}], "assign": "Arn"},
        {"fn": "substring", "argv": [{"ref": "First"}, 0, 3, false], "assign": "Prefix"}
      ],
      "type": "endpoint",
      "endpoint": {
        "url": {"fn": "uriEncode", "argv": ["https://{Arn#service}.{Arn#region}/{Arn#resourceId[1]}"]},
        "properties": {"prefix": {"ref": "Prefix"}}
      }
    },
    {
      "conditions": [
        {"fn": "isSet", "argv": [{"ref": "Bucket"}]},
        {"fn": "aws.isVirtualHostableS3Bucket", "argv": [{"ref": "Bucket"}, false]},
        {"fn": "isValidHostLabel", "argv": [{"ref": "Region"}, false]},
        {"fn": "not", "argv": [{"fn": "stringEquals", "argv": [{"ref": "Bucket"}, "forbidden"]}]}
      ],
      "type": "endpoint",
      "endpoint": {"url": "https://{Bucket}.s3.{Region}.{{literal}}"}
    },
    {
      "conditions": [
        {"fn": "isSet", "argv": [{"ref": "Region"}]},
        {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"}
      ],
      "type": "tree",
      "rules": [
        {
          "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
          "type": "endpoint",
          "endpoint": {"url": "https://svc-fips.{Region}.{P#dnsSuffix}"}
        },
        {
          "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Region"}, "dead-end"]}],
          "type": "endpoint",
          "endpoint": {"url": "https://unused"}
        }
      ]
    },
    {"conditions": [], "type": "error", "error": "Invalid Configuration: Missing Region"}
  ]
}"#;

fn demo() -> RuleSet {
    RuleSet::parse(DEMO).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn resolves_hand_written_rules() {
    let rules = demo();
    assert_eq!(rules.version(), Some("1.0"));
    let fips = rules.parameter("UseFIPS").unwrap();
    assert_eq!(fips.built_in(), Some("AWS::UseFIPS"));
    assert_eq!(fips.default(), Some(&Value::Bool(false)));

    let custom = rules
        .resolve(
            &Params::new()
                .with_str("Endpoint", "https://h.example:8443/a/b")
                .with_str("Region", "r"),
        )
        .unwrap();
    assert_eq!(custom.url(), "https://h.example:8443/a/b/x");
    assert_eq!(custom.headers()["x-path"], ["/a/b", "literal"]);
    assert_eq!(
        custom.properties()["nested"],
        json!({"flag": true, "list": ["r", 3]})
    );

    let ip = rules
        .resolve(&Params::new().with_str("Endpoint", "http://10.0.0.1:80"))
        .unwrap_err();
    assert_eq!(
        ip.rule_message(),
        Some("IP endpoint 10.0.0.1:80 not allowed")
    );
    assert_eq!(ip.to_string(), "IP endpoint 10.0.0.1:80 not allowed");

    let arn = rules
        .resolve(&Params::new().with_array("Arns", ["arn:aws:dynamodb:us-west-2:1234:table/T"]))
        .unwrap();
    assert_eq!(arn.url(), "https%3A%2F%2Fdynamodb.us-west-2%2FT");
    assert_eq!(arn.properties()["prefix"], "arn");

    let bucket = rules
        .resolve(
            &Params::new()
                .with_str("Bucket", "my-bucket")
                .with_str("Region", "eu-west-1"),
        )
        .unwrap();
    assert_eq!(bucket.url(), "https://my-bucket.s3.eu-west-1.{literal}");
    assert_eq!(
        rules
            .resolve(
                &Params::new()
                    .with_str("Region", "us-gov-west-1")
                    .with_bool("UseFIPS", true)
            )
            .unwrap()
            .url(),
        "https://svc-fips.us-gov-west-1.amazonaws.com"
    );
    // The bucket rule does not apply, the partition tree does but none of its rules matches:
    // a tree is final, so resolution fails rather than falling through to the last rule.
    let dead_end = rules
        .resolve(
            &Params::new()
                .with_str("Bucket", "forbidden")
                .with_str("Region", "eu-west-1"),
        )
        .unwrap_err();
    assert_eq!(dead_end.rule_message(), None);
    assert!(
        dead_end.to_string().contains("no endpoint rule matched"),
        "{dead_end}"
    );
    // Unset, empty or unparsable inputs make conditions fail instead of erroring.
    for params in [
        Params::new(),
        Params::new().with_array("Arns", Vec::<String>::new()),
        Params::new().with_array("Arns", ["not-an-arn"]),
        Params::new().with_str("Bucket", "UPPER"),
        Params::new().with_str("Endpoint", "ftp://h"),
    ] {
        let error = rules.resolve(&params).unwrap_err();
        assert_eq!(
            error.rule_message(),
            Some("Invalid Configuration: Missing Region"),
            "{params:?}"
        );
    }
}

#[test]
fn rejects_bad_parameters() {
    let rules = demo();
    let wrong_type = rules
        .resolve(&Params::new().with_bool("Region", true))
        .unwrap_err();
    assert_eq!(wrong_type.rule_message(), None);
    assert!(
        wrong_type.to_string().contains("`Region` must be a String"),
        "{wrong_type}"
    );

    let required = RuleSet::parse(
        r#"{"parameters": {"Region": {"type": "string", "required": true}},
            "rules": [{"conditions": [], "type": "endpoint", "endpoint": {"url": "https://{Region}"}}]}"#,
    )
    .unwrap();
    let missing = required.resolve(&Params::new()).unwrap_err();
    assert_eq!(missing.missing_parameter_name(), Some("Region"));
    assert_eq!(
        required
            .resolve(&Params::new().with_str("Region", "x"))
            .unwrap()
            .url(),
        "https://x"
    );
    // Parameters the rule set does not declare are ignored.
    assert!(required
        .resolve(
            &Params::new()
                .with_str("Region", "x")
                .with_bool("Other", true)
        )
        .is_ok());

    let from_json =
        Params::from_json(&json!({"A": "a", "B": false, "C": ["c"], "D": null})).unwrap();
    assert_eq!(
        from_json,
        Params::new()
            .with_str("A", "a")
            .with_bool("B", false)
            .with_array("C", ["c"])
    );
    assert!(Params::from_json(&json!({"A": 1})).is_err());
    assert!(Params::from_json(&json!([])).is_err());
}

#[test]
fn reports_malformed_rule_sets() {
    let cases: [(&str, &str, &str); 10] = [
        ("{", "", "not valid JSON"),
        (r#"{"rules": []}"#, "", "missing `parameters`"),
        (
            r#"{"parameters": {"R": {"type": "Integer"}}, "rules": []}"#,
            "parameters.R.type",
            "unknown type",
        ),
        (
            r#"{"parameters": {"R": {"type": "Boolean", "default": "x"}}, "rules": []}"#,
            "parameters.R.default",
            "expected a Boolean",
        ),
        (
            r#"{"parameters": {}, "rules": [{"type": "endpoint"}]}"#,
            "rules[0]",
            "missing `endpoint`",
        ),
        (
            r#"{"parameters": {}, "rules": [{"type": "weird"}]}"#,
            "rules[0].type",
            "unknown rule type",
        ),
        (
            r#"{"parameters": {}, "rules": [{"conditions": [{"fn": "nope", "argv": []}], "type": "error", "error": "e"}]}"#,
            "rules[0].conditions[0].fn",
            "unknown function `nope`",
        ),
        (
            r#"{"parameters": {"A": {"type": "String"}}, "rules": [{"conditions": [{"fn": "stringEquals", "argv": [{"ref": "A"}]}], "type": "error", "error": "e"}]}"#,
            "rules[0].conditions[0].argv",
            "takes 2 arguments, got 1",
        ),
        (
            r#"{"parameters": {}, "rules": [
                {"conditions": [{"fn": "aws.partition", "argv": ["x"], "assign": "P"}], "type": "error", "error": "e"},
                {"conditions": [], "type": "error", "error": "{P#name}"}]}"#,
            "rules[1].error",
            "`P` is neither a parameter nor assigned",
        ),
        (
            r#"{"parameters": {}, "rules": [{"conditions": [], "type": "endpoint", "endpoint": {"url": "https://{oops"}}]}"#,
            "rules[0].endpoint.url",
            "unclosed `{`",
        ),
    ];
    for (json, path, message) in cases {
        let error = RuleSet::parse(json).expect_err(json);
        assert_eq!(error.path(), path, "{json}: {error}");
        assert!(error.message().contains(message), "{json}: {error}");
        assert!(error.to_string().contains(message));
    }
}
