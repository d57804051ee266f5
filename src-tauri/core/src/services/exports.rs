//! Writing an export (saved logs, a chart's CSV) to the user's Downloads folder: one place
//! for where it goes, creating the folder, and saying which file could not be written.

use std::path::{Path, PathBuf};

use super::safe_file;

/// Why an export was not written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("there is no Downloads or home folder to save to")]
    NoFolder,
    #[error("cannot write {path}: {reason}")]
    Io { path: String, reason: String },
}

/// Where exports go: the user's Downloads folder, else the home directory.
pub fn downloads_dir() -> Option<PathBuf> {
    dirs::download_dir().or_else(dirs::home_dir)
}

/// Seconds since the Unix epoch (export file names carry the time of saving).
pub fn unix_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Writes `contents` to `dir/file_name`, creating `dir`; returns the file's path. Written
/// atomically with mode 0600 (`safe_file`): logs may hold secrets, and a failed save leaves
/// no half file. `file_name` must already be safe (each capability names its own files).
pub async fn write_export(
    dir: &Path,
    file_name: &str,
    contents: String,
) -> Result<PathBuf, ExportError> {
    let path = dir.join(file_name);
    let io = |e: std::io::Error| ExportError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let target = path.clone();
    tokio::task::spawn_blocking(move || safe_file::write_atomic(&target, contents.as_bytes()))
        .await
        .map_err(std::io::Error::other)
        .and_then(|r| r)
        .map_err(io)?;
    Ok(path)
}

/// [`write_export`] into [`downloads_dir`].
pub async fn save_to_downloads(file_name: &str, contents: String) -> Result<PathBuf, ExportError> {
    let dir = downloads_dir().ok_or(ExportError::NoFolder)?;
    write_export(&dir, file_name, contents).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_into_a_folder_it_creates_and_names_a_failure() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("Downloads").join("nested");
        let path = write_export(&dir, "web-stats-1.csv", "a,b\n".into())
            .await
            .unwrap();
        assert_eq!(path, dir.join("web-stats-1.csv"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n");
        // Only the user can read it (logs may hold secrets), and no temporary file is left.
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);

        // A file where the folder should be: the error names the path.
        let blocked = root.path().join("file");
        std::fs::write(&blocked, "").unwrap();
        let err = write_export(&blocked, "x.log", String::new())
            .await
            .unwrap_err();
        assert!(matches!(err, ExportError::Io { .. }), "{err:?}");
        assert!(err.to_string().contains("x.log"), "{err}");
    }
}
