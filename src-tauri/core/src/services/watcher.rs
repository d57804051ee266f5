//! Keeps one connection to the engine alive and turns its event stream into debounced
//! "inventory changed" signals. Reconnects by itself, with backoff, whenever the engine
//! goes away; never polls the lists.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::time::{sleep, sleep_until, Instant};
use tokio_util::sync::CancellationToken;

use super::deaths::{ContainerDied, DeathTracker};
use super::EngineHub;
use crate::domain::EngineStatus;
use crate::engine::{Endpoint, Engine, EngineError};

/// Where the watcher reports; the app turns these into UI events.
pub trait WatchSink: Send + Sync + 'static {
    fn status_changed(&self, status: &EngineStatus);
    fn inventory_changed(&self);
    /// A container Berth launched died unexpectedly (non-zero exit, OOM). Not debounced.
    fn container_died(&self, _died: &ContainerDied) {}
}

type Resolver = dyn Fn() -> Result<Endpoint, EngineError> + Send + Sync;

pub struct WatcherConfig {
    /// Events within this window after the first one are reported as one change.
    pub debounce: Duration,
    pub retry_min: Duration,
    pub retry_max: Duration,
    /// Resolved again on every reconnect, so a changed DOCKER_HOST context is picked up.
    pub resolve: Arc<Resolver>,
}

impl WatcherConfig {
    pub fn new(resolve: Arc<Resolver>) -> Self {
        Self {
            debounce: Duration::from_millis(100),
            retry_min: Duration::from_millis(250),
            retry_max: Duration::from_secs(2),
            resolve,
        }
    }
}

/// Runs until `cancel` fires.
pub async fn run_watcher(
    hub: Arc<EngineHub>,
    sink: Arc<dyn WatchSink>,
    config: WatcherConfig,
    cancel: CancellationToken,
) {
    let publish = |status: EngineStatus| {
        if hub.set_status(status.clone()) {
            sink.status_changed(&status);
        }
    };
    let mut backoff = config.retry_min;
    let mut reconnects = hub.subscribe_reconnects();
    reconnects.mark_unchanged();
    // Set when `EngineHub::reconnect` asked for another engine.
    let mut switching = false;
    loop {
        let resolved = (config.resolve)();
        if let (true, Ok(endpoint)) = (switching, &resolved) {
            // The old engine's "connected" is gone: say where Berth is connecting now.
            publish(EngineStatus::Connecting {
                endpoint: endpoint.uri.clone(),
            });
        }
        let connected = match resolved {
            Ok(endpoint) => tokio::select! {
                _ = cancel.cancelled() => return,
                _ = reconnects.changed() => {
                    switching = true;
                    continue;
                }
                r = Engine::connect(&endpoint) => r.map_err(|e| (e, endpoint.uri)),
            },
            Err(e) => Err((e, String::new())),
        };
        match connected {
            Ok(engine) => {
                backoff = config.retry_min;
                hub.set_engine(Some(engine.clone()));
                publish(EngineStatus::Connected {
                    info: engine.info().clone(),
                });
                tracing::info!(endpoint = %engine.endpoint().uri, version = %engine.info().version, "engine connected");
                if std::mem::take(&mut switching) {
                    // The new engine's lists are not the ones on screen.
                    sink.inventory_changed();
                }
                let ended = tokio::select! {
                    ended = follow_events(&engine, sink.as_ref(), &config, &cancel) => ended,
                    _ = reconnects.changed() => {
                        switching = true;
                        Some(EngineError::Unreachable {
                            endpoint: engine.endpoint().uri.clone(),
                            reason: "the engine endpoint was changed".into(),
                        })
                    }
                };
                match ended {
                    None => return, // cancelled
                    Some(e) => {
                        tracing::info!(error = %e, "engine event stream ended; reconnecting")
                    }
                }
                // Reconnect at once: a dropped stream is often a restarting engine. The
                // status only turns "unavailable" if that reconnect fails.
                hub.set_engine(None);
            }
            Err((e, endpoint)) => {
                hub.set_engine(None);
                switching = false;
                let problem = e.into_connection_problem(&endpoint);
                publish(EngineStatus::Unavailable { problem });
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = sleep(backoff) => {}
                    _ = reconnects.changed() => {
                        backoff = config.retry_min;
                        switching = true;
                        continue;
                    }
                }
                backoff = (backoff * 2).min(config.retry_max);
            }
        }
    }
}

/// Follows the event stream until it fails (returns the reason) or `cancel` fires (None).
async fn follow_events(
    engine: &Engine,
    sink: &dyn WatchSink,
    config: &WatcherConfig,
    cancel: &CancellationToken,
) -> Option<EngineError> {
    let events = engine.events(Duration::from_secs(2));
    tokio::pin!(events);
    let mut flush_at: Option<Instant> = None;
    let mut deaths = DeathTracker::default();
    let reason = loop {
        tokio::select! {
            _ = cancel.cancelled() => return None,
            _ = async { sleep_until(flush_at.unwrap_or_else(Instant::now)).await }, if flush_at.is_some() => {
                flush_at = None;
                sink.inventory_changed();
            }
            item = events.next() => match item {
                Some(Ok(event)) => {
                    if let Some(died) = deaths.observe(&event, std::time::Instant::now()) {
                        sink.container_died(&died);
                    }
                    if event.changes_inventory() && flush_at.is_none() {
                        flush_at = Some(Instant::now() + config.debounce);
                    }
                }
                Some(Err(e)) => break e,
                None => break EngineError::Unreachable {
                    endpoint: engine.endpoint().uri.clone(),
                    reason: "the engine closed the event stream".into(),
                },
            },
        }
    };
    if flush_at.is_some() {
        sink.inventory_changed();
    }
    Some(reason)
}
