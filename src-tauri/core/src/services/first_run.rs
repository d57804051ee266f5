//! The first-run demo image: checks the host's busybox, packs it with the bundled
//! Dockerfile into a build context, and builds it through the Engine API.

use std::collections::HashMap;

use crate::domain::cli_equiv::DockerCommand;
use crate::domain::first_run::{
    check_busybox, demo_context, DemoImage, DEMO_DOCKERFILE, DEMO_LABEL, DEMO_TAG,
};
use crate::engine::{Engine, EngineError};

/// Builds the demo image from `busybox_path` (normally [`crate::domain::first_run::HOST_BUSYBOX`]).
/// A missing or dynamically linked busybox is refused with the reason, before the engine is asked.
pub async fn build_demo_image(
    engine: &Engine,
    busybox_path: &str,
) -> Result<DemoImage, EngineError> {
    let bytes = tokio::fs::read(busybox_path).await.ok();
    check_busybox(busybox_path, bytes.as_deref())
        .map_err(|message| EngineError::BadRequest { message })?;
    let busybox = bytes.unwrap_or_default();
    let tar = demo_context(&busybox).map_err(|message| EngineError::BadRequest { message })?;
    let labels = HashMap::from([(DEMO_LABEL.to_string(), "1".to_string())]);
    let built = engine.build_image(tar, DEMO_TAG, labels).await?;
    let keep = built.log.len().saturating_sub(12);
    Ok(DemoImage {
        tag: DEMO_TAG.into(),
        image_id: built.image_id,
        dockerfile: DEMO_DOCKERFILE.into(),
        command: DockerCommand::Build {
            tag: DEMO_TAG.into(),
            context: "berth-demo".into(),
        }
        .line(),
        log: built.log[keep..].to_vec(),
    })
}
