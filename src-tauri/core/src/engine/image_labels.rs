//! An image's ID and labels by reference (`docker image inspect -f '{{.Id}} {{.Config.Labels}}'`):
//! what tells a lesson's image from a look-alike of the same tag.

use std::collections::BTreeMap;

use super::{Engine, EngineError};

impl Engine {
    /// The image `reference` names: its ID and its labels; `None` if there is none.
    pub async fn image_labels(
        &self,
        reference: &str,
    ) -> Result<Option<(String, BTreeMap<String, String>)>, EngineError> {
        let reference = super::path::image(reference)?;
        match self.docker.inspect_image(reference).await {
            Ok(image) => Ok(Some((
                image.id.unwrap_or_default(),
                image
                    .config
                    .and_then(|c| c.labels)
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
            ))),
            Err(e) => match self.map_err(e) {
                EngineError::NotFound { .. } => Ok(None),
                other => Err(other),
            },
        }
    }
}
