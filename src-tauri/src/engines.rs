//! Several engines in the app: the engine list on disk (`engines.json`, beside the settings),
//! the core's EngineManager, and the app's main watcher, restarted on the active engine when
//! the user switches. Everything about engines themselves lives in berth-core.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use berth_core::domain::echo::echo;
use berth_core::domain::engines::{EngineConfig, EngineOverview, EnginesSetup, LOCAL_ENGINE};
use berth_core::domain::EngineStatus;
use berth_core::engine::docker_contexts;
use berth_core::services::deaths::ContainerDied;
use berth_core::services::engines::EngineManager;
use berth_core::services::safe_file::{self, MAX_CONFIG_FILE};
use berth_core::services::{run_watcher, EngineHub, WatchSink, WatcherConfig};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::app_services::AppServices;
use crate::ipc::error::{IpcError, IpcErrorKind};
use crate::ipc::events::{emit, EventSink};
use crate::ipc::names::EventName;
use crate::settings::FileNotice;

const FILE: &str = "engines.json";
const KEY: &str = "engines";

/// What an import of docker contexts did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub found: u32,
    pub added: Vec<String>,
    /// Contexts that could not be read or imported, with the reason.
    pub skipped: Vec<String>,
    /// Contexts that skip TLS verification, not imported: the user chooses to import each
    /// with verification on (by naming it in the next import) or to leave it.
    pub skip_verification: Vec<SkipVerifyContext>,
}

/// A docker context that skips TLS verification, as Berth would import it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SkipVerifyContext {
    pub name: String,
    pub endpoint: String,
    /// The context's CA, which Berth would verify the engine against.
    pub tls_ca: String,
}

pub struct EnginesState {
    pub manager: Arc<EngineManager>,
    path: PathBuf,
    hub: Arc<EngineHub>,
    main_sink: Arc<dyn WatchSink>,
    app_cancel: CancellationToken,
    /// Cancels the main watcher of the current active engine.
    main_watch: Mutex<CancellationToken>,
    /// Why the stored list was not used as it was (this run; also in the window's banner).
    notice: Option<String>,
}

/// What the Engines view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EnginesPanel {
    pub engines: Vec<EngineOverview>,
    /// The stored engine list, or some of its entries, could not be used (this run).
    pub notice: Option<String>,
}

fn internal(what: &str, e: impl std::fmt::Display) -> IpcError {
    IpcError {
        kind: IpcErrorKind::Internal,
        message: format!("could not {what}: {e}"),
    }
}

impl EnginesState {
    /// The overview, and the notice about the engines file if it was not used as it was.
    pub fn panel(&self) -> EnginesPanel {
        EnginesPanel {
            engines: self.manager.overview(),
            notice: self.notice.clone(),
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
        write_setup(&self.path, &setup)
            .map_err(|e| internal(&format!("write {}", self.path.display()), e))?;
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
                message: format!("there is no engine named “{}”", echo(name)),
            });
        };
        self.save(app, setup).map(drop)
    }

    /// Adds the docker CLI's contexts that are not configured yet. A context that skips TLS
    /// verification is added (with verification on) only if named in `verify`; otherwise it
    /// is reported for the user to choose.
    pub fn import_contexts<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        verify: &[String],
    ) -> Result<ImportReport, IpcError> {
        let config_dir = std::env::var_os("DOCKER_CONFIG")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| dirs_home().map(|h| h.join(".docker")))
            .ok_or_else(|| internal("find the docker config folder", "no home directory"))?;
        let contexts = docker_contexts(&config_dir).map_err(IpcError::from)?;
        let mut setup = self.setup();
        let before: Vec<String> = setup.engines.iter().map(|e| e.name.clone()).collect();
        let (chosen, undecided): (Vec<EngineConfig>, Vec<EngineConfig>) = contexts
            .skip_verification
            .into_iter()
            .partition(|c| verify.contains(&c.name));
        let found = contexts.found;
        let found_count = found.len() + chosen.len() + undecided.len();
        setup.merge_imported(found);
        setup.merge_imported(chosen);
        let skipped = contexts.skipped;
        let added: Vec<String> = setup
            .engines
            .iter()
            .map(|e| e.name.clone())
            .filter(|n| !before.contains(n))
            .collect();
        let known = |name: &str| {
            setup
                .engines
                .iter()
                .any(|e| e.name.eq_ignore_ascii_case(name))
        };
        let skip_verification = undecided
            .into_iter()
            .filter(|c| !known(&c.name))
            .map(|c| SkipVerifyContext {
                name: c.name,
                endpoint: c.endpoint,
                tls_ca: c.tls_ca.unwrap_or_default(),
            })
            .collect();
        if !added.is_empty() {
            self.save(app, setup)?;
        }
        Ok(ImportReport {
            found: found_count as u32,
            added,
            skipped: skipped
                .into_iter()
                .map(|s| format!("{}: {}", s.dir, s.reason))
                .collect(),
            skip_verification,
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

    fn container_unhealthy(&self, sick: &ContainerDied) {
        self.events.container_unhealthy(sick);
    }
}

/// Reads the engine list, starts the side-by-side watchers and the main watcher, and manages
/// the state. A bad engines file is kept aside (renamed) and Berth starts with none.
pub fn start<R: Runtime>(app: &AppHandle<R>, services: &AppServices) -> Arc<EnginesState> {
    let (hub, cancel) = (services.hub.clone(), services.cancel.clone());
    let path = crate::settings::config_path(app, FILE);
    let Loaded {
        setup,
        notice,
        rewrite,
    } = load(&path);
    if rewrite {
        if let Err(e) = write_setup(&path, &setup) {
            tracing::warn!(error = %e, "could not write the engines file");
        }
    }
    if let Some(notice) = &notice {
        services.settings.add_file_notice(notice.clone());
    }
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
        notice: notice.map(|n| n.message),
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

/// `{"engines": {…}}` (the layout older Berths wrote through the store plugin), atomically,
/// mode 0600.
fn write_setup(path: &Path, setup: &EnginesSetup) -> std::io::Result<()> {
    let doc = serde_json::json!({ KEY: setup });
    let text = serde_json::to_vec_pretty(&doc).map_err(std::io::Error::other)?;
    safe_file::write_atomic(path, &text)
}

/// What reading the engines file gave.
#[derive(Debug, PartialEq)]
struct Loaded {
    setup: EnginesSetup,
    notice: Option<FileNotice>,
    /// Write `setup` back (bad entries left out, once the file as it was is kept aside).
    rewrite: bool,
}

/// The stored list. A file that cannot be used at all (not a regular file, too large,
/// unreadable, not JSON) is kept aside and Berth starts with the local engine only; bad
/// entries are left out, each named, and the rest load. Either way the file as it was is
/// kept aside under a unique name and the user is told, every time.
fn load(path: &Path) -> Loaded {
    let parsed = match safe_file::read_untrusted(path, MAX_CONFIG_FILE) {
        Ok(None) => {
            return Loaded {
                setup: EnginesSetup::default(),
                notice: None,
                rewrite: false,
            }
        }
        Ok(Some(text)) => serde_json::from_str::<serde_json::Value>(&text)
            .map_err(|e| format!("it is not valid JSON ({e})"))
            .and_then(
                |mut doc| match doc.get_mut(KEY).map(serde_json::Value::take) {
                    None if doc.is_object() => Ok(Default::default()),
                    None => Err("it is not a JSON object".into()),
                    Some(value) => EnginesSetup::from_stored(value),
                },
            ),
        Err(problem) => Err(problem.to_string()),
    };
    let (setup, what) = match parsed {
        Ok(stored) if stored.dropped.is_empty() => {
            return Loaded {
                setup: stored.setup,
                notice: None,
                rewrite: false,
            }
        }
        Ok(stored) => {
            let what = format!(
                "Some entries of the engine list were left out: {}. The other engines are in use.",
                stored.dropped.join("; ")
            );
            (stored.setup, what)
        }
        Err(problem) => (
            EnginesSetup::default(),
            format!(
                "The engine list could not be used ({problem}); Berth started with the local engine only."
            ),
        ),
    };
    let (backup, message) = match safe_file::keep_aside(path) {
        Ok(aside) => {
            let aside = aside.display().to_string();
            let message = format!("{what} The file as it was is kept as {aside}.");
            (Some(aside), message)
        }
        Err(e) => (
            None,
            format!("{what} It could not be kept aside ({e}), so changes to the list cannot be saved until it is moved away."),
        ),
    };
    tracing::warn!(%message, "engines file not used as it was");
    Loaded {
        rewrite: backup.is_some(),
        setup,
        notice: Some(FileNotice {
            file: path.display().to_string(),
            message,
            backup,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// Loads like `start` does (load, then write back when asked).
    fn start(path: &Path) -> Loaded {
        let loaded = load(path);
        if loaded.rewrite {
            write_setup(path, &loaded.setup).unwrap();
        }
        loaded
    }

    fn kept(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("engines.json.bad-")
            })
            .count()
    }

    fn entry(name: &str, endpoint: &str) -> serde_json::Value {
        serde_json::json!({"name": name, "endpoint": endpoint, "tls_ca": null,
            "tls_cert": null, "tls_key": null, "ssh_config": null, "origin": ""})
    }

    #[test]
    fn a_missing_file_is_no_engines_and_a_good_one_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        assert_eq!(
            load(&path),
            Loaded {
                setup: EnginesSetup::default(),
                notice: None,
                rewrite: false
            }
        );
        let good = serde_json::json!({ KEY: {
            "engines": [entry("pm", "unix:///run/podman.sock")], "active": "pm" }});
        std::fs::write(&path, good.to_string()).unwrap();
        let loaded = start(&path);
        assert_eq!(loaded.notice, None);
        assert_eq!(loaded.setup.active.as_deref(), Some("pm"));
        // What Berth writes reads back the same, with mode 0600.
        write_setup(&path, &loaded.setup).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(start(&path).setup, loaded.setup);
        assert_eq!(kept(dir.path()), 0);
    }

    #[test]
    fn one_bad_entry_drops_that_entry_and_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let doc = serde_json::json!({ KEY: {
            "engines": [entry("pm", "unix:///run/podman.sock"), entry("bad", "gopher://x"),
                        {"name": "half"}],
            "active": "bad" }});
        std::fs::write(&path, doc.to_string()).unwrap();
        let loaded = start(&path);
        let names: Vec<_> = loaded.setup.engines.iter().map(|e| &e.name).collect();
        assert_eq!(names, ["pm"]);
        let notice = loaded.notice.unwrap();
        for named in ["\"bad\"", "\"half\"", "active engine", "engines.json.bad-"] {
            assert!(
                notice.message.contains(named),
                "{named}: {}",
                notice.message
            );
        }
        assert_eq!(kept(dir.path()), 1);
        // The rest was written back: the next start is quiet.
        assert_eq!(start(&path).notice, None);
        assert_eq!(start(&path).setup.engines.len(), 1);
    }

    #[test]
    fn an_unusable_file_is_kept_aside_and_told_every_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        type Make = Box<dyn Fn(&Path)>;
        let makers: Vec<(&str, Make)> = vec![
            ("a folder", Box::new(|p| std::fs::create_dir(p).unwrap())),
            (
                "a named pipe",
                Box::new(|p| {
                    assert!(std::process::Command::new("mkfifo")
                        .arg(p)
                        .status()
                        .unwrap()
                        .success())
                }),
            ),
            (
                "a device",
                Box::new(|p| std::os::unix::fs::symlink("/dev/zero", p).unwrap()),
            ),
            (
                "too large",
                Box::new(|p| {
                    std::fs::File::create(p)
                        .unwrap()
                        .set_len(100 << 20)
                        .unwrap()
                }),
            ),
            (
                "not valid JSON",
                Box::new(|p| std::fs::write(p, "{not json").unwrap()),
            ),
            (
                "not valid JSON",
                Box::new(|p| std::fs::write(p, "{not json").unwrap()),
            ),
            (
                "not a JSON object",
                Box::new(|p| std::fs::write(p, "[1]").unwrap()),
            ),
        ];
        for (n, (words, make)) in makers.iter().enumerate() {
            make(&path);
            let loaded = start(&path);
            assert_eq!(loaded.setup, EnginesSetup::default());
            let notice = loaded
                .notice
                .unwrap_or_else(|| panic!("no notice: {words}"));
            assert!(
                notice.message.contains(words),
                "{words}: {}",
                notice.message
            );
            assert!(notice.backup.is_some());
            assert_eq!(kept(dir.path()), n + 1);
            assert!(std::fs::metadata(&path).unwrap().is_file());
            std::fs::remove_file(&path).unwrap();
        }
    }
}
