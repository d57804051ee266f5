//! A second Docker daemon for tests that need an engine of their own (a TLS endpoint, an
//! empty engine). It runs as root beside the main one without clashing: its own data root,
//! exec root, pid file and socket, its own namespaces in the main daemon's containerd, its
//! own bridge interface, and no iptables rules. Stopped and removed on drop.
//!
//! Not `--bridge=none`: a dockerd started with it deletes the host's `docker0` interface
//! (moby's `removeDefaultBridgeInterface`), which breaks every container the main daemon
//! starts afterwards ("could not find bridge docker0"). Seen here: 20 engine tests failed.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::docker_cli::CliError;

/// The main daemon's containerd (Debian's dockerd runs it under its exec root).
const SHARED_CONTAINERD: &str = "/var/run/docker/containerd/containerd.sock";

pub struct ExtraDockerd {
    child: Option<Child>,
    dir: PathBuf,
    socket: PathBuf,
    bridge: Option<String>,
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
        let bridge = make_bridge(name)?;
        let mut cmd = Command::new("dockerd");
        cmd.arg("--data-root")
            .arg(dir.join("data"))
            .arg("--exec-root")
            .arg(dir.join("exec"))
            .arg("--pidfile")
            .arg(dir.join("dockerd.pid"))
            .arg("-H")
            .arg(format!("unix://{}", socket.display()))
            .arg(format!("--bridge={bridge}"))
            .args(["--iptables=false", "--ip-masq=false"])
            .args(["--containerd-namespace", &namespace])
            .args([
                "--containerd-plugins-namespace",
                &format!("{namespace}-plugins"),
            ]);
        if Path::new(SHARED_CONTAINERD).exists() {
            cmd.args(["--containerd", SHARED_CONTAINERD]);
        }
        // Owned before dockerd runs, so a failed start still removes the bridge and the dirs.
        let mut daemon = Self {
            child: None,
            dir,
            socket,
            bridge: Some(bridge),
        };
        let out = log.try_clone().map_err(|e| setup("log", e))?;
        let child = cmd
            .args(extra_args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(log)
            .spawn()
            .map_err(|e| {
                setup(
                    "cannot run dockerd (scripts/setup.sh installs docker.io)",
                    e,
                )
            })?;
        daemon.child = Some(child);
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

/// A bridge of this daemon's own (`bd-<name><n>`, at most 15 bytes as Linux wants) on a
/// 10.250.x.0/24 subnet no other interface has.
fn make_bridge(name: &str) -> Result<String, CliError> {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let short: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(4)
        .collect();
    let bridge = format!("bd-{short}{}", (std::process::id() % 10_000) * 10 + n % 10);
    let ip = |args: &[&str]| -> Result<(), String> {
        let out = Command::new("ip")
            .args(args)
            .output()
            .map_err(|e| format!("ip {args:?}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "ip {args:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    };
    let _ = ip(&["link", "del", &bridge]);
    ip(&["link", "add", "name", &bridge, "type", "bridge"]).map_err(|e| setup("bridge", e))?;
    let start = (std::process::id() as usize * 7 + n as usize) % 200;
    let mut last = String::new();
    for i in 0..40 {
        let subnet = 20 + (start + i * 13) % 220;
        let busy = Command::new("ip")
            .args(["-4", "route", "show", &format!("10.250.{subnet}.0/24")])
            .output()
            .map(|o| !o.stdout.is_empty())
            .unwrap_or(true);
        if busy {
            continue;
        }
        match ip(&[
            "addr",
            "add",
            &format!("10.250.{subnet}.1/24"),
            "dev",
            &bridge,
        ]) {
            Ok(()) => {
                ip(&["link", "set", &bridge, "up"]).map_err(|e| setup("bridge", e))?;
                return Ok(bridge);
            }
            Err(e) => last = e,
        }
    }
    let _ = ip(&["link", "del", &bridge]);
    Err(setup("no free 10.250.x.0/24 subnet for the bridge", last))
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
        if let Some(bridge) = self.bridge.take() {
            let _ = Command::new("ip").args(["link", "del", &bridge]).status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
