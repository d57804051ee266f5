//! Small invalidation events from the watcher to the UI; the UI re-fetches what it shows.

use berth_core::domain::EngineStatus;
use berth_core::services::deaths::ContainerDied;
use berth_core::services::WatchSink;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::names::EventName;

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

    fn emit<S: serde::Serialize + Clone>(&self, name: EventName, payload: S) {
        emit(&self.app, name, payload);
    }
}

impl<R: Runtime> WatchSink for EventSink<R> {
    fn status_changed(&self, status: &EngineStatus) {
        self.emit(EventName::EngineStatus, status.clone());
        self.poke_tray();
    }

    fn inventory_changed(&self) {
        self.emit(EventName::InventoryChanged, ());
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

/// Emits `name` to every window. Failing to emit means the webview is gone (shutting
/// down); nothing to recover.
pub fn emit<R: Runtime, S: serde::Serialize + Clone>(
    app: &AppHandle<R>,
    name: EventName,
    payload: S,
) {
    if let Err(e) = app.emit(name.as_str(), payload) {
        tracing::debug!(event = name.as_str(), error = %e, "emit failed");
    }
}
