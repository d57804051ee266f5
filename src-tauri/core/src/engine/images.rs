//! Image actions: tag, remove (saying which containers hold it), history.

use std::collections::HashMap;

use bollard::query_parameters::{RemoveImageOptions, TagImageOptions};

use super::{Engine, EngineError};
use crate::domain::image_ops::{
    in_use_message, rmi_cli, HistoryEntry, ImageUser, RemoveImageResult,
};
use crate::domain::reference::ImageRef;
use crate::domain::ContainerState;

impl Engine {
    /// Adds the tag `target` to the local image `source` (ID or reference).
    pub async fn tag_image(&self, source: &str, target: &ImageRef) -> Result<(), EngineError> {
        let source = super::path::image(source)?;
        let options = TagImageOptions {
            repo: Some(target.name.clone()),
            tag: Some(target.tag.clone().unwrap_or_else(|| "latest".into())),
        };
        self.docker
            .tag_image(source, Some(options))
            .await
            .map_err(|e| self.map_err(e))
    }

    /// The containers (any state) made from the image with ID `image_id`.
    pub async fn image_users(&self, image_id: &str) -> Result<Vec<ImageUser>, EngineError> {
        let users = self
            .containers_where(&HashMap::from([("ancestor", vec![image_id])]))
            .await?;
        // `ancestor` also matches children of the image; keep only direct users.
        Ok(users
            .into_iter()
            .filter(|c| c.image_id == image_id)
            .map(|c| ImageUser {
                running: c.state == ContainerState::Running,
                id: c.id,
                name: c.name,
            })
            .collect())
    }

    /// Removes `image` (ID or reference). Without `force`, an image containers use is refused
    /// with a [`EngineError::Conflict`] naming them, before the engine is asked.
    pub async fn remove_image(
        &self,
        image: &str,
        force: bool,
    ) -> Result<RemoveImageResult, EngineError> {
        let image = super::path::image(image)?;
        let found = match self.docker.inspect_image(image).await {
            Ok(found) => found,
            Err(e) => {
                return Err(match self.map_err(e) {
                    EngineError::NotFound { .. } => EngineError::NotFound {
                        message: format!("no such image: {image}"),
                    },
                    other => other,
                })
            }
        };
        let id = found.id.unwrap_or_default();
        let tags = found.repo_tags.unwrap_or_default();
        // Removing one of several tags only untags: containers do not stop that.
        let only_untags = tags.len() > 1
            && tags
                .iter()
                .any(|t| t == image || *t == format!("{image}:latest"));
        if !force && !only_untags {
            let users = self.image_users(&id).await?;
            if !users.is_empty() {
                return Err(EngineError::Conflict {
                    message: in_use_message(image, &users),
                });
            }
        }
        let options = RemoveImageOptions {
            force,
            noprune: false,
            platforms: None,
        };
        let items = self
            .docker
            .remove_image(image, Some(options), None)
            .await
            .map_err(|e| self.map_err(e))?;
        let mut result = RemoveImageResult {
            untagged: Vec::new(),
            deleted: Vec::new(),
            command: rmi_cli(image, force),
        };
        for item in items {
            result.untagged.extend(item.untagged);
            result.deleted.extend(item.deleted);
        }
        Ok(result)
    }

    /// The image's layers, newest first, like `docker history`.
    pub async fn image_history(&self, image: &str) -> Result<Vec<HistoryEntry>, EngineError> {
        let image = super::path::image(image)?;
        let items = self
            .docker
            .image_history(image)
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(items
            .into_iter()
            .map(|h| HistoryEntry {
                id: h.id,
                created: h.created,
                created_by: h.created_by,
                size: u64::try_from(h.size).unwrap_or_default(),
                tags: h.tags,
                comment: h.comment,
            })
            .collect())
    }
}
