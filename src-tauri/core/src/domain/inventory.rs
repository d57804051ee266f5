use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use super::groups::{find_groups, Group};
use super::launch::seal::LaunchKey;
use super::{ContainerSummary, ImageSummary};

/// One consistent picture of an engine's containers and images, fetched together so the
/// per-image counts and the groups agree with the container list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Inventory {
    pub containers: Vec<ContainerSummary>,
    pub images: Vec<ImageSummary>,
    /// Launch groups, Compose projects and services (see [`find_groups`]).
    pub groups: Vec<Group>,
}

impl Inventory {
    /// The picture built from one listing: images get their container counts, and the
    /// groups are read from the containers' labels and judged with the installed launch key
    /// (see [`super::launch::seal::installed`]).
    pub fn new(containers: Vec<ContainerSummary>, images: Vec<ImageSummary>) -> Self {
        let key = super::launch::seal::installed();
        Self::with_key(containers, images, key.as_deref())
    }

    /// [`Self::new`] with launch groups judged by `key` (none: all foreign).
    pub fn with_key(
        containers: Vec<ContainerSummary>,
        mut images: Vec<ImageSummary>,
        key: Option<&LaunchKey>,
    ) -> Self {
        count_containers_per_image(&mut images, &containers);
        Self {
            groups: find_groups(&containers, key),
            containers,
            images,
        }
    }
}

/// Fills each image's running/total container counts from the container list.
///
/// Containers are matched by image ID, not by name: a container keeps pointing at its
/// image after the tag it was created from moves elsewhere, exactly as the engine sees it.
pub fn count_containers_per_image(images: &mut [ImageSummary], containers: &[ContainerSummary]) {
    let mut counts: HashMap<&str, (u32, u32)> = HashMap::new();
    for c in containers {
        let entry = counts.entry(c.image_id.as_str()).or_default();
        entry.1 += 1;
        if c.state.is_up() {
            entry.0 += 1;
        }
    }
    for image in images {
        let (running, total) = counts.get(image.id.as_str()).copied().unwrap_or_default();
        image.containers_running = running;
        image.containers_total = total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ContainerState;

    fn container(image_id: &str, state: ContainerState) -> ContainerSummary {
        ContainerSummary {
            id: "c".into(),
            short_id: "c".into(),
            name: "n".into(),
            image: "x".into(),
            image_id: image_id.into(),
            command: String::new(),
            state,
            status: String::new(),
            ports: vec![],
            created: 0,
            labels: Default::default(),
        }
    }

    fn image(id: &str) -> ImageSummary {
        ImageSummary {
            id: id.into(),
            short_id: id.into(),
            tags: vec![],
            digests: vec![],
            dangling: true,
            size: 0,
            created: 0,
            containers_running: 9,
            containers_total: 9,
        }
    }

    #[test]
    fn counts_running_and_total_per_image_id() {
        let mut images = vec![image("a"), image("b"), image("unused")];
        let containers = vec![
            container("a", ContainerState::Running),
            container("a", ContainerState::Exited),
            container("a", ContainerState::Paused),
            container("b", ContainerState::Created),
            container("gone", ContainerState::Running),
        ];
        count_containers_per_image(&mut images, &containers);
        let got: Vec<_> = images
            .iter()
            .map(|i| (i.id.as_str(), i.containers_running, i.containers_total))
            .collect();
        assert_eq!(got, vec![("a", 2, 3), ("b", 0, 1), ("unused", 0, 0)]);
    }
}
