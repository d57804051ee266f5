//! Window manners (issue #18): the main window opens where it was, at the size it had
//! (maximised or not), across restarts. `tauri-plugin-window-state` keeps that in
//! `window-state.json` beside the settings and saves it when Berth exits. Visibility is not
//! restored: the window starts hidden and is shown once the UI painted (`startup`), or stays in
//! the tray. A saved position off every screen is ignored by the plugin, and a file it cannot
//! read is as if there were none.
//!
//! The plugin reads its file whole and trusts its numbers, and anything may have written it: a
//! named pipe there would hang the start, and a width of a million pixels would be applied. So
//! the file is checked first ([`check_file`]) and a bad one is kept aside, as the settings are.

use std::path::{Path, PathBuf};

use berth_core::services::safe_file::{keep_aside, read_untrusted};
use tauri::plugin::TauriPlugin;
use tauri::Runtime;
use tauri_plugin_window_state::{Builder, StateFlags};

/// The file's name in the config folder.
pub const FILE: &str = "window-state.json";

/// The plugin's file holds a few hundred bytes per window; more is not its file.
const MAX_BYTES: u64 = 64 << 10;
/// No screen is wider or taller than this (a 16K display is 15,360 pixels wide).
const MAX_SIDE: f64 = 16_384.0;
/// A position further than this from the origin is on no screen of any desktop.
const MAX_COORD: f64 = 65_536.0;

/// Where the plugin keeps its file: in `BERTH_CONFIG_DIR` when that is set (as the settings
/// are: tests and portable setups keep their own), else in the app's config folder as Tauri's
/// `app_config_dir` resolves it (the XDG config folder joined with the app's identifier).
pub fn file_path(identifier: &str) -> Option<PathBuf> {
    match std::env::var_os("BERTH_CONFIG_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir).join(FILE)),
        None => dirs::config_dir().map(|d| d.join(identifier).join(FILE)),
    }
}

/// The plugin, reading and writing `path` (the default name in the app's config folder when
/// `path` is unknown).
pub fn plugin<R: Runtime>(path: Option<&Path>) -> TauriPlugin<R> {
    let builder = Builder::default()
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED);
    // The plugin joins the name to the app's config folder; joining an absolute path gives
    // that path.
    match path {
        Some(path) => builder.with_filename(path.to_string_lossy()),
        None => builder.with_filename(FILE),
    }
    .build()
}

/// Why the file at `path` is not one to hand to the plugin, if it is not; `None` when it is
/// fine or absent.
fn problem(path: &Path) -> Option<String> {
    let text = match read_untrusted(path, MAX_BYTES) {
        Ok(None) => return None,
        Ok(Some(text)) => text,
        // Not a regular file (a pipe would hang the plugin's read), too large, not text.
        Err(e) => return Some(e.to_string()),
    };
    let doc: serde_json::Value = match serde_json::from_str(&text) {
        Ok(doc) => doc,
        Err(e) => return Some(format!("it is not JSON ({e})")),
    };
    let Some(windows) = doc.as_object() else {
        return Some("it is not a list of windows".into());
    };
    for (label, state) in windows {
        let number = |key: &str| state.get(key).and_then(serde_json::Value::as_f64);
        for key in ["width", "height"] {
            if let Some(v) = number(key) {
                if !(0.0..=MAX_SIDE).contains(&v) {
                    return Some(format!("window {label:?} has a {key} of {v} pixels"));
                }
            }
        }
        for key in ["x", "y", "prev_x", "prev_y"] {
            if let Some(v) = number(key) {
                if v.abs() > MAX_COORD {
                    return Some(format!("window {label:?} is at {key} = {v}"));
                }
            }
        }
    }
    None
}

/// Keeps a bad window-state file aside (the window then opens at its default size and place)
/// and logs why; returns where it went.
pub fn check_file(path: &Path) -> Option<PathBuf> {
    let why = problem(path)?;
    match keep_aside(path) {
        Ok(backup) => {
            tracing::warn!(file = %path.display(), backup = %backup.display(), %why, "window state kept aside: the window opens at its default size");
            Some(backup)
        }
        Err(e) => {
            tracing::warn!(file = %path.display(), %why, error = %e, "a bad window state could not be kept aside");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_file(contents: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        std::fs::write(&path, contents).unwrap();
        (dir, path)
    }

    #[test]
    fn the_plugins_own_file_is_kept() {
        let (_dir, path) = with_file(
            r#"{"main":{"width":1200,"height":760,"x":40,"y":30,"prev_x":40,"prev_y":30,"maximized":false,"visible":true,"decorated":true,"fullscreen":false}}"#,
        );
        assert_eq!(check_file(&path), None);
        assert!(path.exists());
        // No file at all is fine too.
        assert_eq!(check_file(&path.with_file_name("none.json")), None);
    }

    #[test]
    fn absurd_sizes_and_places_are_kept_aside() {
        for bad in [
            r#"{"main":{"width":1000000,"height":760,"x":0,"y":0}}"#,
            r#"{"main":{"width":1200,"height":-5,"x":0,"y":0}}"#,
            r#"{"main":{"width":1200,"height":760,"x":-90000000,"y":0}}"#,
            r#"[1, 2, 3]"#,
            "not json",
        ] {
            let (dir, path) = with_file(bad);
            let backup = check_file(&path).unwrap_or_else(|| panic!("kept: {bad}"));
            assert!(!path.exists(), "{bad}");
            assert_eq!(std::fs::read_to_string(&backup).unwrap(), bad);
            assert!(backup.starts_with(dir.path()));
        }
    }

    #[test]
    fn a_pipe_or_a_huge_file_is_kept_aside_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        // A blocking read of the pipe would never return.
        assert!(check_file(&path).is_some());
        assert!(!path.exists());

        std::fs::File::create(&path)
            .and_then(|f| f.set_len(100 << 20))
            .unwrap();
        assert!(check_file(&path).is_some());
        assert!(!path.exists());
    }
}
