//! Volumes as the UI lists them: what the engine says of each, plus which containers (in any
//! state) mount it, found from the containers' own mount lists.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use super::archive::{ArchiveEntry, EntryKind};
use super::echo::echo;
use super::ids::ContainerId;
use super::reference::ImageRef;
use super::ContainerState;

/// One container that mounts a volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VolumeUser {
    pub id: ContainerId,
    pub name: String,
    pub state: ContainerState,
    /// Where the volume appears inside the container.
    pub destination: String,
    pub read_only: bool,
}

/// One volume, like a row of `docker volume ls` with what `docker volume inspect` adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VolumeSummary {
    pub name: String,
    pub driver: String,
    /// The folder on the engine's host that holds the data.
    pub mountpoint: String,
    /// As the engine reports it (RFC 3339); empty when it does not say.
    pub created: String,
    /// `local` or `global` (Swarm cluster volumes); empty when the engine does not say.
    pub scope: String,
    pub labels: BTreeMap<String, String>,
    /// Containers (running or not) that mount it, by name.
    pub used_by: Vec<VolumeUser>,
}

impl VolumeSummary {
    /// A volume no container mounts: what `docker volume prune` may take.
    pub fn is_unused(&self) -> bool {
        self.used_by.is_empty()
    }
}

/// A volume mount of one container, as read from the engine's container list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeMount {
    pub volume: String,
    pub container: VolumeUser,
}

/// Attaches each mount to its volume; users are sorted by name so the list does not jump
/// between refreshes, and volumes by name like `docker volume ls`.
pub fn attach_users(
    mut volumes: Vec<VolumeSummary>,
    mounts: impl IntoIterator<Item = VolumeMount>,
) -> Vec<VolumeSummary> {
    let mut by_volume: BTreeMap<String, Vec<VolumeUser>> = BTreeMap::new();
    for m in mounts {
        by_volume.entry(m.volume).or_default().push(m.container);
    }
    for v in &mut volumes {
        let mut users = by_volume.remove(&v.name).unwrap_or_default();
        users.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        v.used_by = users;
    }
    volumes.sort_by(|a, b| a.name.cmp(&b.name));
    volumes
}

/// The label on Berth's browse helpers (created, never started, removed after each browse):
/// a leftover from a crash is found by it and removed the next time.
pub const HELPER_LABEL: &str = "berth.helper";
/// The name every browse helper starts with (the rest: time, process, sequence).
pub const HELPER_PREFIX: &str = "berth-browse-";
/// [`HELPER_LABEL`]'s value for the volume browser's helper.
pub const HELPER_VALUE: &str = "volume-browse";
/// Where the helper mounts the volume (read-only).
pub const HELPER_MOUNT: &str = "/v";
/// The engine marks volumes it made for a container without a name (Docker 23+).
pub const ANONYMOUS_LABEL: &str = "com.docker.volume.anonymous";

/// Longest volume name accepted (the engine has no short limit; a bound keeps errors legible).
const MAX_NAME: usize = 255;
/// Labels a created volume may carry, and their size: enough for any hand-typed set.
const MAX_LABELS: usize = 64;
const MAX_LABEL_TEXT: usize = 1024;

/// Why a volume name, label or path was refused before the engine saw it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VolumeInputError {
    #[error("a volume needs a name")]
    EmptyName,
    #[error("“{}” has a space: volume names are letters, digits and _ . - only", echo(.0))]
    Space(String),
    #[error(
        "“{}” has a slash: a volume name is one word, not a path (letters, digits and _ . - only)",
        echo(.0)
    )]
    Slash(String),
    #[error("“{}” is not a volume name: it must start with a letter or digit, be at least 2 characters, and use only letters, digits and _ . -", echo(.0))]
    BadName(String),
    #[error("the volume name is longer than {MAX_NAME} characters")]
    TooLong,
    #[error("label {}: {}", echo(.0), .1)]
    BadLabel(String, &'static str),
    #[error("at most {MAX_LABELS} labels")]
    TooManyLabels,
    #[error("“{}” is not a path inside the volume (no “..”, no control characters)", echo(.0))]
    BadPath(String),
}

/// Docker's rule for volume names, `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, with the commonest
/// mistakes (a space, a path) named.
pub fn validate_volume_name(name: &str) -> Result<(), VolumeInputError> {
    if name.is_empty() {
        return Err(VolumeInputError::EmptyName);
    }
    if name.chars().count() > MAX_NAME {
        return Err(VolumeInputError::TooLong);
    }
    if name.chars().any(char::is_whitespace) {
        return Err(VolumeInputError::Space(name.into()));
    }
    if name.contains('/') || name.contains('\\') {
        return Err(VolumeInputError::Slash(name.into()));
    }
    let mut chars = name.chars();
    let ok = name.len() >= 2
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(VolumeInputError::BadName(name.into()))
    }
}

/// Labels for a new volume: non-empty keys without `=` or control characters, bounded.
pub fn validate_labels(labels: &BTreeMap<String, String>) -> Result<(), VolumeInputError> {
    if labels.len() > MAX_LABELS {
        return Err(VolumeInputError::TooManyLabels);
    }
    for (k, v) in labels {
        let bad = |why| Err(VolumeInputError::BadLabel(k.clone(), why));
        if k.trim().is_empty() {
            return bad("the key is empty");
        }
        if k.contains('=') || k.chars().any(char::is_whitespace) {
            return bad("a key has no “=” and no spaces");
        }
        if k.len() + v.len() > MAX_LABEL_TEXT {
            return bad("too long");
        }
        if k.chars().chain(v.chars()).any(char::is_control) {
            return bad("control characters are not allowed");
        }
    }
    Ok(())
}

/// What to create: `docker volume create [--driver D] [--label k=v]... NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct VolumeCreate {
    pub name: String,
    /// Empty: the engine's default (`local`).
    pub driver: String,
    pub labels: BTreeMap<String, String>,
}

impl VolumeCreate {
    /// The request checked (name, driver, labels); the driver is trimmed, empty = `local`.
    pub fn validated(&self) -> Result<Self, VolumeInputError> {
        validate_volume_name(&self.name)?;
        let driver = self.driver.trim();
        if !driver.is_empty() {
            // A driver is a plugin reference (`local`, `vieux/sshfs:latest`), written like
            // an image reference: no path segments, no leading '-'.
            let ok = driver.len() <= 255 && ImageRef::parse(driver).is_ok();
            if !ok {
                return Err(VolumeInputError::BadLabel(
                    format!("driver “{driver}”"),
                    "a driver is a plugin name like local",
                ));
            }
        }
        validate_labels(&self.labels)?;
        Ok(Self {
            name: self.name.clone(),
            driver: driver.to_string(),
            labels: self.labels.clone(),
        })
    }
}

/// A path inside a volume as the browser asks for it (`""` = the top, `logs/2026`): made
/// into the helper's absolute path under [`HELPER_MOUNT`]. `..`, NUL and control characters
/// are refused; empty and `.` segments are dropped.
pub fn helper_path(path: &str) -> Result<String, VolumeInputError> {
    let bad = || VolumeInputError::BadPath(path.chars().take(200).collect());
    if path.len() > 4096 || path.chars().any(char::is_control) {
        return Err(bad());
    }
    let mut out = String::from(HELPER_MOUNT);
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err(bad()),
            s => {
                out.push('/');
                out.push_str(s);
            }
        }
    }
    Ok(out)
}

/// One folder of a volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VolumeListing {
    pub volume: String,
    /// Inside the volume, `""` for its top.
    pub path: String,
    /// Folders first, then by name.
    pub entries: Vec<ArchiveEntry>,
    /// Entries past the bound that were counted but not kept.
    pub more: u32,
    /// The docker commands that do the same (helper made, copied from, removed).
    pub commands: Vec<String>,
}

/// What a download wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VolumeDownload {
    /// The file written in the Downloads folder.
    pub path: String,
    /// A folder is saved as one `.tar` archive.
    pub as_tar: bool,
    #[ts(type = "number")]
    pub bytes: u64,
    pub commands: Vec<String>,
}

/// Which volumes the engine's `volume prune` takes: it changed in Docker 23 (API 1.42).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum VolumePruneRule {
    /// Docker before 23, and Podman: every unused volume, named or not.
    AllUnused,
    /// Docker 23+: only unused anonymous volumes, unless `--all` (`all=true`) is given.
    AnonymousOnly,
}

impl VolumePruneRule {
    /// The rule of an engine: Podman's compatible API prunes every unused volume; Docker
    /// from API 1.42 (Engine 23) only anonymous ones by default.
    pub fn of(podman: bool, api_version: &str) -> Self {
        if podman {
            return Self::AllUnused;
        }
        let mut parts = api_version
            .split('.')
            .map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        if (major, minor) >= (1, 42) {
            Self::AnonymousOnly
        } else {
            Self::AllUnused
        }
    }

    /// In people's words, for the preview.
    pub fn explain(self, all: bool) -> &'static str {
        match (self, all) {
            (Self::AllUnused, _) => {
                "This engine (Docker before 23, or Podman) prunes every volume no container uses, named or not."
            }
            (Self::AnonymousOnly, false) => {
                "This engine (Docker 23 or later) prunes only unused anonymous volumes; named ones stay unless you include them (--all)."
            }
            (Self::AnonymousOnly, true) => {
                "This engine (Docker 23 or later) prunes unused anonymous volumes, and with --all the named ones too."
            }
        }
    }

    /// Whether `v` (unused) would go under this rule.
    pub fn takes(self, all: bool, v: &VolumeSummary) -> bool {
        v.is_unused()
            && match self {
                Self::AllUnused => true,
                Self::AnonymousOnly => all || v.labels.contains_key(ANONYMOUS_LABEL),
            }
    }
}

/// What a volume prune would remove now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VolumePrunePreview {
    /// Names, in order.
    pub volumes: Vec<String>,
    pub rule: VolumePruneRule,
    /// Whether named volumes are included (`--all`; only meaningful on Docker 23+).
    pub all: bool,
    pub explanation: String,
    pub command: String,
    /// `key=value` when limited to volumes carrying that label.
    pub scope: Option<String>,
}

/// What the engine's prune removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VolumePruneReport {
    pub removed: Vec<String>,
    #[ts(type = "number")]
    pub space_reclaimed: u64,
    pub command: String,
}

/// Why a volume was not removed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{volume} is in use by {}: remove {} first", .users.join(", "), if .users.len() == 1 { "that container" } else { "those containers" })]
pub struct VolumeInUse {
    pub volume: String,
    pub users: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn volume(name: &str) -> VolumeSummary {
        VolumeSummary {
            name: name.into(),
            driver: "local".into(),
            mountpoint: format!("/var/lib/docker/volumes/{name}/_data"),
            created: String::new(),
            scope: "local".into(),
            labels: BTreeMap::new(),
            used_by: Vec::new(),
        }
    }

    fn mount(volume: &str, container: &str, state: ContainerState) -> VolumeMount {
        VolumeMount {
            volume: volume.into(),
            container: VolumeUser {
                id: ContainerId::new(format!("id-{container}")),
                name: container.into(),
                state,
                destination: "/data".into(),
                read_only: false,
            },
        }
    }

    #[test]
    fn users_attach_to_their_volume_in_name_order() {
        let out = attach_users(
            vec![volume("b"), volume("a"), volume("free")],
            [
                mount("a", "web-2", ContainerState::Exited),
                mount("a", "web-1", ContainerState::Running),
                mount("b", "db", ContainerState::Created),
                // A mount of a volume the list does not have (removed meanwhile) is ignored.
                mount("gone", "x", ContainerState::Running),
            ],
        );
        let names: Vec<_> = out.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "free"]);
        let users: Vec<_> = out[0].used_by.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(users, ["web-1", "web-2"]);
        assert_eq!(out[1].used_by[0].state, ContainerState::Created);
        assert!(out[2].is_unused());
        assert!(!out[0].is_unused());
    }

    #[test]
    fn volume_names_follow_dockers_rule_and_name_the_mistake() {
        for ok in ["db-data", "a1", "x.y_z-1", "0cache"] {
            assert_eq!(validate_volume_name(ok), Ok(()), "{ok}");
        }
        assert!(matches!(
            validate_volume_name("my data"),
            Err(VolumeInputError::Space(_))
        ));
        assert!(matches!(
            validate_volume_name("a/b"),
            Err(VolumeInputError::Slash(_))
        ));
        for bad in ["a", "-x", ".x", "_x", "é-data", "x:y", "x\0"] {
            assert!(
                matches!(validate_volume_name(bad), Err(VolumeInputError::BadName(_))),
                "{bad:?}"
            );
        }
        assert_eq!(validate_volume_name(""), Err(VolumeInputError::EmptyName));
        assert!(validate_volume_name(&"a".repeat(300)).is_err());
        let msg = validate_volume_name("my data").unwrap_err().to_string();
        assert!(msg.contains("space"), "{msg}");
    }

    #[test]
    fn labels_and_driver_are_checked() {
        let mut req = VolumeCreate {
            name: "ok-name".into(),
            driver: " local ".into(),
            labels: BTreeMap::from([("team".into(), "web".into())]),
        };
        assert_eq!(req.validated().unwrap().driver, "local");
        req.labels.insert("a=b".into(), "c".into());
        assert!(req.validated().is_err());
        req.labels.clear();
        req.labels.insert(" ".into(), "c".into());
        assert!(req.validated().is_err());
        req.labels.clear();
        req.driver = "local; rm".into();
        assert!(req.validated().is_err());
    }

    #[test]
    fn helper_paths_stay_inside_the_volume() {
        assert_eq!(helper_path("").unwrap(), "/v");
        assert_eq!(helper_path("/").unwrap(), "/v");
        assert_eq!(
            helper_path("logs//2026/./a.txt").unwrap(),
            "/v/logs/2026/a.txt"
        );
        assert_eq!(helper_path("with space").unwrap(), "/v/with space");
        for bad in ["..", "a/../../etc", "a\nb", "x\0"] {
            assert!(helper_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_prune_rule_follows_the_engine() {
        assert_eq!(
            VolumePruneRule::of(false, "1.41"),
            VolumePruneRule::AllUnused
        );
        assert_eq!(
            VolumePruneRule::of(false, "1.42"),
            VolumePruneRule::AnonymousOnly
        );
        assert_eq!(
            VolumePruneRule::of(false, "1.47"),
            VolumePruneRule::AnonymousOnly
        );
        assert_eq!(
            VolumePruneRule::of(true, "1.47"),
            VolumePruneRule::AllUnused
        );
        let named = volume("named");
        let mut anon = volume("0123abcd");
        anon.labels.insert(ANONYMOUS_LABEL.into(), String::new());
        let mut used = volume("used");
        used.used_by
            .push(mount("used", "c", ContainerState::Exited).container);
        let r = VolumePruneRule::AnonymousOnly;
        assert!(!r.takes(false, &named) && r.takes(true, &named));
        assert!(r.takes(false, &anon));
        assert!(!r.takes(true, &used));
        assert!(VolumePruneRule::AllUnused.takes(false, &named));
        assert!(!VolumePruneRule::AllUnused.takes(true, &used));
    }

    #[test]
    fn in_use_names_every_user() {
        let e = VolumeInUse {
            volume: "data".into(),
            users: vec!["web-1".into(), "web-2".into()],
        };
        assert_eq!(
            e.to_string(),
            "data is in use by web-1, web-2: remove those containers first"
        );
    }
}
