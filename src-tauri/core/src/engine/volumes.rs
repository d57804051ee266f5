//! Volumes: the engine's list, and which containers mount each one.

use std::collections::HashMap;

use bollard::models::Volume;
use bollard::query_parameters::{ListContainersOptionsBuilder, ListVolumesOptions};

use super::list::state_from_api;
use super::{Engine, EngineError};
use crate::domain::ids::ContainerId;
use crate::domain::volume::{attach_users, VolumeMount, VolumeSummary, VolumeUser};

impl Engine {
    /// Every volume, like `docker volume ls`, with the containers (in any state) that mount
    /// it. Sizes are not here: the engine's disk-usage endpoint that knows them is slow on
    /// big engines, so it is asked separately and lazily.
    pub async fn list_volumes(&self) -> Result<Vec<VolumeSummary>, EngineError> {
        let containers = ListContainersOptionsBuilder::default()
            .all(true)
            .filters(&HashMap::<&str, Vec<&str>>::new())
            .build();
        let (volumes, containers) = tokio::join!(
            self.docker.list_volumes(None::<ListVolumesOptions>),
            self.docker.list_containers(Some(containers)),
        );
        let volumes = volumes.map_err(|e| self.map_err(e))?;
        let containers = containers.map_err(|e| self.map_err(e))?;
        let mounts = containers.into_iter().flat_map(|c| {
            let id = c.id.unwrap_or_default();
            let name = c
                .names
                .and_then(|n| n.into_iter().next())
                .map(|n| n.trim_start_matches('/').to_string())
                .unwrap_or_default();
            let state = state_from_api(c.state);
            c.mounts
                .unwrap_or_default()
                .into_iter()
                .filter(|m| m.typ.as_deref() == Some("volume"))
                .filter_map(move |m| {
                    Some(VolumeMount {
                        volume: m.name?,
                        container: VolumeUser {
                            id: ContainerId::new(id.clone()),
                            name: name.clone(),
                            state,
                            destination: m.destination.unwrap_or_default(),
                            read_only: m.rw == Some(false),
                        },
                    })
                })
        });
        let list = volumes
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(volume_from_api)
            .collect();
        Ok(attach_users(list, mounts))
    }
}

fn volume_from_api(v: Volume) -> VolumeSummary {
    VolumeSummary {
        name: v.name,
        driver: v.driver,
        mountpoint: v.mountpoint,
        created: v.created_at.unwrap_or_default(),
        scope: v.scope.map(|s| s.to_string()).unwrap_or_default(),
        labels: v.labels.into_iter().collect(),
        used_by: Vec::new(),
    }
}
