//! Live container stats over a channel, and a chart's history saved as CSV.

use std::sync::Arc;

use berth_core::domain::ids::Ticket;
use berth_core::domain::stats::to_csv;
use berth_core::services::logs::downloads_dir;
use berth_core::services::stats::{StatsBatch, StatsHub, Watch};
use tauri::ipc::Channel;
use tauri::State;

use super::error::IpcError;
use super::streams::{ChannelSink, Streams};

/// Sends the history of `watch.ids` (of every running container too with `all`, of this
/// computer with `host`) to `on_batch`, then one batch per tick, until `stop_stream(ticket)` or the
/// channel fails. Resolves when the subscription has ended (also on a window reload).
#[tauri::command]
pub async fn watch_stats(
    stats: State<'_, Arc<StatsHub>>,
    streams: State<'_, Streams>,
    watch: Watch,
    ticket: Ticket,
    on_batch: Channel<StatsBatch>,
) -> Result<(), IpcError> {
    let stats = stats.inner().clone();
    let running = streams.0.start(ticket, |cancel| async move {
        let key = stats.subscribe_to(watch, Arc::new(ChannelSink(on_batch)));
        cancel.cancelled().await;
        stats.unsubscribe(key);
    });
    Ok(running.join().await?)
}

/// Writes the history of container `id` as CSV to the Downloads folder; returns the path.
#[tauri::command]
pub async fn export_stats(
    stats: State<'_, Arc<StatsHub>>,
    id: String,
    name: String,
) -> Result<String, IpcError> {
    let dir = downloads_dir().ok_or_else(|| IpcError {
        kind: super::error::IpcErrorKind::Internal,
        message: "there is no Downloads or home folder to save to".into(),
    })?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let secs = (berth_core::services::stats::now_ms() / 1000.0) as u64;
    let path = dir.join(format!("{safe}-stats-{secs}.csv"));
    let text = to_csv(&stats.history(&id));
    let io = |e: std::io::Error| IpcError {
        kind: super::error::IpcErrorKind::Internal,
        message: format!("cannot write {}: {e}", path.display()),
    };
    tokio::fs::create_dir_all(&dir).await.map_err(io)?;
    tokio::fs::write(&path, text).await.map_err(io)?;
    Ok(path.display().to_string())
}

/// Makes the hub follow the Settings' stats interval and history (at startup and on every
/// change: no restart needed).
pub fn apply_settings(stats: &StatsHub, settings: &berth_core::domain::settings::Settings) {
    stats.configure(
        std::time::Duration::from_millis(u64::from(settings.stats_interval_ms)),
        std::time::Duration::from_secs(u64::from(settings.stats_history_secs)),
    );
}
