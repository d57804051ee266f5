//! Live container stats over a channel, and a chart's history saved as CSV.

use std::sync::Arc;

use berth_core::domain::echo::echo;
use berth_core::domain::ids::{ContainerId, Ticket};
use berth_core::domain::stats::{stats_file_name, to_csv};
use berth_core::services::exports::{save_to_downloads, unix_secs};
use berth_core::services::stats::{StatsBatch, StatsHub, Watch};
use tauri::ipc::Channel;
use tauri::State;

use super::error::{IpcError, IpcErrorKind};
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
    id: ContainerId,
    name: String,
) -> Result<String, IpcError> {
    let history = stats.history(id.as_str());
    // An id with no samples is no container whose charts were shown: say so rather than
    // leave an empty file in Downloads.
    if history.is_empty() {
        return Err(IpcError {
            kind: IpcErrorKind::NotFound,
            message: format!(
                "no stats were recorded for container “{}”; open its stats first",
                echo(id.as_str())
            ),
        });
    }
    let file = stats_file_name(&name, unix_secs());
    let path = save_to_downloads(&file, to_csv(&history)).await?;
    Ok(path.display().to_string())
}
