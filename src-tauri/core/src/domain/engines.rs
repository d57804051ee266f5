//! Several engines (issue #8): the engines the user configured or imported from docker
//! contexts, which one is active, and the overview that shows them side by side. Plain data
//! and validation; the engine layer turns a config into an endpoint.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::EngineStatus;

pub const ENGINES_VERSION: u32 = 1;
pub const MAX_ENGINES: usize = 32;

/// How Berth reaches an engine; plain TCP is the one the UI warns about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EngineTransport {
    #[default]
    Unix,
    /// Unencrypted, unauthenticated TCP: anyone on the network path controls the engine.
    Tcp,
    Tls,
    Ssh,
}

/// Which engine answers: Docker, or Podman's Docker-compatible service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EngineFlavor {
    #[default]
    Docker,
    Podman,
}

/// One engine the user added (or imported). `name` is its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EngineConfig {
    pub name: String,
    /// `unix:///path`, `tcp://host:port`, or `ssh://[user@]host[:port]`.
    pub endpoint: String,
    /// TLS for `tcp://`: the engine's CA (required for TLS), and the client pair.
    pub tls_ca: Option<String>,
    pub tls_cert: Option<String>,
    pub tls_key: Option<String>,
    /// An ssh_config for `ssh://` engines (`ssh -F`); else the user's own.
    pub ssh_config: Option<String>,
    /// Where it came from, e.g. `docker context "remote"`; empty when added by hand.
    pub origin: String,
}

impl EngineConfig {
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if name.is_empty() || name.len() > 64 {
            errors.push("an engine needs a name of 1-64 characters".into());
        }
        let ep = self.endpoint.trim();
        let scheme_ok = ["unix://", "tcp://", "https://", "ssh://"]
            .iter()
            .any(|s| ep.starts_with(s) && ep.len() > s.len());
        if !scheme_ok || ep.chars().any(char::is_whitespace) {
            errors.push(format!(
                "engine {name:?}: the address must look like unix:///path, tcp://host:port or ssh://user@host"
            ));
        }
        let tls_any = self.tls_ca.is_some() || self.tls_cert.is_some() || self.tls_key.is_some();
        if tls_any && !(ep.starts_with("tcp://") || ep.starts_with("https://")) {
            errors.push(format!(
                "engine {name:?}: TLS files only apply to tcp:// addresses"
            ));
        }
        if tls_any && self.tls_ca.is_none() {
            errors.push(format!(
                "engine {name:?}: TLS needs the engine's CA (ca.pem); Berth always verifies"
            ));
        }
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            errors.push(format!(
                "engine {name:?}: the client certificate and key go together"
            ));
        }
        if self.ssh_config.is_some() && !ep.starts_with("ssh://") {
            errors.push(format!(
                "engine {name:?}: an ssh_config only applies to ssh://"
            ));
        }
        for path in [
            &self.tls_ca,
            &self.tls_cert,
            &self.tls_key,
            &self.ssh_config,
        ]
        .into_iter()
        .flatten()
        {
            if !path.starts_with('/') {
                errors.push(format!(
                    "engine {name:?}: {path:?} must be an absolute path"
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// What is stored: the engines and the active one (`None`: the docker CLI's choice, i.e.
/// DOCKER_HOST, the current context, or the default socket).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EnginesSetup {
    pub engines: Vec<EngineConfig>,
    pub active: Option<String>,
}

impl EnginesSetup {
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut errors: Vec<String> = Vec::new();
        if self.engines.len() > MAX_ENGINES {
            errors.push(format!("at most {MAX_ENGINES} engines"));
        }
        let mut names = std::collections::HashSet::new();
        for e in &self.engines {
            if let Err(mut more) = e.validate() {
                errors.append(&mut more);
            }
            if !names.insert(e.name.trim().to_lowercase()) {
                errors.push(format!("two engines are named {:?}", e.name));
            }
            if e.name.trim().eq_ignore_ascii_case(LOCAL_ENGINE) {
                errors.push(format!(
                    "{LOCAL_ENGINE:?} is the name of the docker CLI's engine"
                ));
            }
        }
        if let Some(active) = &self.active {
            if !self.engines.iter().any(|e| &e.name == active) {
                errors.push(format!("the active engine {active:?} is not configured"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Adds imported engines whose name or endpoint is new; returns how many were added.
    pub fn merge_imported(&mut self, imported: Vec<EngineConfig>) -> usize {
        let mut added = 0;
        for e in imported {
            let known = self.engines.iter().any(|k| {
                k.name.eq_ignore_ascii_case(&e.name)
                    || (k.endpoint == e.endpoint && k.tls_ca == e.tls_ca)
            });
            if !known && !e.name.eq_ignore_ascii_case(LOCAL_ENGINE) && e.validate().is_ok() {
                self.engines.push(e);
                added += 1;
            }
        }
        added
    }
}

/// The name the overview gives the engine the docker CLI would use.
pub const LOCAL_ENGINE: &str = "local";

/// One row of the engines overview, kept live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EngineOverview {
    pub name: String,
    pub endpoint: String,
    pub transport: Option<EngineTransport>,
    pub active: bool,
    pub status: EngineStatus,
    pub running: Option<u32>,
    pub total: Option<u32>,
    pub origin: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(name: &str, endpoint: &str) -> EngineConfig {
        EngineConfig {
            name: name.into(),
            endpoint: endpoint.into(),
            tls_ca: None,
            tls_cert: None,
            tls_key: None,
            ssh_config: None,
            origin: String::new(),
        }
    }

    #[test]
    fn configs_are_validated() {
        assert!(engine("a", "unix:///run/podman.sock").validate().is_ok());
        assert!(engine("a", "ssh://me@host").validate().is_ok());
        assert!(engine("", "unix:///x").validate().is_err());
        assert!(engine("a", "ftp://x").validate().is_err());
        let mut tls = engine("t", "tcp://h:2376");
        tls.tls_cert = Some("/c/cert.pem".into());
        tls.tls_key = Some("/c/key.pem".into());
        // A client pair without a CA would mean "trust anything": refused.
        assert!(tls.validate().is_err());
        tls.tls_ca = Some("/c/ca.pem".into());
        assert!(tls.validate().is_ok());
        tls.tls_key = None;
        assert!(tls.validate().is_err());
        let mut relative = engine("r", "tcp://h:2376");
        relative.tls_ca = Some("ca.pem".into());
        assert!(relative.validate().is_err());
        let mut ssh_on_tcp = engine("s", "tcp://h:2375");
        ssh_on_tcp.ssh_config = Some("/x".into());
        assert!(ssh_on_tcp.validate().is_err());
    }

    #[test]
    fn names_are_unique_and_the_active_one_exists() {
        let mut setup = EnginesSetup {
            engines: vec![engine("a", "unix:///a"), engine("A", "unix:///b")],
            active: None,
        };
        assert!(setup.validate().is_err());
        setup.engines.pop();
        setup.active = Some("b".into());
        assert!(setup.validate().is_err());
        setup.active = Some("a".into());
        assert!(setup.validate().is_ok());
        setup.engines.push(engine("local", "unix:///c"));
        assert!(setup.validate().is_err());
    }

    #[test]
    fn import_skips_known_names_and_endpoints() {
        let mut setup = EnginesSetup {
            engines: vec![engine("a", "unix:///a")],
            active: None,
        };
        let added = setup.merge_imported(vec![
            engine("a", "unix:///z"),
            engine("b", "unix:///a"),
            engine("c", "tcp://h:2375"),
            engine("bad", "nope"),
        ]);
        assert_eq!(added, 1);
        assert_eq!(setup.engines[1].name, "c");
    }
}
