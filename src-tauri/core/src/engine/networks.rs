//! Networks: the engine's list with the containers attached to each, create, remove, connect
//! and disconnect. The checks that come first (names, subnets, the engine's own networks,
//! networks in use) are in `services::networks`.

use std::collections::HashMap;

use bollard::models::{
    EndpointSettings, Ipam, IpamConfig, Network, NetworkConnectRequest, NetworkCreateRequest,
    NetworkDisconnectRequest,
};
use bollard::query_parameters::{ListContainersOptionsBuilder, ListNetworksOptions};

use super::list::state_from_api;
use super::{path, Engine, EngineError};
use crate::domain::engines::EngineFlavor;
use crate::domain::ids::ContainerId;
use crate::domain::network::{
    attach_members, podman_default_alias, protected_reason, NetworkEndpoint, NetworkMember,
    NetworkSpec, NetworkSubnet, NetworkSummary,
};

impl Engine {
    /// Every network, like `docker network ls`, with the containers (in any state) attached.
    /// The engine's network list leaves its `Containers` empty, so they are read from the
    /// container list (one request, stopped containers included) instead of one inspect per
    /// network.
    pub async fn list_networks(&self) -> Result<Vec<NetworkSummary>, EngineError> {
        let containers = ListContainersOptionsBuilder::default()
            .all(true)
            .filters(&HashMap::<&str, Vec<&str>>::new())
            .build();
        let (networks, containers) = tokio::join!(
            self.docker.list_networks(None::<ListNetworksOptions>),
            self.docker.list_containers(Some(containers)),
        );
        let networks = networks.map_err(|e| self.map_err(e))?;
        let containers = containers.map_err(|e| self.map_err(e))?;
        let podman = self.info().flavor == EngineFlavor::Podman;
        let list: Vec<NetworkSummary> = networks
            .into_iter()
            .map(|n| network_from_api(n, podman))
            .collect();
        let endpoints = containers.into_iter().flat_map(|c| {
            let id = c.id.unwrap_or_default();
            let name = c
                .names
                .and_then(|n| n.into_iter().next())
                .map(|n| n.trim_start_matches('/').to_string())
                .unwrap_or_default();
            let state = state_from_api(c.state);
            c.network_settings
                .and_then(|s| s.networks)
                .unwrap_or_default()
                .into_iter()
                .map(move |(network_name, e)| endpoint_from_api(&id, &name, state, network_name, e))
        });
        let endpoints: Vec<NetworkEndpoint> = if podman {
            endpoints
                .map(|mut e| {
                    podman_default_alias(&list, &mut e);
                    e
                })
                .collect()
        } else {
            endpoints.collect()
        };
        Ok(attach_members(list, endpoints))
    }

    /// `docker network create`: a bridge, with the subnet if one was given. Returns the ID.
    pub async fn create_network(&self, spec: &NetworkSpec) -> Result<String, EngineError> {
        let ipam = spec.subnet.map(|s| Ipam {
            config: Some(vec![IpamConfig {
                subnet: Some(s.to_string()),
                ..Default::default()
            }]),
            ..Default::default()
        });
        let request = NetworkCreateRequest {
            name: spec.name.clone(),
            driver: Some("bridge".into()),
            ipam,
            labels: Some(spec.labels.clone().into_iter().collect()),
            ..Default::default()
        };
        let created = self
            .docker
            .create_network(request)
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(created.id)
    }

    /// `docker network rm`, by ID or name.
    pub async fn remove_network(&self, network: &str) -> Result<(), EngineError> {
        let network = path::object("network", network)?;
        self.docker
            .remove_network(network)
            .await
            .map_err(|e| self.map_err(e))
    }

    /// `docker network connect NETWORK CONTAINER`.
    pub async fn connect_network(&self, network: &str, container: &str) -> Result<(), EngineError> {
        let network = path::object("network", network)?;
        let request = NetworkConnectRequest {
            container: container.to_string(),
            endpoint_config: Some(EndpointSettings::default()),
        };
        self.docker
            .connect_network(network, request)
            .await
            .map_err(|e| self.map_err(e))
    }

    /// `docker network disconnect NETWORK CONTAINER`.
    pub async fn disconnect_network(
        &self,
        network: &str,
        container: &str,
    ) -> Result<(), EngineError> {
        let network = path::object("network", network)?;
        let request = NetworkDisconnectRequest {
            container: container.to_string(),
            force: None,
        };
        self.docker
            .disconnect_network(network, request)
            .await
            .map_err(|e| self.map_err(e))
    }
}

fn endpoint_from_api(
    id: &str,
    name: &str,
    state: crate::domain::ContainerState,
    network_name: String,
    e: EndpointSettings,
) -> NetworkEndpoint {
    let with_prefix = |ip: Option<String>, len: Option<i64>| match (ip, len) {
        (Some(ip), Some(len)) if !ip.is_empty() && len > 0 => format!("{ip}/{len}"),
        (Some(ip), _) => ip,
        _ => String::new(),
    };
    NetworkEndpoint {
        network_id: e.network_id.unwrap_or_default(),
        network_name,
        gateway: e.gateway.unwrap_or_default(),
        member: NetworkMember {
            id: ContainerId::new(id),
            name: name.to_string(),
            state,
            ipv4: with_prefix(e.ip_address, e.ip_prefix_len),
            ipv6: with_prefix(e.global_ipv6_address, e.global_ipv6_prefix_len),
            mac: e.mac_address.unwrap_or_default(),
        },
    }
}

fn network_from_api(n: Network, podman: bool) -> NetworkSummary {
    let name = n.name.unwrap_or_default();
    let ingress = n.ingress.unwrap_or(false);
    let subnets = n
        .ipam
        .and_then(|i| i.config)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| {
            Some(NetworkSubnet {
                subnet: c.subnet.filter(|s| !s.is_empty())?,
                gateway: c.gateway.unwrap_or_default(),
            })
        })
        .collect();
    NetworkSummary {
        id: n.id.unwrap_or_default(),
        protected: protected_reason(&name, ingress, podman).map(str::to_string),
        name,
        driver: n.driver.unwrap_or_default(),
        scope: n.scope.unwrap_or_default(),
        created: n.created.unwrap_or_default(),
        internal: n.internal.unwrap_or(false),
        attachable: n.attachable.unwrap_or(false),
        subnets,
        labels: n.labels.unwrap_or_default().into_iter().collect(),
        attached: Vec::new(),
    }
}
