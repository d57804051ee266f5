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
    /// dockerd's whole argv after the program, kept for [`ExtraDockerd::restart`].
    args: Vec<std::ffi::OsString>,
}

/// How [`ExtraDockerd::restart`] went: which try answered, and when.
#[derive(Debug, Clone, Copy)]
pub struct Restarted {
    /// 1 when the first start answered.
    pub tries: u32,
    /// The moment its socket first answered `/_ping`.
    pub answered: Instant,
}

/// Starts a restart may take: Debian's dockerd fails about every other start after a SIGKILL
/// ("failed to start containerd: timeout waiting for containerd to start"; design.md §7).
const RESTART_TRIES: u32 = 4;
/// How long one start may take to answer before it counts as failed.
const START_DEADLINE: Duration = Duration::from_secs(60);

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
        cmd.args(extra_args);
        // Owned before dockerd runs, so a failed start still removes the bridge and the dirs.
        let mut daemon = Self {
            child: None,
            dir,
            socket,
            bridge: Some(bridge),
            args: cmd.get_args().map(ToOwned::to_owned).collect(),
        };
        daemon.spawn(log)?;
        daemon.wait_ready(START_DEADLINE)?;
        Ok(daemon)
    }

    fn spawn(&mut self, log: std::fs::File) -> Result<(), CliError> {
        let out = log.try_clone().map_err(|e| setup("log", e))?;
        let child = Command::new("dockerd")
            .args(&self.args)
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
        self.child = Some(child);
        Ok(())
    }

    /// dockerd's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGKILL, as a crash would: no clean-up by dockerd. What it started goes too (a
    /// containerd of its own, found as its child or by the pid file under its exec root), so
    /// nothing of this daemon outlives it into the next start. The socket file stays, as it
    /// does after a real crash. Only this daemon's processes are signalled, by pid.
    pub fn kill_hard(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let mut pids = vec![child.id()];
        pids.extend(crate::procs::descendants(child.id()));
        let own_containerd = self.dir.join("exec/containerd/containerd.pid");
        if let Some(pid) = std::fs::read_to_string(&own_containerd)
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok())
        {
            if !pids.contains(&pid) && crate::procs::is_alive(pid) {
                pids.push(pid);
            }
        }
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg("--")
            .args(pids.iter().map(u32::to_string))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = child.wait();
        let deadline = Instant::now() + Duration::from_secs(5);
        while pids.iter().any(|&p| crate::procs::is_alive(p)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts the daemon again on the same data, exec root and socket (after
    /// [`Self::kill_hard`]). A start that exits or does not answer within `each` is cleaned
    /// up and tried again two seconds later, up to four times: an engine that did not come
    /// back is this error, not a test's timeout.
    pub fn restart(&mut self, each: Duration) -> Result<Restarted, CliError> {
        let mut failures = Vec::new();
        for tries in 1..=RESTART_TRIES {
            self.kill_hard();
            let log = std::fs::OpenOptions::new()
                .append(true)
                .open(self.dir.join("dockerd.log"))
                .map_err(|e| setup("log", e))?;
            self.spawn(log)?;
            match self.wait_ready(each) {
                Ok(()) => {
                    return Ok(Restarted {
                        tries,
                        answered: Instant::now(),
                    })
                }
                Err(e) => failures.push(format!("try {tries}: {e}")),
            }
            std::thread::sleep(Duration::from_secs(2));
        }
        self.kill_hard();
        Err(setup(
            &format!("the engine did not come back after {RESTART_TRIES} starts"),
            failures.join("\n"),
        ))
    }

    /// Whether the daemon answers `/_ping` now.
    pub fn answers(&self) -> bool {
        ping(&self.socket)
    }

    /// The daemon's unix socket as a DOCKER_HOST value.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    fn wait_ready(&mut self, within: Duration) -> Result<(), CliError> {
        let deadline = Instant::now() + within;
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
            // Short: a restart test measures the time from this answer to the app's recovery.
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(setup(
            &format!("no /_ping answer within {within:?}"),
            self.log_tail(),
        ))
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
