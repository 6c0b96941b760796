//! Credentials and region resolution from environment variables and shared files, using temp
//! files and fixed environments (the process environment is never read or changed).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_client_runtime::credentials::{
    EnvironmentVariableCredentialsProvider, ProfileFileCredentialsProvider,
};
use aws_client_runtime::region::{default_region, region_from_profile, try_default_region};
use aws_client_runtime::{Credentials, DefaultCredentialsChain, Env, ProvideCredentials, Region};
use tests::error_report;

const SECRET: &str = "SECRETwJalrXUtnFEMIK7MDENGbPxRfiCY";
const TOKEN: &str = "TOKENAQoDYXdzEPTwEXAMPLEtc764bNrC9SAP";

/// A fresh home directory under the system temp dir, removed on drop.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "aws-client-runtime-creds-{}-{name}-{n}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join(".aws")).expect("create temp home");
        Self(dir)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        fs::write(&path, text).expect("write temp file");
        path
    }

    fn config(&self, text: &str) -> PathBuf {
        self.write(".aws/config", text)
    }

    fn credentials(&self, text: &str) -> PathBuf {
        self.write(".aws/credentials", text)
    }

    /// An environment whose only variables are `HOME` (this directory) and `vars`.
    fn env(&self, vars: &[(&str, &str)]) -> Env {
        let mut all: Vec<(String, String)> =
            vec![("HOME".to_string(), self.0.display().to_string())];
        all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Env::from_vars(all)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains(SECRET), "secret leaked: {text}");
    assert!(!text.contains(TOKEN), "token leaked: {text}");
}

#[test]
fn credentials_debug_and_secret_display_are_redacted() {
    let c = Credentials::new(
        "AKIDEXAMPLE",
        SECRET,
        Some(TOKEN.to_string()),
        None,
        "Static",
    );
    let debug = format!("{c:?}");
    assert_no_secret(&debug);
    assert!(debug.contains("** redacted **"), "{debug}");
    assert!(debug.contains("AKIDEXAMPLE"), "{debug}");
    assert_no_secret(&format!("{:#?}", c));
    let secret = aws_client_runtime::credentials::Secret::new(SECRET);
    assert_eq!(secret.to_string(), "** redacted **");
    assert_eq!(format!("{secret:?}"), "** redacted **");
    assert_eq!(secret.expose_secret(), SECRET);
}

#[tokio::test]
async fn static_credentials_provide_themselves() {
    let c = Credentials::from_keys("AKID", SECRET);
    let got = c.provide_credentials().await.unwrap();
    assert_eq!(got, c);
    let shared: std::sync::Arc<dyn ProvideCredentials> = std::sync::Arc::new(c.clone());
    assert_eq!(shared.provide_credentials().await.unwrap(), c);
}

#[tokio::test]
async fn environment_variables() {
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
    ]);
    let c = EnvironmentVariableCredentialsProvider::with_env(env)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "AKIDENV");
    assert_eq!(c.secret_access_key(), SECRET);
    assert_eq!(c.session_token(), Some(TOKEN));

    // Empty values count as unset.
    let env = Env::from_vars([("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")]);
    let e = EnvironmentVariableCredentialsProvider::with_env(env)
        .resolve()
        .unwrap_err();
    assert!(e.is_not_loaded());
    assert!(error_report(&e).contains("AWS_ACCESS_KEY_ID"), "{e}");

    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", ""),
    ]);
    let e = EnvironmentVariableCredentialsProvider::with_env(env)
        .resolve()
        .unwrap_err();
    assert!(!e.is_not_loaded());
    assert!(error_report(&e).contains("AWS_SECRET_ACCESS_KEY"), "{e}");
}

#[tokio::test]
async fn profile_static_keys_and_credentials_file_precedence() {
    let home = Home::new("precedence");
    home.config(&format!(
        "[default]\nregion = us-west-2\naws_access_key_id = FROMCONFIG\naws_secret_access_key = {SECRET}config\n\
         [profile onlyconfig]\naws_access_key_id = CFGONLY\naws_secret_access_key = {SECRET}\n"
    ));
    home.credentials(&format!(
        "[default]\naws_access_key_id = FROMCREDS\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
    ));
    let env = home.env(&[]);
    let c = ProfileFileCredentialsProvider::with_env(env.clone())
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "FROMCREDS");
    assert_eq!(c.secret_access_key(), SECRET);
    assert_eq!(c.session_token(), Some(TOKEN));
    assert_eq!(c.provider_name(), "ProfileFile");

    // A profile defined only in the config file still works.
    let c = ProfileFileCredentialsProvider::with_env(env.clone())
        .profile_name("onlyconfig")
        .resolve()
        .unwrap();
    assert_eq!(c.access_key_id(), "CFGONLY");

    // The region comes from the merged default profile.
    assert_eq!(default_region(&env, None), Some(Region::new("us-west-2")));
}

#[tokio::test]
async fn aws_profile_selects_the_profile() {
    let home = Home::new("aws-profile");
    home.credentials(&format!(
        "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = {SECRET}\n\
         [dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = {SECRET}\n"
    ));
    home.config("[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n");

    let env = home.env(&[("AWS_PROFILE", "dev")]);
    let c = ProfileFileCredentialsProvider::with_env(env.clone())
        .resolve()
        .unwrap();
    assert_eq!(c.access_key_id(), "DEVKEY");
    assert_eq!(default_region(&env, None), Some(Region::new("eu-west-1")));

    // An explicit profile name beats AWS_PROFILE.
    let c = ProfileFileCredentialsProvider::with_env(env.clone())
        .profile_name("default")
        .resolve()
        .unwrap();
    assert_eq!(c.access_key_id(), "DEFAULTKEY");
    assert_eq!(
        region_from_profile(&env, None, Some("default")).unwrap(),
        Some(Region::new("us-east-1"))
    );

    // Environment region variables beat the profile.
    let env = home.env(&[("AWS_PROFILE", "dev"), ("AWS_DEFAULT_REGION", "ap-south-1")]);
    assert_eq!(default_region(&env, None), Some(Region::new("ap-south-1")));
    let env = home.env(&[
        ("AWS_REGION", "sa-east-1"),
        ("AWS_DEFAULT_REGION", "ap-south-1"),
    ]);
    assert_eq!(default_region(&env, None), Some(Region::new("sa-east-1")));

    // A selected profile that does not exist is an error naming it, the files, and the
    // profiles that do exist.
    let env = home.env(&[("AWS_PROFILE", "nope")]);
    let e = ProfileFileCredentialsProvider::with_env(env)
        .resolve()
        .unwrap_err();
    let shown = error_report(&e);
    assert!(!e.is_not_loaded());
    assert!(
        shown.contains("`nope`") && shown.contains("AWS_PROFILE"),
        "{shown}"
    );
    assert!(
        shown.contains(".aws/credentials") && shown.contains(".aws/config"),
        "{shown}"
    );
    assert!(shown.contains("profiles defined: default, dev"), "{shown}");
}

#[test]
fn file_locations_from_environment_and_home_override() {
    let home = Home::new("locations");
    let creds = home.write(
        "my-creds",
        &format!("[default]\naws_access_key_id = ENVFILE\naws_secret_access_key = {SECRET}\n"),
    );
    let config = home.write("my-config", "[default]\nregion = me-south-1\n");
    let env = Env::from_vars([
        ("AWS_SHARED_CREDENTIALS_FILE", creds.display().to_string()),
        ("AWS_CONFIG_FILE", config.display().to_string()),
    ]);
    let c = ProfileFileCredentialsProvider::with_env(env.clone())
        .resolve()
        .unwrap();
    assert_eq!(c.access_key_id(), "ENVFILE");
    assert_eq!(default_region(&env, None), Some(Region::new("me-south-1")));

    // A home directory override is used for ~/.aws/... when HOME is not set.
    home.credentials(&format!(
        "[default]\naws_access_key_id = HOMEFILE\naws_secret_access_key = {SECRET}\n"
    ));
    let c = ProfileFileCredentialsProvider::with_env(Env::empty())
        .home_dir(home.path())
        .resolve()
        .unwrap();
    assert_eq!(c.access_key_id(), "HOMEFILE");
}

#[test]
fn malformed_file_reports_path_and_line_without_secrets() {
    let home = Home::new("malformed");
    let path = home.credentials(&format!(
        "# my keys\n[default]\naws_access_key_id = AKID\naws_secret_access_key {SECRET}\n"
    ));
    let env = home.env(&[]);
    let e = ProfileFileCredentialsProvider::with_env(env.clone())
        .resolve()
        .unwrap_err();
    let file_error = e.profile_file_error().expect("a file error");
    assert_eq!(file_error.line(), Some(4));
    assert_eq!(file_error.path(), path);
    let shown = error_report(&e);
    assert!(shown.contains(&format!("{}:4:", path.display())), "{shown}");
    assert_no_secret(&shown);
    assert_no_secret(&format!("{e:?}"));

    // The chain stops at the malformed file and says so.
    let e = DefaultCredentialsChain::with_env(env.clone())
        .resolve()
        .unwrap_err();
    let shown = error_report(&e);
    assert!(shown.contains(&format!("{}:4:", path.display())), "{shown}");
    assert!(shown.contains("AWS_ACCESS_KEY_ID"), "{shown}");
    assert_no_secret(&shown);

    // Region resolution surfaces the same error when asked to.
    let err = try_default_region(&env, None).unwrap_err();
    assert_eq!(err.line(), Some(4));
    assert_eq!(default_region(&env, None), None);
}

#[test]
fn partial_and_unsupported_profiles_are_clear_errors() {
    let home = Home::new("unsupported");
    home.config(&format!(
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = default\n\
         [profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n\
         [profile process]\ncredential_process = /bin/get-creds\n\
         [profile half]\naws_access_key_id = AKID\n\
         [profile secretonly]\naws_secret_access_key = {SECRET}\n\
         [profile regiononly]\nregion = us-east-1\n"
    ));
    let env = home.env(&[]);
    let resolve = |name: &str| {
        ProfileFileCredentialsProvider::with_env(env.clone())
            .profile_name(name)
            .resolve()
            .unwrap_err()
    };
    for (name, expect) in [
        ("role", "assume-role profile"),
        ("sso", "SSO profile"),
        ("process", "credential-process profile"),
    ] {
        let e = resolve(name);
        let shown = error_report(&e);
        assert!(
            shown.contains(expect) && shown.contains("not supported by this provider"),
            "{shown}"
        );
        assert!(shown.contains(&format!("`{name}`")), "{shown}");
        assert!(!e.is_not_loaded());
    }
    let shown = error_report(&resolve("half"));
    assert!(
        shown.contains("sets aws_access_key_id but not aws_secret_access_key"),
        "{shown}"
    );
    let e = resolve("secretonly");
    assert!(
        error_report(&e).contains("but not aws_access_key_id"),
        "{e}"
    );
    assert_no_secret(&error_report(&e));
    assert_no_secret(&format!("{e:?}"));
    let e = resolve("regiononly");
    assert!(error_report(&e).contains("has no aws_access_key_id"), "{e}");
}

#[tokio::test]
async fn default_chain_order_and_error() {
    let home = Home::new("chain");
    home.credentials(&format!(
        "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = {SECRET}\n"
    ));

    // Environment first.
    let env = home.env(&[
        ("AWS_ACCESS_KEY_ID", "ENVKEY"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ]);
    let c = DefaultCredentialsChain::with_env(env)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "ENVKEY");

    // Then the shared files.
    let c = DefaultCredentialsChain::with_env(home.env(&[]))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "FILEKEY");

    // A partial environment stops the chain (it is a configuration mistake).
    let env = home.env(&[("AWS_ACCESS_KEY_ID", "ENVKEY")]);
    let e = DefaultCredentialsChain::with_env(env)
        .resolve()
        .unwrap_err();
    assert!(
        error_report(&e).contains("AWS_SECRET_ACCESS_KEY is not set"),
        "{e}"
    );

    // Nothing anywhere: the error lists each place and why.
    let empty = Home::new("chain-empty");
    let e = DefaultCredentialsChain::with_env(empty.env(&[]))
        .resolve()
        .unwrap_err();
    assert!(e.is_not_loaded());
    let shown = error_report(&e);
    assert!(
        shown.contains("(1) environment:") && shown.contains("AWS_ACCESS_KEY_ID"),
        "{shown}"
    );
    assert!(shown.contains("(2) shared config files:"), "{shown}");
    assert!(shown.contains("profile `default` not found"), "{shown}");
    assert!(shown.contains(".aws/credentials (not found)"), "{shown}");
    assert!(shown.contains(".aws/config (not found)"), "{shown}");

    // No home directory at all.
    let e = DefaultCredentialsChain::with_env(Env::empty())
        .resolve()
        .unwrap_err();
    assert!(
        error_report(&e).contains("no home directory is known"),
        "{e}"
    );
}

#[test]
fn each_level_of_a_credentials_error_says_its_own_part_once() {
    let home = Home::new("chain-levels");
    let path = home.credentials("[default]\naws_access_key_id = AKID\nbroken line\n");
    let e = DefaultCredentialsChain::with_env(home.env(&[]))
        .resolve()
        .unwrap_err();
    let levels = tests::error_chain(&e);
    assert_eq!(levels.len(), 3, "{levels:?}");
    assert!(
        levels[0].starts_with("no usable AWS credentials found"),
        "{levels:?}"
    );
    assert!(
        levels[0].contains("AWS_ACCESS_KEY_ID"),
        "skipped sources are told: {levels:?}"
    );
    assert!(
        levels[1].contains("cannot load profile `default`"),
        "{levels:?}"
    );
    assert!(
        levels[2].starts_with(&format!("{}:3:", path.display())),
        "{levels:?}"
    );
    let report = levels.join("\n");
    for needle in [
        "AWS_ACCESS_KEY_ID",
        "cannot load profile",
        ":3:",
        "expected `name = value`",
    ] {
        assert_eq!(
            report.matches(needle).count(),
            1,
            "`{needle}` in {levels:?}"
        );
    }

    let e = aws_client_runtime::CredentialsError::provider_error(
        "the vault refused",
        Some("connection reset by peer".into()),
    );
    assert_eq!(
        tests::error_chain(&e),
        ["the vault refused", "connection reset by peer"]
    );
}
