//! A single-node swarm for the tests that need one (issue #8), on a shared engine.
//!
//! [`SwarmGuard::enter`] takes a machine-wide lock (engine tests and e2e tests are separate
//! processes, and a swarm is node-wide state), runs `docker swarm init --advertise-addr
//! 127.0.0.1` unless the node already is in a swarm, and its `Drop` removes the run's services,
//! waits for their task containers to go, and leaves the swarm again (only if it joined it),
//! even when the test failed.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::docker_cli::{docker, CliError};

/// How long to wait for another process's swarm test to finish.
const LOCK_WAIT: Duration = Duration::from_secs(300);

pub struct SwarmGuard {
    /// `berth.test=<id>`: the run's services and containers carry it.
    label: String,
    leave: bool,
    /// `swarm init` creates the `docker_gwbridge` network and `leave` keeps it: removed
    /// again when this guard's init made it.
    remove_gwbridge: bool,
    lock: PathBuf,
}

impl SwarmGuard {
    /// Joins (or finds) a single-node swarm where this engine is a manager.
    pub fn enter(label: String) -> Result<Self, CliError> {
        let lock = lock()?;
        let guard = |leave, remove_gwbridge| Self {
            label: label.clone(),
            leave,
            remove_gwbridge,
            lock: lock.clone(),
        };
        let state = docker(["info", "--format", "{{.Swarm.LocalNodeState}}"])?;
        let had_gwbridge = docker(["network", "inspect", "docker_gwbridge"]).is_ok();
        match state.trim() {
            "inactive" => {
                // From here on, Drop leaves again whatever happens next.
                let g = guard(true, !had_gwbridge);
                docker(["swarm", "init", "--advertise-addr", "127.0.0.1"])?;
                Ok(g)
            }
            "active" => {
                let g = guard(false, false);
                let manager = docker(["info", "--format", "{{.Swarm.ControlAvailable}}"])?;
                if manager.trim() != "true" {
                    return Err(CliError::Setup(
                        "this engine is a swarm worker; the swarm tests need a manager".into(),
                    ));
                }
                Ok(g)
            }
            other => Err(CliError::Setup(format!(
                "the engine's swarm is {other}; cannot run the swarm tests"
            ))),
        }
    }

    fn remove_services(&self) {
        let filter = format!("label={}", self.label);
        let Ok(ids) = docker(["service", "ls", "-q", "--filter", &filter]) else {
            return;
        };
        for id in ids.lines().filter(|l| !l.is_empty()) {
            if let Err(e) = docker(["service", "rm", id]) {
                eprintln!("swarm test cleanup: {e:?}");
            }
        }
        // Swarm removes the task containers by itself, a moment later.
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            match docker(["ps", "-aq", "--filter", &filter]) {
                Ok(out) if out.trim().is_empty() => break,
                Ok(_) => std::thread::sleep(Duration::from_millis(300)),
                Err(_) => break,
            }
        }
    }
}

impl Drop for SwarmGuard {
    fn drop(&mut self) {
        self.remove_services();
        if self.leave {
            if let Err(e) = docker(["swarm", "leave", "--force"]) {
                eprintln!("swarm test cleanup: could not leave the swarm: {e:?}");
            }
        }
        if self.remove_gwbridge {
            if let Err(e) = docker(["network", "rm", "docker_gwbridge"]) {
                eprintln!("swarm test cleanup: could not remove docker_gwbridge: {e:?}");
            }
        }
        let _ = std::fs::remove_file(&self.lock);
    }
}

/// Creates the lock file (holding our pid), waiting while another live process holds it.
fn lock() -> Result<PathBuf, CliError> {
    let path = std::env::temp_dir().join("berth-tests-swarm.lock");
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                let _ = write!(f, "{}", std::process::id());
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if holder_gone(&path) {
                    let _ = std::fs::remove_file(&path);
                    continue;
                }
                if Instant::now() > deadline {
                    return Err(CliError::Setup(format!(
                        "another swarm test held {} for {} s",
                        path.display(),
                        LOCK_WAIT.as_secs()
                    )));
                }
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(e) => {
                return Err(CliError::Setup(format!(
                    "cannot create {}: {e}",
                    path.display()
                )))
            }
        }
    }
}

/// A lock whose process is gone (a killed test) is stale.
fn holder_gone(path: &Path) -> bool {
    match std::fs::read_to_string(path) {
        Ok(pid) => {
            let pid = pid.trim();
            !pid.is_empty() && !Path::new("/proc").join(pid).exists()
        }
        Err(_) => false,
    }
}
