use tokio::sync::watch;

use super::inventory::{InventoryCache, Listings};
use crate::domain::{EngineProblemKind, EngineStatus, Inventory};
use crate::engine::{Engine, EngineError, EngineEvent};

/// The current connection, shared by the watcher (which writes it) and every command
/// (which reads it). Reads never wait on the network.
#[derive(Debug)]
pub struct EngineHub {
    status: watch::Sender<EngineStatus>,
    engine: watch::Sender<Option<Engine>>,
    /// Bumped by [`EngineHub::reconnect`]; the watcher drops its connection when it changes.
    generation: watch::Sender<u64>,
    /// The last listing and what changed since ([`super::inventory`]).
    inventory: InventoryCache,
}

impl EngineHub {
    pub fn new(endpoint: &str) -> Self {
        Self {
            status: watch::Sender::new(EngineStatus::Connecting {
                endpoint: endpoint.to_string(),
            }),
            engine: watch::Sender::new(None),
            generation: watch::Sender::new(0),
            inventory: InventoryCache::default(),
        }
    }

    /// The one place that swaps engines: forgets the current connection at once (commands
    /// fail as "connecting" instead of reaching the old engine) and makes the watcher
    /// resolve the endpoint again and connect, without waiting out a backoff.
    pub fn reconnect(&self) {
        self.engine.send_replace(None);
        self.generation.send_modify(|g| *g = g.wrapping_add(1));
    }

    pub(super) fn subscribe_reconnects(&self) -> watch::Receiver<u64> {
        self.generation.subscribe()
    }

    pub fn status(&self) -> EngineStatus {
        self.status.borrow().clone()
    }

    pub fn subscribe_status(&self) -> watch::Receiver<EngineStatus> {
        self.status.subscribe()
    }

    /// The connected engine, or the reason there is none.
    pub fn engine(&self) -> Result<Engine, EngineError> {
        if let Some(engine) = self.engine.borrow().as_ref() {
            return Ok(engine.clone());
        }
        Err(match self.status() {
            EngineStatus::Unavailable { problem } => match problem.kind {
                EngineProblemKind::PermissionDenied => EngineError::PermissionDenied {
                    endpoint: problem.endpoint,
                },
                _ => EngineError::Unreachable {
                    endpoint: problem.endpoint,
                    reason: problem.message,
                },
            },
            // Connected but no engine: the watcher is between a dropped stream and its reconnect.
            EngineStatus::Connected { info } => EngineError::Unreachable {
                endpoint: info.endpoint,
                reason: "reconnecting".into(),
            },
            EngineStatus::Connecting { endpoint } => EngineError::Unreachable {
                endpoint,
                reason: "still connecting".into(),
            },
        })
    }

    /// Publishes a new status; returns whether it differs from the previous one.
    pub(super) fn set_status(&self, status: EngineStatus) -> bool {
        self.status.send_if_modified(|current| {
            if *current == status {
                false
            } else {
                *current = status;
                true
            }
        })
    }

    /// Forgets the engine and says "connecting" to `endpoint`: the app switched engines and
    /// a new watcher takes over.
    pub fn reset(&self, endpoint: &str) {
        self.engine.send_replace(None);
        self.set_status(EngineStatus::Connecting {
            endpoint: endpoint.to_string(),
        });
    }

    pub(super) fn set_engine(&self, engine: Option<Engine>) {
        if engine.is_some() {
            // Events may have been missed while there was no connection, or it is another
            // engine: the next refresh lists everything.
            self.inventory
                .new_connection(|| drop(self.engine.send_replace(engine)));
        } else {
            self.engine.send_replace(None);
        }
    }

    /// The containers and images, re-reading only what the engine's events said changed
    /// since the last call ([`super::inventory`]); everything on the first call of a
    /// connection.
    pub async fn inventory(&self) -> Result<Inventory, EngineError> {
        self.inventory.refresh(|| self.engine()).await
    }

    /// The watcher saw `event`: the next [`Self::inventory`] re-reads what it names.
    pub(super) fn record_event(&self, event: &EngineEvent) {
        self.inventory.record(event);
    }

    /// How the inventory refreshes so far were made.
    pub fn inventory_listings(&self) -> Listings {
        self.inventory.listings()
    }
}
