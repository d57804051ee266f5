//! Desktop notifications. They go over D-Bus: with no notification daemon (or no session
//! bus) showing one fails, which is logged and otherwise ignored. Shown off the main thread.
//!
//! Deaths of launched containers go through one [`DeathNotices`] for the whole app: gathered
//! per burst into one notification per group, and bounded per minute (see `services/deaths`).

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Instant;

use berth_core::services::deaths::{ContainerDied, DeathNotices};
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

/// Every engine's deaths, so the per-minute bound holds for the app as a whole.
fn deaths() -> std::sync::MutexGuard<'static, DeathNotices> {
    static DEATHS: OnceLock<Mutex<DeathNotices>> = OnceLock::new();
    DEATHS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// A container Berth launched died: told with the rest of its burst, once per group.
pub fn container_died<R: Runtime>(app: &AppHandle<R>, died: &ContainerDied) {
    let Some(due) = deaths().add(died.clone(), Instant::now()) else {
        return; // A flush is already due and will tell this one too.
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut due = due;
        loop {
            tokio::time::sleep_until(due.into()).await;
            let (notices, again) = deaths().flush(Instant::now());
            for n in notices {
                show(&app, &n.title, &n.body);
            }
            match again {
                Some(next) => due = next,
                None => return,
            }
        }
    });
}
