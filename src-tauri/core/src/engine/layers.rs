//! A container's writable layer (`docker diff`, `inspect --size`), what keeps it alive
//! (`docker top`, memory, uptime), and running a command in it (exec, argv only).

use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::{InspectContainerOptions, TopOptions};
use futures_util::StreamExt;

use super::{Engine, EngineError};
use crate::domain::layers::{
    layer_commands, life_commands, sort_changes, ChangeKind, ContainerLife, FileChange,
    WritableLayer,
};
use crate::domain::stats::memory_used;

/// What a finished exec printed and its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    pub exit_code: Option<i64>,
    /// At most [`EXEC_OUTPUT_MAX`] bytes, then a line saying it was cut.
    pub output: String,
    /// The command printed more than [`EXEC_OUTPUT_MAX`]: Berth stopped reading (and
    /// waiting), so `exit_code` may be unknown.
    pub cut: bool,
}

/// Most output kept from one exec. Berth's execs are short commands whose output is a
/// message at most (the learn demo's write prints nothing unless it fails); a command that
/// prints without end must not grow memory or keep the call waiting.
pub const EXEC_OUTPUT_MAX: usize = 64 * 1024;

impl Engine {
    /// The files the container added, changed or deleted relative to its image, and the
    /// layer's size. Works on stopped containers too (the layer stays until `docker rm`).
    pub async fn writable_layer(&self, id: &str) -> Result<WritableLayer, EngineError> {
        let id = super::path::object("container", id)?;
        let options = InspectContainerOptions { size: true };
        let raw = self
            .docker
            .inspect_container(id, Some(options))
            .await
            .map_err(|e| self.map_err(e))?;
        let changes = self.file_changes(id).await?;
        let name = raw
            .name
            .as_deref()
            .map(|n| n.trim_start_matches('/').to_string())
            .unwrap_or_else(|| id.to_string());
        Ok(WritableLayer {
            container_id: raw.id.unwrap_or_default(),
            image_id: raw.image.unwrap_or_default(),
            changes: sort_changes(changes),
            size_rw: raw.size_rw.and_then(|s| u64::try_from(s).ok()),
            size_root_fs: raw.size_root_fs.and_then(|s| u64::try_from(s).ok()),
            commands: layer_commands(&name),
            name,
        })
    }

    /// `docker diff`: what the container added, changed or deleted (also read by the Files tab).
    pub async fn file_changes(&self, id: &str) -> Result<Vec<FileChange>, EngineError> {
        let id = super::path::object("container", id)?;
        Ok(self
            .docker
            .container_changes(id)
            .await
            .map_err(|e| self.map_err(e))?
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| {
                Some(FileChange {
                    kind: ChangeKind::from_api(c.kind as u8)?,
                    path: c.path,
                })
            })
            .collect())
    }

    /// Processes, memory in use and start time; a stopped container has none of them.
    pub async fn container_life(&self, id: &str) -> Result<ContainerLife, EngineError> {
        let id = super::path::object("container", id)?;
        let raw = self
            .docker
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .map_err(|e| self.map_err(e))?;
        let name = raw
            .name
            .as_deref()
            .map(|n| n.trim_start_matches('/').to_string())
            .unwrap_or_else(|| id.to_string());
        let state = raw.state.unwrap_or_default();
        let running = state.running.unwrap_or(false);
        let mut life = ContainerLife {
            running,
            titles: Vec::new(),
            processes: Vec::new(),
            memory_bytes: None,
            started_at: None,
            commands: life_commands(&name),
        };
        if !running {
            return Ok(life);
        }
        life.started_at = state
            .started_at
            .filter(|s| !s.is_empty() && !s.starts_with("0001-"));
        // `docker top` asks for `ps -ef` by default; busybox's ps ignores the flags and
        // still answers, so the default works for the test images too.
        let top = self
            .docker
            .top_processes(id, None::<TopOptions>)
            .await
            .map_err(|e| self.map_err(e))?;
        life.titles = top.titles.unwrap_or_default();
        life.processes = top.processes.unwrap_or_default();
        life.memory_bytes = Some(memory_used(&self.stats_once(id).await?.memory_stats));
        Ok(life)
    }

    /// Runs `argv` in the running container `id` (no shell unless argv names one), waits
    /// for it, and returns its output and exit code.
    pub async fn exec(&self, id: &str, argv: Vec<String>) -> Result<ExecOutput, EngineError> {
        let id = super::path::object("container", id)?;
        let created = self
            .docker
            .create_exec(
                id,
                CreateExecOptions {
                    cmd: Some(argv),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| self.map_err(e))?;
        // The exec id is the engine's, but it goes into a path all the same.
        super::path::object("exec", &created.id)?;
        let started = self
            .docker
            .start_exec(&created.id, None::<StartExecOptions>)
            .await
            .map_err(|e| self.map_err(e))?;
        let mut bytes: Vec<u8> = Vec::new();
        let mut cut = false;
        if let StartExecResults::Attached {
            output: mut out, ..
        } = started
        {
            while let Some(chunk) = out.next().await {
                let chunk = chunk.map_err(|e| self.map_err(e))?.into_bytes();
                let room = EXEC_OUTPUT_MAX - bytes.len();
                bytes.extend_from_slice(&chunk[..room.min(chunk.len())]);
                if chunk.len() > room {
                    // Dropping the stream closes the attach: the command gets no more reader.
                    cut = true;
                    break;
                }
            }
        }
        let mut output = String::from_utf8_lossy(&bytes).into_owned();
        if cut {
            output.push_str(&format!(
                "\n[output cut: only the first {} KiB are kept]",
                EXEC_OUTPUT_MAX / 1024
            ));
        }
        let inspected = self
            .docker
            .inspect_exec(&created.id)
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(ExecOutput {
            exit_code: inspected.exit_code,
            output,
            cut,
        })
    }
}
