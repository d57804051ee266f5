//! Volume actions with their rules: names checked before the engine sees them, a volume in
//! use refused by the names of its users, a prune previewed under the engine's own rule, and
//! the browser, which reads a volume through the archive API of a helper container that is
//! created (never started), mounts the volume read-only, and is removed in every path.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use super::archive::{self, ArchiveError};

use crate::domain::cli_equiv::DockerCommand;
use crate::domain::echo::echo;
use crate::domain::volume::{
    helper_path, validate_volume_name, VolumeCreate, VolumeDownload, VolumeInUse, VolumeInputError,
    VolumeListing, VolumePrunePreview, VolumePruneReport, VolumeSummary,
};
use crate::engine::{Engine, EngineError, VolumeHelper};

pub use super::archive::MAX_ENTRIES;
/// A helper older than this (seconds) is a leftover of a crash, not another browse at work.
const STALE_HELPER_SECS: i64 = 600;

#[derive(Debug, thiserror::Error)]
pub enum VolumeError {
    #[error("{0}")]
    Input(#[from] VolumeInputError),
    #[error("{0}")]
    InUse(#[from] VolumeInUse),
    #[error("there is no volume named “{}”", echo(.0))]
    NoSuchVolume(String),
    #[error(
        "this engine has no image to make the browse helper from (it is created, never started, \
         so any image does): pull a small one, for example `docker pull busybox`, and try again"
    )]
    NoHelperImage,
    #[error(transparent)]
    Files(#[from] ArchiveError),
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
    let result = archive::with_archive(stream, move |r| archive::list_children(r, &shown)).await;
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
    let helper = Helper::make(engine, volume).await?;
    let commands = helper.commands(volume, &inside);
    let stream = engine.helper_archive(helper.get(), &inside);
    let written = archive::save(stream, dir, &file_name, folder, path).await;
    helper.remove().await;
    let (target, bytes) = written?;
    Ok(VolumeDownload {
        path: target.display().to_string(),
        as_tar: folder,
        bytes,
        commands,
    })
}
