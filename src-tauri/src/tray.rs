//! Draws `berth_core::services::tray_model` with Tauri's tray API and routes clicks through
//! `berth_core::services::tray_actions::tray_action`. The menu follows the app's "inventory
//! changed" and "settings changed" channels: a change wakes a task that rebuilds the model
//! from a fresh inventory (at most every 500 ms, off the main thread); only the final menu is
//! set on the main thread.

use std::sync::atomic::Ordering;
use std::time::Duration;

use berth_core::services::tray_actions::{tray_action, TrayOutcome};
use berth_core::services::tray_model::{build_tray_menu, TrayItem, TrayMenu};
use tauri::menu::{IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::app_services::AppServices;
use crate::ipc::events::emit;
use crate::ipc::names::EventName;
use crate::startup::MAIN_WINDOW;

const TRAY_ID: &str = "berth";
const MIN_REBUILD: Duration = Duration::from_millis(500);

/// Creates the icon and starts the rebuild task (the app's setup calls it when the app has a
/// desktop: the mock runtime of the tests has no GTK). Failing here only loses the tray.
pub fn setup<R: Runtime>(app: &AppHandle<R>, services: &AppServices) {
    let initial = build_tray_menu(&services.hub.status(), None, &[]);
    let clicks = services.clone();
    let built = to_menu(app, &initial).and_then(|menu| {
        let builder = TrayIconBuilder::with_id(TRAY_ID)
            .tooltip(&initial.tooltip)
            .menu(&menu)
            .show_menu_on_left_click(true)
            .on_menu_event(move |app, event| on_click(app, &clicks, event.id().as_ref()))
            // Monochrome, light with a dark outline: the tray shows these pixels as they are
            // (no theme recolouring), on light and dark panels alike (icons/tray-symbolic.svg).
            .icon(tauri::include_image!("icons/tray-symbolic.png"));
        builder.build(app)
    });
    if let Err(e) = built {
        tracing::warn!(error = %e, "no tray icon: Berth runs without it");
        return;
    }
    services.tray_active.store(true, Ordering::SeqCst);
    let app = app.clone();
    let services = services.clone();
    let mut inventory = services.inventory.subscribe();
    let mut settings = services.settings.subscribe();
    tauri::async_runtime::spawn(async move {
        let cancel = services.cancel.clone();
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                changed = inventory.changed() => if changed.is_err() { return },
                changed = settings.changed() => if changed.is_err() { return },
            }
            // Whatever came in meanwhile is covered by this rebuild.
            inventory.borrow_and_update();
            let recent: Vec<String> = settings
                .borrow_and_update()
                .recent_images
                .iter()
                .map(|r| r.image.clone())
                .collect();
            let status = services.hub.status();
            // The window's refresh and this one share the hub's kept listing: whichever
            // comes second re-reads nothing (issue #17).
            let listed = services.hub.inventory().await.ok();
            let model = build_tray_menu(&status, listed.as_ref(), &recent);
            let handle = app.clone();
            let set = app.run_on_main_thread(move || apply(&handle, &model));
            if let Err(e) = set {
                tracing::debug!(error = %e, "tray update not delivered");
            }
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(MIN_REBUILD) => {}
            }
        }
    });
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
fn on_click<R: Runtime>(app: &AppHandle<R>, services: &AppServices, id: &str) {
    let app = app.clone();
    let services = services.clone();
    let id = id.to_string();
    tauri::async_runtime::spawn(async move {
        let recent = services.settings.settings().recent_images;
        match tray_action(services.hub.engine(), &id, &recent).await {
            TrayOutcome::ShowWindow => show_main_window(&app),
            TrayOutcome::ShowLogs(container) => {
                show_main_window(&app);
                emit(&app, EventName::TrayOpenLogs, container);
            }
            // Asks first while a launch runs (issue #13: never half a group).
            TrayOutcome::Quit => crate::quit::request(&app, &services.launches.0),
            // A menu cannot ask: the window does, naming them, and stops them on a yes.
            TrayOutcome::ConfirmStop(containers) => {
                show_main_window(&app);
                emit(&app, EventName::TrayConfirmStopAll, containers);
            }
            TrayOutcome::Done(what) => tracing::info!("tray: {what}"),
            TrayOutcome::Launched { summary, request } => {
                tracing::info!("tray: {summary}");
                services.settings.remember_launch(&app, &request);
            }
            TrayOutcome::OpenUrl(url) => {
                if let Err(why) = crate::opener::open_url(&url) {
                    crate::notify::show(&app, "Berth", &why);
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
