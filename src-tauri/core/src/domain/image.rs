use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImageSummary {
    /// Full ID, `sha256:...`.
    pub id: String,
    pub short_id: String,
    /// Every `repo:tag` naming this image; empty for a dangling image.
    pub tags: Vec<String>,
    /// Content digests (`repo@sha256:...`), present for pulled images.
    pub digests: Vec<String>,
    pub dangling: bool,
    /// Bytes on disk, counting layers shared with other images, like `docker images` SIZE.
    #[ts(type = "number")]
    pub size: u64,
    /// Seconds since the Unix epoch.
    #[ts(type = "number")]
    pub created: i64,
    /// Containers made from this image that are up (running, paused or restarting).
    pub containers_running: u32,
    /// All containers made from this image, in any state.
    pub containers_total: u32,
}
