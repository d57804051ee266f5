//! Moves an image from the main engine into another one: `docker save IMAGE | <load argv>`,
//! two processes joined by a pipe in Rust (no shell). Used for the extra dockerd (`docker -H
//! ... load`) and for Podman (`podman load`, where it appears as `localhost/IMAGE`).

use std::ffi::OsString;
use std::process::{Command, Stdio};

use crate::docker_cli::{docker_program, CliError};

pub fn copy_image(image: &str, load: &[OsString], envs: &[(&str, &str)]) -> Result<(), CliError> {
    let shown = format!(
        "docker save {image} | {}",
        load.iter()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let fail = |why: String| CliError::Setup(format!("`{shown}`: {why}"));
    let (program, args) = load
        .split_first()
        .ok_or_else(|| fail("no load command".into()))?;
    let mut save = Command::new(docker_program())
        .args(["save", image])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(e.to_string()))?;
    let pipe = save.stdout.take().ok_or_else(|| fail("no pipe".into()))?;
    let loaded = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::from(pipe))
        .output()
        .map_err(|e| fail(e.to_string()))?;
    let saved = save.wait_with_output().map_err(|e| fail(e.to_string()))?;
    if !saved.status.success() {
        return Err(fail(format!(
            "save: {}",
            String::from_utf8_lossy(&saved.stderr).trim()
        )));
    }
    if !loaded.status.success() {
        return Err(fail(format!(
            "load: {}",
            String::from_utf8_lossy(&loaded.stderr).trim()
        )));
    }
    Ok(())
}
