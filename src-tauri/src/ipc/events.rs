//! Small invalidation events from the watcher to the UI; the UI re-fetches what it shows.

use berth_core::domain::EngineStatus;
use berth_core::services::deaths::ContainerDied;
use berth_core::services::WatchSink;
use tauri::{AppHandle, Emitter, Manager, Runtime};

pub const ENGINE_STATUS: &str = "engine-status";
pub const INVENTORY_CHANGED: &str = "inventory-changed";

pub struct EventSink<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> EventSink<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        Self { app }
    }

    /// The tray menu follows the same signals (it debounces on its own).
    fn poke_tray(&self) {
        if let Some(tray) = self.app.try_state::<crate::tray::TrayRefresh>() {
            tray.poke();
        }
    }

    fn emit<S: serde::Serialize + Clone>(&self, name: &str, payload: S) {
        // Failing to emit means the webview is gone (shutting down); nothing to recover.
        if let Err(e) = self.app.emit(name, payload) {
            tracing::debug!(event = name, error = %e, "emit failed");
        }
    }
}

impl<R: Runtime> WatchSink for EventSink<R> {
    fn status_changed(&self, status: &EngineStatus) {
        self.emit(ENGINE_STATUS, status.clone());
        self.poke_tray();
    }

    fn inventory_changed(&self) {
        self.emit(INVENTORY_CHANGED, ());
        self.poke_tray();
    }

    fn container_died(&self, died: &ContainerDied) {
        let wanted = self
            .app
            .try_state::<crate::settings::SettingsState>()
            .is_some_and(|s| s.settings().notifications);
        if wanted {
            crate::notify::show(&self.app, "A container stopped", &died.message());
        }
    }
}
