//! Small invalidation events from the watcher to the UI; the UI re-fetches what it shows.

use std::sync::Arc;

use berth_core::domain::settings::Settings;
use berth_core::domain::EngineStatus;
use berth_core::services::deaths::ContainerDied;
use berth_core::services::WatchSink;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::watch;

use super::names::EventName;
use crate::app_services::AppServices;

/// The main watcher's signals: events to the UI, the app's "inventory changed" channel (the
/// tray follows it), and a notification when a container dies (if the settings want one).
pub struct EventSink<R: Runtime> {
    app: AppHandle<R>,
    inventory: Arc<watch::Sender<()>>,
    settings: watch::Receiver<Settings>,
}

impl<R: Runtime> EventSink<R> {
    pub fn new(app: AppHandle<R>, services: &AppServices) -> Self {
        Self {
            app,
            inventory: services.inventory.clone(),
            settings: services.settings.subscribe(),
        }
    }

    fn emit<S: serde::Serialize + Clone>(&self, name: EventName, payload: S) {
        emit(&self.app, name, payload);
    }
}

impl<R: Runtime> WatchSink for EventSink<R> {
    /// A status change changes what can be listed too (connected, or not any more).
    fn status_changed(&self, status: &EngineStatus) {
        self.emit(EventName::EngineStatus, status.clone());
        self.inventory.send_replace(());
    }

    fn inventory_changed(&self) {
        self.emit(EventName::InventoryChanged, ());
        self.inventory.send_replace(());
    }

    fn container_died(&self, died: &ContainerDied) {
        if self.settings.borrow().notifications {
            crate::notify::container_died(&self.app, died);
        }
    }

    fn container_unhealthy(&self, sick: &ContainerDied) {
        if self.settings.borrow().notify_unhealthy {
            crate::notify::container_unhealthy(&self.app, sick);
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
