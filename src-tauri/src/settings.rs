//! The settings file, through tauri-plugin-store. The model (defaults, validation,
//! migration, corrupt handling) is `berth_core::domain::settings`; this is only the I/O:
//! where the file lives, keeping a bad one aside, and saving.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use berth_core::domain::launch::LaunchRequest;
use berth_core::domain::settings::{Settings, SettingsProblem};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::StoreExt;
use tokio::sync::watch;
use ts_rs::TS;

use crate::ipc::error::{IpcError, IpcErrorKind};

const FILE: &str = "settings.json";
const KEY: &str = "settings";

/// Why the settings file was not used, and where it was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SettingsNotice {
    pub problem: SettingsProblem,
    pub message: String,
    /// Where the bad file was moved; `None` if moving it failed.
    pub backup: Option<String>,
}

/// What the UI reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SettingsView {
    pub settings: Settings,
    pub notice: Option<SettingsNotice>,
    /// The window was closed to the tray for the first time: tell the user once.
    pub tray_notice: bool,
}

pub struct SettingsState {
    path: PathBuf,
    inner: Mutex<SettingsView>,
    /// Every saved change goes out here; the tray, the stats hub and notifications follow it.
    changed: watch::Sender<Settings>,
}

impl SettingsState {
    pub fn get(&self) -> SettingsView {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn settings(&self) -> Settings {
        self.get().settings
    }

    /// The current settings, then each saved change.
    pub fn subscribe(&self) -> watch::Receiver<Settings> {
        self.changed.subscribe()
    }

    fn with<T>(&self, f: impl FnOnce(&mut SettingsView) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Validates, saves, and only then makes `settings` current.
    pub fn update<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        mut settings: Settings,
    ) -> Result<Settings, IpcError> {
        settings.version = berth_core::domain::settings::SETTINGS_VERSION;
        settings.validate().map_err(|errors| IpcError {
            kind: IpcErrorKind::InvalidInput,
            message: errors.join("; "),
        })?;
        save(app, &self.path, &settings)?;
        self.with(|v| v.settings = settings.clone());
        self.changed.send_replace(settings.clone());
        Ok(settings)
    }

    /// Applies `change` to the current settings, then validates and saves them like
    /// [`SettingsState::update`]. A refused change (`Err(message)`) is `invalid_input`.
    pub fn modify<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        change: impl FnOnce(&mut Settings) -> Result<(), String>,
    ) -> Result<Settings, IpcError> {
        let mut settings = self.settings();
        change(&mut settings).map_err(|message| IpcError {
            kind: IpcErrorKind::InvalidInput,
            message,
        })?;
        self.update(app, settings)
    }

    /// Records a launch in the recent images; failing to save only costs the entry.
    pub fn remember_launch<R: Runtime>(&self, app: &AppHandle<R>, request: &LaunchRequest) {
        let result = self.modify(app, |s| {
            s.remember_launch(request);
            Ok(())
        });
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not record the recent image");
        }
    }

    pub fn dismiss_notices(&self) {
        self.with(|v| {
            v.notice = None;
            v.tray_notice = false;
        });
    }

    /// Called when the window is closed to the tray; returns whether this is the first time.
    pub fn closed_to_tray<R: Runtime>(&self, app: &AppHandle<R>) -> bool {
        let settings = self.settings();
        if settings.close_to_tray_notice_shown {
            return false;
        }
        let updated = Settings {
            close_to_tray_notice_shown: true,
            ..settings
        };
        if let Err(e) = self.update(app, updated) {
            tracing::warn!(error = %e, "could not save the settings");
        }
        self.with(|v| v.tray_notice = true);
        true
    }
}

/// `BERTH_CONFIG_DIR` (tests, portable setups), else the platform's config dir for Berth.
fn config_dir<R: Runtime>(app: &AppHandle<R>) -> PathBuf {
    if let Some(dir) = std::env::var_os("BERTH_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    app.path()
        .app_config_dir()
        .unwrap_or_else(|_| std::env::temp_dir().join("berth"))
}

/// A file beside the settings (the engine list lives in its own file).
pub fn config_path<R: Runtime>(app: &AppHandle<R>, file: &str) -> PathBuf {
    config_dir(app).join(file)
}

fn save<R: Runtime>(app: &AppHandle<R>, path: &Path, settings: &Settings) -> Result<(), IpcError> {
    let internal = |what: &str, e: &dyn std::fmt::Display| IpcError {
        kind: IpcErrorKind::Internal,
        message: format!("could not {what} {}: {e}", path.display()),
    };
    let value = serde_json::to_value(settings).map_err(|e| internal("encode", &e))?;
    let store = app.store(path).map_err(|e| internal("open", &e))?;
    store.set(KEY, value);
    store.save().map_err(|e| internal("write", &e))
}

/// Reads the file (migrating it, or moving a bad one aside) and manages the state.
pub fn init<R: Runtime>(app: &AppHandle<R>) -> SettingsState {
    let dir = config_dir(app);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot create the settings folder");
    }
    let path = dir.join(FILE);
    let (settings, notice, rewrite) = match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Settings::default(), None, true),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "cannot read the settings");
            (Settings::default(), None, false)
        }
        Ok(text) => {
            let loaded = match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(mut doc)) => match doc.remove(KEY) {
                    None => Ok((Settings::default(), None, true)),
                    Some(value) => {
                        Settings::from_value(value).map(|l| (l.settings, l.problem, l.migrated))
                    }
                },
                Ok(_) => Err(SettingsProblem::Invalid {
                    message: "the file is not a JSON object".into(),
                }),
                Err(e) => Err(SettingsProblem::Corrupt {
                    message: e.to_string(),
                }),
            };
            match loaded {
                Ok((settings, None, migrated)) => (settings, None, migrated),
                // Usable, but some entries were left out: keep the file as it was aside,
                // write the rest back, and say what was left out.
                Ok((settings, Some(problem), _)) => {
                    let backup = keep_aside(&path);
                    tracing::warn!(%problem, ?backup, "settings entries left out");
                    let notice = SettingsNotice {
                        message: problem.to_string(),
                        problem,
                        backup: backup.map(|b| b.display().to_string()),
                    };
                    (settings, Some(notice), true)
                }
                Err(problem) => {
                    let backup = keep_aside(&path);
                    tracing::warn!(%problem, ?backup, "settings file not usable; using defaults");
                    let notice = SettingsNotice {
                        message: problem.to_string(),
                        problem,
                        backup: backup.map(|b| b.display().to_string()),
                    };
                    (Settings::default(), Some(notice), true)
                }
            }
        }
    };
    if rewrite {
        if let Err(e) = save(app, &path, &settings) {
            tracing::warn!(error = %e, "could not write the settings");
        }
    }
    SettingsState {
        path,
        changed: watch::Sender::new(settings.clone()),
        inner: Mutex::new(SettingsView {
            settings,
            notice,
            tray_notice: false,
        }),
    }
}

/// Renames a bad file to `settings.json.bad-<unix seconds>`.
fn keep_aside(path: &Path) -> Option<PathBuf> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let backup = path.with_extension(format!("json.bad-{secs}"));
    match std::fs::rename(path, &backup) {
        Ok(()) => Some(backup),
        Err(e) => {
            tracing::warn!(error = %e, "could not keep the bad settings file aside");
            None
        }
    }
}
