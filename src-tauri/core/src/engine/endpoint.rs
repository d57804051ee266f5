//! Finds which engine to talk to, the way the docker CLI does: `DOCKER_HOST`, then the
//! current docker context, then the default socket.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::EngineError;
use crate::domain::engines::{EngineConfig, EngineTransport, LOCAL_ENGINE};

pub const DEFAULT_SOCKET: &str = "unix:///var/run/docker.sock";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource {
    /// The `DOCKER_HOST` environment variable.
    DockerHost,
    /// A docker context, by name (from `DOCKER_CONTEXT` or `currentContext` in config.json).
    Context(String),
    /// The engine endpoint set in Berth's settings.
    Settings,
    /// An engine from Berth's engine list, by name.
    Engine(String),
    Default,
}

impl std::fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::DockerHost => f.write_str("DOCKER_HOST"),
            Self::Context(name) => write!(f, "docker context \"{name}\""),
            Self::Settings => f.write_str("Berth's settings"),
            Self::Engine(name) => write!(f, "Berth's engine \"{name}\""),
            Self::Default => f.write_str("default socket"),
        }
    }
}

/// How to reach the engine, parsed from the endpoint URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    Unix(PathBuf),
    /// Plain HTTP over TCP, `host:port`: anyone on the path can read and drive the engine.
    Tcp(String),
    /// HTTPS with the engine's CA (and usually a client certificate), `host:port`.
    Tls {
        addr: String,
        files: TlsFiles,
    },
    /// `docker system dial-stdio` on the far side of an `ssh` connection.
    Ssh(SshTarget),
}

/// The docker CLI's TLS material: `ca.pem`, `cert.pem`, `key.pem` (DOCKER_CERT_PATH layout).
/// The CA is required: Berth always verifies the engine's certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

impl TlsFiles {
    /// The files of a DOCKER_CERT_PATH-style directory; the client pair only if present.
    pub fn from_dir(dir: &Path) -> Self {
        let present = |name: &str| Some(dir.join(name)).filter(|p| p.exists());
        Self {
            ca: dir.join("ca.pem"),
            cert: present("cert.pem"),
            key: present("key.pem"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub uri: String,
    pub source: EndpointSource,
    /// Set for `tcp://` engines that speak TLS (DOCKER_TLS_VERIFY, a context's tls/ dir, or
    /// the engine's settings); `None` means plain TCP.
    pub tls: Option<TlsFiles>,
    /// An ssh_config file passed to `ssh -F` for `ssh://` engines (else the user's own).
    pub ssh_config: Option<PathBuf>,
    /// The docker CLI configuration whose registry logins go with pulls (as `docker pull`
    /// would send them); `None`: `$DOCKER_CONFIG`, else `~/.docker`.
    pub docker_config: Option<PathBuf>,
}

impl Endpoint {
    pub fn new(uri: impl Into<String>, source: EndpointSource) -> Self {
        Self {
            uri: uri.into(),
            source,
            tls: None,
            ssh_config: None,
            docker_config: None,
        }
    }

    /// Registry logins come from the docker CLI configuration in `dir`.
    pub fn with_docker_config(mut self, dir: Option<PathBuf>) -> Self {
        self.docker_config = dir;
        self
    }

    /// Where this engine's pulls find registry logins.
    pub fn credentials(&self) -> super::CredentialStore {
        match &self.docker_config {
            Some(dir) => super::CredentialStore::at(dir),
            None => super::CredentialStore::from_process(),
        }
    }

    pub fn with_tls(mut self, tls: Option<TlsFiles>) -> Self {
        self.tls = tls;
        self
    }

    pub fn with_ssh_config(mut self, config: Option<PathBuf>) -> Self {
        self.ssh_config = config;
        self
    }

    /// The endpoint of a configured engine.
    pub fn from_config(config: &EngineConfig) -> Self {
        let tls = config.tls_ca.as_ref().map(|ca| TlsFiles {
            ca: PathBuf::from(ca),
            cert: config.tls_cert.as_ref().map(PathBuf::from),
            key: config.tls_key.as_ref().map(PathBuf::from),
        });
        Self::new(
            config.endpoint.trim(),
            EndpointSource::Engine(config.name.clone()),
        )
        .with_tls(tls)
        .with_ssh_config(config.ssh_config.as_ref().map(PathBuf::from))
    }

    /// The name the UI shows: the configured engine's or context's name, else "local".
    pub fn display_name(&self) -> String {
        match &self.source {
            EndpointSource::Engine(name) | EndpointSource::Context(name) => name.clone(),
            _ => LOCAL_ENGINE.to_string(),
        }
    }

    pub fn transport_kind(&self) -> Option<EngineTransport> {
        Some(match self.transport().ok()? {
            Transport::Unix(_) => EngineTransport::Unix,
            Transport::Tcp(_) => EngineTransport::Tcp,
            Transport::Tls { .. } => EngineTransport::Tls,
            Transport::Ssh(_) => EngineTransport::Ssh,
        })
    }

    /// True for an engine reached over plain TCP, which the UI must warn about.
    pub fn is_plain_tcp(&self) -> bool {
        matches!(self.transport(), Ok(Transport::Tcp(_)))
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
        let https = self.uri.starts_with("https://");
        if let Some(addr) = self
            .uri
            .strip_prefix("tcp://")
            .or_else(|| self.uri.strip_prefix("http://"))
            .or_else(|| self.uri.strip_prefix("https://"))
        {
            let addr = addr.trim_end_matches('/');
            if addr.is_empty() {
                return Err(bad("the TCP address is empty"));
            }
            let tls = match (&self.tls, https) {
                (Some(files), _) => Some(files.clone()),
                (None, true) => {
                    return Err(bad(
                        "https:// needs the engine's CA certificate (set the TLS files)",
                    ))
                }
                (None, false) => None,
            };
            // The docker CLI defaults a bare host to 2376 with TLS and 2375 without.
            let default_port = if tls.is_some() { 2376 } else { 2375 };
            let addr = if addr
                .rsplit_once(':')
                .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
            {
                addr.to_string()
            } else {
                format!("{addr}:{default_port}")
            };
            return Ok(match tls {
                Some(files) => Transport::Tls { addr, files },
                None => Transport::Tcp(addr),
            });
        }
        if let Some(rest) = self.uri.strip_prefix("ssh://") {
            return SshTarget::parse(rest)
                .map(Transport::Ssh)
                .map_err(|why| bad(&why));
        }
        if self.uri.starts_with("npipe://") {
            return Err(bad("this transport is not supported by Berth yet"));
        }
        if self.uri.starts_with('/') {
            // Some tools set DOCKER_HOST to a bare socket path.
            return Ok(Transport::Unix(PathBuf::from(&self.uri)));
        }
        Err(bad(
            "expected unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]",
        ))
    }
}

/// `ssh://[user@]host[:port]`, checked so that neither part can be read by `ssh` as an option
/// (Berth also puts `--` before the destination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

impl SshTarget {
    fn parse(rest: &str) -> Result<Self, String> {
        let rest = rest.trim_end_matches('/');
        if rest.contains('/') {
            return Err("an ssh:// endpoint takes no path".into());
        }
        let (user, hostport) = match rest.rsplit_once('@') {
            Some((user, hp)) => (Some(user), hp),
            None => (None, rest),
        };
        let (host, port) = match hostport.strip_prefix('[') {
            // [v6]:port
            Some(v6) => {
                let (host, after) = v6.split_once(']').ok_or("unclosed [ in the ssh host")?;
                (host, after.strip_prefix(':'))
            }
            None => match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            },
        };
        let port = port
            .map(|p| {
                p.parse::<u16>()
                    .map_err(|_| format!("bad ssh port \"{p}\""))
            })
            .transpose()?;
        let name_ok = |s: &str, extra: &[char]| {
            !s.is_empty()
                && !s.starts_with('-')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c) || extra.contains(&c))
        };
        if !name_ok(host, &[':']) {
            return Err(format!("\"{host}\" is not a valid ssh host name"));
        }
        if let Some(u) = user {
            if !name_ok(u, &[]) {
                return Err(format!("\"{u}\" is not a valid ssh user name"));
            }
        }
        Ok(Self {
            user: user.map(str::to_string),
            host: host.to_string(),
            port,
        })
    }

    /// `user@host` as ssh takes it after `--`.
    pub fn destination(&self) -> String {
        match &self.user {
            Some(u) => format!("{u}@{}", self.host),
            None => self.host.clone(),
        }
    }
}

/// What the resolver reads from the environment; a seam so tests need not touch the process's.
#[derive(Debug, Clone, Default)]
pub struct EnvSnapshot {
    pub docker_host: Option<String>,
    pub docker_context: Option<String>,
    /// `DOCKER_CONFIG`, else `~/.docker`.
    pub config_dir: Option<PathBuf>,
    /// `DOCKER_TLS_VERIFY` or `DOCKER_TLS` set: DOCKER_HOST speaks TLS. Berth verifies in
    /// both cases (the CLI skips verification with plain `DOCKER_TLS`; Berth never does).
    pub tls: bool,
    /// `DOCKER_CERT_PATH`, else the config dir.
    pub cert_path: Option<PathBuf>,
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
            tls: non_empty("DOCKER_TLS_VERIFY").is_some() || non_empty("DOCKER_TLS").is_some(),
            cert_path: non_empty("DOCKER_CERT_PATH").map(PathBuf::from),
        }
    }
}

/// Resolves the endpoint from the process environment and the user's docker config.
pub fn resolve_endpoint() -> Result<Endpoint, EngineError> {
    resolve_from(&EnvSnapshot::from_process())
}

pub fn resolve_from(env: &EnvSnapshot) -> Result<Endpoint, EngineError> {
    if let Some(host) = &env.docker_host {
        let tls = env.tls.then(|| {
            let dir = env.cert_path.clone().or_else(|| env.config_dir.clone());
            TlsFiles::from_dir(&dir.unwrap_or_default())
        });
        return Ok(Endpoint::new(host.trim(), EndpointSource::DockerHost).with_tls(tls));
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

/// The directory name the CLI gives a context: the hex SHA-256 of its name.
pub(crate) fn context_dir_name(name: &str) -> String {
    Sha256::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The CLI stores each context under `contexts/meta/<sha256 of its name>/meta.json`, and its
/// TLS files (if any) under `contexts/tls/<sha256>/docker/{ca,cert,key}.pem`.
pub(crate) fn context_endpoint(config_dir: &Path, name: &str) -> Result<Endpoint, EngineError> {
    let hex = context_dir_name(name);
    let path = config_dir
        .join("contexts/meta")
        .join(&hex)
        .join("meta.json");
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
    let tls_dir = config_dir.join("contexts/tls").join(&hex).join("docker");
    let tls = (host.starts_with("tcp://") || host.starts_with("https://"))
        && tls_dir.join("ca.pem").exists();
    Ok(
        Endpoint::new(host, EndpointSource::Context(name.to_string()))
            .with_tls(tls.then(|| TlsFiles::from_dir(&tls_dir))),
    )
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
    fn tls_comes_from_the_environment_and_defaults_to_port_2376() {
        let dir = tempfile::tempdir().unwrap();
        let certs = dir.path().join("certs");
        std::fs::create_dir_all(&certs).unwrap();
        for f in ["ca.pem", "cert.pem", "key.pem"] {
            std::fs::write(certs.join(f), "x").unwrap();
        }
        let env = EnvSnapshot {
            docker_host: Some("tcp://10.0.0.1".into()),
            tls: true,
            cert_path: Some(certs.clone()),
            ..env_with(dir.path())
        };
        let ep = resolve_from(&env).unwrap();
        let Transport::Tls { addr, files } = ep.transport().unwrap() else {
            panic!("expected TLS");
        };
        assert_eq!(addr, "10.0.0.1:2376");
        assert_eq!(files.ca, certs.join("ca.pem"));
        assert_eq!(files.cert, Some(certs.join("cert.pem")));
        assert!(!ep.is_plain_tcp());
        let plain = EnvSnapshot { tls: false, ..env };
        assert!(resolve_from(&plain).unwrap().is_plain_tcp());
    }

    #[test]
    fn a_context_with_a_tls_dir_speaks_tls() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "remote", "tcp://10.0.0.2:2376");
        let tls = dir
            .path()
            .join("contexts/tls")
            .join(context_dir_name("remote"))
            .join("docker");
        std::fs::create_dir_all(&tls).unwrap();
        std::fs::write(tls.join("ca.pem"), "x").unwrap();
        let ep = context_endpoint(dir.path(), "remote").unwrap();
        assert_eq!(ep.tls.as_ref().unwrap().ca, tls.join("ca.pem"));
        assert_eq!(ep.tls.as_ref().unwrap().cert, None);
        write_context(dir.path(), "plain", "tcp://10.0.0.3:2375");
        assert!(context_endpoint(dir.path(), "plain")
            .unwrap()
            .is_plain_tcp());
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
        assert_eq!(
            ep("ssh://me@host").unwrap(),
            Transport::Ssh(SshTarget {
                user: Some("me".into()),
                host: "host".into(),
                port: None
            })
        );
        assert_eq!(
            ep("ssh://[::1]:2222").unwrap(),
            Transport::Ssh(SshTarget {
                user: None,
                host: "::1".into(),
                port: Some(2222)
            })
        );
        for bad in [
            "ssh://-oProxyCommand=x",
            "ssh://me@-host",
            "ssh://-me@host",
            "ssh://me@host:99999",
            "ssh://me@host/path",
            "ssh://me@ho st",
            "ssh://me;rm@host",
            "ssh://",
            "https://host:2376",
        ] {
            assert!(
                matches!(ep(bad), Err(EngineError::BadEndpoint { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            ep("unix://"),
            Err(EngineError::BadEndpoint { .. })
        ));
        assert!(matches!(ep("bogus"), Err(EngineError::BadEndpoint { .. })));
    }
}
