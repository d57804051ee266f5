//! Keeps one connection to the engine alive and turns its event stream into debounced
//! "inventory changed" signals. Reconnects by itself whenever the engine goes away, waiting
//! as [`crate::domain::reconnect`] says (short for a local socket, up to tens of seconds for
//! a remote engine); never polls the lists.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::time::{sleep, sleep_until, Instant};
use tokio_util::sync::CancellationToken;

use super::deaths::{ContainerDied, DeathTracker};
use super::refresh_gate::{self, RefreshGate};
use super::unhealthy::HealthTracker;
use super::EngineHub;
use crate::domain::reconnect::{Backoff, ReconnectPolicy};
use crate::domain::EngineStatus;
use crate::engine::{Endpoint, Engine, EngineError};

/// Where the watcher reports; the app turns these into UI events.
pub trait WatchSink: Send + Sync + 'static {
    fn status_changed(&self, status: &EngineStatus);
    fn inventory_changed(&self);
    /// A container Berth launched died unexpectedly (non-zero exit, OOM). Not debounced.
    fn container_died(&self, _died: &ContainerDied) {}
    /// A container Berth launched turned unhealthy (`died.unhealthy`). Not debounced.
    fn container_unhealthy(&self, _died: &ContainerDied) {}
}

type Resolver = dyn Fn() -> Result<Endpoint, EngineError> + Send + Sync;

pub struct WatcherConfig {
    /// The first change after a quiet spell is reported this long after its event; events
    /// within it join it ([`super::refresh_gate`]).
    pub debounce: Duration,
    /// Reports of a stream of changes are at least this far apart.
    pub min_gap: Duration,
    /// The waits between tries; `None`: by the endpoint's transport
    /// ([`ReconnectPolicy::for_transport`]).
    pub policy: Option<ReconnectPolicy>,
    /// Resolved again on every reconnect, so a changed DOCKER_HOST context is picked up.
    pub resolve: Arc<Resolver>,
}

impl WatcherConfig {
    pub fn new(resolve: Arc<Resolver>) -> Self {
        Self {
            debounce: refresh_gate::LEAD,
            min_gap: refresh_gate::GAP,
            policy: None,
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
    let policy_for = |resolved: &Result<Endpoint, EngineError>| {
        config.policy.unwrap_or_else(|| {
            ReconnectPolicy::for_transport(
                resolved.as_ref().ok().and_then(Endpoint::transport_kind),
            )
        })
    };
    let mut backoff: Option<Backoff> = None;
    let mut reconnects = hub.subscribe_reconnects();
    reconnects.mark_unchanged();
    // Set when `EngineHub::reconnect` asked for another engine.
    let mut switching = false;
    loop {
        let resolved = (config.resolve)();
        let policy = policy_for(&resolved);
        let backoff = match &mut backoff {
            // A new engine (or another transport): its waits start over.
            Some(b) if b.policy() == policy && !switching => b,
            slot => slot.insert(Backoff::new(policy)),
        };
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
        let problem = match connected {
            Ok(engine) => {
                backoff.up(std::time::Instant::now());
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
                    ended = follow_events(&engine, &hub, sink.as_ref(), &config, &cancel) => ended,
                    _ = reconnects.changed() => {
                        switching = true;
                        None
                    }
                };
                hub.set_engine(None);
                if switching {
                    continue;
                }
                let Some(e) = ended else {
                    return; // cancelled
                };
                if backoff.down(std::time::Instant::now()) {
                    // It had been up a while: a dropped stream is often a restarting engine, so
                    // try again at once. The status only turns "unavailable" if that fails.
                    tracing::info!(error = %e, "engine event stream ended; reconnecting");
                    continue;
                }
                // It dropped soon after it came up: wait before the next try, so a flapping
                // remote engine is not logged into every few seconds.
                e.into_connection_problem(&engine.endpoint().uri)
            }
            Err((e, endpoint)) => {
                hub.set_engine(None);
                switching = false;
                e.into_connection_problem(&endpoint)
            }
        };
        publish(EngineStatus::Unavailable { problem });
        let wait = backoff.next_wait(random_unit());
        tracing::debug!(?wait, "waiting before the next try at the engine");
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = sleep(wait) => {}
            _ = reconnects.changed() => switching = true,
        }
    }
}

/// A random draw in [0, 1) for the backoff's jitter; 0.5 if the OS has no randomness to give
/// (the waits are then merely not jittered).
fn random_unit() -> f64 {
    // 53 random bits: exactly the precision of an f64 in [0, 1).
    getrandom::u64().map_or(0.5, |r| (r >> 11) as f64 / (1u64 << 53) as f64)
}

/// Follows the event stream until it fails (returns the reason) or `cancel` fires (None).
async fn follow_events(
    engine: &Engine,
    hub: &EngineHub,
    sink: &dyn WatchSink,
    config: &WatcherConfig,
    cancel: &CancellationToken,
) -> Option<EngineError> {
    let events = engine.events(Duration::from_secs(2));
    tokio::pin!(events);
    let mut gate = RefreshGate::new(config.debounce, config.min_gap);
    let mut deaths = DeathTracker::default();
    let mut health = HealthTracker::default();
    let reason = loop {
        tokio::select! {
            _ = cancel.cancelled() => return None,
            _ = async { sleep_until(gate.due().unwrap_or_else(Instant::now)).await }, if gate.due().is_some() => {
                gate.fired(Instant::now());
                sink.inventory_changed();
            }
            item = events.next() => match item {
                Some(Ok(event)) => {
                    if let Some(died) = deaths.observe(&event, std::time::Instant::now()) {
                        sink.container_died(&died);
                    }
                    if let Some(sick) = health.observe(&event) {
                        sink.container_unhealthy(&sick);
                    }
                    if event.changes_inventory() {
                        // Recorded before the report: the refresh it causes re-reads this.
                        hub.record_event(&event);
                        gate.event(Instant::now());
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
    if gate.due().is_some() {
        sink.inventory_changed();
    }
    Some(reason)
}
