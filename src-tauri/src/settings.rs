//! The settings file (`settings.json` in Berth's config folder). The model (defaults,
//! validation, migration, corrupt handling) is `berth_core::domain::settings`; reading a file
//! we don't trust, keeping a bad one aside and writing atomically with mode 0600 is
//! `berth_core::services::safe_file`. This is where the file lives, and the notices about
//! config files (settings, engines, launch key) that the window shows every time one was
//! not usable.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use berth_core::domain::launch::LaunchRequest;
use berth_core::domain::settings::{Settings, SettingsProblem};
use berth_core::services::launch::key;
use berth_core::services::safe_file::{self, ReadProblem, MAX_CONFIG_FILE};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
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

/// Another config file (the engine list, the launch key) that was not used as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FileNotice {
    /// The file's path.
    pub file: String,
    /// What was wrong and what Berth did, in people's words.
    pub message: String,
    /// Where the bad file was moved, if it was.
    pub backup: Option<String>,
}

/// What the UI reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SettingsView {
    pub settings: Settings,
    pub notice: Option<SettingsNotice>,
    /// Other config files not used as they were, since start (until dismissed).
    pub file_notices: Vec<FileNotice>,
    /// The window was closed to the tray for the first time: tell the user once.
    pub tray_notice: bool,
}

/// File notices kept at most (one per engine entry can add up).
const MAX_FILE_NOTICES: usize = 20;

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
        settings: Settings,
    ) -> Result<Settings, IpcError> {
        // A version other than this Berth's is a stale or forged form: refused by validate.
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

    /// Records a launch in the recent images (environment values only if the image's
    /// earlier entry kept them); failing to save only costs the entry.
    pub fn remember_launch<R: Runtime>(&self, app: &AppHandle<R>, request: &LaunchRequest) {
        self.remember(app, |s| s.remember_launch(request));
    }

    /// [`SettingsState::remember_launch`] from the launch dialog: `keep_env` is its tick
    /// box "Remember environment values with this image".
    pub fn remember_launch_choosing<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        request: &LaunchRequest,
        keep_env: bool,
    ) {
        self.remember(app, |s| s.remember_launch_choosing(request, keep_env));
    }

    fn remember<R: Runtime>(&self, app: &AppHandle<R>, record: impl FnOnce(&mut Settings) -> bool) {
        let result = self.modify(app, |s| {
            record(s);
            Ok(())
        });
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not record the recent image");
        }
    }

    pub fn dismiss_notices(&self) {
        self.with(|v| {
            v.notice = None;
            v.file_notices.clear();
            v.tray_notice = false;
        });
    }

    /// Tells the user about another config file (shown until dismissed). Bounded: a notice
    /// repeated while one like it is still shown is not added again.
    pub fn add_file_notice(&self, notice: FileNotice) {
        tracing::warn!(file = %notice.file, message = %notice.message, "config file not used as it was");
        self.with(|v| {
            if !v.file_notices.contains(&notice) && v.file_notices.len() < MAX_FILE_NOTICES {
                v.file_notices.push(notice);
            }
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

fn save<R: Runtime>(_app: &AppHandle<R>, path: &Path, settings: &Settings) -> Result<(), IpcError> {
    write_settings(path, settings).map_err(|e| IpcError {
        kind: IpcErrorKind::Internal,
        message: format!("could not write the settings to {}: {e}", path.display()),
    })
}

/// `{"settings": …}` (the layout older Berths wrote through the store plugin), atomically,
/// mode 0600.
fn write_settings(path: &Path, settings: &Settings) -> std::io::Result<()> {
    let doc = serde_json::json!({ KEY: settings });
    let text = serde_json::to_vec_pretty(&doc).map_err(std::io::Error::other)?;
    safe_file::write_atomic(path, &text)
}

/// What reading the settings file gave: the settings, the notice for the user, and whether
/// the file must be (re)written.
#[derive(Debug)]
struct Read {
    settings: Settings,
    notice: Option<SettingsNotice>,
    rewrite: bool,
}

/// Reads `path`: a missing file is the defaults; a file that cannot be used (not a regular
/// file, too large, unreadable, not JSON, bad values) is kept aside and the defaults are used;
/// bad entries are left out. Every such case gives a notice, every time.
fn read_settings(path: &Path) -> Read {
    let text = match safe_file::read_untrusted(path, MAX_CONFIG_FILE) {
        Ok(None) => {
            return Read {
                settings: Settings::default(),
                notice: None,
                rewrite: true,
            }
        }
        Ok(Some(text)) => text,
        Err(problem) => return unusable(path, not_read(problem)),
    };
    let loaded = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(mut doc)) => match doc.remove(KEY) {
            None => Ok((Settings::default(), None, true)),
            Some(value) => Settings::from_value(value).map(|l| (l.settings, l.problem, l.migrated)),
        },
        Ok(_) => Err(SettingsProblem::Invalid {
            message: "the file is not a JSON object".into(),
        }),
        Err(e) => Err(SettingsProblem::Corrupt {
            message: e.to_string(),
        }),
    };
    match loaded {
        Ok((settings, None, migrated)) => Read {
            settings,
            notice: None,
            rewrite: migrated,
        },
        // Usable, but some entries were left out: keep the file as it was aside, write the
        // rest back, and say what was left out.
        Ok((settings, Some(problem), _)) => {
            let notice = kept_aside(path, problem);
            Read {
                rewrite: notice.backup.is_some(),
                settings,
                notice: Some(notice),
            }
        }
        Err(problem) => unusable(path, problem),
    }
}

fn not_read(problem: ReadProblem) -> SettingsProblem {
    SettingsProblem::NotRead {
        message: problem.to_string(),
    }
}

/// The defaults, the file kept aside, and the notice.
fn unusable(path: &Path, problem: SettingsProblem) -> Read {
    let notice = kept_aside(path, problem);
    Read {
        settings: Settings::default(),
        // Written only once the bad file is out of the way: never over it.
        rewrite: notice.backup.is_some(),
        notice: Some(notice),
    }
}

fn kept_aside(path: &Path, problem: SettingsProblem) -> SettingsNotice {
    let backup = match safe_file::keep_aside(path) {
        Ok(b) => Some(b.display().to_string()),
        Err(e) => {
            tracing::warn!(error = %e, "could not keep the bad settings file aside");
            None
        }
    };
    tracing::warn!(%problem, ?backup, "settings file not used as it was");
    SettingsNotice {
        message: problem.to_string(),
        problem,
        backup,
    }
}

/// Reads the file (migrating it, or moving a bad one aside), loads the launch key from the
/// same folder (a bad key is a notice too), and manages the state.
pub fn init<R: Runtime>(app: &AppHandle<R>) -> SettingsState {
    let dir = config_dir(app);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot create the settings folder");
    }
    let path = dir.join(FILE);
    let Read {
        settings,
        notice,
        rewrite,
    } = read_settings(&path);
    if rewrite {
        if let Err(e) = save(app, &path, &settings) {
            tracing::warn!(error = %e, "could not write the settings");
        }
    }
    let state = SettingsState {
        path,
        changed: watch::Sender::new(settings.clone()),
        inner: Mutex::new(SettingsView {
            settings,
            notice,
            file_notices: Vec::new(),
            tray_notice: false,
        }),
    };
    if let Some(notice) = load_launch_key(&dir) {
        state.add_file_notice(notice);
    }
    state
}

/// Loads (or makes) the launch key in `dir` and installs it. A bad key file is never moved
/// or replaced (a new secret would make every group this install launched foreign): the
/// user is told, and launches say why they cannot be sealed until it is fixed.
fn load_launch_key(dir: &Path) -> Option<FileNotice> {
    match key::GroupSigner::load_or_create(dir) {
        Ok(signer) => {
            key::install(signer);
            None
        }
        Err(e) => Some(FileNotice {
            file: dir.join(key::KEY_FILE).display().to_string(),
            message: format!(
                "{e}. Berth left it as it is: launch groups cannot be verified or sealed \
                 until it is restored or moved away (Berth then makes a new key, and groups \
                 launched before show as not launched by this Berth)."
            ),
            backup: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn bad_copies(dir: &Path) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("settings.json.bad-"))
            .collect();
        v.sort();
        v
    }

    /// Reads like `init` does (read, then write when asked).
    fn start(path: &Path) -> Read {
        let read = read_settings(path);
        if read.rewrite {
            write_settings(path, &read.settings).unwrap();
        }
        read
    }

    #[test]
    fn every_kind_of_bad_file_is_kept_aside_and_told_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let fifo = |p: &Path| {
            assert!(std::process::Command::new("mkfifo")
                .arg(p)
                .status()
                .unwrap()
                .success())
        };
        let hostile = serde_json::json!({ KEY: {
            "version": 3, "engine_endpoint": "unix:///x\u{0}", "stats_interval_ms": 1,
            "stats_history_secs": 99999999, "close_to_tray": true,
            "close_to_tray_notice_shown": false, "notifications": true, "theme": "system",
            "presets": [], "recent_images": []
        }})
        .to_string();
        type Make = Box<dyn Fn(&Path)>;
        let cases: Vec<(&str, Make)> = vec![
            ("a folder", Box::new(|p| std::fs::create_dir(p).unwrap())),
            ("a named pipe", Box::new(fifo)),
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
                "invalid values",
                Box::new(move |p| std::fs::write(p, &hostile).unwrap()),
            ),
        ];
        for (n, (words, make)) in cases.iter().enumerate() {
            make(&path);
            let read = start(&path);
            let notice = read
                .notice
                .unwrap_or_else(|| panic!("no notice for {words}"));
            assert!(
                notice.message.contains(words),
                "{words}: {}",
                notice.message
            );
            let backup = PathBuf::from(notice.backup.expect("kept aside"));
            assert!(std::fs::symlink_metadata(&backup).is_ok());
            assert_eq!(read.settings, Settings::default());
            // One more bad copy each time, none replaced; the defaults were written, 0600.
            assert_eq!(bad_copies(dir.path()).len(), n + 1);
            let meta = std::fs::metadata(&path).unwrap();
            assert!(meta.is_file());
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
            // The next start reads the good file without a notice.
            assert!(start(&path).notice.is_none(), "{words}");
            std::fs::remove_file(&path).unwrap();
        }
        // The same bad content twice: told twice, kept twice.
        for _ in 0..2 {
            std::fs::write(&path, "[]").unwrap();
            assert!(start(&path).notice.is_some());
        }
        assert_eq!(bad_copies(dir.path()).len(), cases.len() + 2);
    }

    #[test]
    fn a_good_file_round_trips_without_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let first = start(&path);
        assert!(first.notice.is_none() && first.rewrite);
        let settings = Settings {
            stats_interval_ms: 2000,
            ..Settings::default()
        };
        write_settings(&path, &settings).unwrap();
        let again = start(&path);
        assert_eq!(
            (again.settings, again.notice, again.rewrite),
            (settings, None, false)
        );
        assert!(bad_copies(dir.path()).is_empty());
    }

    #[test]
    fn a_bad_launch_key_is_a_notice_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join(key::KEY_FILE);
        std::fs::write(&key_path, "{damaged").unwrap();
        let notice = load_launch_key(dir.path()).expect("a notice");
        assert!(notice.message.contains("damaged"), "{}", notice.message);
        assert_eq!(notice.backup, None);
        assert_eq!(std::fs::read_to_string(&key_path).unwrap(), "{damaged");
    }
}
