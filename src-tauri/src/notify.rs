//! Desktop notifications. They go over D-Bus: with no notification daemon (or no session
//! bus) showing one fails, which is logged and otherwise ignored. Shown off the main thread.
//!
//! Deaths of launched containers go through one [`DeathNotices`] for the whole app: gathered
//! per burst into one notification per group, and bounded per minute (see `services/deaths`);
//! launched containers turned unhealthy go the same way through a second one (issue #16).

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

type Notices = fn() -> std::sync::MutexGuard<'static, DeathNotices>;

/// Every engine's deaths, so the per-minute bound holds for the app as a whole.
fn deaths() -> std::sync::MutexGuard<'static, DeathNotices> {
    static DEATHS: OnceLock<Mutex<DeathNotices>> = OnceLock::new();
    DEATHS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// Every engine's containers turned unhealthy: bursts and bound of their own, so a notice
/// never mixes deaths and failing health checks.
fn unhealthy() -> std::sync::MutexGuard<'static, DeathNotices> {
    static UNHEALTHY: OnceLock<Mutex<DeathNotices>> = OnceLock::new();
    UNHEALTHY
        .get_or_init(|| Mutex::new(DeathNotices::for_unhealthy()))
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// A container Berth launched died: told with the rest of its burst, once per group.
pub fn container_died<R: Runtime>(app: &AppHandle<R>, died: &ContainerDied) {
    tell(app, died, deaths);
}

/// A container Berth launched turned unhealthy (issue #16): told with the rest of its burst,
/// once per group.
pub fn container_unhealthy<R: Runtime>(app: &AppHandle<R>, sick: &ContainerDied) {
    tell(app, sick, unhealthy);
}

fn tell<R: Runtime>(app: &AppHandle<R>, what: &ContainerDied, queue: Notices) {
    let Some(due) = queue().add(what.clone(), Instant::now()) else {
        return; // A flush is already due and will tell this one too.
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut due = due;
        loop {
            tokio::time::sleep_until(due.into()).await;
            let (notices, again) = queue().flush(Instant::now());
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
