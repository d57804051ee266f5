//! Berth's settings as data: the typed model, its defaults, validation, and reading it back
//! from JSON (any older version migrated; a corrupt or invalid file reported, never fatal).
//! No I/O here: the app reads and writes the file.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::echo::echo;
use super::launch::{validate as validate_launch, LaunchRequest};
use super::reference::ImageRef;

/// The version written today. Older files are migrated step by step on load.
/// 3: recent images carry the launch form they were launched with.
pub const SETTINGS_VERSION: u32 = 3;
pub const STATS_INTERVAL_MS: (u32, u32) = (250, 60_000);
pub const STATS_HISTORY_SECS: (u32, u32) = (10, 24 * 3600);
pub const MAX_PRESETS: usize = 50;
pub const MAX_RECENT_IMAGES: usize = 10;
pub const MAX_PRESET_NAME: usize = 60;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// A named, saved launch form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LaunchPreset {
    pub name: String,
    pub request: LaunchRequest,
}

impl LaunchPreset {
    /// Why this preset cannot be used (an empty or overlong name, a form the launch
    /// validator refuses), or `None`.
    pub fn problem(&self) -> Option<String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Some("a launch preset needs a name".into());
        }
        if name.chars().count() > MAX_PRESET_NAME {
            return Some(format!(
                "launch preset names are at most {MAX_PRESET_NAME} characters"
            ));
        }
        // A name is shown in menus and written to the settings file: one line of text.
        if name.chars().any(char::is_control) {
            return Some(format!(
                "launch preset “{}”: a name cannot hold control characters (a line break, \
                 an escape)",
                echo(name)
            ));
        }
        match validate_launch(&self.request) {
            Ok(_) => None,
            Err(errors) => Some(format!(
                "launch preset “{}”: {}",
                echo(name),
                errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
}

/// An image the user launched from, with the form used, so "Launch another" can repeat it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecentImage {
    pub image: String,
    /// The form, without its environment values unless `keep_env` (they may hold secrets).
    pub request: LaunchRequest,
    /// The user ticked "Remember environment values with this image". Files written before
    /// it existed load as `false`, and their values are dropped on load.
    #[serde(default)]
    pub keep_env: bool,
}

impl RecentImage {
    fn problem(&self) -> Option<String> {
        let image = self.image.trim();
        if let Err(e) = ImageRef::parse(image) {
            return Some(format!("recent image: {e}"));
        }
        if image != self.request.image.trim() {
            return Some(format!(
                "recent image “{}” does not match its launch form (“{}”)",
                echo(&self.image),
                echo(&self.request.image)
            ));
        }
        validate_launch(&self.request)
            .err()
            .map(|_| format!("recent image “{}” has an invalid launch form", echo(image)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Settings {
    pub version: u32,
    /// Overrides DOCKER_HOST / the docker context when set, e.g. `unix:///run/docker.sock`.
    pub engine_endpoint: Option<String>,
    pub stats_interval_ms: u32,
    /// How much stats history the charts keep.
    pub stats_history_secs: u32,
    /// Closing the window keeps Berth running in the tray.
    pub close_to_tray: bool,
    /// Whether the one-time "Berth is still in the tray" notice was shown.
    pub close_to_tray_notice_shown: bool,
    /// Desktop notifications when a container Berth launched dies unexpectedly.
    pub notifications: bool,
    /// Desktop notifications when a container Berth launched turns unhealthy (issue #16).
    /// Defaulted (on), so files written before it existed load without a migration.
    #[serde(default = "notify_unhealthy_default")]
    pub notify_unhealthy: bool,
    pub theme: Theme,
    pub presets: Vec<LaunchPreset>,
    /// Most recent first, one entry per image.
    pub recent_images: Vec<RecentImage>,
    /// Whether the first-run walkthrough (offered on an engine with no images) was finished
    /// or skipped. Defaulted, so files written before it existed load without a migration.
    #[serde(default)]
    pub first_run_done: bool,
    /// Issue #18: start Berth (in the tray) at login, by an XDG autostart entry. Off unless
    /// chosen; defaulted, so older files load without a migration.
    #[serde(default)]
    pub start_at_login: bool,
    /// Issue #18: the view on screen when the user last switched, shown again at the next
    /// start. Written by the UI, read from a file others can edit: a value that is not a
    /// view's id is dropped (and said) on load, refused on save.
    #[serde(default)]
    pub last_view: Option<String>,
}

fn notify_unhealthy_default() -> bool {
    true
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            engine_endpoint: None,
            stats_interval_ms: 1000,
            // Issue #5: the charts' longest range (15 minutes) by default.
            stats_history_secs: 900,
            close_to_tray: true,
            close_to_tray_notice_shown: false,
            notifications: true,
            notify_unhealthy: true,
            theme: Theme::System,
            presets: Vec::new(),
            recent_images: Vec::new(),
            first_run_done: false,
            start_at_login: false,
            last_view: None,
        }
    }
}

/// Why `endpoint` is not an engine address Berth can use, or `None`: `unix://` with an
/// absolute path, or `tcp://host:port` with a port 1-65535 (TLS engines are configured as
/// engines, where their certificates go with them).
pub fn endpoint_problem(endpoint: &str) -> Option<&'static str> {
    const FORM: &str = "write unix:///path/to/docker.sock or tcp://host:port";
    if endpoint
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Some("an address has no spaces or control characters");
    }
    if let Some(path) = endpoint.strip_prefix("unix://") {
        return (!path.starts_with('/') || path.len() < 2)
            .then_some("a unix:// address needs an absolute path, like unix:///run/docker.sock");
    }
    let Some(rest) = endpoint.strip_prefix("tcp://") else {
        return Some(FORM);
    };
    let Some((host, port)) = rest.trim_end_matches('/').rsplit_once(':') else {
        return Some("a tcp:// address needs a port, like tcp://host:2376");
    };
    if host.is_empty() || host.contains(['/', '?', '#', '@']) {
        return Some(FORM);
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 && port.bytes().all(|b| b.is_ascii_digit()) => None,
        _ => Some("the port must be a number from 1 to 65535"),
    }
}

/// Why the stored settings were not used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum SettingsProblem {
    /// Not read at all: not a regular file, too large, unreadable (`safe_file::ReadProblem`).
    #[error("the settings file was not read: {message}")]
    NotRead { message: String },
    #[error("the settings file is not valid JSON: {message}")]
    Corrupt { message: String },
    #[error("the settings file has invalid values: {message}")]
    Invalid { message: String },
    #[error("the settings file was written by a newer Berth (version {version})")]
    TooNew { version: u32 },
    /// The file was usable but some entries (presets, recent images) were not: they were
    /// left out and everything else kept.
    #[error("some entries of the settings file were left out: {message}")]
    EntriesDropped { message: String },
}

/// What loading gave: the settings to use and, when the file was not usable, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub settings: Settings,
    pub problem: Option<SettingsProblem>,
    /// The file's content must be rewritten (migrated from an older version).
    pub migrated: bool,
}

/// Why `id` cannot be a view's id (the UI's view ids are short lowercase words with
/// dashes); `None` when it can. Whether it names a view the UI has is the UI's to decide.
pub fn view_id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() || id.len() > 32 {
        return Some("a view's name is 1 to 32 characters");
    }
    if !id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return Some("a view's name is lowercase letters and dashes only");
    }
    None
}

impl Settings {
    /// Checks every field; returns one message per problem.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        if self.version != SETTINGS_VERSION {
            errors.push(format!(
                "settings version {} is not this Berth's ({SETTINGS_VERSION})",
                self.version
            ));
        }
        if let Some(endpoint) = &self.engine_endpoint {
            if let Some(why) = endpoint_problem(endpoint) {
                errors.push(format!("engine endpoint “{}”: {why}", echo(endpoint)));
            }
        }
        let (lo, hi) = STATS_INTERVAL_MS;
        if !(lo..=hi).contains(&self.stats_interval_ms) {
            errors.push(format!("stats interval must be {lo}-{hi} ms"));
        }
        let (lo, hi) = STATS_HISTORY_SECS;
        if !(lo..=hi).contains(&self.stats_history_secs) {
            errors.push(format!("stats history must be {lo}-{hi} seconds"));
        }
        if let Some(view) = &self.last_view {
            if let Some(why) = view_id_problem(view) {
                errors.push(format!("last view “{}”: {why}", echo(view)));
            }
        }
        if self.presets.len() > MAX_PRESETS {
            errors.push(format!("at most {MAX_PRESETS} launch presets"));
        }
        let mut names = std::collections::HashSet::new();
        for p in &self.presets {
            if let Some(problem) = p.problem() {
                errors.push(problem);
            } else if !names.insert(p.name.trim()) {
                errors.push(format!("two launch presets are named “{}”", echo(&p.name)));
            }
        }
        if self.recent_images.len() > MAX_RECENT_IMAGES {
            errors.push(format!("at most {MAX_RECENT_IMAGES} recent images"));
        }
        let mut images = std::collections::HashSet::new();
        for r in &self.recent_images {
            if let Some(problem) = r.problem() {
                errors.push(problem);
            } else if !images.insert(r.image.trim()) {
                errors.push(format!("recent image “{}” is listed twice", echo(&r.image)));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Puts the launched image first in the recent images with the form used (replacing
    /// an older entry of the same image), capped at [`MAX_RECENT_IMAGES`]. A form the
    /// launch validator refuses is not remembered. Environment values are kept only if the
    /// user chose so for this image before (see [`Settings::remember_launch_choosing`]).
    pub fn remember_launch(&mut self, request: &LaunchRequest) -> bool {
        self.remember(request, None)
    }

    /// [`Settings::remember_launch`] from the launch dialog, whose tick box "Remember
    /// environment values with this image" is `keep_env`.
    pub fn remember_launch_choosing(&mut self, request: &LaunchRequest, keep_env: bool) -> bool {
        self.remember(request, Some(keep_env))
    }

    /// `keep_env` `None`: the image's earlier choice (none: values are not kept).
    fn remember(&mut self, request: &LaunchRequest, keep_env: Option<bool>) -> bool {
        let image = request.image.trim().to_string();
        let request = LaunchRequest {
            image: image.clone(),
            ..request.clone()
        };
        if image.is_empty() || validate_launch(&request).is_err() {
            return false;
        }
        let keep_env = keep_env.unwrap_or_else(|| self.recent(&image).is_some_and(|r| r.keep_env));
        let request = if keep_env {
            request
        } else {
            LaunchRequest {
                env: String::new(),
                ..request
            }
        };
        self.recent_images.retain(|r| r.image != image);
        self.recent_images.insert(
            0,
            RecentImage {
                image,
                request,
                keep_env,
            },
        );
        self.recent_images.truncate(MAX_RECENT_IMAGES);
        true
    }

    pub fn recent(&self, image: &str) -> Option<&RecentImage> {
        self.recent_images.iter().find(|r| r.image == image)
    }

    /// Saves the form as preset `name`, replacing a preset of that name.
    pub fn save_preset(&mut self, name: &str, request: LaunchRequest) -> Result<(), String> {
        let preset = LaunchPreset {
            name: name.trim().to_string(),
            request,
        };
        if let Some(problem) = preset.problem() {
            return Err(problem);
        }
        if let Some(existing) = self.presets.iter_mut().find(|p| p.name == preset.name) {
            *existing = preset;
            return Ok(());
        }
        if self.presets.len() >= MAX_PRESETS {
            return Err(format!(
                "at most {MAX_PRESETS} launch presets; delete one first"
            ));
        }
        self.presets.push(preset);
        Ok(())
    }

    /// Removes preset `name`; false if there was none.
    pub fn delete_preset(&mut self, name: &str) -> bool {
        let before = self.presets.len();
        self.presets.retain(|p| p.name != name);
        self.presets.len() != before
    }

    /// Parses a stored settings document. Never fails: an unusable document gives the
    /// defaults and the reason, so the caller can keep the file aside and tell the user.
    pub fn load(text: &str) -> Loaded {
        let bad = |problem| Loaded {
            settings: Settings::default(),
            problem: Some(problem),
            migrated: false,
        };
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return bad(SettingsProblem::Corrupt {
                    message: e.to_string(),
                })
            }
        };
        Self::from_value(value).unwrap_or_else(bad)
    }

    /// Like [`Settings::load`] on an already parsed document.
    pub fn from_value(mut value: Value) -> Result<Loaded, SettingsProblem> {
        let invalid = |message: String| SettingsProblem::Invalid { message };
        let version = match value.get("version") {
            None => 1,
            Some(v) => v
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| invalid(format!("version {v} is not a number")))?,
        };
        if version > SETTINGS_VERSION {
            return Err(SettingsProblem::TooNew { version });
        }
        let mut migrated = version < SETTINGS_VERSION;
        if version < 2 {
            value = migrate_v1(value).map_err(invalid)?;
        }
        if version < 3 {
            value = migrate_v2(value).map_err(invalid)?;
        }
        // Presets and recent images are checked one by one: a hand-edited bad entry is
        // left out (and reported) instead of costing the user all their settings.
        let mut dropped = Vec::new();
        let presets: Vec<LaunchPreset> = take_entries(&mut value, "presets", &mut dropped);
        let recent: Vec<RecentImage> = take_entries(&mut value, "recent_images", &mut dropped);
        // Only a convenience: a bad one is left out, never a reason to set the file aside.
        let last_view = match value.get_mut("last_view").map(Value::take) {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) if view_id_problem(&id).is_none() => Some(id),
            Some(other) => {
                dropped.push(format!(
                    "the last view {} is not a view's name",
                    echo(&other.to_string())
                ));
                None
            }
        };
        let mut settings: Settings =
            serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
        settings.last_view = last_view;
        for preset in presets {
            if let Some(problem) = preset.problem() {
                dropped.push(problem);
            } else if settings
                .presets
                .iter()
                .any(|p| p.name == preset.name.trim())
            {
                dropped.push(format!("a second launch preset named {:?}", preset.name));
            } else if settings.presets.len() >= MAX_PRESETS {
                dropped.push(format!(
                    "launch preset {:?}: more than {MAX_PRESETS}",
                    preset.name
                ));
            } else {
                settings.presets.push(LaunchPreset {
                    name: preset.name.trim().to_string(),
                    ..preset
                });
            }
        }
        for entry in recent {
            if let Some(problem) = entry.problem() {
                dropped.push(problem);
            } else if settings.recent(entry.image.trim()).is_none()
                && settings.recent_images.len() < MAX_RECENT_IMAGES
            {
                let mut entry = RecentImage {
                    image: entry.image.trim().to_string(),
                    ..entry
                };
                // Values stored without the user's say (older Berths kept them all): dropped,
                // and the file rewritten without them.
                if !entry.keep_env && !entry.request.env.is_empty() {
                    entry.request.env.clear();
                    migrated = true;
                }
                settings.recent_images.push(entry);
            }
        }
        settings.validate().map_err(|e| invalid(e.join("; ")))?;
        Ok(Loaded {
            settings,
            problem: (!dropped.is_empty()).then(|| SettingsProblem::EntriesDropped {
                message: dropped.join("; "),
            }),
            migrated,
        })
    }
}

/// Removes the array `key` from the document (leaving it empty) and parses its entries one
/// by one; an entry that does not parse is described in `dropped`.
fn take_entries<T: serde::de::DeserializeOwned>(
    value: &mut Value,
    key: &str,
    dropped: &mut Vec<String>,
) -> Vec<T> {
    let Some(slot) = value.get_mut(key) else {
        return Vec::new();
    };
    let taken = std::mem::replace(slot, Value::Array(Vec::new()));
    let Value::Array(items) = taken else {
        if !taken.is_null() {
            dropped.push(format!("{key} is not a list"));
        }
        return Vec::new();
    };
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| match serde_json::from_value(item) {
            Ok(entry) => Some(entry),
            Err(e) => {
                dropped.push(format!("{key} entry {}: {e}", i + 1));
                None
            }
        })
        .collect()
}

/// Version 2 stored recent images as bare names; version 3 keeps the launch form with each.
/// A v2 name becomes a one-replica form of that image (what the dialog starts from).
fn migrate_v2(value: Value) -> Result<Value, String> {
    let Value::Object(mut doc) = value else {
        return Err("the settings are not a JSON object".into());
    };
    if let Some(Value::Array(old)) = doc.remove("recent_images") {
        let entries: Vec<Value> = old
            .into_iter()
            .map(|item| match item {
                Value::String(image) => serde_json::json!({
                    "image": image.trim(),
                    "request": LaunchRequest {
                        image: image.trim().to_string(),
                        replicas: "1".into(),
                        ..Default::default()
                    },
                }),
                // Left for `take_entries` to report.
                other => other,
            })
            .collect();
        doc.insert("recent_images".into(), Value::Array(entries));
    }
    doc.insert("version".into(), Value::from(SETTINGS_VERSION));
    Ok(Value::Object(doc))
}

/// Version 1 (the first release) stored `docker_host`, `stats_interval_secs`,
/// `minimize_to_tray` and `dark_mode`, and had no presets or recent images.
fn migrate_v1(value: Value) -> Result<Value, String> {
    let Value::Object(old) = value else {
        return Err("the settings are not a JSON object".into());
    };
    let defaults = Settings::default();
    let get_bool = |key: &str, default: bool| -> Result<bool, String> {
        match old.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(format!("{key} must be true or false, not {v}")),
        }
    };
    let endpoint = match old.get("docker_host") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(v) => return Err(format!("docker_host must be text, not {v}")),
    };
    let interval_ms = match old.get("stats_interval_secs") {
        None | Some(Value::Null) => defaults.stats_interval_ms,
        Some(v) => v
            .as_f64()
            .map(|s| (s * 1000.0).round() as u32)
            .ok_or_else(|| format!("stats_interval_secs must be a number, not {v}"))?,
    };
    let theme = if get_bool("dark_mode", false)? {
        Theme::Dark
    } else {
        Theme::System
    };
    let settings = Settings {
        engine_endpoint: endpoint,
        stats_interval_ms: interval_ms,
        close_to_tray: get_bool("minimize_to_tray", defaults.close_to_tray)?,
        theme,
        ..defaults
    };
    serde_json::to_value(settings).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let mut s = Settings {
            engine_endpoint: Some("tcp://127.0.0.1:2375".into()),
            stats_interval_ms: 2000,
            theme: Theme::Dark,
            close_to_tray: false,
            presets: vec![LaunchPreset {
                name: "web x3".into(),
                request: LaunchRequest {
                    image: "nginx".into(),
                    replicas: "3".into(),
                    ..Default::default()
                },
            }],
            ..Settings::default()
        };
        assert!(s.remember_launch(&LaunchRequest {
            image: " busybox ".into(),
            replicas: "2".into(),
            ..Default::default()
        }));
        let text = serde_json::to_string(&s).unwrap();
        let loaded = Settings::load(&text);
        assert_eq!(loaded.problem, None);
        assert!(!loaded.migrated);
        assert_eq!(loaded.settings, s);
    }

    #[test]
    fn migrates_version_1() {
        let v1 = r#"{"docker_host":"unix:///run/user/1000/docker.sock","stats_interval_secs":2.5,
                    "minimize_to_tray":false,"dark_mode":true}"#;
        let loaded = Settings::load(v1);
        assert_eq!(loaded.problem, None);
        assert!(loaded.migrated);
        let s = loaded.settings;
        assert_eq!(s.version, SETTINGS_VERSION);
        assert_eq!(
            s.engine_endpoint.as_deref(),
            Some("unix:///run/user/1000/docker.sock")
        );
        assert_eq!(s.stats_interval_ms, 2500);
        assert!(!s.close_to_tray);
        assert_eq!(s.theme, Theme::Dark);
        assert_eq!(s.stats_history_secs, Settings::default().stats_history_secs);
        // An empty v1 file is all defaults.
        let empty = Settings::load(r#"{"version":1}"#);
        assert_eq!(empty.settings, Settings::default());
        assert!(empty.migrated);
    }

    #[test]
    fn corrupt_or_bad_files_give_defaults_and_the_reason() {
        let cases = [
            ("{\"version\": 2, \"theme\": ", "corrupt"),
            ("[1,2,3]", "invalid"),
            (r#"{"version":2,"theme":"purple"}"#, "invalid"),
            (r#"{"version":"two"}"#, "invalid"),
            (r#"{"version":1,"dark_mode":"yes"}"#, "invalid"),
            (r#"{"version":99}"#, "too_new"),
        ];
        for (text, kind) in cases {
            let loaded = Settings::load(text);
            assert_eq!(loaded.settings, Settings::default(), "{text}");
            let problem = loaded.problem.expect(text);
            let json = serde_json::to_value(&problem).unwrap();
            assert_eq!(json["kind"], kind, "{text}: {problem}");
        }
        // A hand-edited value out of range is refused as a whole.
        let mut s = serde_json::to_value(Settings::default()).unwrap();
        s["stats_interval_ms"] = 5.into();
        let loaded = Settings::from_value(s).unwrap_err();
        assert!(loaded.to_string().contains("stats interval"), "{loaded}");
    }

    #[test]
    fn validation_names_each_problem() {
        let form = LaunchRequest {
            image: "busybox".into(),
            replicas: "1".into(),
            ..Default::default()
        };
        let s = Settings {
            engine_endpoint: Some("docker.sock".into()),
            stats_history_secs: 1,
            presets: vec![
                LaunchPreset {
                    name: "a".into(),
                    request: form.clone(),
                },
                LaunchPreset {
                    name: "a".into(),
                    request: form,
                },
            ],
            ..Settings::default()
        };
        let errors = s.validate().unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(Settings::default().validate().is_ok());
    }

    #[test]
    fn recent_images_stay_unique_and_capped() {
        let form = |image: &str, replicas: &str| LaunchRequest {
            image: image.into(),
            replicas: replicas.into(),
            ..Default::default()
        };
        let mut s = Settings::default();
        for i in 0..15 {
            assert!(s.remember_launch(&form(&format!("img{i}"), "1")));
        }
        // Launching from img3 again moves it first, with the newer form.
        assert!(s.remember_launch(&form("img3", "4")));
        assert_eq!(s.recent_images.len(), MAX_RECENT_IMAGES);
        assert_eq!(s.recent_images[0].image, "img3");
        assert_eq!(s.recent_images[0].request.replicas, "4");
        assert_eq!(
            s.recent_images.iter().filter(|r| r.image == "img3").count(),
            1
        );
        // Most recent first: img14 was the last before img3; img0..img5 fell off.
        assert_eq!(s.recent_images[1].image, "img14");
        assert!(s.recent("img5").is_none());
        // A form the launcher would refuse is not remembered.
        assert!(!s.remember_launch(&form("img1", "many")));
        assert!(!s.remember_launch(&form("  ", "1")));
        assert_eq!(s.recent_images[0].image, "img3");
        assert!(s.validate().is_ok());
    }

    #[test]
    fn environment_values_are_remembered_only_when_asked() {
        let form = LaunchRequest {
            image: "web".into(),
            replicas: "1".into(),
            env: "TOKEN=s3cret".into(),
            ..Default::default()
        };
        let mut s = Settings::default();
        assert!(s.remember_launch_choosing(&form, false));
        assert_eq!(s.recent_images[0].request.env, "");
        assert!(!serde_json::to_string(&s).unwrap().contains("s3cret"));
        // Ticked: kept, and a replay from the tray (None) keeps the image's choice.
        assert!(s.remember_launch_choosing(&form, true));
        assert_eq!(s.recent_images[0].request.env, "TOKEN=s3cret");
        assert!(s.remember_launch(&form));
        assert!(s.recent_images[0].keep_env);
        assert_eq!(s.recent_images[0].request.env, "TOKEN=s3cret");
        let loaded = Settings::load(&serde_json::to_string(&s).unwrap());
        assert_eq!(loaded.settings, s);
        assert!(!loaded.migrated);

        // A file from before the choice existed (values without `keep_env`): the values go
        // and the file is to be rewritten without them.
        let mut doc = serde_json::to_value(&s).unwrap();
        doc["recent_images"][0]
            .as_object_mut()
            .unwrap()
            .remove("keep_env");
        let loaded = Settings::load(&doc.to_string());
        assert_eq!(loaded.problem, None);
        assert!(loaded.migrated);
        assert_eq!(loaded.settings.recent_images[0].request.env, "");
        assert!(!loaded.settings.recent_images[0].keep_env);
    }

    #[test]
    fn migrates_version_2_recent_images() {
        let v2 = r#"{"version":2,"engine_endpoint":null,"stats_interval_ms":1000,
            "stats_history_secs":300,"close_to_tray":true,"close_to_tray_notice_shown":false,
            "notifications":true,"theme":"system","presets":[],"recent_images":["busybox","nginx:1"]}"#;
        let loaded = Settings::load(v2);
        assert_eq!(loaded.problem, None);
        assert!(loaded.migrated);
        let recent = &loaded.settings.recent_images;
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[1].image, "nginx:1");
        assert_eq!(recent[1].request.image, "nginx:1");
        assert_eq!(recent[1].request.replicas, "1");
    }

    #[test]
    fn presets_are_saved_replaced_and_deleted() {
        let mut s = Settings::default();
        let form = LaunchRequest {
            image: "busybox".into(),
            replicas: "3".into(),
            ports: "8080:80".into(),
            ..Default::default()
        };
        s.save_preset(" web ", form.clone()).unwrap();
        assert_eq!(s.presets[0].name, "web");
        let bigger = LaunchRequest {
            replicas: "5".into(),
            ..form.clone()
        };
        s.save_preset("web", bigger).unwrap();
        assert_eq!(s.presets.len(), 1);
        assert_eq!(s.presets[0].request.replicas, "5");
        // Refused: no name, a form with errors (named in the message), too many.
        assert!(s.save_preset("  ", form.clone()).is_err());
        let bad = LaunchRequest {
            ports: "80:99999".into(),
            ..form.clone()
        };
        let err = s.save_preset("bad", bad).unwrap_err();
        assert!(err.contains("bad"), "{err}");
        for i in 1..MAX_PRESETS {
            s.save_preset(&format!("p{i}"), form.clone()).unwrap();
        }
        assert!(s.save_preset("one too many", form.clone()).is_err());
        assert!(s.validate().is_ok());
        assert!(s.delete_preset("web"));
        assert!(!s.delete_preset("web"));
        assert_eq!(s.presets.len(), MAX_PRESETS - 1);
    }

    #[test]
    fn the_last_view_is_kept_and_a_bad_one_is_dropped_not_the_file() {
        let mut doc = serde_json::to_value(Settings {
            last_view: Some("volumes".into()),
            ..Settings::default()
        })
        .unwrap();
        let loaded = Settings::from_value(doc.clone()).unwrap();
        assert_eq!(loaded.settings.last_view.as_deref(), Some("volumes"));
        assert_eq!(loaded.problem, None);
        // Written by someone else: markup, a path, a number, too long. Each is dropped and
        // said; the rest of the file (the theme here) loads.
        doc["theme"] = serde_json::json!("dark");
        for bad in [
            serde_json::json!("<img src=x onerror=alert(1)>"),
            serde_json::json!("../settings"),
            serde_json::json!(7),
            serde_json::json!("a".repeat(33)),
        ] {
            doc["last_view"] = bad.clone();
            let loaded = Settings::from_value(doc.clone()).unwrap();
            assert_eq!(loaded.settings.last_view, None, "{bad}");
            assert_eq!(loaded.settings.theme, Theme::Dark);
            let problem = loaded
                .problem
                .expect("a dropped last view is said")
                .to_string();
            assert!(problem.contains("last view"), "{problem}");
        }
        // Saved from the UI: refused the same way.
        let s = Settings {
            last_view: Some("Images".into()),
            ..Settings::default()
        };
        assert!(s.validate().unwrap_err()[0].contains("last view"));
    }

    #[test]
    fn bad_hand_edited_entries_are_dropped_and_reported() {
        let mut doc = serde_json::to_value(Settings {
            theme: Theme::Dark,
            ..Settings::default()
        })
        .unwrap();
        let good = serde_json::json!({"name": "good", "request": LaunchRequest {
            image: "busybox".into(), replicas: "2".into(), ..Default::default()}});
        doc["presets"] = serde_json::json!([
            good,
            {"name": "no request"},
            {"name": "bad ports", "request": {"image": "busybox", "replicas": "1",
                "name_pattern": "", "command": "", "env": "", "ports": "not-a-port",
                "volumes": "", "labels": "", "restart": "", "memory": "", "cpus": "",
                "network": "", "auto_remove": false}},
            good,
        ]);
        doc["recent_images"] = serde_json::json!([42]);
        let loaded = Settings::from_value(doc).unwrap();
        // Everything else was kept.
        assert_eq!(loaded.settings.theme, Theme::Dark);
        assert_eq!(loaded.settings.presets.len(), 1);
        assert_eq!(loaded.settings.presets[0].name, "good");
        assert!(loaded.settings.recent_images.is_empty());
        let problem = loaded.problem.expect("the dropped entries are reported");
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["kind"], "entries_dropped");
        let text = problem.to_string();
        for expected in [
            "presets entry 2",
            "bad ports",
            "second launch preset",
            "recent_images entry 1",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text}");
        }
    }
}
