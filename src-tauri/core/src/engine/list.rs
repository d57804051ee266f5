//! Listing containers and images, mapped from bollard's models to Berth's domain types.

use std::collections::HashMap;

use bollard::models::{
    ContainerSummary as ApiContainer, ContainerSummaryStateEnum as ApiState,
    ImageSummary as ApiImage, PortSummary,
};
use bollard::query_parameters::{ListContainersOptionsBuilder, ListImagesOptionsBuilder};

use super::{Engine, EngineError};
use crate::domain::{short_id, ContainerState, ContainerSummary, ImageSummary, PortMapping};

impl Engine {
    /// Every container, in every state, like `docker ps -a`.
    pub async fn list_containers(&self) -> Result<Vec<ContainerSummary>, EngineError> {
        self.containers_where(&HashMap::new()).await
    }

    /// Containers in every state that match the engine-side `filters` (`docker ps -a
    /// --filter`); no filters lists them all.
    pub(super) async fn containers_where(
        &self,
        filters: &HashMap<&str, Vec<&str>>,
    ) -> Result<Vec<ContainerSummary>, EngineError> {
        let options = ListContainersOptionsBuilder::default()
            .all(true)
            .filters(filters)
            .build();
        let raw = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(raw.into_iter().filter_map(container_from_api).collect())
    }

    /// The containers with these full IDs (`docker ps -a --filter id=...`), in any state; an
    /// ID the engine no longer has is simply missing from the answer. The engine matches the
    /// filter by prefix, so a caller keeps only the IDs it asked for.
    pub async fn containers_by_id(
        &self,
        ids: &[String],
    ) -> Result<Vec<ContainerSummary>, EngineError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let filters = HashMap::from([("id", ids.iter().map(String::as_str).collect())]);
        self.containers_where(&filters).await
    }

    /// Every image, tagged or dangling, like `docker images` (top-level images only, not
    /// the intermediate layers of local builds, which `docker images -a` adds).
    pub async fn list_images(&self) -> Result<Vec<ImageSummary>, EngineError> {
        let options = ListImagesOptionsBuilder::default().all(false).build();
        let raw = self
            .docker
            .list_images(Some(options))
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(raw.into_iter().map(image_from_api).collect())
    }
}

pub(super) fn container_from_api(c: ApiContainer) -> Option<ContainerSummary> {
    // A container without an ID cannot be acted on or keyed in the UI; engines always send it.
    let id = c.id?;
    let name = c
        .names
        .and_then(|names| names.into_iter().next())
        .map(|n| n.trim_start_matches('/').to_string())
        .unwrap_or_default();
    let mut ports: Vec<PortMapping> = c
        .ports
        .unwrap_or_default()
        .into_iter()
        .map(port_from_api)
        .collect();
    ports.sort_by(|a, b| {
        (a.container_port, &a.protocol, a.host_port, &a.host_ip).cmp(&(
            b.container_port,
            &b.protocol,
            b.host_port,
            &b.host_ip,
        ))
    });
    ports.dedup();
    Some(ContainerSummary {
        short_id: short_id(&id),
        id,
        name,
        image: c.image.unwrap_or_default(),
        image_id: c.image_id.unwrap_or_default(),
        command: c.command.unwrap_or_default(),
        state: state_from_api(c.state),
        status: c.status.unwrap_or_default(),
        ports,
        created: c.created.unwrap_or_default(),
        labels: c.labels.unwrap_or_default().into_iter().collect(),
    })
}

pub(super) fn state_from_api(state: Option<ApiState>) -> ContainerState {
    match state {
        Some(ApiState::RUNNING) => ContainerState::Running,
        // A stopping container is still up until its process exits.
        Some(ApiState::STOPPING) => ContainerState::Running,
        Some(ApiState::PAUSED) => ContainerState::Paused,
        Some(ApiState::RESTARTING) => ContainerState::Restarting,
        Some(ApiState::REMOVING) => ContainerState::Removing,
        Some(ApiState::EXITED) => ContainerState::Exited,
        Some(ApiState::DEAD) => ContainerState::Dead,
        Some(ApiState::CREATED) | Some(ApiState::EMPTY) | None => ContainerState::Created,
    }
}

fn port_from_api(p: PortSummary) -> PortMapping {
    PortMapping {
        host_ip: p.ip.filter(|ip| !ip.is_empty()),
        host_port: p.public_port.filter(|&port| port != 0),
        container_port: p.private_port,
        protocol: p
            .typ
            .map(|t| t.to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "tcp".to_string()),
    }
}

pub(super) fn image_from_api(i: ApiImage) -> ImageSummary {
    // Older engines report a dangling image as the single tag `<none>:<none>`.
    let tags: Vec<String> = i
        .repo_tags
        .into_iter()
        .filter(|t| t != "<none>:<none>")
        .collect();
    let digests: Vec<String> = i
        .repo_digests
        .into_iter()
        .filter(|d| d != "<none>@<none>")
        .collect();
    ImageSummary {
        short_id: short_id(&i.id),
        dangling: tags.is_empty(),
        id: i.id,
        tags,
        digests,
        size: u64::try_from(i.size).unwrap_or_default(),
        created: i.created,
        containers_running: 0,
        containers_total: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_maps_name_state_and_ports() {
        let raw: ApiContainer = serde_json::from_value(serde_json::json!({
            "Id": "0123456789abcdef0123",
            "Names": ["/web-1"],
            "Image": "busybox:1",
            "ImageID": "sha256:ffff",
            "Command": "sh",
            "Created": 1700000000,
            "Ports": [
                {"IP": "::", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
                {"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
                {"PrivatePort": 53, "Type": "udp"}
            ],
            "Labels": {"a": "b"},
            "State": "paused",
            "Status": "Up 2 minutes (Paused)"
        }))
        .unwrap();
        let c = container_from_api(raw).unwrap();
        assert_eq!(c.name, "web-1");
        assert_eq!(c.short_id, "0123456789ab");
        assert_eq!(c.state, ContainerState::Paused);
        let shown: Vec<String> = c.ports.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec!["53/udp", "0.0.0.0:8080->80/tcp", "[::]:8080->80/tcp"]
        );
        assert_eq!(c.labels.get("a").map(String::as_str), Some("b"));
    }

    #[test]
    fn old_engines_dangling_images_have_no_tags() {
        let raw: ApiImage = serde_json::from_value(serde_json::json!({
            "Id": "sha256:abcdef0123456789abcd",
            "ParentId": "",
            "RepoTags": ["<none>:<none>"],
            "RepoDigests": null,
            "Created": 1700000000,
            "Size": 2048,
            "SharedSize": -1,
            "VirtualSize": 2048,
            "Labels": null,
            "Containers": -1
        }))
        .unwrap();
        let i = image_from_api(raw);
        assert!(i.dangling);
        assert!(i.tags.is_empty() && i.digests.is_empty());
        assert_eq!(i.short_id, "abcdef012345");
        assert_eq!(i.size, 2048);
    }
}
