//! The Files tab of a container: a folder listed through the archive API (running or
//! stopped: no shell or tool in the image is needed) with each entry marked from the
//! container's diff; a file or folder downloaded; files uploaded as a tar built while it is
//! sent; a small text file read for viewing. Every path reaches the engine as a URL query
//! value, never through a shell.

use std::io::{Read, Write};
use std::path::Path;

use bytes::Bytes;

use super::archive::{self, ArchiveError};
use crate::domain::cli_equiv::DockerCommand;
use crate::domain::container_files::{
    browse_commands, container_path, join, mark, upload_name, ContainerFolder, FilePathError,
    FileText, FileTransfer, MAX_INLINE_BYTES, MAX_UPLOAD_BYTES,
};
use crate::engine::{Engine, EngineError};

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("{0}")]
    Path(#[from] FilePathError),
    #[error(transparent)]
    Files(#[from] ArchiveError),
    #[error("the container {0} was removed during the download: nothing was saved")]
    Gone(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// One folder of the container (`path` absolute or relative to `/`), marked from its diff.
pub async fn browse(
    engine: &Engine,
    container: &str,
    path: &str,
) -> Result<ContainerFolder, FilesError> {
    let path = container_path(path)?;
    let (name, _) = engine.container_name_state(container).await?;
    let stream = engine.container_archive(container, &path);
    let shown = path.clone();
    let (listing, changes) = tokio::join!(
        archive::with_archive(stream, move |r| archive::list_children(r, &shown)),
        engine.file_changes(container),
    );
    let (entries, more) = listing?;
    Ok(ContainerFolder {
        entries: mark(&path, entries, &changes?),
        more,
        commands: browse_commands(&name, &path),
        container: name,
        path,
    })
}

/// Saves `path` into `dir` (the Downloads folder): a file byte for byte, a folder as one
/// `.tar`. Never overwrites; a failed download (the container removed mid-way) leaves no file.
pub async fn download(
    engine: &Engine,
    container: &str,
    path: &str,
    folder: bool,
    dir: &Path,
) -> Result<FileTransfer, FilesError> {
    let path = container_path(path)?;
    let (name, _) = engine.container_name_state(container).await?;
    let base = host_name(path.rsplit('/').next().unwrap_or_default());
    let file_name = match (base.is_empty(), folder) {
        (true, _) => format!("{name}.tar"),
        (false, true) => format!("{name}-{base}.tar"),
        (false, false) => base,
    };
    let stream = engine.container_archive(container, &path);
    let (target, bytes) = match archive::save(stream, dir, &file_name, folder, &path).await {
        Ok(v) => v,
        // A stream cut short is most often the container going away: say so when it did.
        Err(e) => {
            return Err(match engine.container_name_state(container).await {
                Err(EngineError::NotFound { .. }) => FilesError::Gone(name),
                _ => e.into(),
            })
        }
    };
    let target = target.display().to_string();
    let commands = vec![if folder {
        format!(
            "{} > {}",
            DockerCommand::CopyOut {
                container: name.clone(),
                path: path.clone(),
            }
            .line(),
            crate::domain::launch::shell::quote(&target)
        )
    } else {
        DockerCommand::CopyOutTo {
            container: name.clone(),
            path: path.clone(),
            dest: target.clone(),
        }
        .line()
    }];
    Ok(FileTransfer {
        path: target,
        as_tar: folder,
        bytes,
        commands,
    })
}

/// A name fit for the host's Downloads folder: control characters become `_`.
fn host_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect()
}

/// Uploads one file (`size` bytes read from `source`) as `name` into folder `dir` of the
/// container. Refused before any byte is read when over [`MAX_UPLOAD_BYTES`]. The tar is
/// built on a blocking thread and sent chunk by chunk as it is built: never held whole.
pub async fn upload(
    engine: &Engine,
    container: &str,
    dir: &str,
    name: &str,
    size: u64,
    source: impl Read + Send + 'static,
) -> Result<FileTransfer, FilesError> {
    let dir = container_path(dir)?;
    upload_name(name)?;
    if size > MAX_UPLOAD_BYTES {
        return Err(FilePathError::TooLarge {
            name: crate::domain::container_files::escape_name(name),
            size,
        }
        .into());
    }
    let (cname, _) = engine.container_name_state(container).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    let entry = name.to_string();
    let builder = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let mut b = tar::Builder::new(ChannelWriter(tx));
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(size);
        h.set_mode(0o644);
        h.set_mtime(super::exports::unix_secs());
        b.append_data(&mut h, &entry, source.take(size))?;
        b.into_inner()?.flush()
    });
    let body = tokio_stream_from(rx);
    let sent = engine.upload_archive(container, &dir, body).await;
    let built = builder
        .await
        .map_err(|e| ArchiveError::Archive(e.to_string()))?;
    sent?;
    built.map_err(|e| ArchiveError::Io {
        path: crate::domain::container_files::escape_name(name),
        reason: e.to_string(),
    })?;
    Ok(FileTransfer {
        path: join(&dir, name),
        as_tar: false,
        bytes: size,
        commands: vec![DockerCommand::CopyIn {
            source: name.to_string(),
            container: cname,
            dir,
        }
        .line()],
    })
}

/// The tar builder's output, sent on as chunks (the channel's bound is the backpressure).
struct ChannelWriter(tokio::sync::mpsc::Sender<Bytes>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Bytes::copy_from_slice(buf))
            .map_err(|_| std::io::Error::other("the engine stopped reading the upload"))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Bytes>,
) -> impl futures_util::Stream<Item = Bytes> + Send + 'static {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// A file read for viewing: its text when it is UTF-8 without NUL bytes and at most
/// [`MAX_INLINE_BYTES`]; otherwise only its size and why it is download only.
pub async fn read_text(
    engine: &Engine,
    container: &str,
    path: &str,
) -> Result<FileText, FilesError> {
    let path = container_path(path)?;
    let (name, _) = engine.container_name_state(container).await?;
    let stream = engine.container_archive(container, &path);
    let shown = path.clone();
    let read = archive::with_archive(stream, move |r| {
        archive::read_small_file(r, MAX_INLINE_BYTES, &shown)
    })
    .await?;
    let (size, text, why_not) = match read {
        Err(size) => (
            size,
            None,
            Some(format!(
                "This file is over {} MiB: download it to read it.",
                MAX_INLINE_BYTES >> 20
            )),
        ),
        Ok(bytes) => {
            let size = bytes.len() as u64;
            match String::from_utf8(bytes) {
                Ok(t) if !t.contains('\0') => (size, Some(t), None),
                _ => (
                    size,
                    None,
                    Some("This file is binary (not UTF-8 text): download it instead.".into()),
                ),
            }
        }
    };
    Ok(FileText {
        commands: vec![DockerCommand::CopyOut {
            container: name,
            path: path.clone(),
        }
        .line()],
        path,
        size,
        text,
        why_not,
    })
}
