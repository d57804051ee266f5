//! Prints what the watcher reports: `cargo run -p berth-core --example watch`.
use std::sync::Arc;

use berth_core::domain::EngineStatus;
use berth_core::engine::resolve_endpoint;
use berth_core::services::{run_watcher, EngineHub, WatchSink, WatcherConfig};
use tokio_util::sync::CancellationToken;

struct Print;
impl WatchSink for Print {
    fn status_changed(&self, status: &EngineStatus) {
        println!("status: {status:?}");
    }
    fn inventory_changed(&self) {
        println!("inventory changed");
    }
}

#[tokio::main]
async fn main() {
    let hub = Arc::new(EngineHub::new(""));
    let config = WatcherConfig::new(Arc::new(resolve_endpoint));
    run_watcher(hub, Arc::new(Print), config, CancellationToken::new()).await;
}
