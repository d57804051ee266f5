//! A second, throwaway Docker daemon beside the shared one: its own data root (so it starts
//! with NO images), exec root, pid file and socket, and its own containerd namespaces in the
//! shared containerd so the two never see each other's containers. It must not touch the
//! host's networking: no iptables changes, and a bridge of its own. (Not `--bridge=none`:
//! with that, dockerd deletes the default `docker0` interface at startup, which breaks the
//! shared daemon's containers until it is restarted.)
//!
//! Needs root (dockerd does). Point the app or the CLI at it with `DOCKER_HOST=host()`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::docker_cli::CliError;

/// How long the daemon may take to answer `/_ping`.
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub struct ExtraDockerd {
    name: String,
    dir: PathBuf,
    child: Option<Child>,
    /// The bridge interface made for it (removed on drop).
    bridge: String,
}

/// Runs `ip ARGS` (iproute2), as argv.
fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip {}: {e}", args.join(" ")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A bridge name of at most 15 bytes (the kernel's limit), unique per daemon name.
fn bridge_name(name: &str) -> String {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("bx{:012x}", hash & 0xffff_ffff_ffff)
}

/// The shared containerd, if the main daemon runs one we can join; else dockerd starts its own.
fn shared_containerd() -> Option<&'static str> {
    [
        "/run/containerd/containerd.sock",
        "/var/run/docker/containerd/containerd.sock",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
}

impl ExtraDockerd {
    /// Starts `dockerd` under `/tmp/<name>/` with `extra_args` appended, and waits until it
    /// answers `/_ping`. `name` must be short (it is in socket paths) and unique per run.
    pub fn start(name: &str, extra_args: &[String]) -> Result<Self, CliError> {
        let setup = |what: &str, e: &dyn std::fmt::Display| {
            CliError::Setup(format!("extra dockerd {name}: {what}: {e}"))
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(setup("bad name", &"use letters, digits and '-'"));
        }
        let dir = PathBuf::from("/tmp").join(name);
        // A leftover from a crashed run would hold a stale socket and pid file.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| setup("creating its directory", &e))?;
        let log = std::fs::File::create(dir.join("dockerd.log"))
            .map_err(|e| setup("creating its log", &e))?;
        let log_err = log.try_clone().map_err(|e| setup("opening its log", &e))?;
        let bridge = bridge_name(name);
        let _ = ip(&["link", "delete", &bridge]);
        ip(&["link", "add", "name", &bridge, "type", "bridge"])
            .and_then(|()| ip(&["link", "set", &bridge, "up"]))
            .map_err(|e| setup("creating its bridge", &e))?;
        let mut cmd = Command::new("dockerd");
        cmd.arg("--data-root")
            .arg(dir.join("data"))
            .arg("--exec-root")
            .arg(dir.join("exec"))
            .arg("--pidfile")
            .arg(dir.join("docker.pid"))
            .arg("-H")
            .arg(format!("unix://{}", dir.join("docker.sock").display()))
            .args(["--bridge", &bridge, "--iptables=false", "--ip-masq=false"])
            .args(["--containerd-namespace", name])
            .args(["--containerd-plugins-namespace", &format!("{name}-plugins")]);
        if let Some(sock) = shared_containerd() {
            cmd.args(["--containerd", sock]);
        }
        cmd.args(extra_args)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        let child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                let _ = ip(&["link", "delete", &bridge]);
                return Err(setup(
                    "starting dockerd (scripts/setup.sh installs docker.io)",
                    &e,
                ));
            }
        };
        let mut me = Self {
            name: name.to_string(),
            dir,
            child: Some(child),
            bridge,
        };
        let started = Instant::now();
        loop {
            if me.ping() {
                return Ok(me);
            }
            if let Some(status) = me.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                let log = std::fs::read_to_string(me.dir.join("dockerd.log")).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(8).collect();
                return Err(setup(
                    &format!("dockerd exited ({status})"),
                    &tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
                ));
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(setup("no answer to /_ping", &format!("{START_TIMEOUT:?}")));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `unix:///tmp/<name>/docker.sock`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket().display())
    }

    fn socket(&self) -> PathBuf {
        self.dir.join("docker.sock")
    }

    /// Whether the daemon answers `GET /_ping` with `OK`.
    fn ping(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut s) = std::os::unix::net::UnixStream::connect(self.socket()) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        if s.write_all(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            .is_err()
        {
            return false;
        }
        let mut buf = String::new();
        let _ = s.read_to_string(&mut buf);
        buf.starts_with("HTTP/1.0 200") || buf.starts_with("HTTP/1.1 200")
    }

    /// The daemon's name (its directory under /tmp and its containerd namespace).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ExtraDockerd {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGTERM lets dockerd stop its containers and unmount its layers.
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
        if let Err(e) = ip(&["link", "delete", &self.bridge]) {
            eprintln!("could not remove the bridge {}: {e}", self.bridge);
        }
        if std::env::var_os("BERTH_TEST_KEEP").is_some_and(|v| v == "1") {
            eprintln!("BERTH_TEST_KEEP=1: leaving {}", self.dir.display());
            return;
        }
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            eprintln!("could not remove {}: {e}", self.dir.display());
        }
    }
}
