//! Desktop notifications. They go over D-Bus: with no notification daemon (or no session
//! bus) showing one fails, which is logged and otherwise ignored. Shown off the main thread.

use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

pub fn show<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    let app = app.clone();
    let (title, body) = (title.to_string(), body.to_string());
    tauri::async_runtime::spawn_blocking(move || {
        if let Err(e) = app.notification().builder().title(title).body(body).show() {
            tracing::info!(error = %e, "notification not shown");
        }
    });
}
