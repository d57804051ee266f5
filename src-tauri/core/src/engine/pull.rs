//! Pulling an image: the engine's progress messages as a stream.

use bollard::auth::DockerCredentials;
use bollard::query_parameters::CreateImageOptions;
use futures_util::{Stream, StreamExt};

use super::credentials::{RegistryLogin, Secret};
use super::{Engine, EngineError};
use crate::domain::pull::PullMessage;
use crate::domain::reference::ImageRef;

impl Engine {
    /// Starts pulling `image`, with the docker CLI's login for its registry when there is
    /// one (as `docker pull` sends it). Dropping the stream closes the request, which makes
    /// the engine abandon the pull (nothing is tagged then).
    pub fn pull(
        &self,
        image: &ImageRef,
    ) -> impl Stream<Item = Result<PullMessage, EngineError>> + Send + 'static {
        let options = CreateImageOptions {
            from_image: Some(image.name.clone()),
            tag: Some(image.tag_or_digest()),
            ..Default::default()
        };
        let endpoint = self.endpoint.uri.clone();
        let docker = self.docker.clone();
        let store = self.endpoint.credentials();
        let registry = image.registry_host().to_string();
        let request = async move {
            let credentials = match store.login_for(&registry).await {
                Ok(login) => login.map(|l| docker_credentials(l, &registry)),
                // An unreadable login is not fatal: the registry may not need one, and if it
                // does, its refusal says so.
                Err(e) => {
                    tracing::warn!(error = %e, registry, "no registry login for the pull");
                    None
                }
            };
            docker.create_image(Some(options), None, credentials)
        };
        futures_util::stream::once(request)
            .flatten()
            .map(move |item| match item {
                Ok(info) => {
                    let detail = info.progress_detail.unwrap_or_default();
                    Ok(PullMessage {
                        id: info.id,
                        status: info.status.unwrap_or_default(),
                        current: detail.current.and_then(|c| u64::try_from(c).ok()),
                        total: detail.total.and_then(|t| u64::try_from(t).ok()),
                    })
                }
                Err(e) => Err(EngineError::from_bollard(e, &endpoint)),
            })
    }
}

/// The `X-Registry-Auth` the engine takes for a pull.
fn docker_credentials(login: RegistryLogin, registry: &str) -> DockerCredentials {
    let (password, identitytoken) = match login.secret {
        Secret::Password(p) => (Some(p), None),
        Secret::IdentityToken(t) => (None, Some(t)),
    };
    DockerCredentials {
        username: Some(login.username).filter(|u| !u.is_empty()),
        password,
        identitytoken,
        serveraddress: Some(registry.to_string()),
        ..Default::default()
    }
}
