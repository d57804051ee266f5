//! The window starts hidden and is shown once the UI has painted real content, so users
//! never see a blank white frame. The same moment is logged as the startup time, and the steps
//! before it as `berth-phase:` lines (issue #17: where the startup time goes).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use berth_core::domain::EngineStatus;
use tauri::{AppHandle, Manager, Runtime};

/// Shown anyway after this long, so a broken front end still gives a visible window.
const SHOW_DEADLINE: Duration = Duration::from_secs(4);

pub const MAIN_WINDOW: &str = "main";

/// The steps of a start, in order, as `berth-phase:` lines name them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    /// `main` reached: the binary is loaded and linked.
    Main,
    /// Tauri's setup: GTK is up and the window and its webview exist.
    Setup,
    /// The webview starts loading the UI.
    PageStarted,
    /// The UI's page and scripts are loaded.
    PageLoaded,
    /// The engine answered (connected).
    Engine,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Main => "main",
            Phase::Setup => "setup",
            Phase::PageStarted => "page-started",
            Phase::PageLoaded => "page-loaded",
            Phase::Engine => "engine",
        }
    }
}

pub struct StartupClock {
    started: Instant,
    shown: AtomicBool,
    /// Phases already told (a reload does not tell them again).
    told: Mutex<Vec<Phase>>,
}

impl StartupClock {
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
            shown: AtomicBool::new(false),
            told: Mutex::new(Vec::new()),
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Prints `berth-phase: <phase> ms=<since process start>` the first time `phase` is
    /// reached: a stable line for the startup benchmark (tests/src/bin/bench_startup.rs),
    /// whatever the log filter says; the benchmark also timestamps it as it arrives.
    pub fn mark(&self, phase: Phase) {
        let mut told = self.told.lock().unwrap_or_else(PoisonError::into_inner);
        if !told.contains(&phase) {
            told.push(phase);
            eprintln!(
                "berth-phase: {} ms={}",
                phase.name(),
                self.elapsed().as_millis()
            );
        }
    }

    /// Issue #18: started with `--minimized` (at login) and a tray to reach Berth from: the
    /// window stays hidden until the tray (or a second launch) shows it.
    pub fn stay_hidden(&self) {
        self.shown.store(true, Ordering::SeqCst);
    }

    /// Shows the main window the first time it is called; returns whether it did.
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

/// Marks [`Phase::Engine`] when the engine first answers.
pub fn mark_engine_connected(
    mut status: tokio::sync::watch::Receiver<EngineStatus>,
    clock: Arc<StartupClock>,
) {
    tauri::async_runtime::spawn(async move {
        if status
            .wait_for(|s| matches!(s, EngineStatus::Connected { .. }))
            .await
            .is_ok()
        {
            clock.mark(Phase::Engine);
        }
    });
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
