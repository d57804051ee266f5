//! The shell's half of the ticketed-stream primitive: one `Sink` over a Tauri channel for
//! every stream, and the registries the commands start their streams in
//! (`berth_core::services::streams::StreamRegistry` owns the tasks).

use berth_core::services::sink::Sink;
use berth_core::services::streams::StreamRegistry;
use tauri::ipc::{Channel, IpcResponse};
use tokio_util::sync::CancellationToken;

/// A stream's items straight to the window's channel. A failed send means the window went
/// away: the sink says so, and the stream ends (a launch only stops reporting).
pub struct ChannelSink<T>(pub Channel<T>);

impl<T: IpcResponse + Send + Sync> Sink<T> for ChannelSink<T> {
    fn send(&self, item: T) -> bool {
        match self.0.send(item) {
            Ok(()) => true,
            Err(e) => {
                tracing::debug!(error = %e, "stream item not delivered");
                false
            }
        }
    }
}

/// Log follows, pulls and stats subscriptions: what the UI's `stop_stream` reaches.
#[derive(Clone)]
pub struct Streams(pub StreamRegistry);

/// Launches and scale-ups: what the UI's `cancel_launch` reaches. Kept apart from
/// [`Streams`] so each command stops only its own kind, and so a window reload (which stops
/// the streams nobody listens to any more) does not cancel, and so roll back, a launch.
#[derive(Clone)]
pub struct Launches(pub StreamRegistry);

impl Streams {
    pub fn new(app: &CancellationToken) -> Self {
        Self(StreamRegistry::new(app))
    }
}

impl Launches {
    pub fn new(app: &CancellationToken) -> Self {
        Self(StreamRegistry::new(app))
    }
}
