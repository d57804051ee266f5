//! Volumes as the UI lists them: what the engine says of each, plus which containers (in any
//! state) mount it, found from the containers' own mount lists.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::ids::ContainerId;
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
}
