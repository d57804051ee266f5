//! The docker CLI as the tests' independent witness: what Berth shows is compared with what
//! `docker ps` / `docker images` print. Arguments always travel as a vector (no shell), and
//! output is read with `--format '{{json .}}'`, which the Debian 20.10 CLI and current ones
//! both understand (`--format json` is newer).

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::process::{Command, ExitStatus, Stdio};

use serde::de::DeserializeOwned;
use serde::Deserialize;

/// The CLI binary: `$BERTH_TEST_DOCKER` if set (e.g. `/usr/bin/docker` for Debian's 20.10
/// client), else `docker` from `PATH`.
pub fn docker_program() -> OsString {
    std::env::var_os("BERTH_TEST_DOCKER")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "docker".into())
}

/// A failed CLI call, with everything needed to reproduce it by hand.
#[derive(thiserror::Error)]
pub enum CliError {
    #[error("could not run `{command}` (scripts/setup.sh installs the docker CLI): {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("`{command}` failed ({status}): {stderr}")]
    Failed {
        command: String,
        status: ExitStatus,
        stderr: String,
    },
    #[error("`{command}` printed something unexpected: {reason}")]
    Output { command: String, reason: String },
    #[error("{0}")]
    Setup(String),
}

// `Debug` is what a failing test prints for a returned error: make it the readable message.
impl std::fmt::Debug for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl CliError {
    /// The CLI ran and said the object does not exist (its wording is stable across versions).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Failed { stderr, .. }
            if stderr.to_ascii_lowercase().contains("no such"))
    }
}

/// Runs `docker ARGS...` and returns its standard output, without the final newline.
pub fn docker<I, S>(args: I) -> Result<String, CliError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(args, None)
}

/// Like [`docker`], feeding `input` on standard input (e.g. a Dockerfile to `docker build -`).
pub fn docker_with_input<I, S>(args: I, input: &[u8]) -> Result<String, CliError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(args, Some(input))
}

/// Runs a listing command whose `--format '{{json .}}'` prints one JSON object per line.
pub fn docker_json_lines<T, I, S>(args: I) -> Result<Vec<T>, CliError>
where
    T: DeserializeOwned,
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let out = docker(&args)?;
    out.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line).map_err(|e| CliError::Output {
                command: display_command(&args),
                reason: format!("{e} in {line}"),
            })
        })
        .collect()
}

fn run<I, S>(args: I, input: Option<&[u8]>) -> Result<String, CliError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let command = display_command(&args);
    let mut cmd = Command::new(docker_program());
    cmd.args(&args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let spawn_err = |source| CliError::Spawn {
        command: command.clone(),
        source,
    };
    let mut child = cmd.spawn().map_err(spawn_err)?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(input).map_err(spawn_err)?;
        // Dropping stdin closes it, so the CLI sees the end of its input.
    }
    let out = child.wait_with_output().map_err(spawn_err)?;
    if !out.status.success() {
        return Err(CliError::Failed {
            command,
            status: out.status,
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    let stdout = String::from_utf8(out.stdout).map_err(|e| CliError::Output {
        command: command.clone(),
        reason: e.to_string(),
    })?;
    Ok(stdout.trim_end().to_string())
}

/// `docker a b 'c d'`, for messages only.
fn display_command(args: &[OsString]) -> String {
    let mut text = docker_program().to_string_lossy().into_owned();
    for arg in args {
        let arg = arg.to_string_lossy();
        text.push(' ');
        if arg.is_empty() || arg.contains(|c: char| c.is_whitespace() || "'\"{}$".contains(c)) {
            text.push('\'');
            text.push_str(&arg.replace('\'', r"'\''"));
            text.push('\'');
        } else {
            text.push_str(&arg);
        }
    }
    text
}

/// One line of `docker ps -a --no-trunc --format '{{json .}}'`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PsRow {
    /// Full ID (with `--no-trunc`).
    #[serde(rename = "ID")]
    pub id: String,
    /// Comma-separated names, without the leading slash.
    #[serde(rename = "Names")]
    pub names: String,
    /// The image as the engine reports it (with `--no-trunc`, not shortened).
    #[serde(rename = "Image")]
    pub image: String,
    /// Quoted, e.g. `"sleep 600"`.
    #[serde(rename = "Command")]
    pub command: String,
    /// `created`, `running`, `paused`, `exited`, ...
    #[serde(rename = "State")]
    pub state: String,
    #[serde(rename = "Status")]
    pub status: String,
    /// `k=v,k2=v2`.
    #[serde(rename = "Labels")]
    pub labels: String,
}

impl PsRow {
    /// Whether the container carries exactly `key=value` (our values never contain commas).
    pub fn has_label(&self, key_value: &str) -> bool {
        self.labels.split(',').any(|l| l == key_value)
    }
}

/// One line of `docker images --no-trunc --format '{{json .}}'`: one per tag, and one
/// `<none>`/`<none>` line for an untagged image.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ImageRow {
    /// Full ID, `sha256:...` (with `--no-trunc`).
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "Repository")]
    pub repository: String,
    #[serde(rename = "Tag")]
    pub tag: String,
}

impl ImageRow {
    /// `repo:tag`, or `None` for the CLI's `<none>` placeholders.
    pub fn reference(&self) -> Option<String> {
        (self.repository != "<none>" && self.tag != "<none>")
            .then(|| format!("{}:{}", self.repository, self.tag))
    }
}

/// `docker ps -a` (every container, unfiltered).
pub fn ps_all() -> Result<Vec<PsRow>, CliError> {
    docker_json_lines(["ps", "-a", "--no-trunc", "--format", "{{json .}}"])
}

/// `docker images` (top-level images, like the default listing).
pub fn images() -> Result<Vec<ImageRow>, CliError> {
    docker_json_lines(["images", "--no-trunc", "--format", "{{json .}}"])
}

/// The image ID (`sha256:...`) `reference` names, or `None` if there is no such image.
pub fn image_id(reference: &str) -> Result<Option<String>, CliError> {
    match docker(["image", "inspect", "--format", "{{.Id}}", reference]) {
        Ok(id) => Ok(Some(id)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}
