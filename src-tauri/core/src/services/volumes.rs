//! Volume actions with their rules: names checked before the engine sees them, a volume in
//! use refused by the names of its users, a prune previewed under the engine's own rule, and
//! the browser, which reads a volume through the archive API of a helper container that is
//! created (never started), mounts the volume read-only, and is removed in every path.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use futures_util::{Stream, StreamExt, TryStreamExt};
use tokio::io::AsyncWriteExt;
use tokio_util::io::{StreamReader, SyncIoBridge};

use crate::domain::cli_equiv::DockerCommand;
use crate::domain::volume::{
    helper_path, validate_volume_name, EntryKind, VolumeCreate, VolumeDownload, VolumeEntry,
    VolumeInUse, VolumeInputError, VolumeListing, VolumePrunePreview, VolumePruneReport,
    VolumeSummary,
};
use crate::engine::{Engine, EngineError, VolumeHelper};

/// Direct children kept per folder listing; more are counted, not kept.
pub const MAX_ENTRIES: usize = 5000;
/// A helper older than this (seconds) is a leftover of a crash, not another browse at work.
const STALE_HELPER_SECS: i64 = 600;

#[derive(Debug, thiserror::Error)]
pub enum VolumeError {
    #[error("{0}")]
    Input(#[from] VolumeInputError),
    #[error("{0}")]
    InUse(#[from] VolumeInUse),
    #[error("there is no volume named {0}")]
    NoSuchVolume(String),
    #[error(
        "this engine has no image to make the browse helper from (it is created, never started, \
         so any image does): pull a small one, for example `docker pull busybox`, and try again"
    )]
    NoHelperImage,
    #[error("{0} is not a folder")]
    NotAFolder(String),
    #[error("{0} is not a file: download its folder instead")]
    NotAFile(String),
    #[error("the volume's archive could not be read: {0}")]
    Archive(String),
    #[error("cannot write {path}: {reason}")]
    Io { path: String, reason: String },
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// `docker volume create`, after checking the name, driver and labels.
pub async fn create(engine: &Engine, req: &VolumeCreate) -> Result<VolumeSummary, VolumeError> {
    let req = req.validated()?;
    Ok(engine.create_volume(&req).await?)
}

/// The command line of a create (for the dialog, before it is clicked).
pub fn create_command(req: &VolumeCreate) -> String {
    DockerCommand::VolumeCreate {
        name: req.name.clone(),
        driver: req.driver.trim().to_string(),
        labels: req.labels.iter().map(|(k, v)| format!("{k}={v}")).collect(),
    }
    .line()
}

/// `docker volume rm`, refused while any container (running or not) mounts the volume, with
/// their names: the engine would refuse too, but with a container ID only.
pub async fn remove(engine: &Engine, name: &str) -> Result<String, VolumeError> {
    validate_volume_name(name)?;
    let list = engine.list_volumes().await?;
    let v = list
        .iter()
        .find(|v| v.name == name)
        .ok_or_else(|| VolumeError::NoSuchVolume(name.to_string()))?;
    if !v.is_unused() {
        return Err(VolumeInUse {
            volume: name.to_string(),
            users: v.used_by.iter().map(|u| u.name.clone()).collect(),
        }
        .into());
    }
    engine.remove_volume(name).await?;
    Ok(DockerCommand::VolumeRm { name: name.into() }.line())
}

fn prune_command(engine: &Engine, all: bool, label: Option<&str>) -> String {
    DockerCommand::VolumePrune {
        all: all
            && engine.volume_prune_rule() == crate::domain::volume::VolumePruneRule::AnonymousOnly,
        label: label.map(String::from),
    }
    .line()
}

/// What `volume prune` would take now under this engine's rule, limited to volumes with
/// `label` (`key=value`) when given.
pub async fn prune_preview(
    engine: &Engine,
    all: bool,
    label: Option<&str>,
) -> Result<VolumePrunePreview, VolumeError> {
    let rule = engine.volume_prune_rule();
    let (key, value) = match label {
        Some(l) => {
            let (k, v) = l.split_once('=').unwrap_or((l, ""));
            (Some(k), v)
        }
        None => (None, ""),
    };
    let volumes = engine
        .list_volumes()
        .await?
        .into_iter()
        .filter(|v| key.is_none_or(|k| v.labels.get(k).is_some_and(|have| have == value)))
        .filter(|v| rule.takes(all, v))
        .map(|v| v.name)
        .collect();
    Ok(VolumePrunePreview {
        volumes,
        rule,
        all,
        explanation: rule.explain(all).to_string(),
        command: prune_command(engine, all, label),
        scope: label.map(String::from),
    })
}

/// The engine's own prune: what it reports removed (may differ from an older preview).
pub async fn prune(
    engine: &Engine,
    all: bool,
    label: Option<&str>,
) -> Result<VolumePruneReport, VolumeError> {
    let (mut removed, space_reclaimed) = engine.prune_volumes(all, label).await?;
    removed.sort();
    Ok(VolumePruneReport {
        removed,
        space_reclaimed,
        command: prune_command(engine, all, label),
    })
}

/// One helper for one browse or download; removed by [`Helper::remove`], or on drop (a
/// cancelled request) by a task of its own.
struct Helper {
    engine: Engine,
    inner: Option<VolumeHelper>,
}

impl Helper {
    async fn make(engine: &Engine, volume: &str) -> Result<Self, VolumeError> {
        validate_volume_name(volume)?;
        clean_stale_helpers(engine).await;
        let image = engine
            .helper_image()
            .await?
            .ok_or(VolumeError::NoHelperImage)?;
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "{}{}-{}-{}",
            crate::domain::volume::HELPER_PREFIX,
            crate::services::exports::unix_secs(),
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let made = engine.create_volume_helper(&name, volume, &image).await?;
        Ok(Self {
            engine: engine.clone(),
            inner: Some(made),
        })
    }

    fn get(&self) -> &VolumeHelper {
        #[allow(clippy::unwrap_used)] // `inner` is only taken by `remove`, which consumes self.
        self.inner.as_ref().unwrap()
    }

    fn commands(&self, volume: &str, path: &str) -> Vec<String> {
        let h = self.get();
        vec![
            DockerCommand::VolumeHelper {
                name: h.name.clone(),
                volume: volume.into(),
                image: h.image.clone(),
            }
            .line(),
            DockerCommand::CopyOut {
                container: h.name.clone(),
                path: path.into(),
            }
            .line(),
            DockerCommand::Remove {
                container: h.name.clone(),
                force: true,
                volumes: false,
            }
            .line(),
        ]
    }

    async fn remove(mut self) {
        if let Some(h) = self.inner.take() {
            if let Err(e) = self.engine.remove_helper(&h.id).await {
                tracing::warn!(error = %e, helper = %h.name, "volume browse helper left behind");
            }
        }
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        if let Some(h) = self.inner.take() {
            let engine = self.engine.clone();
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let _ = engine.remove_helper(&h.id).await;
                });
            }
        }
    }
}

/// Removes helpers a crash left behind (older than a browse could take).
async fn clean_stale_helpers(engine: &Engine) {
    let before = i64::try_from(crate::services::exports::unix_secs()).unwrap_or(i64::MAX)
        - STALE_HELPER_SECS;
    match engine.stale_helpers(before).await {
        Ok(ids) => {
            for id in ids {
                if let Err(e) = engine.remove_helper(&id).await {
                    tracing::warn!(error = %e, "stale volume helper not removed");
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot list stale volume helpers"),
    }
}

async fn ensure_volume(engine: &Engine, volume: &str) -> Result<(), VolumeError> {
    validate_volume_name(volume)?;
    // The helper's bind would create a missing volume: check it is there first.
    if engine
        .list_volumes()
        .await?
        .iter()
        .any(|v| v.name == volume)
    {
        Ok(())
    } else {
        Err(VolumeError::NoSuchVolume(volume.to_string()))
    }
}

/// The archive of `path` read on a blocking thread by `read` (the `tar` crate is blocking),
/// streamed: never held whole.
async fn with_archive<T: Send + 'static>(
    stream: impl Stream<Item = Result<bytes::Bytes, EngineError>> + Send + 'static,
    read: impl FnOnce(&mut dyn Read) -> Result<T, VolumeError> + Send + 'static,
) -> Result<T, VolumeError> {
    let reader = StreamReader::new(stream.map_err(std::io::Error::other));
    let mut bridge = SyncIoBridge::new(Box::pin(reader));
    tokio::task::spawn_blocking(move || read(&mut bridge))
        .await
        .map_err(|e| VolumeError::Archive(e.to_string()))?
}

/// The engine error behind an archive read failure, if that is what it was.
fn archive_error(e: std::io::Error) -> VolumeError {
    match e.into_inner() {
        Some(inner) => match inner.downcast::<EngineError>() {
            Ok(engine) => VolumeError::Engine(*engine),
            Err(other) => VolumeError::Archive(other.to_string()),
        },
        None => VolumeError::Archive("the stream ended early".into()),
    }
}

/// One folder of a volume: its direct children (name, kind, size, modified), read from the
/// archive stream of that folder header by header. Deeper entries only add to their folder's
/// size; file contents are skipped as they pass, so memory stays bounded by [`MAX_ENTRIES`].
pub async fn browse(
    engine: &Engine,
    volume: &str,
    path: &str,
) -> Result<VolumeListing, VolumeError> {
    let inside = helper_path(path)?;
    ensure_volume(engine, volume).await?;
    let helper = Helper::make(engine, volume).await?;
    let commands = helper.commands(volume, &inside);
    let stream = engine.helper_archive(helper.get(), &inside);
    let shown = path.trim_matches('/').to_string();
    let result = with_archive(stream, move |r| list_children(r, &shown)).await;
    helper.remove().await;
    let (entries, more) = result?;
    Ok(VolumeListing {
        volume: volume.to_string(),
        path: path.trim_matches('/').to_string(),
        entries,
        more,
        commands,
    })
}

/// Reads a tar whose first entry is the listed folder itself (`name/`), keeping its direct
/// children. Public for its unit test.
pub fn list_children(
    r: &mut dyn Read,
    shown: &str,
) -> Result<(Vec<VolumeEntry>, u32), VolumeError> {
    let mut archive = tar::Archive::new(r);
    let mut children: BTreeMap<String, VolumeEntry> = BTreeMap::new();
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
        let Some(child) = parts.next() else {
            if kind != EntryKind::Folder {
                return Err(VolumeError::NotAFolder(shown.to_string()));
            }
            saw_top = true;
            continue;
        };
        let deeper = parts.next().is_some();
        if let Some(e) = children.get_mut(&child) {
            e.size += size;
            if !deeper {
                e.kind = kind;
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
            VolumeEntry {
                name: child,
                kind: if deeper { EntryKind::Folder } else { kind },
                size,
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
        return Err(VolumeError::Archive("the archive was empty".into()));
    }
    let mut entries: Vec<VolumeEntry> = children.into_values().collect();
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

/// Saves `path` of `volume` into `dir` (the Downloads folder): a file as itself, byte for
/// byte; a folder (or the whole volume) as one `.tar` archive. Never overwrites: a taken
/// name gets ` (1)`, ` (2)`... A failed download leaves no partial file.
pub async fn download(
    engine: &Engine,
    volume: &str,
    path: &str,
    folder: bool,
    dir: &Path,
) -> Result<VolumeDownload, VolumeError> {
    let inside = helper_path(path)?;
    ensure_volume(engine, volume).await?;
    let base = inside.rsplit('/').next().unwrap_or_default();
    let file_name = if inside == crate::domain::volume::HELPER_MOUNT {
        format!("{volume}.tar")
    } else if folder {
        format!("{volume}-{base}.tar")
    } else {
        base.to_string()
    };
    let io = |p: &Path, e: std::io::Error| VolumeError::Io {
        path: p.display().to_string(),
        reason: e.to_string(),
    };
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| io(dir, e))?;
    let helper = Helper::make(engine, volume).await?;
    let commands = helper.commands(volume, &inside);
    let (target, file) = match create_unique(dir, &file_name).await {
        Ok(v) => v,
        Err(e) => {
            helper.remove().await;
            return Err(io(dir, e));
        }
    };
    let stream = engine.helper_archive(helper.get(), &inside);
    let written = if folder {
        save_stream(Box::pin(stream), file).await
    } else {
        let std_file = file.into_std().await;
        let shown = path.to_string();
        with_archive(stream, move |r| extract_first_file(r, std_file, &shown)).await
    };
    helper.remove().await;
    match written {
        Ok(bytes) => Ok(VolumeDownload {
            path: target.display().to_string(),
            as_tar: folder,
            bytes,
            commands,
        }),
        Err(e) => {
            let _ = tokio::fs::remove_file(&target).await;
            Err(e)
        }
    }
}

/// Creates `dir/name`, or `name (1)`... when taken; never replaces a file.
async fn create_unique(dir: &Path, name: &str) -> std::io::Result<(PathBuf, tokio::fs::File)> {
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
    mut stream: impl Stream<Item = Result<bytes::Bytes, EngineError>> + Unpin,
    mut file: tokio::fs::File,
) -> Result<u64, VolumeError> {
    let mut bytes = 0u64;
    let io = |e: std::io::Error| VolumeError::Io {
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

/// Copies the archive's first entry, which must be a regular file, into `out`.
pub fn extract_first_file(
    r: &mut dyn Read,
    mut out: std::fs::File,
    shown: &str,
) -> Result<u64, VolumeError> {
    let mut archive = tar::Archive::new(r);
    let mut entries = archive.entries().map_err(archive_error)?;
    let mut entry = entries
        .next()
        .ok_or_else(|| VolumeError::Archive("the archive was empty".into()))?
        .map_err(archive_error)?;
    if !entry.header().entry_type().is_file() {
        return Err(VolumeError::NotAFile(shown.to_string()));
    }
    let n = std::io::copy(&mut entry, &mut out).map_err(|e| VolumeError::Io {
        path: shown.to_string(),
        reason: e.to_string(),
    })?;
    out.sync_all().map_err(|e| VolumeError::Io {
        path: shown.to_string(),
        reason: e.to_string(),
    })?;
    Ok(n)
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
    }

    #[test]
    fn a_file_is_not_a_folder_and_a_folder_is_not_a_file() {
        let t = tar_of(&[("b.txt", Some(b"hello"))]);
        assert!(matches!(
            list_children(&mut t.as_slice(), "b.txt"),
            Err(VolumeError::NotAFolder(_))
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
            Err(VolumeError::NotAFile(_))
        ));
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
