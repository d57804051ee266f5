//! Long-running work with an owner and a cancellation token.

mod host_ports;
mod hub;
pub mod launcher;
mod watcher;

pub use host_ports::host_port_free;
pub use hub::EngineHub;
pub use watcher::{run_watcher, WatchSink, WatcherConfig};
