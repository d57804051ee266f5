//! Reading the engine's archive API (`docker cp CONTAINER:PATH -`), shared by the volume
//! browser and a container's Files tab: a folder's direct children read header by header
//! from the tar stream (contents skipped as they pass, memory bounded by [`MAX_ENTRIES`]),
//! a file saved byte for byte or a folder as one `.tar`, and a small text file read whole.
//! The `tar` crate is blocking, so the stream is read on a blocking thread.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use tokio::io::AsyncWriteExt;
use tokio_util::io::{StreamReader, SyncIoBridge};

pub use crate::domain::archive::MAX_ENTRIES;
use crate::domain::archive::{ArchiveEntry, EntryKind};
use crate::engine::EngineError;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{0} is not a folder")]
    NotAFolder(String),
    #[error("{0} is not a file: download its folder instead")]
    NotAFile(String),
    #[error("the archive could not be read: {0}")]
    Archive(String),
    #[error("cannot write {path}: {reason}")]
    Io { path: String, reason: String },
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// The archive of a path read on a blocking thread by `read`, streamed: never held whole.
pub async fn with_archive<T: Send + 'static>(
    stream: impl Stream<Item = Result<Bytes, EngineError>> + Send + 'static,
    read: impl FnOnce(&mut dyn Read) -> Result<T, ArchiveError> + Send + 'static,
) -> Result<T, ArchiveError> {
    let reader = StreamReader::new(stream.map_err(std::io::Error::other));
    let mut bridge = SyncIoBridge::new(Box::pin(reader));
    tokio::task::spawn_blocking(move || read(&mut bridge))
        .await
        .map_err(|e| ArchiveError::Archive(e.to_string()))?
}

/// The engine error behind an archive read failure, if that is what it was.
fn archive_error(e: std::io::Error) -> ArchiveError {
    match e.into_inner() {
        Some(inner) => match inner.downcast::<EngineError>() {
            Ok(engine) => ArchiveError::Engine(*engine),
            Err(other) => ArchiveError::Archive(other.to_string()),
        },
        None => ArchiveError::Archive("the stream ended early".into()),
    }
}

/// Reads a tar whose first entry is the listed folder itself (`name/`), keeping its direct
/// children (folders first, then by name) and counting those past [`MAX_ENTRIES`].
pub fn list_children(
    r: &mut dyn Read,
    shown: &str,
) -> Result<(Vec<ArchiveEntry>, u32), ArchiveError> {
    let mut archive = tar::Archive::new(r);
    let mut children: BTreeMap<String, ArchiveEntry> = BTreeMap::new();
    let mut more = 0u32;
    let mut saw_top = false;
    for entry in archive.entries().map_err(archive_error)? {
        let entry = entry.map_err(archive_error)?;
        let header = entry.header();
        let path = entry.path().map_err(archive_error)?.into_owned();
        let mut parts = path
            .components()
            .skip(1)
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let kind = kind_of(header.entry_type());
        let size = if kind == EntryKind::File {
            header.size().unwrap_or(0)
        } else {
            0
        };
        let mode = header.mode().unwrap_or(0) & 0o7777;
        let Some(child) = parts.next() else {
            if kind != EntryKind::Folder {
                return Err(ArchiveError::NotAFolder(shown.to_string()));
            }
            saw_top = true;
            continue;
        };
        let deeper = parts.next().is_some();
        if let Some(e) = children.get_mut(&child) {
            e.size += size;
            if !deeper {
                e.kind = kind;
                e.mode = mode;
                e.modified = header.mtime().unwrap_or(0);
            }
            continue;
        }
        if children.len() >= MAX_ENTRIES {
            if !deeper {
                more += 1;
            }
            continue;
        }
        let target = entry
            .link_name()
            .ok()
            .flatten()
            .map(|t| t.to_string_lossy().into_owned());
        children.insert(
            child.clone(),
            ArchiveEntry {
                name: child,
                kind: if deeper { EntryKind::Folder } else { kind },
                size,
                mode: if deeper { 0 } else { mode },
                modified: if deeper {
                    0
                } else {
                    header.mtime().unwrap_or(0)
                },
                target: if deeper { None } else { target },
            },
        );
    }
    if !saw_top && children.is_empty() {
        return Err(ArchiveError::Archive("the archive was empty".into()));
    }
    let mut entries: Vec<ArchiveEntry> = children.into_values().collect();
    entries.sort_by(|a, b| {
        (b.kind == EntryKind::Folder)
            .cmp(&(a.kind == EntryKind::Folder))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok((entries, more))
}

fn kind_of(t: tar::EntryType) -> EntryKind {
    if t.is_dir() {
        EntryKind::Folder
    } else if t.is_file() {
        EntryKind::File
    } else if t.is_symlink() || t.is_hard_link() {
        EntryKind::Link
    } else {
        EntryKind::Other
    }
}

/// Saves an archive stream into `dir` as `file_name`: a folder as the `.tar` itself, a file
/// as its one entry, byte for byte. Never overwrites (a taken name gets ` (1)`, ` (2)`...);
/// a failed download (the engine gone, the container removed mid-way) leaves no file.
pub async fn save(
    stream: impl Stream<Item = Result<Bytes, EngineError>> + Send + 'static,
    dir: &Path,
    file_name: &str,
    folder: bool,
    shown: &str,
) -> Result<(PathBuf, u64), ArchiveError> {
    let io = |p: &Path, e: std::io::Error| ArchiveError::Io {
        path: p.display().to_string(),
        reason: e.to_string(),
    };
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| io(dir, e))?;
    let (target, file) = create_unique(dir, file_name)
        .await
        .map_err(|e| io(dir, e))?;
    let written = if folder {
        save_stream(Box::pin(stream), file).await
    } else {
        let std_file = file.into_std().await;
        let shown = shown.to_string();
        with_archive(stream, move |r| extract_first_file(r, std_file, &shown)).await
    };
    match written {
        Ok(bytes) => Ok((target, bytes)),
        Err(e) => {
            let _ = tokio::fs::remove_file(&target).await;
            Err(e)
        }
    }
}

/// Creates `dir/name`, or `name (1)`... when taken; never replaces a file.
pub async fn create_unique(dir: &Path, name: &str) -> std::io::Result<(PathBuf, tokio::fs::File)> {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
        _ => (name.to_string(), String::new()),
    };
    for n in 0..1000 {
        let candidate = if n == 0 {
            dir.join(name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
            .await
        {
            Ok(f) => return Ok((candidate, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many files of that name"))
}

async fn save_stream(
    mut stream: impl Stream<Item = Result<Bytes, EngineError>> + Unpin,
    mut file: tokio::fs::File,
) -> Result<u64, ArchiveError> {
    let mut bytes = 0u64;
    let io = |e: std::io::Error| ArchiveError::Io {
        path: "the download".into(),
        reason: e.to_string(),
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        bytes += chunk.len() as u64;
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    file.sync_all().await.map_err(io)?;
    Ok(bytes)
}

/// The archive's first entry, which must be a regular file: its size and reader.
fn first_file<'a, R: Read + 'a>(
    archive: &'a mut tar::Archive<R>,
    shown: &str,
) -> Result<tar::Entry<'a, R>, ArchiveError> {
    let mut entries = archive.entries().map_err(archive_error)?;
    let entry = entries
        .next()
        .ok_or_else(|| ArchiveError::Archive("the archive was empty".into()))?
        .map_err(archive_error)?;
    if !entry.header().entry_type().is_file() {
        return Err(ArchiveError::NotAFile(shown.to_string()));
    }
    Ok(entry)
}

/// Copies the archive's first entry, which must be a regular file, into `out`.
pub fn extract_first_file(
    r: &mut dyn Read,
    mut out: std::fs::File,
    shown: &str,
) -> Result<u64, ArchiveError> {
    let mut archive = tar::Archive::new(r);
    let mut entry = first_file(&mut archive, shown)?;
    let io = |e: std::io::Error| ArchiveError::Io {
        path: shown.to_string(),
        reason: e.to_string(),
    };
    let n = std::io::copy(&mut entry, &mut out).map_err(io)?;
    out.sync_all().map_err(io)?;
    Ok(n)
}

/// The archive's first entry (a regular file) read whole when it is at most `max` bytes;
/// `Err(size)` when larger (nothing read past the header).
pub fn read_small_file(
    r: &mut dyn Read,
    max: u64,
    shown: &str,
) -> Result<Result<Vec<u8>, u64>, ArchiveError> {
    let mut archive = tar::Archive::new(r);
    let mut entry = first_file(&mut archive, shown)?;
    let size = entry.header().size().unwrap_or(u64::MAX);
    if size > max {
        return Ok(Err(size));
    }
    let mut buf = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    entry
        .by_ref()
        .take(max)
        .read_to_end(&mut buf)
        .map_err(archive_error)?;
    Ok(Ok(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_of(entries: &[(&str, Option<&[u8]>)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_mtime(1_700_000_000);
            h.set_mode(0o644);
            match data {
                Some(d) => {
                    h.set_entry_type(tar::EntryType::Regular);
                    h.set_size(d.len() as u64);
                    b.append_data(&mut h, path, *d).unwrap();
                }
                None => {
                    h.set_entry_type(tar::EntryType::Directory);
                    h.set_size(0);
                    b.append_data(&mut h, path, std::io::empty()).unwrap();
                }
            }
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn lists_direct_children_with_folder_sizes_summed() {
        let t = tar_of(&[
            ("v/", None),
            ("v/b.txt", Some(b"hello")),
            ("v/logs/", None),
            ("v/logs/x.log", Some(b"12345678")),
            ("v/logs/deep/y.log", Some(b"12")),
            ("v/a.bin", Some(b"")),
        ]);
        let (entries, more) = list_children(&mut t.as_slice(), "").unwrap();
        assert_eq!(more, 0);
        let got: Vec<_> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.kind.clone(), e.size))
            .collect();
        assert_eq!(
            got,
            [
                ("logs", EntryKind::Folder, 10),
                ("a.bin", EntryKind::File, 0),
                ("b.txt", EntryKind::File, 5),
            ]
        );
        assert_eq!(entries[2].modified, 1_700_000_000);
        assert_eq!(entries[2].mode, 0o644);
    }

    #[test]
    fn a_file_is_not_a_folder_and_a_folder_is_not_a_file() {
        let t = tar_of(&[("b.txt", Some(b"hello"))]);
        assert!(matches!(
            list_children(&mut t.as_slice(), "b.txt"),
            Err(ArchiveError::NotAFolder(_))
        ));
        let dir = tempfile::tempdir().unwrap();
        let out = std::fs::File::create(dir.path().join("b.txt")).unwrap();
        assert_eq!(
            extract_first_file(&mut t.as_slice(), out, "b.txt").unwrap(),
            5
        );
        assert_eq!(std::fs::read(dir.path().join("b.txt")).unwrap(), b"hello");
        let d = tar_of(&[("logs/", None)]);
        let out = std::fs::File::create(dir.path().join("x")).unwrap();
        assert!(matches!(
            extract_first_file(&mut d.as_slice(), out, "logs"),
            Err(ArchiveError::NotAFile(_))
        ));
    }

    #[test]
    fn a_small_file_is_read_and_a_large_one_only_sized() {
        let t = tar_of(&[("b.txt", Some(b"hello"))]);
        assert_eq!(
            read_small_file(&mut t.as_slice(), 5, "b.txt").unwrap(),
            Ok(b"hello".to_vec())
        );
        assert_eq!(
            read_small_file(&mut t.as_slice(), 4, "b.txt").unwrap(),
            Err(5)
        );
    }

    #[test]
    fn children_past_the_bound_are_counted_not_kept() {
        let names: Vec<String> = (0..MAX_ENTRIES + 3).map(|i| format!("v/f{i:05}")).collect();
        let mut entries: Vec<(&str, Option<&[u8]>)> = vec![("v/", None)];
        entries.extend(names.iter().map(|n| (n.as_str(), Some(&b"x"[..]))));
        let t = tar_of(&entries);
        let (kept, more) = list_children(&mut t.as_slice(), "").unwrap();
        assert_eq!(kept.len(), MAX_ENTRIES);
        assert_eq!(more, 3);
    }

    #[tokio::test]
    async fn a_taken_name_gets_a_number_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.tar"), "old").unwrap();
        let (p, _) = create_unique(dir.path(), "a.tar").await.unwrap();
        assert_eq!(p, dir.path().join("a (1).tar"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.tar")).unwrap(),
            "old"
        );
    }
}
