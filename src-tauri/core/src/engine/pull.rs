//! Pulling an image: the engine's progress messages as a stream.

use bollard::query_parameters::CreateImageOptions;
use futures_util::{Stream, StreamExt};

use super::{Engine, EngineError};
use crate::domain::pull::PullMessage;
use crate::domain::reference::ImageRef;

impl Engine {
    /// Starts pulling `image`. Dropping the stream closes the request, which makes the engine
    /// abandon the pull (nothing is tagged then).
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
        self.docker
            .create_image(Some(options), None, None)
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
