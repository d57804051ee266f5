//! Creating, starting, stopping and removing containers; the launcher's engine calls.

use std::collections::HashMap;

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    CreateContainerOptions, RemoveContainerOptions, StopContainerOptions,
};

use super::{Engine, EngineError};
use crate::domain::launch::{ReplicaConfig, RestartPolicy};
use crate::domain::ContainerSummary;

impl Engine {
    /// The ID of the local image `reference` names, or `None` if there is none.
    pub async fn local_image_id(&self, reference: &str) -> Result<Option<String>, EngineError> {
        let reference = super::path::image(reference)?;
        match self.docker.inspect_image(reference).await {
            Ok(image) => Ok(Some(image.id.unwrap_or_default())),
            Err(e) => match self.map_err(e) {
                EngineError::NotFound { .. } => Ok(None),
                other => Err(other),
            },
        }
    }

    /// Creates (does not start) one replica; returns its ID.
    pub async fn create_replica(&self, r: &ReplicaConfig) -> Result<String, EngineError> {
        super::path::object("container name", &r.name)?;
        super::path::image(&r.image)?;
        let body = create_body(r).map_err(|e| EngineError::BadRequest {
            message: format!("cannot encode the container configuration: {e}"),
        })?;
        let options = CreateContainerOptions {
            name: Some(r.name.clone()),
            platform: String::new(),
        };
        let created = self
            .docker
            .create_container(Some(options), body)
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(created.id)
    }

    pub async fn start_container(&self, id: &str) -> Result<(), EngineError> {
        let id = super::path::object("container", id)?;
        self.docker
            .start_container(id, None)
            .await
            .map_err(|e| self.map_err(e))
    }

    /// Stops a container (the engine's default grace period); already stopped is fine.
    pub async fn stop_container(
        &self,
        id: &str,
        grace_secs: Option<i32>,
    ) -> Result<(), EngineError> {
        let id = super::path::object("container", id)?;
        let options = StopContainerOptions {
            signal: None,
            t: grace_secs,
        };
        match self.docker.stop_container(id, Some(options)).await {
            Ok(()) => Ok(()),
            // 304 Not Modified: it was not running.
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 304, ..
            }) => Ok(()),
            Err(e) => Err(self.map_err(e)),
        }
    }

    /// Removes a container whatever its state, with its anonymous volumes. Gone already is
    /// fine (an auto-remove container may vanish by itself).
    pub async fn remove_container(&self, id: &str) -> Result<(), EngineError> {
        self.remove_container_with(id, true).await
    }

    /// [`Self::remove_container`], taking its anonymous volumes only when `volumes` is set.
    pub async fn remove_container_with(&self, id: &str, volumes: bool) -> Result<(), EngineError> {
        let id = super::path::object("container", id)?;
        let options = RemoveContainerOptions {
            v: volumes,
            force: true,
            link: false,
        };
        match self.docker.remove_container(id, Some(options)).await {
            Ok(()) => Ok(()),
            Err(e) => match self.map_err(e) {
                EngineError::NotFound { .. } => Ok(()),
                // 409 "removal already in progress": someone else is removing it.
                EngineError::Conflict { message } if message.contains("already in progress") => {
                    Ok(())
                }
                other => Err(other),
            },
        }
    }

    /// Containers (any state) carrying the label `key` (any value) or `key=value`.
    pub async fn list_labelled(&self, label: &str) -> Result<Vec<ContainerSummary>, EngineError> {
        self.containers_where(&HashMap::from([("label", vec![label])]))
            .await
    }
}

/// The engine's create request for a replica: the same fields `docker run` sends for the
/// options [`crate::domain::launch::docker_run_argv`] renders.
pub fn create_body(r: &ReplicaConfig) -> Result<ContainerCreateBody, serde_json::Error> {
    use serde_json::{json, Map, Value};
    let mut exposed = Map::new();
    let mut bindings: Map<String, Value> = Map::new();
    for p in &r.ports {
        let key = p.container_key();
        exposed.insert(key.clone(), json!({}));
        let binding = json!({
            "HostIp": p.host_ip.clone().unwrap_or_default(),
            "HostPort": p.host_port.map(|h| h.to_string()).unwrap_or_default(),
        });
        match bindings.get_mut(&key) {
            Some(Value::Array(list)) => list.push(binding),
            _ => {
                bindings.insert(key, json!([binding]));
            }
        }
    }
    let (restart_name, retries) = match r.restart {
        RestartPolicy::No => ("no", 0),
        RestartPolicy::OnFailure { max_retries } => ("on-failure", max_retries.unwrap_or(0)),
        RestartPolicy::Always => ("always", 0),
        RestartPolicy::UnlessStopped => ("unless-stopped", 0),
    };
    let mut host = json!({
        "PortBindings": bindings,
        "RestartPolicy": {"Name": restart_name, "MaximumRetryCount": retries},
        "AutoRemove": r.auto_remove,
        "NetworkMode": r.network.clone().unwrap_or_else(|| "default".into()),
    });
    if !r.binds.is_empty() {
        host["Binds"] = json!(r.binds);
    }
    if let Some(m) = r.memory {
        host["Memory"] = json!(m);
    }
    if let Some(c) = r.nano_cpus {
        host["NanoCpus"] = json!(c);
    }
    let mut body = json!({
        "Image": r.image,
        "Env": r.env,
        "Labels": r.labels,
        "ExposedPorts": exposed,
        "HostConfig": host,
        "AttachStdin": false,
        "AttachStdout": false,
        "AttachStderr": false,
        "Tty": false,
        "OpenStdin": false,
    });
    if let Some(cmd) = &r.command {
        body["Cmd"] = json!(cmd);
    }
    serde_json::from_value(body)
}
