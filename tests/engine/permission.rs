//! "Permission denied" for real: the engine socket is `root:docker 0660`, and root may open it
//! regardless, so the probe binary (`src/bin/engine_probe.rs`) runs as `nobody` through
//! util-linux's `setpriv` and must report `permission_denied` rather than `unreachable`.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use berth_core::engine::{resolve_endpoint, Transport};
use serde_json::Value;

use crate::TestResult;

const PROBE: &str = env!("CARGO_BIN_EXE_engine_probe");

/// Runs the probe (optionally through `setpriv` as `nobody`) against `uri`; returns its JSON.
fn probe(binary: &Path, uri: &str, as_nobody: bool) -> TestResult<Value> {
    let mut cmd = if as_nobody {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
            .arg(binary);
        c
    } else {
        Command::new(binary)
    };
    // Only DOCKER_HOST matters: the probe then reads no docker config (nobody has no home).
    cmd.env("DOCKER_HOST", uri)
        .env_remove("DOCKER_CONTEXT")
        .current_dir("/");
    let out = cmd.output().map_err(|e| {
        format!(
            "cannot run {} (setpriv is in util-linux): {e}",
            binary.display()
        )
    })?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "the probe failed ({}): {stdout} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).map_err(|e| format!("the probe printed {stdout:?}: {e}").into())
}

/// The probe, copied where `nobody` can execute it: the build tree may sit under a directory
/// other users cannot enter (a home directory, for one).
fn probe_for_nobody(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    let copy = dir.join("engine_probe");
    std::fs::copy(PROBE, &copy)?;
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755))?;
    Ok(copy)
}

#[test]
fn an_unprivileged_user_is_told_permission_denied() -> TestResult {
    let endpoint = resolve_endpoint()?;
    let Transport::Unix(socket) = endpoint.transport()? else {
        eprintln!(
            "skipped: the engine is not behind a unix socket ({})",
            endpoint.uri
        );
        return Ok(());
    };
    let socket_meta = std::fs::metadata(&socket)
        .map_err(|e| format!("no engine socket at {}: {e}", socket.display()))?;
    if socket_meta.permissions().mode() & 0o006 != 0 {
        eprintln!("skipped: {} is open to every user", socket.display());
        return Ok(());
    }
    let uri = endpoint.uri.clone();

    // As ourselves the probe connects: the denial below is about the user, not the probe.
    let me = std::fs::metadata("/proc/self")?.uid();
    let mine = probe(Path::new(PROBE), &uri, false)?;
    if me != 0 {
        if mine["connected"] == true {
            eprintln!("skipped: not root, so cannot become another user, and this one may connect");
            return Ok(());
        }
        assert_eq!(mine["kind"], "permission_denied", "{mine}");
        return Ok(());
    }
    assert_eq!(mine["connected"], true, "root could not connect: {mine}");

    let dir = tempfile::Builder::new().prefix("berth-probe-").tempdir()?;
    let binary = probe_for_nobody(dir.path())?;
    let theirs = probe(&binary, &uri, true)?;
    assert_eq!(
        theirs["connected"], false,
        "nobody connected to {uri}: {theirs}"
    );
    assert_eq!(theirs["kind"], "permission_denied", "{theirs}");
    assert_eq!(theirs["endpoint"], uri.as_str(), "{theirs}");
    let message = theirs["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&uri),
        "the message does not name {uri}: {theirs}"
    );
    Ok(())
}
