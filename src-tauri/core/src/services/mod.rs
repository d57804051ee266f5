//! Long-running work with an owner and a cancellation token.

mod hub;
mod watcher;

pub use hub::EngineHub;
pub use watcher::{run_watcher, WatchSink, WatcherConfig};
