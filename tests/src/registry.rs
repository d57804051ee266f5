//! A throwaway image registry on loopback (Debian's `docker-registry`), for pull tests.
//!
//! The engine allows plain HTTP to registries on 127.0.0.0/8 by default, so images pushed to
//! `127.0.0.1:<port>/...` can be pulled back without any daemon configuration. The registry
//! process and its storage directory go away when the guard is dropped.
//!
//! [`LocalRegistry::start_with_login`] adds basic auth (an htpasswd file made with Apache's
//! `htpasswd -B`, from `apache2-utils`); [`LocalRegistry::docker_login`] then writes a docker
//! CLI configuration of its own (`docker --config DIR login`), never the user's.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::docker_cli::{docker, docker_with_input, CliError};
use crate::fixtures::TestRun;

/// The registry binary: `$BERTH_REGISTRY`, else Debian's `/usr/bin/docker-registry`.
fn registry_binary() -> PathBuf {
    std::env::var_os("BERTH_REGISTRY")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/docker-registry"))
}

/// A port nothing listens on (at the time of asking).
pub fn free_port() -> Result<u16, CliError> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| CliError::Setup(format!("cannot find a free port: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| CliError::Setup(format!("cannot find a free port: {e}")))
}

pub struct LocalRegistry {
    child: Child,
    port: u16,
    /// With a login: the docker CLI configuration (logged in) that pushes use.
    admin: Option<tempfile::TempDir>,
    // Dropped after the process is killed (fields drop in order, after `Drop::drop`).
    _dir: tempfile::TempDir,
}

impl LocalRegistry {
    /// Starts a registry on a free loopback port and waits until it answers `/v2/`.
    pub fn start() -> Result<Self, CliError> {
        Self::start_inner(None, None)
    }

    /// A registry serving HTTPS with `certificate` / `key` (PEM files).
    pub fn start_with_tls(certificate: &Path, key: &Path) -> Result<Self, CliError> {
        Self::start_inner(None, Some((certificate, key)))
    }

    /// A registry that asks for `user` / `password` (HTTP basic auth) for everything.
    pub fn start_with_login(user: &str, password: &str) -> Result<Self, CliError> {
        let mut registry = Self::start_inner(Some((user, password)), None)?;
        registry.admin = Some(registry.docker_login(user, password)?);
        Ok(registry)
    }

    fn start_inner(
        login: Option<(&str, &str)>,
        tls: Option<(&Path, &Path)>,
    ) -> Result<Self, CliError> {
        let dir = tempfile::Builder::new()
            .prefix("berth-registry-")
            .tempdir()
            .map_err(|e| CliError::Setup(format!("cannot create the registry directory: {e}")))?;
        let port = free_port()?;
        let storage = dir.path().join("storage");
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
            storage.display()
        );
        if let Some((certificate, key)) = tls {
            config.push_str(&format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                certificate.display(),
                key.display()
            ));
        }
        if let Some((user, password)) = login {
            let htpasswd = dir.path().join("htpasswd");
            std::fs::write(&htpasswd, htpasswd_line(user, password)?)
                .map_err(|e| CliError::Setup(format!("cannot write the htpasswd file: {e}")))?;
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: berth-test\n    path: {}\n",
                htpasswd.display()
            ));
        }
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config)
            .map_err(|e| CliError::Setup(format!("cannot write the registry config: {e}")))?;
        let binary = registry_binary();
        let child = Command::new(&binary)
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                CliError::Setup(format!(
                    "cannot start {} (scripts/setup.sh installs Debian's docker-registry): {e}",
                    binary.display()
                ))
            })?;
        let mut registry = Self {
            child,
            port,
            admin: None,
            _dir: dir,
        };
        registry.wait_ready(Duration::from_secs(15))?;
        Ok(registry)
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), CliError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(CliError::Setup(format!(
                    "the registry exited at once ({status})"
                )));
            }
            if self.answers() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(CliError::Setup(format!(
                    "the registry on port {} did not answer within {timeout:?}",
                    self.port
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn answers(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let req = format!(
            "GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        );
        if s.write_all(req.as_bytes()).is_err() {
            return false;
        }
        let mut buf = [0u8; 32];
        // Any answer will do: 401 from a registry with a login, 400 from one serving TLS.
        matches!(s.read(&mut buf), Ok(n) if n > 12 && buf.starts_with(b"HTTP/1."))
    }

    /// `127.0.0.1:<port>`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// A fresh docker CLI configuration directory logged in to this registry as `user`
    /// (`docker --config DIR login --password-stdin`: the CLI writes its own `auths`
    /// entry). The directory goes away with the returned guard.
    pub fn docker_login(&self, user: &str, password: &str) -> Result<tempfile::TempDir, CliError> {
        let dir = tempfile::Builder::new()
            .prefix("berth-docker-config-")
            .tempdir()
            .map_err(|e| CliError::Setup(format!("cannot create a docker config dir: {e}")))?;
        let config = dir.path().display().to_string();
        docker_with_input(
            [
                "--config",
                &config,
                "login",
                "-u",
                user,
                "--password-stdin",
                &self.host(),
            ],
            password.as_bytes(),
        )?;
        Ok(dir)
    }

    /// A docker CLI configuration that claims a login the registry will refuse: the same
    /// shape `docker login` writes, with `password`, written directly (the CLI checks a
    /// password before saving it).
    pub fn unchecked_login(
        &self,
        user: &str,
        password: &str,
    ) -> Result<tempfile::TempDir, CliError> {
        let dir = tempfile::Builder::new()
            .prefix("berth-docker-config-")
            .tempdir()
            .map_err(|e| CliError::Setup(format!("cannot create a docker config dir: {e}")))?;
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let config = format!(r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#, self.host());
        std::fs::write(dir.path().join("config.json"), config)
            .map_err(|e| CliError::Setup(format!("cannot write config.json: {e}")))?;
        Ok(dir)
    }

    /// Builds an image of one layer per entry of `sizes_kib` (random data, so nothing is
    /// shared) on top of the busybox fixture, pushes it as `<host>/<path>`, and removes it
    /// locally, so a pull must fetch every new layer. Returns the remote reference; the run
    /// removes the image again when a test pulled it back.
    pub fn push_fresh_image(
        &self,
        run: &TestRun,
        path: &str,
        sizes_kib: &[u32],
    ) -> Result<String, CliError> {
        let mut dockerfile = format!("FROM {}\n", crate::fixtures::BUSYBOX_IMAGE);
        for (i, kib) in sizes_kib.iter().enumerate() {
            dockerfile.push_str(&format!(
                "RUN head -c {kib}k /dev/urandom > /layer{i}.bin\n"
            ));
        }
        let local = format!(
            "berth-test/fresh:{}-{}",
            run.id(),
            path.replace(['/', ':'], "-")
        );
        run.build_image(&local, &dockerfile)?;
        let remote = self.push(run, &local, path)?;
        docker(["rmi", &remote])?;
        docker(["rmi", &local])?;
        Ok(remote)
    }

    /// Tags the local image `local` as `<host>/<path>`, pushes it, and removes the local tag
    /// again (the image itself stays, owned by whoever made it). Returns the remote reference.
    pub fn push(&self, run: &TestRun, local: &str, path: &str) -> Result<String, CliError> {
        let remote = format!("{}/{path}", self.host());
        run.tag(local, &remote)?;
        match &self.admin {
            Some(dir) => {
                let config = dir.path().display().to_string();
                docker(["--config", &config, "push", &remote])?;
            }
            None => {
                docker(["push", &remote])?;
            }
        }
        Ok(remote)
    }
}

impl Drop for LocalRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `user:bcrypt(password)`, the only htpasswd format the registry accepts, made by Apache's
/// `htpasswd -B` (argv, no shell).
fn htpasswd_line(user: &str, password: &str) -> Result<String, CliError> {
    let out = Command::new("htpasswd")
        .args(["-Bbn", user, password])
        .output()
        .map_err(|e| {
            CliError::Setup(format!(
                "cannot run htpasswd (scripts/setup.sh installs apache2-utils): {e}"
            ))
        })?;
    if !out.status.success() {
        return Err(CliError::Setup(format!(
            "htpasswd failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string() + "\n")
}
