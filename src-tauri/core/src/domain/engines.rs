//! Several engines (issue #8): the engines the user configured or imported from docker
//! contexts, which one is active, and the overview that shows them side by side. Plain data
//! and validation; the engine layer turns a config into an endpoint.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::echo::echo;
use super::settings::endpoint_problem;
use super::EngineStatus;

pub const ENGINES_VERSION: u32 = 1;
pub const MAX_ENGINES: usize = 32;
/// The longest address, path or origin of an engine (a path is at most 4096 on Linux).
pub const MAX_ENGINE_TEXT: usize = 4096;

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
        // The list is also read from a file someone else may have written: no control
        // characters in what is shown or passed on, and bounded lengths.
        let shown = echo(name);
        if name.chars().any(char::is_control) {
            errors.push(format!("engine “{shown}”: the name has control characters"));
        }
        // The name keys the engine in files and menus: a name, not a path.
        if name.contains(['/', '\\']) {
            errors.push(format!("engine “{shown}”: a name cannot hold '/' or '\\'"));
        }
        let texts = [
            Some(&self.endpoint),
            self.tls_ca.as_ref(),
            self.tls_cert.as_ref(),
            self.tls_key.as_ref(),
            self.ssh_config.as_ref(),
            Some(&self.origin),
        ];
        if texts
            .into_iter()
            .flatten()
            .any(|t| t.len() > MAX_ENGINE_TEXT || t.chars().any(char::is_control))
        {
            errors.push(format!(
                "engine “{shown}”: an address, path or origin is longer than {MAX_ENGINE_TEXT} \
                 characters or has control characters"
            ));
        }
        let ep = self.endpoint.trim();
        let scheme_ok = ["unix://", "tcp://", "https://", "ssh://"]
            .iter()
            .any(|s| ep.starts_with(s) && ep.len() > s.len());
        let bad_port = ep
            .strip_prefix("tcp://")
            .is_some_and(|_| endpoint_problem(ep.trim_end_matches('/')).is_some());
        if !scheme_ok || bad_port || ep.chars().any(char::is_whitespace) {
            errors.push(format!(
                "engine “{shown}”: the address must look like unix:///path, tcp://host:port or ssh://user@host"
            ));
        }
        let tls_any = self.tls_ca.is_some() || self.tls_cert.is_some() || self.tls_key.is_some();
        if tls_any && !(ep.starts_with("tcp://") || ep.starts_with("https://")) {
            errors.push(format!(
                "engine “{shown}”: TLS files only apply to tcp:// addresses"
            ));
        }
        if tls_any && self.tls_ca.is_none() {
            errors.push(format!(
                "engine “{shown}”: TLS needs the engine's CA (ca.pem); Berth always verifies"
            ));
        }
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            errors.push(format!(
                "engine “{shown}”: the client certificate and key go together"
            ));
        }
        if self.ssh_config.is_some() && !ep.starts_with("ssh://") {
            errors.push(format!(
                "engine “{shown}”: an ssh_config only applies to ssh://"
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
                    "engine “{shown}”: “{}” must be an absolute path",
                    echo(path)
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
                errors.push(format!("two engines are named “{}”", echo(&e.name)));
            }
            if e.name.trim().eq_ignore_ascii_case(LOCAL_ENGINE) {
                errors.push(format!(
                    "{LOCAL_ENGINE:?} is the name of the docker CLI's engine"
                ));
            }
        }
        if let Some(active) = &self.active {
            if !self.engines.iter().any(|e| &e.name == active) {
                errors.push(format!(
                    "the active engine “{}” is not configured",
                    echo(active)
                ));
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

/// The stored list as read, entry by entry: the good entries, and one line per entry (or
/// active engine) left out, naming it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredEngines {
    pub setup: EnginesSetup,
    pub dropped: Vec<String>,
}

/// A name from a file, fit to quote in a notice: escaped (`{:?}`) and cut.
fn quoted(name: &str) -> String {
    let cut: String = name.chars().take(64).collect();
    if cut.len() < name.len() {
        format!("{cut:?}…")
    } else {
        format!("{cut:?}")
    }
}

impl EnginesSetup {
    /// Reads the stored list (`{"engines": [...], "active": ...}`) one entry at a time: an
    /// entry that does not parse (missing fields, a transport Berth does not know, hostile
    /// values), fails validation, repeats a name, is named like the local engine or is past
    /// [`MAX_ENGINES`] is left out and named in `dropped`; the rest load. An active engine
    /// that is not in the list is dropped too (the docker CLI's choice is used). `Err`: the
    /// document itself is not such an object.
    pub fn from_stored(value: serde_json::Value) -> Result<StoredEngines, String> {
        let serde_json::Value::Object(mut doc) = value else {
            return Err("the engine list is not a JSON object".into());
        };
        let entries = match doc.remove("engines") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(items)) => items,
            Some(_) => return Err("\"engines\" is not a list".into()),
        };
        let mut out = StoredEngines::default();
        for (i, item) in entries.into_iter().enumerate() {
            let label = match item.get("name").and_then(|n| n.as_str()) {
                Some(name) => format!("engine {} ({})", i + 1, quoted(name)),
                None => format!("engine {}", i + 1),
            };
            let config = match serde_json::from_value::<EngineConfig>(item) {
                Ok(c) => c,
                Err(e) => {
                    out.dropped.push(format!("{label}: {e}"));
                    continue;
                }
            };
            let mut candidate = out.setup.clone();
            candidate.engines.push(config);
            match candidate.validate() {
                Ok(()) => out.setup = candidate,
                Err(errors) => out.dropped.push(format!("{label}: {}", errors.join("; "))),
            }
        }
        match doc.remove("active") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(active))
                if out.setup.engines.iter().any(|e| e.name == active) =>
            {
                out.setup.active = Some(active);
            }
            Some(other) => {
                let shown = match &other {
                    serde_json::Value::String(s) => quoted(s),
                    _ => "a value that is not a name".into(),
                };
                out.dropped.push(format!(
                    "the active engine {shown} is not in the list; the docker CLI's engine is used"
                ));
            }
        }
        Ok(out)
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
    fn one_bad_stored_entry_drops_that_entry_not_the_list() {
        let good = |name: &str| {
            serde_json::json!({"name": name, "endpoint": "unix:///run/podman.sock",
                "tls_ca": null, "tls_cert": null, "tls_key": null, "ssh_config": null, "origin": ""})
        };
        let mut bad_transport = good("ftp");
        bad_transport["endpoint"] = "ftp://host".into();
        let mut hostile = good("evil\u{1b}[2J");
        hostile["endpoint"] = "unix:///x".into();
        let mut long = good("long");
        long["tls_ca"] = "/".repeat(5000).into();
        let mut first_alpha = good("alpha");
        first_alpha["endpoint"] = "unix:///other".into();
        let doc = serde_json::json!({
            "engines": [
                good("alpha"),
                bad_transport,
                {"name": "missing-fields"},
                42,
                hostile,
                long,
                first_alpha,
                good("LOCAL"),
                good("beta"),
            ],
            "active": "ftp",
        });
        let stored = EnginesSetup::from_stored(doc).unwrap();
        let names: Vec<_> = stored
            .setup
            .engines
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(names, ["alpha", "beta"]);
        assert_eq!(stored.setup.active, None);
        let dropped = stored.dropped.join("\n");
        assert_eq!(stored.dropped.len(), 8, "{dropped}");
        for named in [
            "engine 2 (\"ftp\")",
            "engine 3 (\"missing-fields\")",
            "engine 4:",
            "engine 5 (\"evil\\u{1b}[2J\")",
            "engine 6 (\"long\")",
            "two engines are named “alpha”",
            "engine 8 (\"LOCAL\")",
            "the active engine \"ftp\" is not in the list",
        ] {
            assert!(dropped.contains(named), "{named} in\n{dropped}");
        }
        assert!(stored.setup.validate().is_ok());
        // The document itself must be an object with a list.
        assert!(EnginesSetup::from_stored(serde_json::json!([1])).is_err());
        assert!(EnginesSetup::from_stored(serde_json::json!({"engines": "x"})).is_err());
        let many: Vec<_> = (0..40).map(|i| good(&format!("e{i}"))).collect();
        let stored = EnginesSetup::from_stored(serde_json::json!({ "engines": many })).unwrap();
        assert_eq!(stored.setup.engines.len(), MAX_ENGINES);
        assert_eq!(stored.dropped.len(), 40 - MAX_ENGINES);
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
