//! Pulling an image with progress and cancel. The reference is checked before the engine is
//! asked; progress goes to the subscriber once per tick; cancelling (or a subscriber that
//! went away) drops the request, and the engine abandons the pull.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::sink::Sink;
use crate::domain::plain_words::network_problem;
use crate::domain::pull::{pull_cli, PullOutcome, PullProgress};
use crate::domain::reference::parse_reference;
use crate::engine::{Engine, EngineError};

pub const PULL_TICK: Duration = Duration::from_millis(100);

/// Pulls `reference`, sending progress to `sink` once per tick; `false` from the sink (the
/// subscriber is gone) abandons the pull.
pub async fn run_pull(
    engine: &Engine,
    reference: &str,
    sink: Arc<dyn Sink<PullProgress>>,
    cancel: CancellationToken,
    tick: Duration,
) -> Result<PullOutcome, EngineError> {
    let image =
        parse_reference(reference).map_err(|message| EngineError::BadRequest { message })?;
    let canonical = image.canonical();
    let command = pull_cli(&canonical);
    let mut progress = PullProgress::default();
    let mut dirty = false;
    let mut ticker = tokio::time::interval(tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let cancelled = {
        let stream = engine.pull(&image);
        futures_util::pin_mut!(stream);
        loop {
            tokio::select! {
                () = cancel.cancelled() => break true,
                _ = ticker.tick() => {
                    if dirty {
                        dirty = false;
                        if !sink.send(progress.clone()) {
                            break true;
                        }
                    }
                }
                item = stream.next() => match item {
                    Some(Ok(m)) => dirty |= progress.apply(&m),
                    Some(Err(e)) => return Err(explain(e, &canonical, image.registry())),
                    None => break false,
                },
            }
        }
        // The stream (and so the request) is dropped here.
    };
    if dirty {
        sink.send(progress.clone());
    }
    if cancelled {
        return Ok(PullOutcome::Cancelled {
            reference: canonical,
            command,
        });
    }
    let image_id = engine
        .local_image_id(&canonical)
        .await?
        .ok_or_else(|| EngineError::Stream {
            message: format!("the pull of {canonical} ended, but the image is not there"),
        })?;
    Ok(PullOutcome::Pulled {
        reference: canonical,
        image_id,
        command,
    })
}

/// Names the image (and registry) in the engine's error.
fn explain(e: EngineError, reference: &str, registry: Option<&str>) -> EngineError {
    let registry = registry.unwrap_or("Docker Hub");
    match e {
        EngineError::NotFound { message } => EngineError::NotFound {
            message: format!("the image {reference} was not found on {registry}: {message}"),
        },
        EngineError::Server { message, .. } | EngineError::Stream { message } => {
            EngineError::Stream {
                message: match network_problem(&message) {
                    Some(problem) => format!("{problem}, so {reference} was not pulled."),
                    None => format!("pulling {reference} from {registry} failed: {message}"),
                },
            }
        }
        EngineError::BadRequest { message } => EngineError::BadRequest {
            message: format!("the engine refused to pull {reference}: {message}"),
        },
        other => other,
    }
}
