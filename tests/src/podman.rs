//! Podman's Docker-compatible API as a second engine: `podman system service -t 0
//! unix://<dir>/podman.sock`, with a containers.conf that drops the default ulimits (Debian's
//! Podman 4.3 cannot start containers here otherwise: "error setting rlimit type 7"). The
//! service is stopped and its directory removed on drop; the images it loaded stay in
//! Podman's storage (`localhost/...`), like the docker fixtures stay in Docker's.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::docker_cli::CliError;
use crate::image_copy::copy_image;

pub struct PodmanService {
    child: Child,
    dir: tempfile::TempDir,
}

fn fail(what: &str, e: impl std::fmt::Display) -> CliError {
    CliError::Setup(format!(
        "podman: {what}: {e} (scripts/setup.sh installs Debian's podman)"
    ))
}

impl PodmanService {
    pub fn start() -> Result<Self, CliError> {
        let dir = tempfile::Builder::new()
            .prefix("berth-podman-")
            .tempdir()
            .map_err(|e| fail("tempdir", e))?;
        std::fs::write(
            dir.path().join("containers.conf"),
            "[containers]\ndefault_ulimits = []\n",
        )
        .map_err(|e| fail("containers.conf", e))?;
        let log =
            std::fs::File::create(dir.path().join("service.log")).map_err(|e| fail("log", e))?;
        let socket = dir.path().join("podman.sock");
        let child = Command::new("podman")
            .args(["system", "service", "-t", "0"])
            .arg(format!("unix://{}", socket.display()))
            .env("CONTAINERS_CONF", dir.path().join("containers.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| fail("cannot run podman", e))?;
        let mut service = Self { child, dir };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = service.child.try_wait() {
                let log = std::fs::read_to_string(service.dir.path().join("service.log"));
                return Err(fail(
                    &format!("service exited ({status})"),
                    log.unwrap_or_default(),
                ));
            }
            if std::os::unix::net::UnixStream::connect(&socket).is_ok() {
                return Ok(service);
            }
            if Instant::now() > deadline {
                return Err(fail("service", "no socket after 30 s"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn host(&self) -> String {
        format!("unix://{}", self.dir.path().join("podman.sock").display())
    }

    fn conf(&self) -> PathBuf {
        self.dir.path().join("containers.conf")
    }

    /// `podman ARGS...` with this service's containers.conf.
    pub fn podman(&self, args: &[&str]) -> Result<String, CliError> {
        let out = Command::new("podman")
            .args(args)
            .env("CONTAINERS_CONF", self.conf())
            .output()
            .map_err(|e| fail("cannot run podman", e))?;
        if !out.status.success() {
            return Err(fail(
                &format!("podman {args:?}"),
                String::from_utf8_lossy(&out.stderr),
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// `docker save IMAGE | podman load`; returns the name Podman gives it (`localhost/IMAGE`).
    pub fn load_from_docker(&self, image: &str) -> Result<String, CliError> {
        let conf = self.conf();
        let conf = conf.to_string_lossy();
        copy_image(
            image,
            &[OsString::from("podman"), "load".into()],
            &[("CONTAINERS_CONF", &conf)],
        )?;
        Ok(format!("localhost/{image}"))
    }
}

impl Drop for PodmanService {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
