//! The guided "change a file in one container" demonstration: write a file through the
//! Engine API's exec (argv only, never a shell line built from user text), then read that
//! container's writable layer back.

use crate::domain::cli_equiv::DockerCommand;
use crate::domain::layers::{demo_write_argv, validate_demo_path, WritableLayer};
use crate::engine::{Engine, EngineError};

/// What the demonstration did: the equivalent `docker exec` line and the layer afterwards.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DemoOutcome {
    pub command: String,
    pub layer: WritableLayer,
}

/// Writes `text` to `path` inside the running container `id`. A bad path is refused before
/// the engine is asked; a failing write reports the container's own message.
pub async fn demo_write_file(
    engine: &Engine,
    id: &str,
    path: &str,
    text: &str,
) -> Result<DemoOutcome, EngineError> {
    let path = validate_demo_path(path).map_err(|message| EngineError::BadRequest { message })?;
    let argv = demo_write_argv(&path, text);
    let out = engine.exec(id, argv.clone()).await?;
    if out.exit_code != Some(0) {
        return Err(EngineError::BadRequest {
            message: format!(
                "writing {path} in the container failed (exit code {}): {}",
                out.exit_code.map_or("unknown".into(), |c| c.to_string()),
                out.output.trim()
            ),
        });
    }
    let layer = engine.writable_layer(id).await?;
    Ok(DemoOutcome {
        command: DockerCommand::Exec {
            container: layer.name.clone(),
            cmd: argv,
        }
        .line(),
        layer,
    })
}
