//! Building an image from a tar build context (the classic builder: Docker 20.10's default).

use std::collections::HashMap;

use bollard::query_parameters::BuildImageOptions;
use futures_util::StreamExt;

use super::{Engine, EngineError};

/// What a build printed and the image it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub image_id: String,
    pub log: Vec<String>,
}

impl Engine {
    /// Builds the context `tar` (which holds a `Dockerfile`) as `tag` with `labels`. A failing
    /// step fails with the builder's message; the engine removes its intermediate containers.
    pub async fn build_image(
        &self,
        tar: Vec<u8>,
        tag: &str,
        labels: HashMap<String, String>,
    ) -> Result<Built, EngineError> {
        let options = BuildImageOptions {
            dockerfile: "Dockerfile".into(),
            t: Some(tag.to_string()),
            rm: true,
            forcerm: true,
            labels: Some(labels),
            ..Default::default()
        };
        let stream = self.docker.build_image(
            options,
            None,
            Some(bollard::body_full(bytes::Bytes::from(tar))),
        );
        futures_util::pin_mut!(stream);
        let mut log = Vec::new();
        let mut image_id = None;
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| self.map_err(e))?;
            if let Some(detail) = info.error_detail {
                return Err(EngineError::BadRequest {
                    message: format!(
                        "building {tag} failed: {}",
                        detail.message.unwrap_or_default()
                    ),
                });
            }
            if let Some(text) = info.stream {
                log.extend(
                    text.lines()
                        .map(str::trim_end)
                        .filter(|l| !l.is_empty())
                        .map(String::from),
                );
            }
            // Without bollard's buildkit feature, `aux` is the classic builder's image ID.
            if let Some(aux) = info.aux {
                image_id = aux.id.or(image_id);
            }
        }
        let image_id = match image_id {
            Some(id) => id,
            // Older engines only print "Successfully built <short id>": ask for the tag.
            None => self
                .local_image_id(tag)
                .await?
                .ok_or_else(|| EngineError::BadRequest {
                    message: format!("building {tag} ended without an image"),
                })?,
        };
        Ok(Built { image_id, log })
    }
}
