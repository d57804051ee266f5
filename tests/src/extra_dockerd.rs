//! A second Docker daemon for tests that need an engine of their own (a TLS endpoint, an
//! empty engine). It runs as root beside the main one without clashing: its own data root,
//! exec root, pid file and socket, its own namespaces in the main daemon's containerd, and no
//! networking of its own (no bridge, no iptables rules). Stopped and removed on drop.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::docker_cli::CliError;

/// The main daemon's containerd (Debian's dockerd runs it under its exec root).
const SHARED_CONTAINERD: &str = "/var/run/docker/containerd/containerd.sock";

pub struct ExtraDockerd {
    child: Option<Child>,
    dir: PathBuf,
    socket: PathBuf,
}

fn setup(what: &str, e: impl std::fmt::Display) -> CliError {
    CliError::Setup(format!("extra dockerd: {what}: {e}"))
}

impl ExtraDockerd {
    /// Starts `dockerd` with `extra_args` added (e.g. `-H tcp://127.0.0.1:PORT --tlsverify ...`)
    /// and waits until its unix socket answers `/_ping`.
    pub fn start(name: &str, extra_args: &[String]) -> Result<Self, CliError> {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(setup("bad name", name));
        }
        // Short: unix socket paths are limited to 108 bytes, and containerd nests below this.
        let dir = PathBuf::from(format!("/tmp/bd-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["data", "exec"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(|e| setup("mkdir", e))?;
        }
        let socket = dir.join("docker.sock");
        let log = std::fs::File::create(dir.join("dockerd.log")).map_err(|e| setup("log", e))?;
        let namespace = format!("berth-{name}-{}", std::process::id());
        let mut cmd = Command::new("dockerd");
        cmd.arg("--data-root")
            .arg(dir.join("data"))
            .arg("--exec-root")
            .arg(dir.join("exec"))
            .arg("--pidfile")
            .arg(dir.join("dockerd.pid"))
            .arg("-H")
            .arg(format!("unix://{}", socket.display()))
            .args(["--bridge=none", "--iptables=false", "--ip-masq=false"])
            .args(["--containerd-namespace", &namespace])
            .args([
                "--containerd-plugins-namespace",
                &format!("{namespace}-plugins"),
            ]);
        if Path::new(SHARED_CONTAINERD).exists() {
            cmd.args(["--containerd", SHARED_CONTAINERD]);
        }
        let child = cmd
            .args(extra_args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| setup("log", e))?)
            .stderr(log)
            .spawn()
            .map_err(|e| {
                setup(
                    "cannot run dockerd (scripts/setup.sh installs docker.io)",
                    e,
                )
            })?;
        let mut daemon = Self {
            child: Some(child),
            dir,
            socket,
        };
        daemon.wait_ready()?;
        Ok(daemon)
    }

    /// The daemon's unix socket as a DOCKER_HOST value.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    fn wait_ready(&mut self) -> Result<(), CliError> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(setup(
                        &format!("dockerd exited ({status})"),
                        self.log_tail(),
                    ));
                }
            }
            if ping(&self.socket) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(setup("no /_ping answer within 60 s", self.log_tail()))
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("dockerd.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }
}

fn ping(socket: &Path) -> bool {
    let Ok(mut stream) = UnixStream::connect(socket) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200")
}

impl Drop for ExtraDockerd {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGTERM lets dockerd stop its containers and release its containerd namespace.
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
