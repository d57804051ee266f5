//! The engine's side of Compose projects: the networks a project made (found by the same
//! project label its containers carry), and removing them once its containers are gone.

use std::collections::HashMap;

use bollard::query_parameters::ListNetworksOptionsBuilder;

use super::{Engine, EngineError};
use crate::domain::groups::ComposeLabel;

/// A network Compose made for a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectNetwork {
    pub id: String,
    pub name: String,
}

impl Engine {
    /// The networks labelled `com.docker.compose.project=<project>` (v1 and v2 both label
    /// the networks they create; external networks carry no such label and are never listed).
    pub async fn compose_networks(
        &self,
        project: &str,
    ) -> Result<Vec<ProjectNetwork>, EngineError> {
        let label = format!("{}={project}", ComposeLabel::Project.key());
        let filters = HashMap::from([("label", vec![label.as_str()])]);
        let options = ListNetworksOptionsBuilder::default()
            .filters(&filters)
            .build();
        let networks = self
            .docker
            .list_networks(Some(options))
            .await
            .map_err(|e| self.map_err(e))?;
        let mut out: Vec<ProjectNetwork> = networks
            .into_iter()
            // The filter is the engine's; check the label again (exact value, not a prefix).
            .filter(|n| {
                n.labels
                    .as_ref()
                    .and_then(|l| l.get(ComposeLabel::Project.key()))
                    .map(String::as_str)
                    == Some(project)
            })
            .filter_map(|n| {
                Some(ProjectNetwork {
                    id: n.id?,
                    name: n.name.unwrap_or_default(),
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Removes one of a project's networks by ID (`docker network rm`).
    pub async fn remove_compose_network(&self, id: &str) -> Result<(), EngineError> {
        let id = super::path::object("network", id)?;
        self.docker
            .remove_network(id)
            .await
            .map_err(|e| self.map_err(e))
    }
}
