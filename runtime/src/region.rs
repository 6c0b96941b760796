//! The AWS region requests are sent to and signed for.
//!
//! Resolution follows the AWS CLI: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the `region`
//! property of the selected profile in the shared files.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use crate::profile::{selected_profile_name, Env, ProfileFileError, ProfileSet};

/// An AWS region name, e.g. `us-east-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(Cow<'static, str>);

impl Region {
    /// A region from any string.
    pub fn new(region: impl Into<Cow<'static, str>>) -> Self {
        Self(region.into())
    }

    /// A region from a string literal, usable in `const` items.
    pub const fn from_static(region: &'static str) -> Self {
        Self(Cow::Borrowed(region))
    }

    /// The region name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Region {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&'static str> for Region {
    fn from(region: &'static str) -> Self {
        Self::from_static(region)
    }
}

impl From<String> for Region {
    fn from(region: String) -> Self {
        Self::new(region)
    }
}

/// `AWS_REGION`, else `AWS_DEFAULT_REGION`; empty values count as unset.
pub fn region_from_env(env: &Env) -> Option<Region> {
    env.get_non_empty("AWS_REGION")
        .or_else(|| env.get_non_empty("AWS_DEFAULT_REGION"))
        .map(Region::new)
}

/// The `region` of a profile (`profile`, else `AWS_PROFILE`, else `default`) in the shared
/// files; `Ok(None)` when the files, the profile or the property do not exist.
pub fn region_from_profile(
    env: &Env,
    home: Option<&Path>,
    profile: Option<&str>,
) -> Result<Option<Region>, ProfileFileError> {
    let set = ProfileSet::load(env, home)?;
    let name = profile
        .map(str::to_string)
        .unwrap_or_else(|| selected_profile_name(env));
    Ok(set
        .get(&name)
        .and_then(|p| p.get_non_empty("region"))
        .map(|r| Region::new(r.to_string())))
}

/// The region from the environment, else from the selected profile; fails only when a shared
/// file is unreadable or malformed.
pub fn try_default_region(
    env: &Env,
    home: Option<&Path>,
) -> Result<Option<Region>, ProfileFileError> {
    match region_from_env(env) {
        Some(region) => Ok(Some(region)),
        None => region_from_profile(env, home, None),
    }
}

/// The region from the environment, else from the selected profile. A malformed shared file
/// counts as no region; use [`try_default_region`] to see the error.
pub fn default_region(env: &Env, home: Option<&Path>) -> Option<Region> {
    try_default_region(env, home).ok().flatten()
}

/// [`default_region`] with the home directory from `env`, for async configuration loaders.
/// The files are small and read synchronously.
pub async fn load_region(env: &Env) -> Option<Region> {
    default_region(env, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_basics() {
        const R: Region = Region::from_static("us-east-1");
        assert_eq!(R.as_ref(), "us-east-1");
        assert_eq!(
            Region::new(String::from("eu-west-1")).to_string(),
            "eu-west-1"
        );
        assert_eq!(Region::from("a"), Region::new("a"));
    }

    #[test]
    fn env_order() {
        let env = Env::from_vars([("AWS_REGION", "a"), ("AWS_DEFAULT_REGION", "b")]);
        assert_eq!(region_from_env(&env), Some(Region::new("a")));
        let env = Env::from_vars([("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "b")]);
        assert_eq!(region_from_env(&env), Some(Region::new("b")));
        assert_eq!(region_from_env(&Env::empty()), None);
        // No home and no files: nothing, and no error.
        assert_eq!(try_default_region(&Env::empty(), None), Ok(None));
    }
}
