use std::time::Duration;

use bollard::Docker;

use super::remote::Dialer;
use super::{Endpoint, EngineError, Transport};
use crate::domain::engines::EngineFlavor;
use crate::domain::{EngineInfo, Inventory};

/// Seconds before a request (not a stream) is given up. Short, because a local engine answers
/// in milliseconds and the UI should say "unreachable" quickly rather than hang.
const REQUEST_TIMEOUT_SECS: u64 = 20;

/// A connected engine. Cheap to clone: bollard's client is reference-counted.
#[derive(Clone, Debug)]
pub struct Engine {
    pub(super) docker: Docker,
    pub(super) endpoint: Endpoint,
    info: EngineInfo,
}

impl Engine {
    /// Connects, agrees on an API version (the engine may be older than bollard: Debian 12
    /// ships API 1.41) and reads what the status bar shows.
    pub async fn connect(endpoint: &Endpoint) -> Result<Self, EngineError> {
        let uri = endpoint.uri.as_str();
        let map = |e| EngineError::from_bollard(e, uri);
        let docker = match endpoint.transport()? {
            Transport::Unix(path) => {
                let path = path.to_string_lossy();
                Docker::connect_with_unix(&path, REQUEST_TIMEOUT_SECS, bollard::API_DEFAULT_VERSION)
            }
            Transport::Tcp(addr) => {
                Docker::connect_with_http(&addr, REQUEST_TIMEOUT_SECS, bollard::API_DEFAULT_VERSION)
            }
            Transport::Tls { addr, files } => Dialer::tls(&addr, &files)
                .map_err(|failure| EngineError::from((failure, uri)))?
                .into_docker(REQUEST_TIMEOUT_SECS),
            Transport::Ssh(target) => Dialer::ssh(&target, endpoint.ssh_config.as_deref())
                .into_docker(REQUEST_TIMEOUT_SECS),
        }
        .map_err(map)?;
        let docker = docker.negotiate_version().await.map_err(map)?;
        let version = docker.version().await.map_err(map)?;
        let product = version
            .platform
            .as_ref()
            .map(|p| p.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Docker Engine".to_string());
        // Podman names itself in a version component ("Podman Engine"); its Platform.Name
        // is the OS ("linux/amd64/debian-12"), so the product name comes from the component.
        let podman_component = version
            .components
            .iter()
            .flatten()
            .find(|c| c.name.to_ascii_lowercase().contains("podman"))
            .map(|c| c.name.clone());
        let podman = podman_component.is_some() || product.to_ascii_lowercase().contains("podman");
        let product = podman_component.unwrap_or(product);
        let (host_name, swarm) = match docker.info().await {
            Ok(info) => (
                info.name.unwrap_or_default(),
                super::swarm::swarm_from_info(info.swarm),
            ),
            // The host name is decoration: an engine that fails /info is still usable.
            Err(e) => {
                tracing::warn!(error = %e, "engine /info failed");
                (String::new(), crate::domain::swarm::SwarmInfo::inactive())
            }
        };
        let info = EngineInfo {
            endpoint: endpoint.uri.clone(),
            endpoint_source: endpoint.source.to_string(),
            product,
            version: version.version.unwrap_or_default(),
            api_version: docker.client_version().to_string(),
            os: version.os.unwrap_or_default(),
            arch: version.arch.unwrap_or_default(),
            kernel: version.kernel_version.unwrap_or_default(),
            host_name,
            engine_name: endpoint.display_name(),
            transport: endpoint.transport_kind().unwrap_or_default(),
            flavor: if podman {
                EngineFlavor::Podman
            } else {
                EngineFlavor::Docker
            },
            swarm,
        };
        Ok(Self {
            docker,
            endpoint: endpoint.clone(),
            info,
        })
    }

    pub fn info(&self) -> &EngineInfo {
        &self.info
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub(super) fn map_err(&self, err: bollard::errors::Error) -> EngineError {
        EngineError::from_bollard(err, &self.endpoint.uri)
    }

    /// Cheap liveness check.
    pub async fn ping(&self) -> Result<(), EngineError> {
        self.docker
            .ping()
            .await
            .map(drop)
            .map_err(|e| self.map_err(e))
    }

    /// Containers and images fetched together (in parallel), with per-image counts filled.
    pub async fn inventory(&self) -> Result<Inventory, EngineError> {
        let (containers, images) = tokio::try_join!(self.list_containers(), self.list_images())?;
        Ok(Inventory::new(containers, images))
    }

    /// The timeout used for ordinary requests; streams are not bound by it.
    pub fn request_timeout() -> Duration {
        Duration::from_secs(REQUEST_TIMEOUT_SECS)
    }
}
