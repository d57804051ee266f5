//! Container actions: restart, pause, kill, rename, remove (start and stop live in create.rs).

use bollard::query_parameters::{
    KillContainerOptions, RemoveContainerOptions, RenameContainerOptions, RestartContainerOptions,
};

use super::{Engine, EngineError};
use crate::domain::actions::ContainerAction;

impl Engine {
    /// Does `action` to the container `id` (ID or name).
    pub async fn container_action(
        &self,
        id: &str,
        action: ContainerAction,
    ) -> Result<(), EngineError> {
        let d = &self.docker;
        let id = super::path::object("container", id)?;
        let result = match action {
            ContainerAction::Start => return self.start_existing(id).await,
            ContainerAction::Stop => return self.stop_container(id, None).await,
            ContainerAction::Restart => {
                d.restart_container(id, Some(RestartContainerOptions::default()))
                    .await
            }
            ContainerAction::Pause => d.pause_container(id).await,
            ContainerAction::Unpause => d.unpause_container(id).await,
            ContainerAction::Kill => {
                d.kill_container(id, Some(KillContainerOptions::default()))
                    .await
            }
            ContainerAction::Remove { force, volumes } => {
                let options = RemoveContainerOptions {
                    force,
                    v: volumes,
                    link: false,
                };
                d.remove_container(id, Some(options)).await
            }
        };
        result.map_err(|e| self.map_err(e))
    }

    /// Starts a container; one that is already running is fine (the engine answers 304).
    async fn start_existing(&self, id: &str) -> Result<(), EngineError> {
        let id = super::path::object("container", id)?;
        match self.docker.start_container(id, None).await {
            Ok(()) => Ok(()),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 304, ..
            }) => Ok(()),
            Err(e) => Err(self.map_err(e)),
        }
    }

    pub async fn rename_container(&self, id: &str, new_name: &str) -> Result<(), EngineError> {
        let id = super::path::object("container", id)?;
        let new_name = super::path::object("container name", new_name)?;
        let options = RenameContainerOptions {
            name: new_name.to_string(),
        };
        self.docker
            .rename_container(id, options)
            .await
            .map_err(|e| self.map_err(e))
    }
}
