//! The one home for files Berth keeps (issue #13, "files that survive anything"):
//!
//! - [`write_atomic`] / [`AtomicFile`]: a temporary file beside the target, created new with
//!   mode 0600 (never chmod-ed after), written, fsync-ed, renamed over the target, then the
//!   folder fsync-ed. A crash at any point leaves the old file or the new one, never half of
//!   either; a failed write removes its temporary file.
//! - [`read_untrusted`]: a config file someone else may have written (another program, a
//!   hand edit, a broken disk). Only a regular file (a link is followed only to a regular
//!   file) of at most a given size is read; a directory, a FIFO, a device, a link to nothing,
//!   a file too large or unreadable is a typed [`ReadProblem`], never a hang or an
//!   unbounded read.
//! - [`keep_aside`]: a bad file is renamed to `<name>.bad-<unix seconds>-<n>`, never over
//!   another (so every bad version is kept), and the caller tells the user each time.
//!
//! Used by the settings, the engine list, the launch key and exports (saved logs, CSVs).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The cap on a config file Berth reads (settings, engine list). The largest settings file
/// Berth writes is 50 presets and 10 recent images of one launch form each, well under
/// 1 MiB; 4 MiB leaves room for hand edits while a hostile file (or `/dev/zero` behind a
/// link) cannot make Berth read without end.
pub const MAX_CONFIG_FILE: u64 = 4 << 20;

/// Why a file was not read. The `Display` text is in people's words and names no path
/// (the caller says which file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadProblem {
    /// A directory, a FIFO, a socket, a device, or a link to one of those or to nothing.
    #[error("it is {what}, not a regular file")]
    NotAFile { what: String },
    #[error("it is too large ({size} bytes; at most {cap} are read)")]
    TooLarge { size: u64, cap: u64 },
    #[error("it cannot be read ({reason})")]
    Unreadable { reason: String },
    #[error("it is not text (not UTF-8)")]
    NotText,
}

/// What a file of this type is, in words.
fn file_kind(ft: &fs::FileType) -> &'static str {
    if ft.is_dir() {
        "a folder"
    } else if ft.is_fifo() {
        "a named pipe (FIFO)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else if ft.is_symlink() {
        "a link"
    } else {
        "something else"
    }
}

/// Reads `path` as text if it is a regular file of at most `cap` bytes. `Ok(None)`: there is
/// no such file (nothing at that name, not even a link).
///
/// The file is opened non-blocking and judged by what was opened (`fstat`), so a FIFO does
/// not hang the read and a file swapped after a check is still judged; at most `cap + 1`
/// bytes are read even if the file grows while it is read.
pub fn read_untrusted(path: &Path, cap: u64) -> Result<Option<String>, ReadProblem> {
    let unreadable = |e: io::Error| ReadProblem::Unreadable {
        reason: e.to_string(),
    };
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A link to nothing is a bad file, not a missing one.
            return match fs::symlink_metadata(path) {
                Ok(_) => Err(ReadProblem::NotAFile {
                    what: "a link to nothing".into(),
                }),
                Err(_) => Ok(None),
            };
        }
        Err(e) => return Err(unreadable(e)),
    };
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.file_type().is_file() {
        return Err(ReadProblem::NotAFile {
            what: file_kind(&meta.file_type()).into(),
        });
    }
    if meta.len() > cap {
        return Err(ReadProblem::TooLarge {
            size: meta.len(),
            cap,
        });
    }
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > cap {
        return Err(ReadProblem::TooLarge {
            size: bytes.len() as u64,
            cap,
        });
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| ReadProblem::NotText)
}

/// Moves the bad file at `path` (a file, a folder, a link: whatever is there) to
/// `<name>.bad-<unix seconds>-<n>` beside it, with the first `n` not taken, and returns the
/// new path. The rename never replaces anything (`RENAME_NOREPLACE`).
pub fn keep_aside(path: &Path) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?
        .to_string_lossy()
        .into_owned();
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    // Bounded: a folder with 1000 bad copies from the same second is not ours to fill.
    for n in 0..1000 {
        let aside = path.with_file_name(format!("{name}.bad-{secs}-{n}"));
        match rustix::fs::renameat_with(
            rustix::fs::CWD,
            path,
            rustix::fs::CWD,
            &aside,
            rustix::fs::RenameFlags::NOREPLACE,
        ) {
            Ok(()) => return Ok(aside),
            Err(rustix::io::Errno::EXIST) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "too many bad copies kept aside already",
    ))
}

/// Writes `bytes` to `path` atomically with mode 0600 (see [`AtomicFile`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// A file being written beside `target` that replaces it only on [`AtomicFile::commit`].
/// Dropped without a commit (an error, a cancelled save), its temporary file is removed and
/// `target` is untouched. Write in chunks to stream large contents (saved logs).
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

/// Makes temporary names unique within the process (the pid makes them unique across).
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl AtomicFile {
    /// Creates the temporary file `.<name>.<pid>-<n>.tmp` in `target`'s folder, new (never
    /// an existing file or a link someone planted) and 0600 from the start.
    pub fn create(target: &Path) -> io::Result<Self> {
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?
            .to_string_lossy()
            .into_owned();
        let pid = std::process::id();
        loop {
            let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
            let temp = target.with_file_name(format!(".{name}.{pid}-{n}.tmp"));
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&temp)
            {
                Ok(file) => {
                    return Ok(Self {
                        target: target.to_path_buf(),
                        temp,
                        file: Some(file),
                    })
                }
                // Left by a crashed process with our pid: take the next number.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// fsync, rename over the target, fsync the folder (so the rename itself survives a
    /// power cut). On error the target is as it was (unless only the folder's fsync failed,
    /// after the rename).
    pub fn commit(mut self) -> io::Result<()> {
        let file = self
            .file
            .take()
            .ok_or_else(|| io::Error::other("already committed"))?;
        file.sync_all()?;
        drop(file);
        fs::rename(&self.temp, &self.target)?;
        // Renamed: nothing to remove on drop.
        self.temp = PathBuf::new();
        let dir = match self.target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()
    }

    fn file(&mut self) -> io::Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("already committed"))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file()?.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.temp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_are_0600_and_replace_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        // An old file with a loose mode is replaced by a 0600 one.
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(names(dir.path()), ["settings.json"]);
    }

    #[test]
    fn a_failed_or_crashed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("engines.json");
        fs::write(&path, "old").unwrap();
        // Fails after the temporary file was written (dropped before the commit).
        {
            let mut f = AtomicFile::create(&path).unwrap();
            f.write_all(b"half of the new").unwrap();
            let temp = names(dir.path());
            assert_eq!(temp.len(), 2, "{temp:?}");
            let temp = dir.path().join(&temp[0]);
            // The temporary file is 0600 from its creation, before any content is final.
            assert_eq!(mode(&temp), 0o600);
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(names(dir.path()), ["engines.json"]);
        // A crash (no drop, no commit): the old file is still whole.
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"never committed").unwrap();
        std::mem::forget(f);
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        // A target that is a folder: the write fails, the folder stays, no temp is left.
        let blocked = dir.path().join("blocked");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("x"), "keep").unwrap();
        assert!(write_atomic(&blocked, b"x").is_err());
        assert_eq!(fs::read_to_string(blocked.join("x")).unwrap(), "keep");
        assert!(!names(dir.path()).iter().any(|n| n.contains("blocked.")));
    }

    #[test]
    fn only_regular_files_up_to_the_cap_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(read_untrusted(&d.join("missing"), 100), Ok(None));
        fs::write(d.join("ok"), "{}").unwrap();
        assert_eq!(read_untrusted(&d.join("ok"), 100), Ok(Some("{}".into())));
        // A link to a regular file is followed.
        std::os::unix::fs::symlink(d.join("ok"), d.join("link-ok")).unwrap();
        assert_eq!(
            read_untrusted(&d.join("link-ok"), 100),
            Ok(Some("{}".into()))
        );

        let not_a_file = |p: &Path| match read_untrusted(p, MAX_CONFIG_FILE) {
            Err(ReadProblem::NotAFile { what }) => what,
            other => panic!("{}: {other:?}", p.display()),
        };
        fs::create_dir(d.join("folder")).unwrap();
        assert_eq!(not_a_file(&d.join("folder")), "a folder");
        let fifo = d.join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        // No writer on the FIFO: a blocking open would hang here.
        assert_eq!(not_a_file(&fifo), "a named pipe (FIFO)");
        std::os::unix::fs::symlink("/dev/zero", d.join("zero")).unwrap();
        assert_eq!(not_a_file(&d.join("zero")), "a device");
        std::os::unix::fs::symlink(d.join("nothing"), d.join("dangling")).unwrap();
        assert_eq!(not_a_file(&d.join("dangling")), "a link to nothing");

        // 100 MiB (sparse): refused from its size, without reading it.
        let big = d.join("big");
        File::create(&big).unwrap().set_len(100 << 20).unwrap();
        assert_eq!(
            read_untrusted(&big, MAX_CONFIG_FILE),
            Err(ReadProblem::TooLarge {
                size: 100 << 20,
                cap: MAX_CONFIG_FILE
            })
        );
        fs::write(d.join("binary"), [0xff, 0xfe, 0x00]).unwrap();
        assert_eq!(
            read_untrusted(&d.join("binary"), 100),
            Err(ReadProblem::NotText)
        );
        // A link loop cannot be opened: unreadable, with the system's reason.
        std::os::unix::fs::symlink(d.join("loop"), d.join("loop")).unwrap();
        assert!(matches!(
            read_untrusted(&d.join("loop"), 100),
            Err(ReadProblem::Unreadable { .. })
        ));
    }

    #[test]
    fn bad_files_are_kept_aside_under_unique_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let mut kept = Vec::new();
        for content in ["one", "two", "three"] {
            fs::write(&path, content).unwrap();
            kept.push(keep_aside(&path).unwrap());
            assert!(!path.exists());
        }
        // Three bad versions, three files: none replaced another.
        for (aside, content) in kept.iter().zip(["one", "two", "three"]) {
            let name = aside.file_name().unwrap().to_string_lossy().into_owned();
            assert!(name.starts_with("settings.json.bad-"), "{name}");
            assert_eq!(fs::read_to_string(aside).unwrap(), content);
        }
        // A folder in the file's place is moved aside too, so the file can be written again.
        fs::create_dir(&path).unwrap();
        let aside = keep_aside(&path).unwrap();
        assert!(aside.is_dir());
        write_atomic(&path, b"{}").unwrap();
        assert_eq!(names(dir.path()).len(), 5);
    }
}
