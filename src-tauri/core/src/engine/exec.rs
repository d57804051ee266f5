//! Interactive exec sessions (a terminal in a container): create with a TTY, attach stdin
//! and output, resize, inspect; and the shell detection they start from.

use std::pin::Pin;

use bollard::exec::{CreateExecOptions, ResizeExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::DownloadFromContainerOptionsBuilder;
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWrite;

use super::{Engine, EngineError};
use crate::domain::terminal::{TerminalSpec, SHELL_CANDIDATES};

/// An attached TTY exec: its id, its output (one stream: a TTY merges stdout and stderr)
/// and its input.
pub struct ExecSession {
    pub exec_id: String,
    pub output: Pin<Box<dyn Stream<Item = Result<bytes::Bytes, EngineError>> + Send>>,
    pub input: Pin<Box<dyn AsyncWrite + Send>>,
}

/// What exec inspect says about a session's process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecState {
    pub running: bool,
    /// The process's id as the engine's host sees it.
    pub pid: Option<i64>,
    pub exit_code: Option<i64>,
}

impl Engine {
    /// The shell command to offer for container `id`: the first of `/bin/bash`, `/bin/sh`,
    /// `/bin/busybox sh` that exists in its file system, found through the archive API (so
    /// nothing is guessed and nothing runs); `None` if it has none.
    pub async fn detect_shell(&self, id: &str) -> Result<Option<Vec<String>>, EngineError> {
        let id = super::path::object("container", id)?;
        for (path, cmd) in SHELL_CANDIDATES {
            if self.path_exists(id, path).await? {
                return Ok(Some(cmd.iter().map(|s| s.to_string()).collect()));
            }
        }
        Ok(None)
    }

    /// Whether `path` exists in the container: the archive's first bytes come, or a 404.
    /// Only the tar header is read; dropping the stream closes the request.
    async fn path_exists(&self, id: &str, path: &str) -> Result<bool, EngineError> {
        let options = DownloadFromContainerOptionsBuilder::default()
            .path(path)
            .build();
        let mut archive = self.docker.download_from_container(id, Some(options));
        match archive.next().await {
            Some(Ok(_)) | None => Ok(true),
            Some(Err(e)) => match self.map_err(e) {
                EngineError::NotFound { .. } => Ok(false),
                other => Err(other),
            },
        }
    }

    /// Starts `spec` in container `id` with a TTY of the spec's size, attached.
    pub async fn open_exec(
        &self,
        id: &str,
        spec: &TerminalSpec,
    ) -> Result<ExecSession, EngineError> {
        let id = super::path::object("container", id)?;
        let created = self
            .docker
            .create_exec(
                id,
                CreateExecOptions {
                    cmd: Some(spec.cmd.clone()),
                    user: spec.user.clone(),
                    working_dir: spec.workdir.clone(),
                    // What xterm.js understands; the image's default may be none at all.
                    env: Some(vec!["TERM=xterm-256color".to_string()]),
                    tty: Some(true),
                    attach_stdin: Some(true),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| self.map_err(e))?;
        let exec_id = super::path::object("exec", &created.id)?.to_string();
        let started = self
            .docker
            .start_exec(
                &exec_id,
                Some(StartExecOptions {
                    detach: false,
                    tty: true,
                    output_capacity: None,
                }),
            )
            .await
            .map_err(|e| self.map_err(e))?;
        let StartExecResults::Attached { output, input } = started else {
            return Err(EngineError::Stream {
                message: "the engine started the shell detached".into(),
            });
        };
        let endpoint = self.endpoint.uri.clone();
        let output = output.map(move |item| {
            item.map(|o| o.into_bytes())
                .map_err(|e| EngineError::from_bollard(e, &endpoint))
        });
        // The size before the first prompt: the create call takes none.
        let _ = self.resize_exec(&exec_id, spec.cols, spec.rows).await;
        Ok(ExecSession {
            exec_id,
            output: Box::pin(output),
            input,
        })
    }

    pub async fn resize_exec(
        &self,
        exec_id: &str,
        cols: u16,
        rows: u16,
    ) -> Result<(), EngineError> {
        let exec_id = super::path::object("exec", exec_id)?;
        self.docker
            .resize_exec(
                exec_id,
                ResizeExecOptions {
                    width: cols,
                    height: rows,
                },
            )
            .await
            .map_err(|e| self.map_err(e))
    }

    pub async fn exec_state(&self, exec_id: &str) -> Result<ExecState, EngineError> {
        let exec_id = super::path::object("exec", exec_id)?;
        let inspected = self
            .docker
            .inspect_exec(exec_id)
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(ExecState {
            running: inspected.running.unwrap_or(false),
            pid: inspected.pid,
            exit_code: inspected.exit_code,
        })
    }

    /// Whether the engine talks over a local socket, so that a process id it reports is
    /// one of this computer's (a remote engine's pids mean nothing here).
    pub fn is_local(&self) -> bool {
        self.endpoint.uri.starts_with("unix://")
    }
}
