//! The app's parts, built once at startup and handed to each part that needs a sibling
//! (tray, notifications, engines, commands): no part looks another up by type.
//!
//! Parts that follow a change subscribe to a watch channel instead of being poked by
//! whoever made the change: "settings changed" ([`SettingsState::subscribe`]: the tray's
//! recent images, the stats hub's interval and history, whether to notify) and "inventory
//! changed" ([`AppServices::inventory`]: the tray's menu).

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use berth_core::domain::settings::Settings;
use berth_core::services::stats::StatsHub;
use berth_core::services::EngineHub;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::ipc::images::PruneScope;
use crate::ipc::streams::{Launches, Streams};
use crate::settings::SettingsState;
use crate::startup::StartupClock;

/// How long an exit waits for the streams to end by themselves (a terminal's shell: Ctrl-D,
/// else SIGHUP, else SIGKILL, each given a second).
const STREAMS_GRACE: std::time::Duration = std::time::Duration::from_secs(4);

#[derive(Clone)]
pub struct AppServices {
    /// The current engine connection every command reads.
    pub hub: Arc<EngineHub>,
    pub stats: Arc<StatsHub>,
    pub settings: Arc<SettingsState>,
    /// Log follows, pulls and stats subscriptions (`stop_stream`).
    pub streams: Streams,
    /// Launches and scale-ups (`cancel_launch`).
    pub launches: Launches,
    /// The app's token: cancelled on exit, it ends every task (its children).
    pub cancel: CancellationToken,
    /// Bumped when the engine's containers or images (or its status) changed.
    pub inventory: Arc<watch::Sender<()>>,
    /// Whether the tray icon exists (closing to the tray needs one).
    pub tray_active: Arc<AtomicBool>,
    pub clock: Arc<StartupClock>,
}

/// What exists before the app does (the settings need its handle): built first, completed
/// into [`AppServices`] in setup.
pub struct Parts {
    pub hub: Arc<EngineHub>,
    pub stats: Arc<StatsHub>,
    pub streams: Streams,
    pub launches: Launches,
    pub cancel: CancellationToken,
    pub prune_scope: Arc<PruneScope>,
    pub clock: Arc<StartupClock>,
}

impl Parts {
    /// Commands take the parts they use as state (`State<'_, Arc<EngineHub>>`, ...), managed
    /// before the app runs: a command may come before setup is over.
    pub fn manage<R: tauri::Runtime>(&self, builder: tauri::Builder<R>) -> tauri::Builder<R> {
        builder
            .manage(self.hub.clone())
            .manage(self.stats.clone())
            .manage(self.streams.clone())
            .manage(self.launches.clone())
            .manage(self.prune_scope.clone())
            .manage(self.clock.clone())
            // Terminals' input queues (`ipc::terminal`); their tasks run in `streams`.
            .manage(berth_core::services::terminal::TerminalInputs::default())
    }

    pub fn with_settings(self, settings: SettingsState) -> AppServices {
        AppServices {
            hub: self.hub,
            stats: self.stats,
            settings: Arc::new(settings),
            streams: self.streams,
            launches: self.launches,
            cancel: self.cancel,
            inventory: Arc::new(watch::Sender::new(())),
            tray_active: Arc::new(AtomicBool::new(false)),
            clock: self.clock,
        }
    }
}

impl AppServices {
    /// The app exits: every task ends (the token reaches them all; the streams' tasks are
    /// aborted too, whatever they do with it).
    pub fn shutdown(&self) {
        self.cancel.cancel();
        // A terminal's stream ends its shell in the container when cancelled (an exec whose
        // attach is just dropped keeps running, #16): give the streams a bounded moment.
        let streams = self.streams.0.clone();
        tauri::async_runtime::block_on(async move {
            let _ = tokio::time::timeout(STREAMS_GRACE, async {
                while !streams.is_empty() {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            })
            .await;
        });
        self.streams.0.abort_all();
        self.launches.0.abort_all();
    }

    /// Makes the stats hub follow the Settings' interval and history, now and on every
    /// change (no restart needed), until the app ends.
    pub fn stats_follow_settings(&self) {
        let stats = self.stats.clone();
        let mut settings = self.settings.subscribe();
        let cancel = self.cancel.clone();
        apply_stats_settings(&stats, &settings.borrow_and_update());
        tauri::async_runtime::spawn(async move {
            loop {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    changed = settings.changed() => if changed.is_err() { return },
                }
                apply_stats_settings(&stats, &settings.borrow_and_update());
            }
        });
    }
}

fn apply_stats_settings(stats: &StatsHub, settings: &Settings) {
    stats.configure(
        std::time::Duration::from_millis(u64::from(settings.stats_interval_ms)),
        std::time::Duration::from_secs(u64::from(settings.stats_history_secs)),
    );
}
