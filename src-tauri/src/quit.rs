//! Quitting while a launch runs (issue #13): never half a group. A quit (the tray's Quit,
//! closing the window when it does not go to the tray, any other exit request) with
//! launches in flight is held; the window asks "finish, then quit", "roll back and quit" or
//! "keep Berth open" (`quit_choice`), and [`choose`] carries the answer out. With no window
//! to ask, the launches are finished (nothing the user made is destroyed unasked), then
//! Berth quits. The core's `launch::quit` does the waiting and keeps the book of launches.

use std::sync::atomic::{AtomicBool, Ordering};

use berth_core::services::launch::quit::{in_flight, settle, QuitChoice, SETTLE_LIMIT};
use berth_core::services::streams::StreamRegistry;
use tauri::{AppHandle, Manager, Runtime};

use crate::ipc::events::emit;
use crate::ipc::names::EventName;
use crate::startup::MAIN_WINDOW;
use crate::tray::show_main_window;

/// Set once the launches are settled and the exit is on its way: the exit it requests must
/// not be held again.
static SETTLED: AtomicBool = AtomicBool::new(false);

/// Whether a quit now has to wait for an answer (a launch is in flight).
pub fn must_ask(launches: &StreamRegistry) -> bool {
    !SETTLED.load(Ordering::SeqCst) && !launches.is_empty()
}

/// The user asked to quit: quits at once with nothing in flight; else asks in the window,
/// or finishes the launches first when there is no window to ask in.
pub fn request<R: Runtime>(app: &AppHandle<R>, launches: &StreamRegistry) {
    if !must_ask(launches) {
        SETTLED.store(true, Ordering::SeqCst);
        app.exit(0);
        return;
    }
    if app.get_webview_window(MAIN_WINDOW).is_some() {
        show_main_window(app);
        emit(app, EventName::QuitWhileLaunching, in_flight());
    } else {
        choose(app, launches, QuitChoice::Finish);
    }
}

/// Carries out the answer: keep open does nothing; finish or roll back waits for every
/// launch to end that way, then quits.
pub fn choose<R: Runtime>(app: &AppHandle<R>, launches: &StreamRegistry, choice: QuitChoice) {
    if choice == QuitChoice::KeepOpen {
        return;
    }
    let app = app.clone();
    let launches = launches.clone();
    tauri::async_runtime::spawn(async move {
        if !settle(&launches, choice, SETTLE_LIMIT).await {
            tracing::warn!(
                ?choice,
                "launches still running at the quit; rolling them back"
            );
            settle(&launches, QuitChoice::RollBack, SETTLE_LIMIT).await;
        }
        SETTLED.store(true, Ordering::SeqCst);
        app.exit(0);
    });
}

/// The last guard, at the exit itself: whatever is still in flight is rolled back and
/// waited for (bounded) rather than aborted halfway.
pub fn before_exit(launches: &StreamRegistry) {
    if launches.is_empty() {
        return;
    }
    tracing::warn!("exiting with launches in flight: rolling them back first");
    tauri::async_runtime::block_on(settle(launches, QuitChoice::RollBack, SETTLE_LIMIT));
}
