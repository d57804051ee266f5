//! A terminal session in a container: output to the window in bounded batches, input,
//! resizes and acknowledgements from it, and an end that leaves no shell behind.
//!
//! Output is sent as soon as it comes, with whatever else is already waiting (so a keystroke's
//! echo is not held back, and a `cat` of 20 MB goes in few large messages). The window
//! acknowledges each batch once xterm.js has drawn it; with [`MAX_UNACKED`] batches in
//! flight the session stops reading, the engine stops reading the TTY, and the program in
//! the container waits: nothing piles up in memory and the window keeps its frames.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::sink::Sink;
use crate::domain::ids::Ticket;
use crate::domain::terminal::{check_size, BadSpec, TerminalEnded, TerminalSpec, Utf8Carry};
use crate::engine::{Engine, EngineError, ExecSession};

/// Most bytes in one output batch (one IPC message).
pub const BATCH_MAX: usize = 64 * 1024;
/// Batches sent but not yet drawn by the window before reading pauses (1 MiB).
pub const MAX_UNACKED: u32 = 16;
/// Most terminals open at once, over all containers.
pub const MAX_TERMINALS: usize = 16;
/// Input messages waiting for the engine (keystrokes, pastes, resizes).
const INPUT_QUEUE: usize = 256;
/// Longest input in one message (a paste); more is refused, not cut.
pub const MAX_INPUT: usize = 1 << 20;
/// How long a shell gets to exit by itself (after Ctrl-C, Ctrl-D) before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(1);

/// What the window sends to a running terminal.
#[derive(Debug)]
pub enum TerminalInput {
    Data(String),
    Resize {
        cols: u16,
        rows: u16,
    },
    /// This many batches were drawn.
    Ack(u32),
}

#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    #[error("{0}")]
    BadSpec(#[from] BadSpec),
    #[error("{0}")]
    Engine(#[from] EngineError),
    #[error("{MAX_TERMINALS} terminals are open already: close one first")]
    TooMany,
    #[error("this terminal has ended")]
    Gone,
    #[error("a paste of more than {} KiB is refused", MAX_INPUT / 1024)]
    InputTooLong,
}

/// The input side of every open terminal, by ticket (the streams registry owns the tasks).
#[derive(Clone, Default)]
pub struct TerminalInputs {
    inner: Arc<Mutex<HashMap<Ticket, mpsc::Sender<TerminalInput>>>>,
}

impl TerminalInputs {
    /// Registers a new terminal's input queue; refused past [`MAX_TERMINALS`].
    pub fn open(&self, ticket: &Ticket) -> Result<mpsc::Receiver<TerminalInput>, TerminalError> {
        let mut map = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        map.retain(|_, tx| !tx.is_closed());
        if map.len() >= MAX_TERMINALS && !map.contains_key(ticket) {
            return Err(TerminalError::TooMany);
        }
        let (tx, rx) = mpsc::channel(INPUT_QUEUE);
        map.insert(ticket.clone(), tx);
        Ok(rx)
    }

    pub fn forget(&self, ticket: &Ticket) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(ticket);
    }

    /// Queues `input` for the terminal `ticket` (waits while the queue is full).
    pub async fn send(&self, ticket: &Ticket, input: TerminalInput) -> Result<(), TerminalError> {
        match &input {
            TerminalInput::Data(d) if d.len() > MAX_INPUT => {
                return Err(TerminalError::InputTooLong)
            }
            TerminalInput::Resize { cols, rows } => check_size(*cols, *rows)?,
            _ => {}
        }
        let tx = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(ticket)
            .cloned()
            .ok_or(TerminalError::Gone)?;
        tx.send(input).await.map_err(|_| TerminalError::Gone)
    }
}

/// Runs the terminal `spec` in container `id` until the shell exits, the container stops,
/// `cancel` fires or the window stops listening; then makes sure the shell has ended.
pub async fn run_terminal(
    engine: &Engine,
    id: &str,
    spec: TerminalSpec,
    sink: Arc<dyn Sink<String>>,
    mut inputs: mpsc::Receiver<TerminalInput>,
    cancel: CancellationToken,
) -> Result<TerminalEnded, TerminalError> {
    let spec = spec.checked()?;
    let ExecSession {
        exec_id,
        mut output,
        mut input,
    } = engine.open_exec(id, &spec).await?;
    let mut carry = Utf8Carry::default();
    let mut unacked: u32 = 0;
    let mut batch = String::new();
    let closed = loop {
        tokio::select! {
            biased;
            () = cancel.cancelled() => break true,
            message = inputs.recv() => match message {
                None => break true,
                Some(TerminalInput::Data(data)) => {
                    if input.write_all(data.as_bytes()).await.is_err() || input.flush().await.is_err() {
                        break false;
                    }
                }
                Some(TerminalInput::Resize { cols, rows }) => {
                    if let Err(e) = engine.resize_exec(&exec_id, cols, rows).await {
                        tracing::debug!(error = %e, "terminal resize refused");
                    }
                }
                Some(TerminalInput::Ack(n)) => unacked = unacked.saturating_sub(n),
            },
            chunk = output.next(), if unacked < MAX_UNACKED => {
                let Some(Ok(chunk)) = chunk else { break false };
                batch.push_str(&carry.push(&chunk));
                // Whatever else is ready goes in the same batch.
                while batch.len() < BATCH_MAX {
                    match output.next().now_or_never() {
                        Some(Some(Ok(more))) => batch.push_str(&carry.push(&more)),
                        _ => break,
                    }
                }
                if !batch.is_empty() {
                    unacked += 1;
                    if !sink.send(std::mem::take(&mut batch)) {
                        break true;
                    }
                }
            }
        }
    };
    if closed {
        end_shell(engine, id, &exec_id, &mut input).await;
        return Ok(TerminalEnded::Closed);
    }
    drop(input);
    drop(output);
    ended(engine, id, &exec_id).await
}

/// Why the output ended: the container stopped, else the shell exited.
async fn ended(engine: &Engine, id: &str, exec_id: &str) -> Result<TerminalEnded, TerminalError> {
    let code = match engine.exec_state(exec_id).await {
        // Exit codes are 0-255 (a signal's 128+n): they fit an i32, which the UI reads as a number.
        Ok(state) => state.exit_code.and_then(|c| i32::try_from(c).ok()),
        Err(EngineError::NotFound { .. }) => return Ok(TerminalEnded::ContainerStopped),
        Err(e) => return Err(e.into()),
    };
    // A shell killed by a signal (code over 128) may have gone with its container, whose
    // state the engine updates a moment after the exec's end: look again for a while.
    let tries = if code.is_none_or(|c| c > 128) { 20 } else { 1 };
    for attempt in 0..tries {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        match engine.inspect_container(id).await {
            Ok(details) if details.state == "running" => {}
            Ok(_) | Err(EngineError::NotFound { .. }) => {
                return Ok(TerminalEnded::ContainerStopped)
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(TerminalEnded::Exited { code })
}

/// Ends the session's process. A TTY exec whose attach is dropped keeps running, so: Ctrl-C
/// (ends a foreground program) and Ctrl-D (ends the shell at an empty line); if it still
/// runs, it gets SIGHUP (a shell passes it to its jobs), then SIGKILL, from inside the
/// container (the engine's own API has no kill for an exec).
pub async fn end_shell(
    engine: &Engine,
    id: &str,
    exec_id: &str,
    input: &mut (impl tokio::io::AsyncWrite + Unpin),
) {
    let _ = input.write_all(b"\x03").await;
    let _ = input.flush().await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let _ = input.write_all(b"\x04").await;
    let _ = input.flush().await;
    if exited_within(engine, exec_id, EXIT_GRACE).await {
        return;
    }
    for signal in ["HUP", "KILL"] {
        match signal_in_container(engine, id, exec_id, signal).await {
            Ok(()) => {
                if exited_within(engine, exec_id, EXIT_GRACE).await {
                    return;
                }
            }
            Err(why) => {
                tracing::warn!(exec = exec_id, %why, "the terminal's process could not be ended");
                return;
            }
        }
    }
    tracing::warn!(exec = exec_id, "the terminal's process survived SIGKILL");
}

async fn exited_within(engine: &Engine, exec_id: &str, grace: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + grace;
    loop {
        match engine.exec_state(exec_id).await {
            Ok(state) if state.running => {}
            // Gone, or the container with it: nothing left running.
            _ => return true,
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends `signal` to the exec's process from inside the container. The engine reports the
/// host's pid; the container's own pid is the last `NSpid` of the host's `/proc` entry, so
/// this works for a local engine only.
async fn signal_in_container(
    engine: &Engine,
    id: &str,
    exec_id: &str,
    signal: &str,
) -> Result<(), String> {
    if !engine.is_local() {
        return Err("the engine is remote: its process ids are not this computer's".into());
    }
    let host_pid = engine
        .exec_state(exec_id)
        .await
        .map_err(|e| e.to_string())?
        .pid
        .ok_or("the engine gave no process id")?;
    let status = tokio::fs::read_to_string(format!("/proc/{host_pid}/status"))
        .await
        .map_err(|e| format!("cannot read the process's status: {e}"))?;
    let pid = container_pid(&status).ok_or("no NSpid line in the process's status")?;
    // `kill` is a shell builtin in bash, sh and busybox sh, so any shell the container has
    // will do; the pid is a number from the kernel, not user text.
    let shell = engine
        .detect_shell(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the container has no shell to send the signal with")?;
    let mut argv = shell;
    argv.extend(["-c".to_string(), format!("kill -{signal} {pid}")]);
    engine.exec(id, argv).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// The innermost pid of a `/proc/PID/status` text (its `NSpid:` line's last number).
pub fn container_pid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("NSpid:"))
        .and_then(|rest| rest.split_whitespace().last())
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_container_pid_is_the_last_nspid() {
        let status = "Name:\tbash\nPid:\t4242\nNSpid:\t4242\t17\nPPid:\t1\n";
        assert_eq!(container_pid(status), Some(17));
        assert_eq!(container_pid("NSpid:\t99\n"), Some(99));
        assert_eq!(container_pid("Pid:\t1\n"), None);
    }

    #[tokio::test]
    async fn inputs_are_bounded_and_checked() {
        let inputs = TerminalInputs::default();
        let mut keep = Vec::new();
        for i in 0..MAX_TERMINALS {
            keep.push(inputs.open(&Ticket::new(format!("t{i}"))).unwrap());
        }
        assert!(matches!(
            inputs.open(&Ticket::from("one more")),
            Err(TerminalError::TooMany)
        ));
        let t0 = Ticket::from("t0");
        assert!(matches!(
            inputs
                .send(&t0, TerminalInput::Data("x".repeat(MAX_INPUT + 1)))
                .await,
            Err(TerminalError::InputTooLong)
        ));
        assert!(matches!(
            inputs
                .send(&t0, TerminalInput::Resize { cols: 0, rows: 5 })
                .await,
            Err(TerminalError::BadSpec(_))
        ));
        inputs
            .send(&t0, TerminalInput::Data("ls\n".into()))
            .await
            .unwrap();
        assert!(matches!(keep[0].recv().await, Some(TerminalInput::Data(d)) if d == "ls\n"));
        // A terminal that ended frees its place.
        drop(keep.pop());
        assert!(inputs.open(&Ticket::from("one more")).is_ok());
        assert!(matches!(
            inputs
                .send(&Ticket::from("none"), TerminalInput::Ack(1))
                .await,
            Err(TerminalError::Gone)
        ));
    }
}
