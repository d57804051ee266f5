//! One entry of a folder read from the engine's archive API (`docker cp CONTAINER:PATH -`):
//! the shape shared by the volume browser and a container's Files tab.

use serde::Serialize;
use ts_rs::TS;

/// What an entry is, from its tar header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EntryKind {
    File,
    Folder,
    Link,
    Other,
}

/// One direct child of a listed folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ArchiveEntry {
    /// The name as stored (Linux allows newlines in it; the UI shows them escaped).
    pub name: String,
    pub kind: EntryKind,
    /// A file's size; a folder's is the sum of the files under it.
    #[ts(type = "number")]
    pub size: u64,
    /// Permission bits (e.g. 0o644), as the tar header carries them.
    pub mode: u32,
    /// Unix seconds.
    #[ts(type = "number")]
    pub modified: u64,
    /// Where a link points.
    pub target: Option<String>,
}

/// Direct children kept per folder listing; more are counted, not kept.
pub const MAX_ENTRIES: usize = 5000;
