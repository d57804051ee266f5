//! Berth's settings as data: the typed model, its defaults, validation, and reading it back
//! from JSON (any older version migrated; a corrupt or invalid file reported, never fatal).
//! No I/O here: the app reads and writes the file.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::launch::LaunchRequest;

/// The version written today. Older files are migrated step by step on load.
pub const SETTINGS_VERSION: u32 = 2;
pub const STATS_INTERVAL_MS: (u32, u32) = (250, 60_000);
pub const STATS_HISTORY_SECS: (u32, u32) = (10, 24 * 3600);
pub const MAX_PRESETS: usize = 50;
pub const MAX_RECENT_IMAGES: usize = 10;

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
    pub theme: Theme,
    pub presets: Vec<LaunchPreset>,
    /// Most recent first.
    pub recent_images: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            engine_endpoint: None,
            stats_interval_ms: 1000,
            stats_history_secs: 300,
            close_to_tray: true,
            close_to_tray_notice_shown: false,
            notifications: true,
            theme: Theme::System,
            presets: Vec::new(),
            recent_images: Vec::new(),
        }
    }
}

/// Why the stored settings were not used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum SettingsProblem {
    #[error("the settings file is not valid JSON: {message}")]
    Corrupt { message: String },
    #[error("the settings file has invalid values: {message}")]
    Invalid { message: String },
    #[error("the settings file was written by a newer Berth (version {version})")]
    TooNew { version: u32 },
}

/// What loading gave: the settings to use and, when the file was not usable, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub settings: Settings,
    pub problem: Option<SettingsProblem>,
    /// The file's content must be rewritten (migrated from an older version).
    pub migrated: bool,
}

impl Settings {
    /// Checks every field; returns one message per problem.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        if let Some(endpoint) = &self.engine_endpoint {
            let ok = ["unix://", "tcp://", "http://", "https://", "npipe://"]
                .iter()
                .any(|scheme| endpoint.starts_with(scheme) && endpoint.len() > scheme.len());
            if !ok || endpoint.chars().any(char::is_whitespace) {
                errors.push(format!(
                    "engine endpoint {endpoint:?} must look like unix:///path or tcp://host:port"
                ));
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
        if self.presets.len() > MAX_PRESETS {
            errors.push(format!("at most {MAX_PRESETS} launch presets"));
        }
        let mut names = std::collections::HashSet::new();
        for p in &self.presets {
            if p.name.trim().is_empty() {
                errors.push("a launch preset needs a name".into());
            } else if !names.insert(p.name.trim()) {
                errors.push(format!("two launch presets are named {:?}", p.name));
            }
        }
        if self.recent_images.len() > MAX_RECENT_IMAGES {
            errors.push(format!("at most {MAX_RECENT_IMAGES} recent images"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Puts `image` first in the recent images, without duplicates, capped.
    pub fn remember_image(&mut self, image: &str) {
        self.recent_images.retain(|i| i != image);
        self.recent_images.insert(0, image.to_string());
        self.recent_images.truncate(MAX_RECENT_IMAGES);
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
        let migrated = version < SETTINGS_VERSION;
        if version < 2 {
            value = migrate_v1(value).map_err(invalid)?;
        }
        let settings: Settings =
            serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
        settings.validate().map_err(|e| invalid(e.join("; ")))?;
        Ok(Loaded {
            settings,
            problem: None,
            migrated,
        })
    }
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
        s.remember_image("busybox");
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
        let s = Settings {
            engine_endpoint: Some("docker.sock".into()),
            stats_history_secs: 1,
            presets: vec![
                LaunchPreset {
                    name: "a".into(),
                    request: LaunchRequest::default(),
                },
                LaunchPreset {
                    name: "a".into(),
                    request: LaunchRequest::default(),
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
        let mut s = Settings::default();
        for i in 0..15 {
            s.remember_image(&format!("img{i}"));
        }
        s.remember_image("img3");
        assert_eq!(s.recent_images.len(), MAX_RECENT_IMAGES);
        assert_eq!(s.recent_images[0], "img3");
        assert_eq!(s.recent_images.iter().filter(|i| *i == "img3").count(), 1);
    }
}
