//! Start at login (issue #18): the setting writes or removes an XDG autostart entry,
//! `$XDG_CONFIG_HOME/autostart/berth.desktop` (default `~/.config`), whose command starts
//! Berth with `--minimized`: in the tray, its window hidden until asked for. The entry is
//! written atomically; only an entry Berth wrote (it carries [`MARK`]) is ever removed.

use std::io;
use std::path::{Path, PathBuf};

use berth_core::services::safe_file::write_atomic;

/// The flag the entry starts Berth with (see `main.rs`).
pub const MINIMIZED_FLAG: &str = "--minimized";
/// The line that tells Berth's own entry from one someone else wrote.
const MARK: &str = "X-Berth-Autostart=true";

/// Where the entry goes: `$XDG_CONFIG_HOME/autostart/berth.desktop`, else
/// `~/.config/autostart/berth.desktop` (a relative XDG_CONFIG_HOME is invalid and ignored).
pub fn entry_path() -> Option<PathBuf> {
    entry_path_from(
        std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )
}

fn entry_path_from(xdg_config_home: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    crate::xdg::base_dir(xdg_config_home, home, ".config")
        .map(|d| d.join("autostart/berth.desktop"))
}

/// The entry's text for the binary at `exec`.
pub fn entry(exec: &Path) -> String {
    // The Exec key quotes its argument when the path needs it (desktop entry spec: `"`, `` ` ``,
    // `$` and `\` escaped inside quotes).
    let path = exec.to_string_lossy();
    let quoted = if path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/-_.+".contains(c))
    {
        path.into_owned()
    } else {
        let mut q = String::from("\"");
        for c in path.chars() {
            if matches!(c, '"' | '`' | '$' | '\\') {
                q.push_str("\\\\");
            }
            q.push(c);
        }
        q.push('"');
        q
    };
    format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Name=Berth\n\
         Comment=Start Berth in the tray at login\n\
         Exec={quoted} {MINIMIZED_FLAG}\n\
         Icon=berth\n\
         Terminal=false\n\
         X-GNOME-Autostart-enabled=true\n\
         {MARK}\n"
    )
}

/// Writes the entry (on) or removes Berth's own entry (off) at `path`.
pub fn apply_at(path: &Path, on: bool, exec: &Path) -> io::Result<()> {
    if on {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        return write_atomic(path, entry(exec).as_bytes());
    }
    match std::fs::read_to_string(path) {
        Ok(text) if text.lines().any(|l| l.trim() == MARK) => std::fs::remove_file(path),
        // Someone else's entry under that name is left alone; none is fine.
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Applies the setting for this Berth binary; an error in people's words.
pub fn apply(on: bool) -> Result<(), String> {
    let path = entry_path().ok_or("no XDG_CONFIG_HOME or HOME to put the autostart entry in")?;
    let exec = std::env::current_exe().map_err(|e| format!("where is Berth's binary? {e}"))?;
    apply_at(&path, on, &exec).map_err(|e| {
        format!(
            "could not {} the autostart entry {}: {e}",
            if on { "write" } else { "remove" },
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_starts_berth_minimized_and_is_marked_as_berths() {
        let text = entry(Path::new("/usr/bin/berth"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "[Desktop Entry]");
        assert!(lines.contains(&"Type=Application"));
        assert!(lines.contains(&"Exec=/usr/bin/berth --minimized"));
        assert!(lines.contains(&MARK));
        // A path with a space and a dollar is quoted and escaped, so no shell expands it.
        let odd = entry(Path::new("/opt/my apps/$b"));
        assert!(
            odd.contains("Exec=\"/opt/my apps/\\\\$b\" --minimized"),
            "{odd}"
        );
    }

    #[test]
    fn the_entry_path_follows_xdg_config_home() {
        assert_eq!(
            entry_path_from(Some("/x/conf".into()), Some("/home/a".into())),
            Some(PathBuf::from("/x/conf/autostart/berth.desktop"))
        );
        assert_eq!(
            entry_path_from(Some("rel".into()), Some("/home/a".into())),
            Some(PathBuf::from("/home/a/.config/autostart/berth.desktop"))
        );
    }

    #[test]
    fn off_removes_only_berths_own_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("autostart/berth.desktop");
        let exec = Path::new("/usr/bin/berth");
        apply_at(&path, true, exec).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), entry(exec));
        apply_at(&path, false, exec).unwrap();
        assert!(!path.exists());
        // Off again with nothing there is fine.
        apply_at(&path, false, exec).unwrap();
        // An entry someone else wrote under that name stays.
        std::fs::write(&path, "[Desktop Entry]\nExec=other\n").unwrap();
        apply_at(&path, false, exec).unwrap();
        assert!(path.exists());
    }
}
