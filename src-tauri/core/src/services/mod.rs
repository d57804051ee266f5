//! Long-running work with an owner and a cancellation token.

pub mod actions;
pub mod archive;
pub mod compose;
pub mod container_files;
pub mod deaths;
pub mod engines;
pub mod exports;
pub mod first_run;
mod host_ports;
pub mod host_stats;
mod hub;
pub mod inventory;
pub mod launch;
pub mod learn;
pub mod lessons;
pub mod limits;
pub mod logs;
pub mod networks;
pub mod port_links;
pub mod pull;
pub mod refresh_gate;
pub mod registry;
pub mod safe_file;
pub mod sink;
pub mod stats;
pub mod streams;
pub mod swarm;
pub mod terminal;
pub mod tray_actions;
pub mod tray_model;
pub mod unhealthy;
pub mod volumes;
mod watcher;

pub use host_ports::host_port_free;
pub use hub::EngineHub;
pub use watcher::{run_watcher, WatchSink, WatcherConfig};
