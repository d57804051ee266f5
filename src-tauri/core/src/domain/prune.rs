//! Cleanup: the preview of what a prune would remove, computed from the inventory, and the
//! report of what the engine really removed (it may differ if things changed in between).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cli_equiv::{DockerCommand, PruneKind};
use super::{ContainerState, ContainerSummary, ImageSummary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct PruneRequest {
    /// Stopped containers (created, exited, dead), like `docker container prune`.
    pub containers: bool,
    /// Untagged images no container uses, like `docker image prune`.
    pub dangling_images: bool,
    /// Every image no container uses, like `docker image prune -a` (implies dangling).
    pub unused_images: bool,
}

impl PruneRequest {
    pub fn is_empty(&self) -> bool {
        !(self.containers || self.dangling_images || self.unused_images)
    }

    /// The prunes this request runs, in order.
    pub fn kinds(&self) -> Vec<PruneKind> {
        let mut out = Vec::new();
        if self.containers {
            out.push(PruneKind::Containers);
        }
        if self.unused_images {
            out.push(PruneKind::UnusedImages);
        } else if self.dangling_images {
            out.push(PruneKind::DanglingImages);
        }
        out
    }

    /// The equivalent commands, limited to objects with `label` (`key=value`) if given.
    pub fn commands_scoped(&self, label: Option<&str>) -> Vec<String> {
        self.kinds()
            .into_iter()
            .map(|what| {
                DockerCommand::Prune {
                    what,
                    label: label.map(String::from),
                }
                .line()
            })
            .collect()
    }

    /// The equivalent commands, in the order they run.
    pub fn commands(&self) -> Vec<String> {
        self.commands_scoped(None)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PruneItem {
    pub id: String,
    /// Container name, or the image's tags (`<none>` when dangling).
    pub label: String,
    /// Bytes: a container's writable layer; an image's full size (shared layers counted).
    #[ts(type = "number")]
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PrunePreview {
    pub containers: Vec<PruneItem>,
    pub images: Vec<PruneItem>,
    /// An upper bound: layers shared with images that stay are not freed.
    #[ts(type = "number")]
    pub reclaimable: u64,
    pub commands: Vec<String>,
    /// `key=value` when cleanup is limited to objects with that label.
    pub scope: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PruneReport {
    /// IDs of the containers the engine removed.
    pub containers_deleted: Vec<String>,
    /// Image IDs deleted (`deleted`) and references untagged, as the engine reported them.
    pub images_deleted: Vec<String>,
    pub images_untagged: Vec<String>,
    /// What the engine says it freed.
    #[ts(type = "number")]
    pub space_reclaimed: u64,
    pub commands: Vec<String>,
}

/// A container prune removes every container that is not up.
pub fn is_prunable_container(state: ContainerState) -> bool {
    matches!(
        state,
        ContainerState::Created | ContainerState::Exited | ContainerState::Dead
    )
}

/// What `req` would remove. `container_sizes` gives each container's writable-layer size
/// (by ID; missing = 0). Containers pruned in the same run no longer hold their images.
pub fn plan_prune(
    req: PruneRequest,
    containers: &[ContainerSummary],
    container_sizes: &dyn Fn(&str) -> u64,
    images: &[ImageSummary],
) -> PrunePreview {
    let pruned: Vec<&ContainerSummary> = if req.containers {
        containers
            .iter()
            .filter(|c| is_prunable_container(c.state))
            .collect()
    } else {
        Vec::new()
    };
    let pruned_ids: HashSet<&str> = pruned.iter().map(|c| c.id.as_str()).collect();
    let used: HashSet<&str> = containers
        .iter()
        .filter(|c| !pruned_ids.contains(c.id.as_str()))
        .map(|c| c.image_id.as_str())
        .collect();
    let containers_out: Vec<PruneItem> = pruned
        .iter()
        .map(|c| PruneItem {
            id: c.id.clone(),
            label: c.name.clone(),
            size: container_sizes(&c.id),
        })
        .collect();
    let images_out: Vec<PruneItem> = images
        .iter()
        .filter(|i| !used.contains(i.id.as_str()))
        .filter(|i| req.unused_images || (req.dangling_images && i.dangling))
        .map(|i| PruneItem {
            id: i.id.clone(),
            label: if i.tags.is_empty() {
                "<none>".into()
            } else {
                i.tags.join(", ")
            },
            size: i.size,
        })
        .collect();
    let reclaimable = containers_out.iter().map(|c| c.size).sum::<u64>()
        + images_out.iter().map(|i| i.size).sum::<u64>();
    PrunePreview {
        containers: containers_out,
        images: images_out,
        reclaimable,
        commands: req.commands(),
        scope: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(id: &str, state: ContainerState, image_id: &str) -> ContainerSummary {
        ContainerSummary {
            id: id.into(),
            short_id: id.into(),
            name: format!("n-{id}"),
            image: String::new(),
            image_id: image_id.into(),
            command: String::new(),
            state,
            status: String::new(),
            ports: vec![],
            created: 0,
            labels: Default::default(),
        }
    }

    fn image(id: &str, tags: &[&str], size: u64) -> ImageSummary {
        ImageSummary {
            id: id.into(),
            short_id: id.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            digests: vec![],
            dangling: tags.is_empty(),
            size,
            created: 0,
            containers_running: 0,
            containers_total: 0,
        }
    }

    #[test]
    fn previews_follow_the_engines_rules() {
        let containers = [
            container("c1", ContainerState::Exited, "i1"),
            container("c2", ContainerState::Running, "i2"),
            container("c3", ContainerState::Paused, "i3"),
            container("c4", ContainerState::Created, "i4"),
        ];
        let images = [
            image("i1", &[], 10),
            image("i2", &[], 20),
            image("i4", &["app:1"], 40),
            image("i5", &[], 50),
            image("i6", &["tool:2"], 60),
        ];
        let sizes = |id: &str| if id == "c1" { 7 } else { 0 };
        let only_containers = PruneRequest {
            containers: true,
            ..Default::default()
        };
        let p = plan_prune(only_containers, &containers, &sizes, &images);
        let ids: Vec<&str> = p.containers.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c4"]);
        assert!(p.images.is_empty());
        assert_eq!(p.reclaimable, 7);

        // Dangling only, containers kept: i1 is held by the exited c1.
        let dangling = PruneRequest {
            dangling_images: true,
            ..Default::default()
        };
        let p = plan_prune(dangling, &containers, &sizes, &images);
        let ids: Vec<&str> = p.images.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["i5"]);
        assert_eq!(p.images[0].label, "<none>");
        assert_eq!(p.commands, ["docker image prune -f"]);

        // Everything: pruned containers free their images.
        let all = PruneRequest {
            containers: true,
            dangling_images: true,
            unused_images: true,
        };
        let p = plan_prune(all, &containers, &sizes, &images);
        let ids: Vec<&str> = p.images.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["i1", "i4", "i5", "i6"]);
        assert_eq!(p.reclaimable, 7 + 10 + 40 + 50 + 60);
        assert_eq!(
            p.commands,
            ["docker container prune -f", "docker image prune -a -f"]
        );
        assert!(PruneRequest::default().is_empty());
        assert_eq!(
            all.commands_scoped(Some("berth.test=x")),
            [
                "docker container prune -f --filter label=berth.test=x",
                "docker image prune -a -f --filter label=berth.test=x"
            ]
        );
    }
}
