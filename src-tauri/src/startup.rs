//! The window starts hidden and is shown once the UI has painted real content, so users
//! never see a blank white frame. The same moment is logged as the startup time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager, Runtime};

/// Shown anyway after this long, so a broken front end still gives a visible window.
const SHOW_DEADLINE: Duration = Duration::from_secs(4);

pub const MAIN_WINDOW: &str = "main";

pub struct StartupClock {
    started: Instant,
    shown: AtomicBool,
}

impl StartupClock {
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Shows the main window the first time it is called; returns whether it did.
    /// Issue #18: started with `--minimized` (at login) and a tray to reach Berth from: the
    /// window stays hidden until the tray (or a second launch) shows it.
    pub fn stay_hidden(&self) {
        self.shown.store(true, Ordering::SeqCst);
    }

    pub fn show_once<R: Runtime>(&self, app: &AppHandle<R>) -> bool {
        if self.shown.swap(true, Ordering::SeqCst) {
            return false;
        }
        if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
            if let Err(e) = window.show().and_then(|()| window.set_focus()) {
                tracing::warn!(error = %e, "could not show the main window");
            }
        }
        true
    }
}

/// WebKitGTK's accelerated compositing costs about 80 MB more in the web process (measured
/// here: 309 MB for all Berth processes with it, 231 MB without) and buys nothing for lists
/// and small charts. Turned off unless the user chose otherwise; `BERTH_WEBKIT_COMPOSITING=1`
/// keeps WebKit's default. Must run before the first thread or webview starts.
pub fn prefer_light_webkit() {
    const WEBKIT_VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if cfg!(target_os = "linux")
        && std::env::var_os(WEBKIT_VAR).is_none()
        && std::env::var_os("BERTH_WEBKIT_COMPOSITING").is_none()
    {
        std::env::set_var(WEBKIT_VAR, "1");
    }
}

pub fn show_window_if_ui_stalls<R: Runtime>(app: AppHandle<R>, clock: Arc<StartupClock>) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SHOW_DEADLINE).await;
        if clock.show_once(&app) {
            tracing::warn!(
                "the UI did not report its first paint in time; showing the window anyway"
            );
        }
    });
}
