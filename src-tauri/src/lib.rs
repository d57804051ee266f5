//! The Tauri shell: wires Berth's headless core (`berth_core`) to the window. Everything here
//! is glue; the logic it calls lives in `berth_core` and is tested without a webview.

mod ipc;
mod startup;

use std::sync::Arc;

use berth_core::engine::resolve_endpoint;
use berth_core::services::{run_watcher, EngineHub, WatcherConfig};
use tauri::{Manager, RunEvent, Runtime};
use tokio_util::sync::CancellationToken;

pub use startup::StartupClock;

/// Entry point of the desktop app.
pub fn run() {
    let clock = StartupClock::start();
    init_logging();
    let app = match run_app(tauri::Builder::default(), clock).build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "Berth could not start its window");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            if let Some(cancel) = handle.try_state::<CancellationToken>() {
                cancel.cancel();
            }
        }
    });
}

/// Everything but the context, generic over the runtime so tests can use the mock runtime.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, clock: StartupClock) -> tauri::Builder<R> {
    // The first endpoint is only used for the "connecting to ..." line; the watcher resolves
    // again on every (re)connect.
    let initial = resolve_endpoint().map(|e| e.uri).unwrap_or_default();
    let hub = Arc::new(EngineHub::new(&initial));
    let cancel = CancellationToken::new();
    builder
        .manage(hub.clone())
        .manage(cancel.clone())
        .manage(clock)
        .invoke_handler(tauri::generate_handler![
            ipc::commands::engine_status,
            ipc::commands::inventory,
            ipc::commands::ui_ready,
        ])
        .setup(move |app| {
            let sink = Arc::new(ipc::events::EventSink::new(app.handle().clone()));
            let config = WatcherConfig::new(Arc::new(resolve_endpoint));
            tauri::async_runtime::spawn(run_watcher(hub, sink, config, cancel));
            startup::show_window_if_ui_stalls(app.handle().clone());
            Ok(())
        })
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("BERTH_LOG")
        .unwrap_or_else(|_| EnvFilter::new("warn,berth=info,berth_core=info"));
    // A second initialisation (tests) is harmless: keep the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
