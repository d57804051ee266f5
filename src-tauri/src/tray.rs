//! Draws `berth_core::services::tray_model` with Tauri's tray API and routes clicks through
//! `berth_core::services::tray_actions::tray_action`. The menu follows engine events: the
//! watcher's signals wake a task that rebuilds the model from a fresh inventory (at most
//! every 500 ms, off the main thread); only the final menu is set on the main thread.

use std::sync::Arc;
use std::time::Duration;

use berth_core::services::tray_actions::{tray_action, TrayOutcome};
use berth_core::services::tray_model::{build_tray_menu, TrayItem, TrayMenu};
use berth_core::services::EngineHub;
use tauri::menu::{IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::ipc::events::emit;
use crate::ipc::names::EventName;
use crate::settings::SettingsState;
use crate::startup::MAIN_WINDOW;

const TRAY_ID: &str = "berth";
const MIN_REBUILD: Duration = Duration::from_millis(500);

/// Wakes the rebuild task; the watcher's sink pokes it.
#[derive(Default)]
pub struct TrayRefresh {
    notify: Notify,
    /// Whether the tray icon exists (closing to the tray needs one).
    pub active: std::sync::atomic::AtomicBool,
}

impl TrayRefresh {
    pub fn poke(&self) {
        self.notify.notify_one();
    }
}

/// The tray as a plugin, added by `run()` only: the mock runtime of the tests has no GTK.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("berth-tray")
        .setup(|app, _api| {
            let hub = app.try_state::<Arc<EngineHub>>().map(|h| h.inner().clone());
            let cancel = app
                .try_state::<CancellationToken>()
                .map(|c| c.inner().clone());
            if let (Some(hub), Some(cancel)) = (hub, cancel) {
                setup(app, hub, cancel);
            }
            Ok(())
        })
        .build()
}

/// Creates the icon and starts the rebuild task. Failing here only loses the tray.
fn setup<R: Runtime>(app: &AppHandle<R>, hub: Arc<EngineHub>, cancel: CancellationToken) {
    let initial = build_tray_menu(&hub.status(), None, &[]);
    let built = to_menu(app, &initial).and_then(|menu| {
        let mut builder = TrayIconBuilder::with_id(TRAY_ID)
            .tooltip(&initial.tooltip)
            .menu(&menu)
            .show_menu_on_left_click(true)
            .on_menu_event(|app, event| on_click(app, event.id().as_ref()));
        if let Some(icon) = app.default_window_icon() {
            builder = builder.icon(icon.clone());
        }
        builder.build(app)
    });
    let Some(refresh) = app.try_state::<TrayRefresh>() else {
        return;
    };
    match built {
        Ok(_) => refresh
            .active
            .store(true, std::sync::atomic::Ordering::SeqCst),
        Err(e) => {
            tracing::warn!(error = %e, "no tray icon: Berth runs without it");
            return;
        }
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let Some(refresh) = app.try_state::<TrayRefresh>() else {
                return;
            };
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = refresh.notify.notified() => {}
            }
            let status = hub.status();
            let inventory = match hub.engine() {
                Ok(engine) => engine.inventory().await.ok(),
                Err(_) => None,
            };
            let model = build_tray_menu(&status, inventory.as_ref(), &recent_images(&app));
            let handle = app.clone();
            let set = app.run_on_main_thread(move || apply(&handle, &model));
            if let Err(e) = set {
                tracing::debug!(error = %e, "tray update not delivered");
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(MIN_REBUILD) => {}
            }
        }
    });
}

/// The settings' recent images, most recent first.
fn recent_images<R: Runtime>(app: &AppHandle<R>) -> Vec<String> {
    app.try_state::<SettingsState>()
        .map(|s| {
            s.settings()
                .recent_images
                .into_iter()
                .map(|r| r.image)
                .collect()
        })
        .unwrap_or_default()
}

fn apply<R: Runtime>(app: &AppHandle<R>, model: &TrayMenu) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let result = to_menu(app, model)
        .and_then(|menu| tray.set_menu(Some(menu)))
        .and_then(|()| tray.set_tooltip(Some(&model.tooltip)));
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not update the tray menu");
    }
}

fn to_menu<R: Runtime>(app: &AppHandle<R>, model: &TrayMenu) -> tauri::Result<Menu<R>> {
    let items = to_items(app, &model.items)?;
    let refs: Vec<&dyn IsMenuItem<R>> = items.iter().map(|i| i.as_ref()).collect();
    Menu::with_items(app, &refs)
}

fn to_items<R: Runtime>(
    app: &AppHandle<R>,
    items: &[TrayItem],
) -> tauri::Result<Vec<Box<dyn IsMenuItem<R>>>> {
    let mut out: Vec<Box<dyn IsMenuItem<R>>> = Vec::with_capacity(items.len());
    for item in items {
        match item {
            TrayItem::Action { id, label, enabled } => out.push(Box::new(MenuItem::with_id(
                app,
                id.encode(),
                label,
                *enabled,
                None::<&str>,
            )?)),
            TrayItem::Text(text) => {
                out.push(Box::new(MenuItem::new(app, text, false, None::<&str>)?))
            }
            TrayItem::Separator => out.push(Box::new(PredefinedMenuItem::separator(app)?)),
            TrayItem::Submenu { label, items } => {
                let children = to_items(app, items)?;
                let refs: Vec<&dyn IsMenuItem<R>> = children.iter().map(|i| i.as_ref()).collect();
                out.push(Box::new(Submenu::with_items(app, label, true, &refs)?));
            }
        }
    }
    Ok(out)
}

pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        if let Err(e) = window
            .unminimize()
            .and_then(|()| window.show())
            .and_then(|()| window.set_focus())
        {
            tracing::warn!(error = %e, "could not show the window");
        }
    }
}

/// A click: the engine part goes through the shared `tray_action` service, off the main
/// thread; the window part happens here.
fn on_click<R: Runtime>(app: &AppHandle<R>, id: &str) {
    let app = app.clone();
    let id = id.to_string();
    tauri::async_runtime::spawn(async move {
        let Some(hub) = app.try_state::<Arc<EngineHub>>().map(|h| h.inner().clone()) else {
            return;
        };
        let recent = app
            .try_state::<SettingsState>()
            .map(|s| s.settings().recent_images)
            .unwrap_or_default();
        match tray_action(hub.engine(), &id, &recent).await {
            TrayOutcome::ShowWindow => show_main_window(&app),
            TrayOutcome::ShowLogs(container) => {
                show_main_window(&app);
                emit(&app, EventName::TrayOpenLogs, container);
            }
            TrayOutcome::Quit => app.exit(0),
            TrayOutcome::Done(what) => tracing::info!("tray: {what}"),
            TrayOutcome::Launched { summary, request } => {
                tracing::info!("tray: {summary}");
                if let Some(settings) = app.try_state::<SettingsState>() {
                    settings.remember_launch(&app, &request);
                }
            }
            TrayOutcome::Failed(why) => {
                tracing::warn!("tray action {id} failed: {why}");
                crate::notify::show(&app, "Berth", &why);
            }
            TrayOutcome::Unknown(raw) => tracing::warn!("unknown tray item {raw}"),
        }
    });
}
