//! Registry logins the way the docker CLI keeps them: `config.json` in `$DOCKER_CONFIG` (else
//! `~/.docker`), either as `auths` entries (base64 `user:password`) or through a credential
//! helper (`credHelpers` per registry, else `credsStore`), run as the argv
//! `docker-credential-<name> get`. Berth only reads them: logging in stays `docker login`'s
//! job, so Berth never writes a secret anywhere.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::domain::reference::DOCKER_HUB;

/// The key the CLI files Docker Hub's login under (its v1 index address, for history's sake).
const HUB_KEY: &str = "https://index.docker.io/v1/";
/// A helper that does not answer in this time is given up (it may be waiting on a prompt).
const HELPER_TIMEOUT: Duration = Duration::from_secs(15);
/// config.json is small; anything bigger is not the CLI's.
const CONFIG_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// A registry login. Its `Debug` hides the secret, so it never lands in a log.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistryLogin {
    pub username: String,
    pub secret: Secret,
}

#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    Password(String),
    /// An OAuth identity token (a helper's answer with the user name `<token>`).
    IdentityToken(String),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Password(_) => "Password(<hidden>)",
            Self::IdentityToken(_) => "IdentityToken(<hidden>)",
        })
    }
}

impl std::fmt::Debug for RegistryLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryLogin")
            .field("username", &self.username)
            .field("secret", &self.secret)
            .finish()
    }
}

/// Why a login could not be read (a login that is simply not there is `Ok(None)`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("cannot read the docker CLI's configuration {path}: {why}")]
    Config { path: String, why: String },
    #[error("the docker credential helper “docker-credential-{helper}” failed: {why}")]
    Helper { helper: String, why: String },
}

/// Where the docker CLI keeps its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialStore {
    dir: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
struct CliConfig {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(rename = "credsStore", default)]
    creds_store: Option<String>,
    #[serde(rename = "credHelpers", default)]
    cred_helpers: HashMap<String, String>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(rename = "identitytoken", default)]
    identity_token: Option<String>,
}

#[derive(Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

impl CredentialStore {
    /// `$DOCKER_CONFIG`, else `~/.docker`, as the CLI does.
    pub fn from_process() -> Self {
        let dir = std::env::var_os("DOCKER_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| dirs::home_dir().map(|h| h.join(".docker")));
        Self { dir }
    }

    /// The configuration in `dir` (tests, and a docker CLI run with `--config dir`).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Some(dir.into()),
        }
    }

    /// The login for `registry` (`host[:port]`, `docker.io` for Docker Hub), if the user
    /// logged in there with the docker CLI.
    pub async fn login_for(
        &self,
        registry: &str,
    ) -> Result<Option<RegistryLogin>, CredentialError> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        let Some(config) = read_config(&dir.join("config.json"))? else {
            return Ok(None);
        };
        let key = server_key(registry);
        let helper = config
            .cred_helpers
            .iter()
            .find(|(k, _)| normalize(k) == normalize(&key))
            .map(|(_, v)| v.clone())
            .or(config.creds_store.clone())
            .filter(|h| !h.is_empty());
        if let Some(helper) = helper {
            return run_helper(&helper, &key).await;
        }
        let entry = config
            .auths
            .iter()
            .find(|(k, _)| normalize(k) == normalize(&key))
            .map(|(_, v)| v);
        match entry {
            Some(entry) => decode_entry(entry, &dir.join("config.json")),
            None => Ok(None),
        }
    }
}

/// What the CLI names a registry in its config: Docker Hub by its v1 index URL, others by
/// `host[:port]`.
fn server_key(registry: &str) -> String {
    match registry {
        DOCKER_HUB | "index.docker.io" | "registry-1.docker.io" => HUB_KEY.to_string(),
        host => host.to_string(),
    }
}

/// Keys may be written as URLs (`https://host/v2/`, older CLIs): compare hosts only.
fn normalize(key: &str) -> String {
    let key = key
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = key.split('/').next().unwrap_or(key).to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "docker.io" => DOCKER_HUB.to_string(),
        _ => host,
    }
}

fn read_config(path: &Path) -> Result<Option<CliConfig>, CredentialError> {
    let err = |why: String| CredentialError::Config {
        path: path.display().to_string(),
        why,
    };
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e.to_string())),
        Ok(m) if m.len() > CONFIG_MAX_BYTES => return Err(err("it is too large".into())),
        Ok(_) => {}
    }
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| err(e.to_string()))
}

fn decode_entry(entry: &AuthEntry, path: &Path) -> Result<Option<RegistryLogin>, CredentialError> {
    let bad = |why: &str| CredentialError::Config {
        path: path.display().to_string(),
        why: why.to_string(),
    };
    let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) else {
        return Ok(entry
            .identity_token
            .clone()
            .filter(|t| !t.is_empty())
            .map(|token| RegistryLogin {
                username: String::new(),
                secret: Secret::IdentityToken(token),
            }));
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(auth.trim())
        .map_err(|_| bad("an `auths` entry is not valid base64"))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("an `auths` entry is not text"))?;
    let (username, password) = text
        .split_once(':')
        .ok_or_else(|| bad("an `auths` entry is not `user:password`"))?;
    let secret = match entry.identity_token.clone().filter(|t| !t.is_empty()) {
        Some(token) => Secret::IdentityToken(token),
        None => Secret::Password(password.to_string()),
    };
    Ok(Some(RegistryLogin {
        username: username.to_string(),
        secret,
    }))
}

/// Helper names come from a file the user controls, but they become part of a program name:
/// only the characters real helpers use (`pass`, `secretservice`, `ecr-login`, ...).
fn valid_helper(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !name.starts_with('.')
}

async fn run_helper(helper: &str, key: &str) -> Result<Option<RegistryLogin>, CredentialError> {
    if !valid_helper(helper) {
        return Err(CredentialError::Helper {
            helper: helper.to_string(),
            why: "its name is not a helper's name".into(),
        });
    }
    let program = PathBuf::from(format!("docker-credential-{helper}"));
    run_helper_at(&program, helper, key).await
}

/// Runs `program get` with the server's key on stdin (the helper protocol), found on PATH
/// like the CLI finds it.
async fn run_helper_at(
    program: &Path,
    helper: &str,
    key: &str,
) -> Result<Option<RegistryLogin>, CredentialError> {
    let fail = |why: String| CredentialError::Helper {
        helper: helper.to_string(),
        why,
    };
    let mut child = tokio::process::Command::new(program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => fail("it is not installed".into()),
            _ => fail(e.to_string()),
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(key.as_bytes())
            .await
            .map_err(|e| fail(e.to_string()))?;
    }
    let output = tokio::time::timeout(HELPER_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| fail(format!("it did not answer within {HELPER_TIMEOUT:?}")))?
        .map_err(|e| fail(e.to_string()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        // The helper protocol's one defined answer for "no login stored here".
        if stdout.contains("credentials not found") {
            return Ok(None);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let why = [stdout.trim(), stderr.trim()]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or("it exited with an error")
            .chars()
            .take(300)
            .collect();
        return Err(fail(why));
    }
    let answer: HelperAnswer = serde_json::from_str(stdout.trim())
        .map_err(|_| fail("its answer is not the helper protocol's JSON".into()))?;
    if answer.secret.is_empty() {
        return Ok(None);
    }
    // The protocol's way of saying "this secret is an identity token".
    let secret = if answer.username == "<token>" {
        Secret::IdentityToken(answer.secret)
    } else {
        Secret::Password(answer.secret)
    };
    Ok(Some(RegistryLogin {
        username: answer.username,
        secret,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(config: &str) -> (tempfile::TempDir, CredentialStore) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), config).unwrap();
        let store = CredentialStore::at(dir.path());
        (dir, store)
    }

    #[tokio::test]
    async fn auths_entries_are_base64_user_password() {
        // "alice:s3cr:et" — a password may contain ':'.
        let (_d, store) = store_with(
            r#"{"auths":{"localhost:5000":{"auth":"YWxpY2U6czNjcjpldA=="},
                "https://index.docker.io/v1/":{"auth":"Ym9iOmh1Yg=="}}}"#,
        );
        let login = store.login_for("localhost:5000").await.unwrap().unwrap();
        assert_eq!(login.username, "alice");
        assert_eq!(login.secret, Secret::Password("s3cr:et".into()));
        assert!(
            !format!("{login:?}").contains("s3cr"),
            "Debug hides the secret"
        );
        let hub = store.login_for("docker.io").await.unwrap().unwrap();
        assert_eq!(hub.username, "bob");
        assert_eq!(store.login_for("other:5000").await.unwrap(), None);
    }

    #[tokio::test]
    async fn url_shaped_keys_and_missing_files_are_handled() {
        let (_d, store) =
            store_with(r#"{"auths":{"https://Reg.Example.com/v2/":{"auth":"dTpw"}}}"#);
        let login = store.login_for("reg.example.com").await.unwrap().unwrap();
        assert_eq!(login.username, "u");
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(
            CredentialStore::at(empty.path())
                .login_for("x")
                .await
                .unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn broken_configs_and_helpers_say_what_is_wrong() {
        let (_d, store) = store_with("{not json");
        let e = store.login_for("x").await.unwrap_err();
        assert!(matches!(e, CredentialError::Config { .. }), "{e}");
        let (_d, store) = store_with(r#"{"auths":{"x":{"auth":"!!!"}}}"#);
        assert!(store.login_for("x").await.is_err());
        let (_d, store) = store_with(r#"{"credsStore":"berth-test-no-such-helper"}"#);
        let e = store.login_for("x").await.unwrap_err().to_string();
        assert!(
            e.contains("docker-credential-berth-test-no-such-helper")
                && e.contains("not installed"),
            "{e}"
        );
        let (_d, store) = store_with(r#"{"credHelpers":{"x":"../../bin/sh"}}"#);
        let e = store.login_for("x").await.unwrap_err().to_string();
        assert!(e.contains("not a helper's name"), "{e}");
    }

    #[tokio::test]
    async fn a_helper_is_run_as_argv_with_the_server_on_stdin() {
        use std::os::unix::fs::PermissionsExt;
        let bin = tempfile::tempdir().unwrap();
        let helper = bin.path().join("docker-credential-berthtest");
        // Echoes the server it was asked about as the user name, so the test sees stdin.
        std::fs::write(
            &helper,
            "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread server\nif [ \"$server\" = none ]; then echo 'credentials not found in native keychain'; exit 1; fi\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"pw\"}' \"$server\" \"$server\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
        // Run by its full path: the tests must not change the process's PATH.
        assert!(
            !valid_helper(&helper.display().to_string()),
            "a path is never a helper name"
        );
        let login = run_helper_at(&helper, "berthtest", "localhost:5000")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(login.username, "localhost:5000");
        assert_eq!(login.secret, Secret::Password("pw".into()));
        let none = run_helper_at(&helper, "berthtest", "none").await.unwrap();
        assert_eq!(none, None);
    }
}
