//! A container's files as the Files tab shows them: each entry of a folder (read through the
//! archive API, which works on stopped containers too) marked by where it lives — the
//! read-only image, or this container's writable layer (changed or added, from `docker
//! diff`) — and the image files the container deleted, listed so they can be struck through.

use serde::Serialize;
use ts_rs::TS;

use super::archive::ArchiveEntry;
use super::cli_equiv::DockerCommand;
use super::layers::{ChangeKind, FileChange};

/// Largest file shown inline; larger (and binary) files are download only.
pub const MAX_INLINE_BYTES: u64 = 1 << 20;
/// Largest file one upload takes. The window hands a dropped or picked file over as bytes,
/// so the bound keeps memory small; larger files are refused before any byte is read.
pub const MAX_UPLOAD_BYTES: u64 = 64 << 20;
/// Longest path accepted (Linux's PATH_MAX).
const MAX_PATH: usize = 4096;

/// Where an entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FileOrigin {
    /// From the image, untouched: a read-only layer.
    Image,
    /// From the image, changed in this container (copied up into its writable layer).
    Changed,
    /// Added in this container: only its writable layer has it.
    Added,
    /// An image file this container deleted: the writable layer hides it.
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ContainerFile {
    pub entry: ArchiveEntry,
    pub origin: FileOrigin,
    /// The name with control characters escaped (`\n`): Linux allows them in names.
    pub shown_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ContainerFolder {
    pub container: String,
    /// Absolute, normalized (`/`, `/etc`).
    pub path: String,
    /// Folders first, then by name; deleted image files at the end.
    pub entries: Vec<ContainerFile>,
    /// Entries past the bound, counted not kept.
    pub more: u32,
    pub commands: Vec<String>,
}

/// A file read for inline viewing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FileText {
    pub path: String,
    #[ts(type = "number")]
    pub size: u64,
    /// `None` when the file is binary or over [`MAX_INLINE_BYTES`]: download only.
    pub text: Option<String>,
    /// Why there is no text, in people's words.
    pub why_not: Option<String>,
    pub commands: Vec<String>,
}

/// What a download or upload did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FileTransfer {
    /// The file written (download) or the path in the container (upload).
    pub path: String,
    pub as_tar: bool,
    #[ts(type = "number")]
    pub bytes: u64,
    pub commands: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilePathError {
    #[error(
        "“{0}” is not a path in the container: “..” is not allowed (paths are absolute, from /)"
    )]
    DotDot(String),
    #[error("a path cannot hold a NUL character")]
    Nul,
    #[error("the path is longer than {MAX_PATH} characters")]
    TooLong,
    #[error("a file name cannot be empty, “.” or “..”")]
    EmptyName,
    #[error("“{0}” has a “/”: a file name is one name, not a path")]
    Slash(String),
    #[error("{name} is {size} bytes; uploads take files up to {} MiB (download and copy larger ones with docker cp)", MAX_UPLOAD_BYTES >> 20)]
    TooLarge { name: String, size: u64 },
}

/// A path in the container as the tab asks for it (`""` or `/` = the root, `etc/hosts`):
/// absolute and normalized. `..` and NUL are refused; newlines and other characters Linux
/// allows in names pass (they go to the engine as a URL query value, never to a shell).
pub fn container_path(path: &str) -> Result<String, FilePathError> {
    if path.len() > MAX_PATH {
        return Err(FilePathError::TooLong);
    }
    if path.contains('\0') {
        return Err(FilePathError::Nul);
    }
    let mut out = String::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err(FilePathError::DotDot(shown(path))),
            s => {
                out.push('/');
                out.push_str(s);
            }
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    Ok(out)
}

/// An uploaded file's name: one name (no `/`, no NUL, not `.` or `..`), bounded.
pub fn upload_name(name: &str) -> Result<(), FilePathError> {
    if name.is_empty() || name == "." || name == ".." {
        return Err(FilePathError::EmptyName);
    }
    if name.contains('/') {
        return Err(FilePathError::Slash(shown(name)));
    }
    if name.contains('\0') {
        return Err(FilePathError::Nul);
    }
    if name.len() > 255 {
        return Err(FilePathError::TooLong);
    }
    Ok(())
}

/// Control characters shown as escapes (`\n`, `\t`, `\u{1b}`), so a name with a newline
/// reads as one line.
pub fn escape_name(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// A path or name as an error message quotes it: escaped, at most 200 characters.
fn shown(text: &str) -> String {
    escape_name(&text.chars().take(200).collect::<String>())
}

/// `dir/name` of two normalized parts.
pub fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Marks each entry of folder `dir` from the container's diff, and appends the image files
/// it deleted there (as [`FileOrigin::Deleted`] entries of kind `other`).
pub fn mark(dir: &str, entries: Vec<ArchiveEntry>, changes: &[FileChange]) -> Vec<ContainerFile> {
    let kind_of = |name: &str| {
        let full = join(dir, name);
        changes.iter().find(|c| c.path == full).map(|c| c.kind)
    };
    let mut out: Vec<ContainerFile> = entries
        .into_iter()
        .map(|entry| {
            let origin = match kind_of(&entry.name) {
                Some(ChangeKind::Added) => FileOrigin::Added,
                Some(ChangeKind::Changed) => FileOrigin::Changed,
                _ => FileOrigin::Image,
            };
            ContainerFile {
                shown_name: escape_name(&entry.name),
                entry,
                origin,
            }
        })
        .collect();
    let prefix = if dir == "/" {
        "/".to_string()
    } else {
        format!("{dir}/")
    };
    for c in changes.iter().filter(|c| c.kind == ChangeKind::Deleted) {
        let Some(name) = c.path.strip_prefix(&prefix) else {
            continue;
        };
        if name.is_empty() || name.contains('/') || out.iter().any(|e| e.entry.name == name) {
            continue;
        }
        out.push(ContainerFile {
            shown_name: escape_name(name),
            entry: ArchiveEntry {
                name: name.to_string(),
                kind: super::archive::EntryKind::Other,
                size: 0,
                mode: 0,
                modified: 0,
                target: None,
            },
            origin: FileOrigin::Deleted,
        });
    }
    out
}

/// `docker diff NAME` and `docker cp NAME:PATH -`: what a listing does.
pub fn browse_commands(container: &str, path: &str) -> Vec<String> {
    vec![
        DockerCommand::Diff {
            container: container.into(),
        }
        .line(),
        DockerCommand::CopyOut {
            container: container.into(),
            path: path.into(),
        }
        .line(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::archive::EntryKind;

    fn entry(name: &str) -> ArchiveEntry {
        ArchiveEntry {
            name: name.into(),
            kind: EntryKind::File,
            size: 1,
            mode: 0o644,
            modified: 1,
            target: None,
        }
    }

    #[test]
    fn paths_are_absolute_and_dot_dot_is_refused() {
        assert_eq!(container_path("").unwrap(), "/");
        assert_eq!(container_path("/etc//./hosts").unwrap(), "/etc/hosts");
        assert_eq!(container_path("a\nb").unwrap(), "/a\nb");
        assert!(matches!(
            container_path("/etc/../root"),
            Err(FilePathError::DotDot(_))
        ));
        assert_eq!(container_path("/a\0"), Err(FilePathError::Nul));
    }

    #[test]
    fn upload_names_are_one_name_and_newlines_show_escaped() {
        assert!(upload_name("notes.txt").is_ok());
        assert!(upload_name("two\nlines").is_ok());
        assert!(matches!(upload_name("a/b"), Err(FilePathError::Slash(_))));
        assert_eq!(upload_name(".."), Err(FilePathError::EmptyName));
        assert_eq!(upload_name("a\0"), Err(FilePathError::Nul));
        assert_eq!(escape_name("two\nlines"), "two\\nlines");
    }

    #[test]
    fn entries_are_marked_from_the_diff_and_deleted_ones_listed() {
        let changes = vec![
            FileChange {
                path: "/etc".into(),
                kind: ChangeKind::Changed,
            },
            FileChange {
                path: "/etc/hosts".into(),
                kind: ChangeKind::Changed,
            },
            FileChange {
                path: "/etc/new.conf".into(),
                kind: ChangeKind::Added,
            },
            FileChange {
                path: "/etc/gone".into(),
                kind: ChangeKind::Deleted,
            },
            FileChange {
                path: "/etc/deep/gone".into(),
                kind: ChangeKind::Deleted,
            },
        ];
        let out = mark(
            "/etc",
            vec![entry("hosts"), entry("new.conf"), entry("passwd")],
            &changes,
        );
        let got: Vec<_> = out
            .iter()
            .map(|f| (f.entry.name.as_str(), f.origin))
            .collect();
        assert_eq!(
            got,
            [
                ("hosts", FileOrigin::Changed),
                ("new.conf", FileOrigin::Added),
                ("passwd", FileOrigin::Image),
                ("gone", FileOrigin::Deleted),
            ]
        );
        let root = mark("/", vec![entry("etc")], &changes);
        assert_eq!(root[0].origin, FileOrigin::Changed);
    }
}
