//! Terminals in containers: detect the shell, open a session (output over a channel until it
//! ends), send input, resize, acknowledge drawn output, close.

use std::sync::Arc;

use berth_core::domain::ids::{ContainerId, Ticket};
use berth_core::domain::terminal::{TerminalEnded, TerminalSpec};
use berth_core::services::terminal::{self, TerminalError, TerminalInput, TerminalInputs};
use berth_core::services::EngineHub;
use tauri::ipc::Channel;
use tauri::State;

use super::error::{IpcError, IpcErrorKind};
use super::streams::{ChannelSink, Streams};

impl From<TerminalError> for IpcError {
    fn from(e: TerminalError) -> Self {
        match e {
            TerminalError::Engine(e) => e.into(),
            TerminalError::BadSpec(_) | TerminalError::InputTooLong => IpcError {
                kind: IpcErrorKind::InvalidInput,
                message: e.to_string(),
            },
            TerminalError::TooMany => IpcError {
                kind: IpcErrorKind::Conflict,
                message: e.to_string(),
            },
            TerminalError::Gone => IpcError {
                kind: IpcErrorKind::NotFound,
                message: e.to_string(),
            },
        }
    }
}

/// The shell to offer for the container (`/bin/bash`, else `/bin/sh`, else
/// `/bin/busybox sh`, looked up in its file system); `null` when it has none.
#[tauri::command]
pub async fn detect_shell(
    hub: State<'_, Arc<EngineHub>>,
    id: ContainerId,
) -> Result<Option<Vec<String>>, IpcError> {
    Ok(hub.engine()?.detect_shell(id.as_str()).await?)
}

/// Runs `spec` in the container with a TTY, sending its output to `on_output` in batches,
/// until the shell exits, the container stops, or `stop_stream(ticket)` / a window reload
/// closes it (the shell is then ended). Resolves with how it ended.
#[tauri::command]
pub async fn open_terminal(
    hub: State<'_, Arc<EngineHub>>,
    streams: State<'_, Streams>,
    inputs: State<'_, TerminalInputs>,
    id: ContainerId,
    spec: TerminalSpec,
    ticket: Ticket,
    on_output: Channel<String>,
) -> Result<TerminalEnded, IpcError> {
    let engine = hub.engine()?;
    let spec = spec.checked().map_err(TerminalError::from)?;
    let receiver = inputs.open(&ticket)?;
    let sink = Arc::new(ChannelSink(on_output));
    let running = streams.0.start(ticket.clone(), |cancel| async move {
        terminal::run_terminal(&engine, id.as_str(), spec, sink, receiver, cancel).await
    });
    let ended = running.join().await;
    inputs.forget(&ticket);
    Ok(ended??)
}

/// Types `data` (keystrokes or a paste) into the terminal `ticket`.
#[tauri::command]
pub async fn terminal_input(
    inputs: State<'_, TerminalInputs>,
    ticket: Ticket,
    data: String,
) -> Result<(), IpcError> {
    Ok(inputs.send(&ticket, TerminalInput::Data(data)).await?)
}

/// The terminal's window part changed size: the TTY follows (`stty size` reads it).
#[tauri::command]
pub async fn terminal_resize(
    inputs: State<'_, TerminalInputs>,
    ticket: Ticket,
    cols: u16,
    rows: u16,
) -> Result<(), IpcError> {
    Ok(inputs
        .send(&ticket, TerminalInput::Resize { cols, rows })
        .await?)
}

/// The window drew `batches` output batches: more may come.
#[tauri::command]
pub async fn terminal_ack(
    inputs: State<'_, TerminalInputs>,
    ticket: Ticket,
    batches: u32,
) -> Result<(), IpcError> {
    Ok(inputs.send(&ticket, TerminalInput::Ack(batches)).await?)
}
