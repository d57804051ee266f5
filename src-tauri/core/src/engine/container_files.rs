//! A container's files through the engine's archive API: `GET /containers/{id}/archive`
//! (a path as a tar stream; works on stopped containers) and `PUT` of a tar into a folder.
//! Paths go to the engine as URL query values, never through a shell.

use bollard::query_parameters::{
    DownloadFromContainerOptionsBuilder, InspectContainerOptions, UploadToContainerOptionsBuilder,
};
use bytes::Bytes;
use futures_util::{Stream, TryStreamExt};

use super::{path, Engine, EngineError};

impl Engine {
    /// The container's name (without `/`) and whether it runs.
    pub async fn container_name_state(&self, id: &str) -> Result<(String, bool), EngineError> {
        let id = path::object("container", id)?;
        let raw = self
            .docker
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .map_err(|e| self.map_err(e))?;
        let name = raw
            .name
            .as_deref()
            .map(|n| n.trim_start_matches('/').to_string())
            .unwrap_or_else(|| id.to_string());
        let running = raw.state.and_then(|s| s.running).unwrap_or(false);
        Ok((name, running))
    }

    /// `docker cp CONTAINER:PATH -`: the path as a tar stream, read as it arrives.
    pub fn container_archive(
        &self,
        id: &str,
        path: &str,
    ) -> impl Stream<Item = Result<Bytes, EngineError>> + Send + 'static {
        let options = DownloadFromContainerOptionsBuilder::default()
            .path(path)
            .build();
        let engine = self.clone();
        self.docker
            .download_from_container(id, Some(options))
            .map_err(move |e| engine.map_err(e))
    }

    /// Unpacks the tar `body` into folder `dir` of the container (which must exist); the
    /// body is sent as it is produced, never gathered first.
    pub async fn upload_archive(
        &self,
        id: &str,
        dir: &str,
        body: impl Stream<Item = Bytes> + Send + 'static,
    ) -> Result<(), EngineError> {
        let id = path::object("container", id)?;
        let options = UploadToContainerOptionsBuilder::default()
            .path(dir)
            .no_overwrite_dir_non_dir("true")
            .build();
        self.docker
            .upload_to_container(id, Some(options), bollard::body_stream(body))
            .await
            .map_err(|e| self.map_err(e))
    }
}
