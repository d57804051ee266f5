//! Several engines in the app: the engine list on disk (`engines.json`, beside the settings),
//! the core's EngineManager, and the app's main watcher, restarted on the active engine when
//! the user switches. Everything about engines themselves lives in berth-core.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use berth_core::domain::engines::{EngineConfig, EngineOverview, EnginesSetup, LOCAL_ENGINE};
use berth_core::domain::EngineStatus;
use berth_core::engine::docker_contexts;
use berth_core::services::deaths::ContainerDied;
use berth_core::services::engines::EngineManager;
use berth_core::services::{run_watcher, EngineHub, WatchSink, WatcherConfig};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::app_services::AppServices;
use crate::ipc::error::{IpcError, IpcErrorKind};
use crate::ipc::events::{emit, EventSink};
use crate::ipc::names::EventName;

const FILE: &str = "engines.json";
const KEY: &str = "engines";

/// What an import of docker contexts did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub found: u32,
    pub added: Vec<String>,
    /// Contexts that could not be read, with the reason.
    pub skipped: Vec<String>,
}

pub struct EnginesState {
    pub manager: Arc<EngineManager>,
    path: PathBuf,
    hub: Arc<EngineHub>,
    main_sink: Arc<dyn WatchSink>,
    app_cancel: CancellationToken,
    /// Cancels the main watcher of the current active engine.
    main_watch: Mutex<CancellationToken>,
    /// Why the stored list was not used, until the user has seen it.
    notice: Mutex<Option<String>>,
}

/// What the Engines view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EnginesPanel {
    pub engines: Vec<EngineOverview>,
    /// The stored engine list was unusable and kept aside (shown once).
    pub notice: Option<String>,
}

fn internal(what: &str, e: impl std::fmt::Display) -> IpcError {
    IpcError {
        kind: IpcErrorKind::Internal,
        message: format!("could not {what}: {e}"),
    }
}

impl EnginesState {
    /// The overview, and the notice about a bad engines file the first time it is asked for.
    pub fn panel(&self) -> EnginesPanel {
        EnginesPanel {
            engines: self.manager.overview(),
            notice: self
                .notice
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        }
    }

    pub fn setup(&self) -> EnginesSetup {
        self.manager.setup()
    }

    /// Validates and saves a new list; if the active engine changed, reconnects to it.
    pub fn save<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        setup: EnginesSetup,
    ) -> Result<EnginesSetup, IpcError> {
        setup.validate().map_err(|errors| IpcError {
            kind: IpcErrorKind::InvalidInput,
            message: errors.join("; "),
        })?;
        let value = serde_json::to_value(&setup).map_err(|e| internal("encode the engines", e))?;
        let store = app
            .store(&self.path)
            .map_err(|e| internal("open the engines file", e))?;
        store.set(KEY, value);
        store
            .save()
            .map_err(|e| internal("write the engines file", e))?;
        let before = self.manager.setup();
        let active_changed =
            before.active != setup.active || active_config(&before) != active_config(&setup);
        self.manager.apply(setup.clone());
        if active_changed {
            self.restart_main(app);
        }
        Ok(setup)
    }

    /// Makes `name` the active engine (`"local"`: the docker CLI's choice).
    pub fn switch<R: Runtime>(&self, app: &AppHandle<R>, name: &str) -> Result<(), IpcError> {
        let mut setup = self.setup();
        setup.active = if name == LOCAL_ENGINE {
            None
        } else if setup.engines.iter().any(|e| e.name == name) {
            Some(name.to_string())
        } else {
            return Err(IpcError {
                kind: IpcErrorKind::NotFound,
                message: format!("there is no engine named {name:?}"),
            });
        };
        self.save(app, setup).map(drop)
    }

    /// Adds the docker CLI's contexts that are not configured yet.
    pub fn import_contexts<R: Runtime>(
        &self,
        app: &AppHandle<R>,
    ) -> Result<ImportReport, IpcError> {
        let config_dir = std::env::var_os("DOCKER_CONFIG")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| dirs_home().map(|h| h.join(".docker")))
            .ok_or_else(|| internal("find the docker config folder", "no home directory"))?;
        let (found, skipped) = docker_contexts(&config_dir).map_err(IpcError::from)?;
        let mut setup = self.setup();
        let before: Vec<String> = setup.engines.iter().map(|e| e.name.clone()).collect();
        setup.merge_imported(found.clone());
        let added: Vec<String> = setup
            .engines
            .iter()
            .map(|e| e.name.clone())
            .filter(|n| !before.contains(n))
            .collect();
        if !added.is_empty() {
            self.save(app, setup)?;
        }
        Ok(ImportReport {
            found: found.len() as u32,
            added,
            skipped: skipped
                .into_iter()
                .map(|s| format!("{}: {}", s.dir, s.reason))
                .collect(),
        })
    }

    /// Stops the main watcher and starts one on the (new) active engine. The hub forgets the
    /// old engine first, so no command reaches it after the switch.
    fn restart_main<R: Runtime>(&self, app: &AppHandle<R>) {
        let endpoint = self
            .manager
            .active_endpoint()
            .map(|e| e.uri)
            .unwrap_or_default();
        let token = self.app_cancel.child_token();
        let old = std::mem::replace(
            &mut *self
                .main_watch
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
            token.clone(),
        );
        old.cancel();
        self.hub.reset(&endpoint);
        let status = self.hub.status();
        emit(app, EventName::EngineStatus, status);
        self.spawn_main(token);
    }

    fn spawn_main(&self, token: CancellationToken) {
        let manager = self.manager.clone();
        let config = WatcherConfig::new(Arc::new(move || manager.active_endpoint()));
        tauri::async_runtime::spawn(run_watcher(
            self.hub.clone(),
            self.main_sink.clone(),
            config,
            token,
        ));
    }
}

fn active_config(setup: &EnginesSetup) -> Option<&EngineConfig> {
    let name = setup.active.as_ref()?;
    setup.engines.iter().find(|e| &e.name == name)
}

fn dirs_home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// The app's sink, plus the manager's counts for the active engine.
struct MainSink<R: Runtime> {
    events: EventSink<R>,
    manager: Arc<EngineManager>,
}

impl<R: Runtime> WatchSink for MainSink<R> {
    fn status_changed(&self, status: &EngineStatus) {
        self.events.status_changed(status);
        self.manager.active_changed();
    }

    fn inventory_changed(&self) {
        self.events.inventory_changed();
        self.manager.active_changed();
    }

    fn container_died(&self, died: &ContainerDied) {
        self.events.container_died(died);
    }
}

/// Reads the engine list, starts the side-by-side watchers and the main watcher, and manages
/// the state. A bad engines file is kept aside (renamed) and Berth starts with none.
pub fn start<R: Runtime>(app: &AppHandle<R>, services: &AppServices) -> Arc<EnginesState> {
    let (hub, cancel) = (services.hub.clone(), services.cancel.clone());
    let path = crate::settings::config_path(app, FILE);
    let (setup, notice) = load(&path);
    let manager = EngineManager::new(
        hub.clone(),
        crate::desktop::resolver(services.settings.clone()),
        cancel.clone(),
        tauri::async_runtime::handle().inner().clone(),
    );
    let main_sink: Arc<dyn WatchSink> = Arc::new(MainSink {
        events: EventSink::new(app.clone(), services),
        manager: manager.clone(),
    });
    let token = cancel.child_token();
    let state = Arc::new(EnginesState {
        manager: manager.clone(),
        path,
        hub,
        main_sink,
        app_cancel: cancel.clone(),
        main_watch: Mutex::new(token.clone()),
        notice: Mutex::new(notice),
    });
    let forward = app.clone();
    let mut changed = manager.subscribe();
    // The list first, so the main watcher's first connection goes to the active engine; both
    // at once (the manager spawns on its runtime handle), so startup is not delayed.
    manager.apply(setup);
    state.spawn_main(token);
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                r = changed.changed() => if r.is_err() { return },
            }
            // Several changes in a burst become one event.
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            changed.borrow_and_update();
            // The UI re-reads the overview (debounced by the manager's watch channel).
            emit(&forward, EventName::EnginesChanged, ());
        }
    });
    state
}

/// The stored list, or none and why (a bad file is renamed to `engines.json.bad`).
fn load(path: &std::path::Path) -> (EnginesSetup, Option<String>) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(_) => return (EnginesSetup::default(), None),
    };
    let parsed = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| e.to_string())
        .and_then(|mut doc| {
            let value = doc.get_mut(KEY).map(serde_json::Value::take);
            match value {
                None => Ok(EnginesSetup::default()),
                Some(v) => serde_json::from_value::<EnginesSetup>(v).map_err(|e| e.to_string()),
            }
        })
        .and_then(|s| s.validate().map(|()| s).map_err(|e| e.join("; ")));
    match parsed {
        Ok(setup) => (setup, None),
        Err(problem) => {
            let aside = path.with_extension("json.bad");
            let kept = std::fs::rename(path, &aside).is_ok();
            tracing::warn!(%problem, kept, "engines file not usable; starting with no engines");
            let notice = if kept {
                format!(
                    "The engine list could not be used ({problem}); it was kept as {} and \
                     Berth started with the local engine only.",
                    aside.display()
                )
            } else {
                format!("The engine list could not be used ({problem}); Berth started with the local engine only.")
            };
            (EnginesSetup::default(), Some(notice))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_no_engines_and_a_bad_one_is_kept_aside() {
        let dir = std::env::temp_dir().join(format!("berth-engines-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE);
        assert_eq!(load(&path), (EnginesSetup::default(), None));

        let good = serde_json::json!({ KEY: {
            "engines": [{"name": "pm", "endpoint": "unix:///run/podman.sock", "tls_ca": null,
                         "tls_cert": null, "tls_key": null, "ssh_config": null, "origin": ""}],
            "active": "pm"
        }});
        std::fs::write(&path, good.to_string()).unwrap();
        let (setup, notice) = load(&path);
        assert_eq!(notice, None);
        assert_eq!(setup.active.as_deref(), Some("pm"));
        assert_eq!(setup.engines[0].endpoint, "unix:///run/podman.sock");

        // Valid JSON, invalid content (the active engine does not exist): set aside.
        let bad = serde_json::json!({ KEY: { "engines": [], "active": "ghost" } });
        std::fs::write(&path, bad.to_string()).unwrap();
        let (setup, notice) = load(&path);
        assert_eq!(setup, EnginesSetup::default());
        let notice = notice.unwrap();
        assert!(
            notice.contains("ghost") && notice.contains("engines.json.bad"),
            "{notice}"
        );
        assert!(!path.exists());
        assert!(path.with_extension("json.bad").exists());

        std::fs::write(&path, "{not json").unwrap();
        let (setup, notice) = load(&path);
        assert_eq!(setup, EnginesSetup::default());
        assert!(notice.is_some());
        assert!(!path.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
