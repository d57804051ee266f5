//! Finds which engine to talk to, the way the docker CLI does: `DOCKER_HOST`, then the
//! current docker context, then the default socket.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::EngineError;

pub const DEFAULT_SOCKET: &str = "unix:///var/run/docker.sock";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource {
    /// The `DOCKER_HOST` environment variable.
    DockerHost,
    /// A docker context, by name (from `DOCKER_CONTEXT` or `currentContext` in config.json).
    Context(String),
    /// The engine endpoint set in Berth's settings.
    Settings,
    Default,
}

impl std::fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::DockerHost => f.write_str("DOCKER_HOST"),
            Self::Context(name) => write!(f, "docker context \"{name}\""),
            Self::Settings => f.write_str("Berth's settings"),
            Self::Default => f.write_str("default socket"),
        }
    }
}

/// How to reach the engine, parsed from the endpoint URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    Unix(PathBuf),
    /// Plain HTTP over TCP, `host:port`.
    Tcp(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub uri: String,
    pub source: EndpointSource,
}

impl Endpoint {
    pub fn new(uri: impl Into<String>, source: EndpointSource) -> Self {
        Self {
            uri: uri.into(),
            source,
        }
    }

    pub fn transport(&self) -> Result<Transport, EngineError> {
        let bad = |why: &str| EngineError::BadEndpoint {
            endpoint: self.uri.clone(),
            reason: why.to_string(),
        };
        if let Some(path) = self.uri.strip_prefix("unix://") {
            if path.is_empty() {
                return Err(bad("the unix socket path is empty"));
            }
            return Ok(Transport::Unix(PathBuf::from(path)));
        }
        if let Some(addr) = self
            .uri
            .strip_prefix("tcp://")
            .or_else(|| self.uri.strip_prefix("http://"))
        {
            let addr = addr.trim_end_matches('/');
            if addr.is_empty() {
                return Err(bad("the TCP address is empty"));
            }
            // The docker CLI defaults a bare host to the plain-HTTP port.
            let addr = if addr
                .rsplit_once(':')
                .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
            {
                addr.to_string()
            } else {
                format!("{addr}:2375")
            };
            return Ok(Transport::Tcp(addr));
        }
        if self.uri.starts_with("ssh://") || self.uri.starts_with("npipe://") {
            return Err(bad("this transport is not supported by Berth yet"));
        }
        if self.uri.starts_with('/') {
            // Some tools set DOCKER_HOST to a bare socket path.
            return Ok(Transport::Unix(PathBuf::from(&self.uri)));
        }
        Err(bad("expected unix://PATH or tcp://HOST:PORT"))
    }
}

/// What the resolver reads from the environment; a seam so tests need not touch the process's.
#[derive(Debug, Clone, Default)]
pub struct EnvSnapshot {
    pub docker_host: Option<String>,
    pub docker_context: Option<String>,
    /// `DOCKER_CONFIG`, else `~/.docker`.
    pub config_dir: Option<PathBuf>,
}

impl EnvSnapshot {
    pub fn from_process() -> Self {
        let non_empty = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Self {
            docker_host: non_empty("DOCKER_HOST"),
            docker_context: non_empty("DOCKER_CONTEXT"),
            config_dir: non_empty("DOCKER_CONFIG")
                .map(PathBuf::from)
                .or_else(|| dirs::home_dir().map(|h| h.join(".docker"))),
        }
    }
}

/// Resolves the endpoint from the process environment and the user's docker config.
pub fn resolve_endpoint() -> Result<Endpoint, EngineError> {
    resolve_from(&EnvSnapshot::from_process())
}

pub fn resolve_from(env: &EnvSnapshot) -> Result<Endpoint, EngineError> {
    if let Some(host) = &env.docker_host {
        return Ok(Endpoint::new(host.trim(), EndpointSource::DockerHost));
    }
    let Some(config_dir) = &env.config_dir else {
        return Ok(Endpoint::new(DEFAULT_SOCKET, EndpointSource::Default));
    };
    let context = match &env.docker_context {
        Some(name) => Some(name.clone()),
        None => current_context(config_dir)?,
    };
    match context {
        // "default" is the CLI's name for "no context": DOCKER_HOST or the default socket.
        None => Ok(Endpoint::new(DEFAULT_SOCKET, EndpointSource::Default)),
        Some(name) if name == "default" => {
            Ok(Endpoint::new(DEFAULT_SOCKET, EndpointSource::Default))
        }
        Some(name) => context_endpoint(config_dir, &name),
    }
}

#[derive(Deserialize)]
struct CliConfig {
    #[serde(rename = "currentContext")]
    current_context: Option<String>,
}

fn current_context(config_dir: &Path) -> Result<Option<String>, EngineError> {
    let path = config_dir.join("config.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(config_error(&path, &e.to_string())),
    };
    let config: CliConfig =
        serde_json::from_str(&text).map_err(|e| config_error(&path, &e.to_string()))?;
    Ok(config.current_context.filter(|c| !c.is_empty()))
}

#[derive(Deserialize)]
struct ContextMeta {
    #[serde(rename = "Endpoints")]
    endpoints: ContextEndpoints,
}

#[derive(Deserialize)]
struct ContextEndpoints {
    docker: Option<DockerEndpoint>,
}

#[derive(Deserialize)]
struct DockerEndpoint {
    #[serde(rename = "Host")]
    host: String,
}

/// The CLI stores each context under `contexts/meta/<sha256 of its name>/meta.json`.
fn context_endpoint(config_dir: &Path, name: &str) -> Result<Endpoint, EngineError> {
    let digest = Sha256::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let path = config_dir.join("contexts/meta").join(hex).join("meta.json");
    let text = std::fs::read_to_string(&path).map_err(|e| EngineError::BadEndpoint {
        endpoint: format!("docker context \"{name}\""),
        reason: format!("cannot read {}: {e}", path.display()),
    })?;
    let meta: ContextMeta =
        serde_json::from_str(&text).map_err(|e| config_error(&path, &e.to_string()))?;
    let host = meta
        .endpoints
        .docker
        .map(|d| d.host)
        .filter(|h| !h.is_empty())
        .ok_or_else(|| EngineError::BadEndpoint {
            endpoint: format!("docker context \"{name}\""),
            reason: "the context has no docker endpoint".into(),
        })?;
    Ok(Endpoint::new(
        host,
        EndpointSource::Context(name.to_string()),
    ))
}

fn config_error(path: &Path, why: &str) -> EngineError {
    EngineError::BadEndpoint {
        endpoint: path.display().to_string(),
        reason: format!("cannot parse the docker CLI configuration: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with(dir: &Path) -> EnvSnapshot {
        EnvSnapshot {
            config_dir: Some(dir.to_path_buf()),
            ..Default::default()
        }
    }

    fn write_context(dir: &Path, name: &str, host: &str) {
        let digest = Sha256::digest(name.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let meta = dir.join("contexts/meta").join(hex);
        std::fs::create_dir_all(&meta).unwrap();
        let body = format!(
            r#"{{"Name":"{name}","Metadata":{{}},"Endpoints":{{"docker":{{"Host":"{host}","SkipTLSVerify":false}}}}}}"#
        );
        std::fs::write(meta.join("meta.json"), body).unwrap();
    }

    #[test]
    fn docker_host_wins_over_everything() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"currentContext":"remote"}"#,
        )
        .unwrap();
        let env = EnvSnapshot {
            docker_host: Some("tcp://10.0.0.1:2375".into()),
            ..env_with(dir.path())
        };
        let ep = resolve_from(&env).unwrap();
        assert_eq!(ep.uri, "tcp://10.0.0.1:2375");
        assert_eq!(ep.source, EndpointSource::DockerHost);
    }

    #[test]
    fn current_context_is_read_from_config_and_meta() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"auths":{},"currentContext":"colima"}"#,
        )
        .unwrap();
        write_context(dir.path(), "colima", "unix:///home/u/.colima/docker.sock");
        let ep = resolve_from(&env_with(dir.path())).unwrap();
        assert_eq!(ep.uri, "unix:///home/u/.colima/docker.sock");
        assert_eq!(ep.source, EndpointSource::Context("colima".into()));
    }

    #[test]
    fn docker_context_variable_overrides_config() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"currentContext":"colima"}"#,
        )
        .unwrap();
        write_context(dir.path(), "other", "unix:///tmp/other.sock");
        let env = EnvSnapshot {
            docker_context: Some("other".into()),
            ..env_with(dir.path())
        };
        assert_eq!(resolve_from(&env).unwrap().uri, "unix:///tmp/other.sock");
    }

    #[test]
    fn no_config_or_default_context_means_default_socket() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            resolve_from(&env_with(dir.path())).unwrap().source,
            EndpointSource::Default
        );
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"currentContext":"default"}"#,
        )
        .unwrap();
        assert_eq!(
            resolve_from(&env_with(dir.path())).unwrap().uri,
            DEFAULT_SOCKET
        );
    }

    #[test]
    fn missing_context_and_corrupt_config_are_bad_endpoints() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"currentContext":"ghost"}"#,
        )
        .unwrap();
        assert!(matches!(
            resolve_from(&env_with(dir.path())),
            Err(EngineError::BadEndpoint { .. })
        ));
        std::fs::write(dir.path().join("config.json"), "{not json").unwrap();
        assert!(matches!(
            resolve_from(&env_with(dir.path())),
            Err(EngineError::BadEndpoint { .. })
        ));
    }

    #[test]
    fn transports_are_parsed() {
        let ep = |u: &str| Endpoint::new(u, EndpointSource::DockerHost).transport();
        assert_eq!(
            ep("unix:///var/run/docker.sock").unwrap(),
            Transport::Unix("/var/run/docker.sock".into())
        );
        assert_eq!(
            ep("/run/podman.sock").unwrap(),
            Transport::Unix("/run/podman.sock".into())
        );
        assert_eq!(
            ep("tcp://127.0.0.1:2375").unwrap(),
            Transport::Tcp("127.0.0.1:2375".into())
        );
        assert_eq!(
            ep("tcp://dockerhost").unwrap(),
            Transport::Tcp("dockerhost:2375".into())
        );
        assert!(matches!(
            ep("ssh://me@host"),
            Err(EngineError::BadEndpoint { .. })
        ));
        assert!(matches!(
            ep("unix://"),
            Err(EngineError::BadEndpoint { .. })
        ));
        assert!(matches!(ep("bogus"), Err(EngineError::BadEndpoint { .. })));
    }
}
