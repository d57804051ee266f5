//! Berth's own log (issue #18): to stderr as before, and to `berth.log` in the XDG state folder
//! (`$XDG_STATE_HOME/berth`, default `~/.local/state/berth`), so a user has something to attach
//! to a bug report (Help → Copy diagnostics reads its last lines). The file is bounded: at
//! [`MAX_LOG_BYTES`] it is rotated to `berth.log.1` (older ones shift to `.2`, `.3`) and only
//! [`KEPT_LOGS`] old files are kept (`file-rotate` does the rotation). Files are 0600: a log
//! names containers, images and paths of this user.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// One log file's size before it is rotated.
pub const MAX_LOG_BYTES: usize = 1024 * 1024;
/// Rotated files kept beside the current one (`berth.log.1` … `.3`): at most 4 MiB in all.
pub const KEPT_LOGS: usize = 3;
/// The file's name in the state folder.
pub const LOG_FILE: &str = "berth.log";
/// At most this much of the end of a log file is read back for the diagnostics.
const TAIL_BYTES: u64 = 256 * 1024;

/// Berth's state folder: `$XDG_STATE_HOME/berth`, else `~/.local/state/berth` (the XDG base
/// directory spec; a relative `XDG_STATE_HOME` is invalid there and ignored).
pub fn state_dir() -> Option<PathBuf> {
    state_dir_from(
        std::env::var_os("XDG_STATE_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )
}

fn state_dir_from(xdg_state_home: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    crate::xdg::base_dir(xdg_state_home, home, ".local/state").map(|d| d.join("berth"))
}

/// Where the log goes, if there is a state folder.
pub fn log_path() -> Option<PathBuf> {
    state_dir().map(|dir| dir.join(LOG_FILE))
}

/// A size-rotated, 0600 log file at `path`; its folder is made (0700) first, since
/// `file-rotate` panics on a folder it cannot create.
fn rotating_file(path: &Path) -> std::io::Result<FileRotate<AppendCount>> {
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).create(true).append(true).mode(0o600);
    // Fail here, not inside the logger, when the file cannot be opened.
    options.open(path)?;
    Ok(FileRotate::new(
        path,
        AppendCount::new(KEPT_LOGS),
        ContentLimit::BytesSurpassed(MAX_LOG_BYTES),
        Compression::None,
        Some(options),
    ))
}

/// Sets up the log: `BERTH_LOG` filters (default `warn,berth=info,berth_core=info`), stderr
/// always, the file when the state folder can be written (else a warning on stderr).
pub fn init() {
    let filter = || {
        EnvFilter::try_from_env("BERTH_LOG")
            .unwrap_or_else(|_| EnvFilter::new("warn,berth=info,berth_core=info"))
    };
    let stderr = fmt::layer().with_writer(std::io::stderr);
    let file = log_path().map(|path| (rotating_file(&path), path));
    let (file_layer, problem) = match file {
        Some((Ok(writer), _)) => (
            Some(
                fmt::layer()
                    .with_ansi(false)
                    .with_writer(Mutex::new(writer)),
            ),
            None,
        ),
        Some((Err(e), path)) => (None, Some(format!("{}: {e}", path.display()))),
        None => (None, Some("no XDG_STATE_HOME or HOME".to_string())),
    };
    // A second initialisation (tests) is harmless: keep the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(filter())
        .with(stderr)
        .with(file_layer)
        .try_init();
    if let Some(problem) = problem {
        tracing::warn!(%problem, "Berth's log file is off");
    }
}

/// The last `n` lines of the log: the current file, preceded by the newest rotated one when
/// the current file has fewer. Reads at most [`TAIL_BYTES`] of each.
pub fn last_lines(path: &Path, n: usize) -> Vec<String> {
    let mut lines = tail_lines(path, n);
    if lines.len() < n {
        // file-rotate's newest old file: the name with `.1` appended.
        let mut older = path.as_os_str().to_owned();
        older.push(".1");
        let mut before = tail_lines(Path::new(&older), n - lines.len());
        before.append(&mut lines);
        lines = before;
    }
    lines
}

fn tail_lines(path: &Path, n: usize) -> Vec<String> {
    let Ok(mut file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(TAIL_BYTES);
    if file.seek(SeekFrom::Start(start)).is_err() {
        return Vec::new();
    }
    let mut bytes = Vec::new();
    if file.take(TAIL_BYTES).read_to_end(&mut bytes).is_err() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<&str> = text.lines().collect();
    // A read that started mid-file starts mid-line: drop that part line.
    if start > 0 && !lines.is_empty() {
        lines.remove(0);
    }
    let from = lines.len().saturating_sub(n);
    lines[from..].iter().map(|l| l.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn the_state_folder_follows_xdg_and_falls_back_to_home() {
        assert_eq!(
            state_dir_from(Some("/x/state".into()), Some("/home/a".into())),
            Some(PathBuf::from("/x/state/berth"))
        );
        // Relative XDG paths are invalid by the spec: ignored.
        assert_eq!(
            state_dir_from(Some("rel".into()), Some("/home/a".into())),
            Some(PathBuf::from("/home/a/.local/state/berth"))
        );
        assert_eq!(state_dir_from(None, None), None);
    }

    #[test]
    fn the_log_rotates_by_size_and_keeps_a_bounded_number_of_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/berth").join(LOG_FILE);
        let mut log = rotating_file(&path).unwrap();
        let line = format!("{}\n", "x".repeat(1023));
        // 6.5 MiB written: without rotation the file would hold all of it.
        for _ in 0..(6 * 1024 + 512) {
            log.write_all(line.as_bytes()).unwrap();
        }
        log.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["berth.log", "berth.log.1", "berth.log.2", "berth.log.3"]
        );
        for name in &names {
            let meta = std::fs::metadata(path.with_file_name(name)).unwrap();
            assert!(meta.len() <= (MAX_LOG_BYTES + line.len()) as u64, "{name}");
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
        }
    }

    #[test]
    fn the_last_lines_reach_into_the_rotated_file_when_the_current_one_is_short() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOG_FILE);
        let older: String = (1..=5).map(|i| format!("old {i}\n")).collect();
        std::fs::write(path.with_file_name("berth.log.1"), older).unwrap();
        std::fs::write(&path, "new 1\nnew 2\n").unwrap();
        assert_eq!(
            last_lines(&path, 4),
            ["old 4", "old 5", "new 1", "new 2"].map(String::from)
        );
        assert_eq!(last_lines(&path, 1), ["new 2"].map(String::from));
        assert!(last_lines(&dir.path().join("none.log"), 10).is_empty());
    }

    #[test]
    fn a_huge_log_is_read_from_its_end_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOG_FILE);
        let mut file = std::fs::File::create(&path).unwrap();
        for i in 0..100_000 {
            writeln!(file, "line {i}").unwrap();
        }
        let lines = last_lines(&path, 200);
        assert_eq!(lines.len(), 200);
        assert_eq!(lines[199], "line 99999");
        assert_eq!(lines[0], "line 99800");
    }
}
