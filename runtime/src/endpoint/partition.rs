//! The facts behind `aws.partition`: every AWS partition, its regions and its outputs.
//!
//! The table below is our own Rust rendering of the AWS partition data (version
//! [`PARTITIONS_VERSION`]); `runtime/tests/endpoint_rules.rs` checks it field by field against
//! the reference `partitions.json`. When AWS adds a region or a partition, update the table
//! and let that test confirm the edit.
//!
//! Lookup ([`resolve_partition`]): a region listed in a partition's `regions` picks that
//! partition (with the region's output overrides, if any); otherwise the first partition
//! whose `regionRegex` matches the region; otherwise the `aws` partition.

use super::pattern::Pattern;
use serde_json::{json, Value as Json};

/// One partition: an isolated group of regions sharing DNS suffixes and capabilities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// The partition id, e.g. `aws-cn`.
    pub id: &'static str,
    /// The pattern that region names of this partition follow (ECMAScript syntax).
    pub region_regex: &'static str,
    /// What `aws.partition` returns for regions of this partition.
    pub outputs: PartitionOutputs,
    /// The regions the partition lists explicitly, including its `*-global` pseudo-region.
    pub regions: &'static [Region],
}

/// The result of `aws.partition`: the attributes endpoint rules read with `getAttr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionOutputs {
    /// `name`: the partition id, e.g. `aws`.
    pub name: &'static str,
    /// `dnsSuffix`, e.g. `amazonaws.com`.
    pub dns_suffix: &'static str,
    /// `dualStackDnsSuffix`, e.g. `api.aws`.
    pub dual_stack_dns_suffix: &'static str,
    /// `supportsFIPS`.
    pub supports_fips: bool,
    /// `supportsDualStack`.
    pub supports_dual_stack: bool,
    /// `implicitGlobalRegion`: the region global endpoints of the partition sign for.
    pub implicit_global_region: &'static str,
}

/// A region listed by a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// The region name, e.g. `eu-west-1`.
    pub name: &'static str,
    /// The human-readable description, e.g. `Europe (Ireland)`.
    pub description: Option<&'static str>,
    /// Outputs that differ from the partition's for this region.
    pub overrides: OutputOverrides,
}

/// Per-region replacements of [`PartitionOutputs`] fields; `None` keeps the partition's value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputOverrides {
    /// Replaces `name`.
    pub name: Option<&'static str>,
    /// Replaces `dnsSuffix`.
    pub dns_suffix: Option<&'static str>,
    /// Replaces `dualStackDnsSuffix`.
    pub dual_stack_dns_suffix: Option<&'static str>,
    /// Replaces `supportsFIPS`.
    pub supports_fips: Option<bool>,
    /// Replaces `supportsDualStack`.
    pub supports_dual_stack: Option<bool>,
    /// Replaces `implicitGlobalRegion`.
    pub implicit_global_region: Option<&'static str>,
}

impl OutputOverrides {
    /// No overrides at all.
    pub const NONE: Self = Self {
        name: None,
        dns_suffix: None,
        dual_stack_dns_suffix: None,
        supports_fips: None,
        supports_dual_stack: None,
        implicit_global_region: None,
    };

    /// `outputs` with these overrides applied.
    pub fn apply(&self, outputs: PartitionOutputs) -> PartitionOutputs {
        PartitionOutputs {
            name: self.name.unwrap_or(outputs.name),
            dns_suffix: self.dns_suffix.unwrap_or(outputs.dns_suffix),
            dual_stack_dns_suffix: self
                .dual_stack_dns_suffix
                .unwrap_or(outputs.dual_stack_dns_suffix),
            supports_fips: self.supports_fips.unwrap_or(outputs.supports_fips),
            supports_dual_stack: self
                .supports_dual_stack
                .unwrap_or(outputs.supports_dual_stack),
            implicit_global_region: self
                .implicit_global_region
                .unwrap_or(outputs.implicit_global_region),
        }
    }
}

impl Region {
    /// A listed region with a description and no output overrides.
    pub const fn new(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            description: Some(description),
            overrides: OutputOverrides::NONE,
        }
    }
}

impl Partition {
    /// The listed region called `name`, if the partition lists it.
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.name == name)
    }

    /// Whether `region` matches this partition's `regionRegex`. A pattern the built-in
    /// matcher cannot read matches nothing (the table's patterns are all checked by tests).
    pub fn matches_region_regex(&self, region: &str) -> bool {
        Pattern::parse(self.region_regex).is_ok_and(|p| p.is_match(region))
    }
}

impl PartitionOutputs {
    /// The record `aws.partition` returns, keyed by the attribute names rules use.
    pub(crate) fn to_record(self) -> Json {
        json!({
            "name": self.name,
            "dnsSuffix": self.dns_suffix,
            "dualStackDnsSuffix": self.dual_stack_dns_suffix,
            "supportsFIPS": self.supports_fips,
            "supportsDualStack": self.supports_dual_stack,
            "implicitGlobalRegion": self.implicit_global_region,
        })
    }
}

/// The outputs of `aws.partition(region)` over the built-in [`PARTITIONS`] table.
pub fn resolve_partition(region: &str) -> PartitionOutputs {
    resolve_partition_in(PARTITIONS, region)
        .expect("the built-in partition table has an `aws` partition")
}

/// The outputs of `aws.partition(region)` over a caller-supplied table; `None` only when
/// nothing matches and the table has no `aws` partition to fall back to.
pub fn resolve_partition_in(partitions: &[Partition], region: &str) -> Option<PartitionOutputs> {
    let listed = partitions
        .iter()
        .find_map(|p| p.region(region).map(|r| r.overrides.apply(p.outputs)));
    listed
        .or_else(|| {
            partitions
                .iter()
                .find(|p| p.matches_region_regex(region))
                .map(|p| p.outputs)
        })
        .or_else(|| partitions.iter().find(|p| p.id == "aws").map(|p| p.outputs))
}

/// The version of the partition data this table mirrors.
pub const PARTITIONS_VERSION: &str = "1.1";

/// Every known partition, in lookup order.
pub static PARTITIONS: &[Partition] = &[
    Partition {
        id: "aws",
        region_regex: r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        outputs: PartitionOutputs {
            name: "aws",
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-east-1",
        },
        regions: &[
            Region::new("af-south-1", "Africa (Cape Town)"),
            Region::new("ap-east-1", "Asia Pacific (Hong Kong)"),
            Region::new("ap-east-2", "Asia Pacific (Taipei)"),
            Region::new("ap-northeast-1", "Asia Pacific (Tokyo)"),
            Region::new("ap-northeast-2", "Asia Pacific (Seoul)"),
            Region::new("ap-northeast-3", "Asia Pacific (Osaka)"),
            Region::new("ap-south-1", "Asia Pacific (Mumbai)"),
            Region::new("ap-south-2", "Asia Pacific (Hyderabad)"),
            Region::new("ap-southeast-1", "Asia Pacific (Singapore)"),
            Region::new("ap-southeast-2", "Asia Pacific (Sydney)"),
            Region::new("ap-southeast-3", "Asia Pacific (Jakarta)"),
            Region::new("ap-southeast-4", "Asia Pacific (Melbourne)"),
            Region::new("ap-southeast-5", "Asia Pacific (Malaysia)"),
            Region::new("ap-southeast-6", "Asia Pacific (New Zealand)"),
            Region::new("ap-southeast-7", "Asia Pacific (Thailand)"),
            Region::new("aws-global", "aws global region"),
            Region::new("ca-central-1", "Canada (Central)"),
            Region::new("ca-west-1", "Canada West (Calgary)"),
            Region::new("eu-central-1", "Europe (Frankfurt)"),
            Region::new("eu-central-2", "Europe (Zurich)"),
            Region::new("eu-north-1", "Europe (Stockholm)"),
            Region::new("eu-south-1", "Europe (Milan)"),
            Region::new("eu-south-2", "Europe (Spain)"),
            Region::new("eu-west-1", "Europe (Ireland)"),
            Region::new("eu-west-2", "Europe (London)"),
            Region::new("eu-west-3", "Europe (Paris)"),
            Region::new("il-central-1", "Israel (Tel Aviv)"),
            Region::new("me-central-1", "Middle East (UAE)"),
            Region::new("me-south-1", "Middle East (Bahrain)"),
            Region::new("me-west-1", "Middle East (Saudi Arabia)"),
            Region::new("mx-central-1", "Mexico (Central)"),
            Region::new("sa-east-1", "South America (Sao Paulo)"),
            Region::new("sa-west-1", "South America (Chile)"),
            Region::new("us-east-1", "US East (N. Virginia)"),
            Region::new("us-east-2", "US East (Ohio)"),
            Region::new("us-west-1", "US West (N. California)"),
            Region::new("us-west-2", "US West (Oregon)"),
        ],
    },
    Partition {
        id: "aws-cn",
        region_regex: r"^cn\-\w+\-\d+$",
        outputs: PartitionOutputs {
            name: "aws-cn",
            dns_suffix: "amazonaws.com.cn",
            dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "cn-northwest-1",
        },
        regions: &[
            Region::new("aws-cn-global", "aws-cn global region"),
            Region::new("cn-north-1", "China (Beijing)"),
            Region::new("cn-northwest-1", "China (Ningxia)"),
        ],
    },
    Partition {
        id: "aws-eusc",
        region_regex: r"^eusc\-(de)\-\w+\-\d+$",
        outputs: PartitionOutputs {
            name: "aws-eusc",
            dns_suffix: "amazonaws.eu",
            dual_stack_dns_suffix: "api.amazonwebservices.eu",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "eusc-de-east-1",
        },
        regions: &[Region::new(
            "eusc-de-east-1",
            "AWS European Sovereign Cloud (Germany)",
        )],
    },
    Partition {
        id: "aws-iso",
        region_regex: r"^us\-iso\-\w+\-\d+$",
        outputs: PartitionOutputs {
            name: "aws-iso",
            dns_suffix: "c2s.ic.gov",
            dual_stack_dns_suffix: "api.aws.ic.gov",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-iso-east-1",
        },
        regions: &[
            Region::new("aws-iso-global", "aws-iso global region"),
            Region::new("us-iso-east-1", "US ISO East"),
            Region::new("us-iso-west-1", "US ISO WEST"),
        ],
    },
    Partition {
        id: "aws-iso-b",
        region_regex: r"^us\-isob\-\w+\-\d+$",
        outputs: PartitionOutputs {
            name: "aws-iso-b",
            dns_suffix: "sc2s.sgov.gov",
            dual_stack_dns_suffix: "api.aws.scloud",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-isob-east-1",
        },
        regions: &[
            Region::new("aws-iso-b-global", "aws-iso-b global region"),
            Region::new("us-isob-east-1", "US ISOB East (Ohio)"),
            Region::new("us-isob-west-1", "US ISOB West"),
        ],
    },
    Partition {
        id: "aws-iso-e",
        region_regex: r"^eu\-isoe\-\w+\-\d+$",
        outputs: PartitionOutputs {
            name: "aws-iso-e",
            dns_suffix: "cloud.adc-e.uk",
            dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "eu-isoe-west-1",
        },
        regions: &[
            Region::new("aws-iso-e-global", "aws-iso-e global region"),
            Region::new("eu-isoe-west-1", "EU ISOE West"),
        ],
    },
    Partition {
        id: "aws-iso-f",
        region_regex: r"^us\-isof\-\w+\-\d+$",
        outputs: PartitionOutputs {
            name: "aws-iso-f",
            dns_suffix: "csp.hci.ic.gov",
            dual_stack_dns_suffix: "api.aws.hci.ic.gov",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-isof-south-1",
        },
        regions: &[
            Region::new("aws-iso-f-global", "aws-iso-f global region"),
            Region::new("us-isof-east-1", "US ISOF EAST"),
            Region::new("us-isof-south-1", "US ISOF SOUTH"),
        ],
    },
    Partition {
        id: "aws-us-gov",
        region_regex: r"^us\-gov\-\w+\-\d+$",
        outputs: PartitionOutputs {
            name: "aws-us-gov",
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-gov-west-1",
        },
        regions: &[
            Region::new("aws-us-gov-global", "aws-us-gov global region"),
            Region::new("us-gov-east-1", "AWS GovCloud (US-East)"),
            Region::new("us-gov-west-1", "AWS GovCloud (US-West)"),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_order() {
        assert_eq!(resolve_partition("us-east-1").name, "aws");
        assert_eq!(resolve_partition("aws-global").name, "aws");
        assert_eq!(
            resolve_partition("cn-north-1").dns_suffix,
            "amazonaws.com.cn"
        );
        // Not listed, picked by pattern.
        assert_eq!(resolve_partition("us-gov-central-7").name, "aws-us-gov");
        assert_eq!(resolve_partition("eu-isoe-north-3").name, "aws-iso-e");
        assert_eq!(resolve_partition("eu-central-9").name, "aws");
        // Neither: the `aws` fallback.
        assert_eq!(resolve_partition("fips").name, "aws");
        assert_eq!(resolve_partition("").name, "aws");
    }

    #[test]
    fn overrides_win_over_partition_outputs() {
        static REGIONS: [Region; 1] = [Region {
            name: "special-1",
            description: None,
            overrides: OutputOverrides {
                supports_fips: Some(false),
                ..OutputOverrides::NONE
            },
        }];
        let mut table = PARTITIONS.to_vec();
        table[1].regions = &REGIONS;
        let special = resolve_partition_in(&table, "special-1").unwrap();
        assert_eq!(special.name, "aws-cn");
        assert!(!special.supports_fips);
        assert!(resolve_partition_in(&[], "us-east-1").is_none());
    }
}
