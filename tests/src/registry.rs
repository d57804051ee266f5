//! A throwaway image registry on loopback (Debian's `docker-registry`), for pull tests.
//!
//! The engine allows plain HTTP to registries on 127.0.0.0/8 by default, so images pushed to
//! `127.0.0.1:<port>/...` can be pulled back without any daemon configuration. The registry
//! process and its storage directory go away when the guard is dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::docker_cli::{docker, CliError};
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
    // Dropped after the process is killed (fields drop in order, after `Drop::drop`).
    _dir: tempfile::TempDir,
}

impl LocalRegistry {
    /// Starts a registry on a free loopback port and waits until it answers `/v2/`.
    pub fn start() -> Result<Self, CliError> {
        let dir = tempfile::Builder::new()
            .prefix("berth-registry-")
            .tempdir()
            .map_err(|e| CliError::Setup(format!("cannot create the registry directory: {e}")))?;
        let port = free_port()?;
        let storage = dir.path().join("storage");
        let config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
            storage.display()
        );
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
        matches!(s.read(&mut buf), Ok(n) if n > 12 && buf.starts_with(b"HTTP/1.1 200"))
    }

    /// `127.0.0.1:<port>`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
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
        docker(["push", &remote])?;
        Ok(remote)
    }
}

impl Drop for LocalRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
