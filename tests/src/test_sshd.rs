//! A throwaway OpenSSH server on a loopback port, for the SSH engine tests. It runs as root
//! with its own host key, config, authorized keys and pid file in a temp directory; the
//! system's sshd and its configuration are not touched. Killed and removed on drop.
//!
//! Keys: `client` is authorized; `nodocker` is authorized with a forced command naming a
//! program that does not exist (what a host without the docker CLI answers); `stranger` is
//! not authorized. Each comes with an ssh_config (for `ssh -F`) that trusts the host key, and
//! `unknown-host` is a config whose known_hosts file is empty.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::docker_cli::CliError;
use crate::registry::free_port;

pub struct TestSshd {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

fn fail(what: &str, e: impl std::fmt::Display) -> CliError {
    CliError::Setup(format!(
        "test sshd: {what}: {e} (scripts/setup.sh installs openssh-server)"
    ))
}

fn keygen(dir: &Path, name: &str) -> Result<String, CliError> {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(dir.join(name))
        .output()
        .map_err(|e| fail("ssh-keygen", e))?;
    if !out.status.success() {
        return Err(fail("ssh-keygen", String::from_utf8_lossy(&out.stderr)));
    }
    std::fs::read_to_string(dir.join(format!("{name}.pub"))).map_err(|e| fail("read key", e))
}

impl TestSshd {
    pub fn start() -> Result<Self, CliError> {
        let dir = tempfile::Builder::new()
            .prefix("berth-sshd-")
            .tempdir()
            .map_err(|e| fail("tempdir", e))?;
        let d = dir.path();
        let host_pub = keygen(d, "host")?;
        let client = keygen(d, "client")?;
        let nodocker = keygen(d, "nodocker")?;
        keygen(d, "stranger")?;
        let authorized = format!(
            "{}command=\"berth-no-such-docker system dial-stdio\" {}",
            client, nodocker
        );
        std::fs::write(d.join("authorized_keys"), authorized).map_err(|e| fail("write", e))?;
        let port = free_port()?;
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {h}\nAuthorizedKeysFile {a}\n\
             PidFile {p}\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
             PermitRootLogin prohibit-password\nStrictModes no\n",
            h = d.join("host").display(),
            a = d.join("authorized_keys").display(),
            p = d.join("sshd.pid").display(),
        );
        std::fs::write(d.join("sshd_config"), config).map_err(|e| fail("write", e))?;
        // sshd's privilege separation directory; the system service creates it at boot.
        std::fs::create_dir_all("/run/sshd").map_err(|e| fail("mkdir /run/sshd", e))?;
        let known = format!("[127.0.0.1]:{port} {host_pub}");
        std::fs::write(d.join("known_hosts"), known).map_err(|e| fail("write", e))?;
        std::fs::write(d.join("empty_known_hosts"), "").map_err(|e| fail("write", e))?;
        for (name, key, known) in [
            ("client", "client", "known_hosts"),
            ("nodocker", "nodocker", "known_hosts"),
            ("stranger", "stranger", "known_hosts"),
            ("unknown-host", "client", "empty_known_hosts"),
        ] {
            let cfg = format!(
                "Host *\n  IdentityFile {}\n  IdentitiesOnly yes\n  UserKnownHostsFile {}\n  \
                 GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  LogLevel ERROR\n",
                d.join(key).display(),
                d.join(known).display()
            );
            std::fs::write(d.join(format!("{name}.ssh_config")), cfg)
                .map_err(|e| fail("write", e))?;
        }
        let log = std::fs::File::create(d.join("sshd.log")).map_err(|e| fail("log", e))?;
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(d.join("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| fail("cannot run /usr/sbin/sshd", e))?;
        let mut sshd = Self { child, port, dir };
        sshd.wait_listening()?;
        Ok(sshd)
    }

    fn wait_listening(&mut self) -> Result<(), CliError> {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(self.dir.path().join("sshd.log"));
                return Err(fail(
                    &format!("sshd exited ({status})"),
                    log.unwrap_or_default(),
                ));
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(fail("not listening", "after 15 s"))
    }

    /// `ssh://root@127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        format!("ssh://root@127.0.0.1:{}", self.port)
    }

    /// The ssh_config for one of the cases above: `client`, `nodocker`, `stranger`,
    /// `unknown-host`.
    pub fn ssh_config(&self, case: &str) -> PathBuf {
        self.dir.path().join(format!("{case}.ssh_config"))
    }
}

impl Drop for TestSshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
