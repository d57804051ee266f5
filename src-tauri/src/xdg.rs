//! The XDG base directory rule Berth's files follow (the autostart entry, the log): one home
//! for it.

use std::path::PathBuf;

/// A base directory: `var`'s value (e.g. `$XDG_STATE_HOME`) when it is an absolute path, else
/// `home` joined with `fallback` (e.g. `.local/state`). A relative value is invalid in the spec
/// and ignored; without an absolute home there is none.
pub fn base_dir(var: Option<PathBuf>, home: Option<PathBuf>, fallback: &str) -> Option<PathBuf> {
    match var.filter(|p| p.is_absolute()) {
        Some(dir) => Some(dir),
        None => Some(home.filter(|p| p.is_absolute())?.join(fallback)),
    }
}
