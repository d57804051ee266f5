//! The engines side by side: one connection and one watcher per configured engine that is not
//! the active one (the active engine has the app's own hub and watcher), each with live
//! running/total counts. The overview is rebuilt from this on demand; `subscribe` says when.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::{run_watcher, EngineHub, WatchSink, WatcherConfig};
use crate::domain::engines::{EngineConfig, EngineOverview, EnginesSetup, LOCAL_ENGINE};
use crate::domain::EngineStatus;
use crate::engine::{Endpoint, EngineError};

type Resolver = dyn Fn() -> Result<Endpoint, EngineError> + Send + Sync;

/// Least time between two count refreshes of one engine. Each refresh lists every container
/// (over SSH for a remote engine); a burst of events (a launch of 100 replicas, a prune) makes
/// the watcher signal every 100 ms for as long as it lasts, and the overview's counts need not
/// move faster than the eye reads them.
const REFRESH_GAP: Duration = Duration::from_millis(500);

/// One job at a time, coalesced: a request while it runs (or waits its gap) only marks it to
/// run once more afterwards, so a burst of any size costs at most one run per gap, and the
/// last change is always counted.
#[derive(Default)]
struct Coalesced(Mutex<CoalesceState>);

#[derive(Default)]
struct CoalesceState {
    running: bool,
    again: bool,
}

impl Coalesced {
    /// Starts `job` on `runtime` unless a run is under way (then it runs once more after it).
    fn request<F, Fut>(self: &Arc<Self>, runtime: &tokio::runtime::Handle, gap: Duration, job: F)
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        {
            let mut state = lock(&self.0);
            if state.running {
                state.again = true;
                return;
            }
            state.running = true;
        }
        let gate = self.clone();
        runtime.spawn(async move {
            loop {
                job().await;
                tokio::time::sleep(gap).await;
                let mut state = lock(&gate.0);
                if !std::mem::take(&mut state.again) {
                    state.running = false;
                    return;
                }
            }
        });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub running: u32,
    pub total: u32,
}

struct Watched {
    config: EngineConfig,
    hub: Arc<EngineHub>,
    counts: Arc<Mutex<Option<Counts>>>,
    stop: CancellationToken,
}

/// An engine's counts and the gate its refreshes go through.
#[derive(Clone, Default)]
struct CountSlot {
    counts: Arc<Mutex<Option<Counts>>>,
    refreshes: Arc<Coalesced>,
}

pub struct EngineManager {
    /// The app's hub: whatever engine is active.
    main: Arc<EngineHub>,
    main_counts: CountSlot,
    /// How the docker CLI would pick the engine (DOCKER_HOST, context, default socket).
    local: Arc<Resolver>,
    setup: Mutex<EnginesSetup>,
    watched: Mutex<HashMap<String, Watched>>,
    changed: watch::Sender<u64>,
    cancel: CancellationToken,
    /// Watchers and count refreshes run here: callers (Tauri's sync commands) may be on a
    /// thread with no runtime.
    runtime: tokio::runtime::Handle,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl EngineManager {
    pub fn new(
        main: Arc<EngineHub>,
        local: Arc<Resolver>,
        cancel: CancellationToken,
        runtime: tokio::runtime::Handle,
    ) -> Arc<Self> {
        Arc::new(Self {
            main,
            main_counts: CountSlot::default(),
            local,
            setup: Mutex::default(),
            watched: Mutex::default(),
            changed: watch::Sender::new(0),
            cancel,
            runtime,
        })
    }

    /// Bumps whenever a status or a count in the overview changed.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    pub fn setup(&self) -> EnginesSetup {
        lock(&self.setup).clone()
    }

    /// The endpoint the active engine should use (the app's watcher resolves through this).
    pub fn active_endpoint(&self) -> Result<Endpoint, EngineError> {
        let setup = lock(&self.setup);
        match setup
            .active
            .as_ref()
            .and_then(|name| setup.engines.iter().find(|e| &e.name == name))
        {
            Some(config) => Ok(Endpoint::from_config(config)),
            None => (self.local)(),
        }
    }

    /// Applies a new list / active engine: watchers start for engines that are new or
    /// changed and not active, and stop for the others.
    pub fn apply(self: &Arc<Self>, setup: EnginesSetup) {
        let mut watched = lock(&self.watched);
        // The docker CLI's engine is watched too while another one is active.
        let local = setup.active.is_some().then(|| self.local_config());
        let wanted: HashMap<&str, &EngineConfig> = setup
            .engines
            .iter()
            .chain(local.iter())
            .filter(|e| setup.active.as_deref() != Some(e.name.as_str()))
            .map(|e| (e.name.as_str(), e))
            .collect();
        watched.retain(|name, w| {
            let keep = wanted.get(name.as_str()).is_some_and(|c| **c == w.config);
            if !keep {
                w.stop.cancel();
            }
            keep
        });
        for (name, config) in wanted {
            if !watched.contains_key(name) {
                watched.insert(name.to_string(), self.watch(config.clone()));
            }
        }
        *lock(&self.main_counts.counts) = None;
        *lock(&self.setup) = setup;
        drop(watched);
        self.bump();
    }

    /// The local engine as a config, so a changed DOCKER_HOST/context restarts its watcher.
    fn local_config(&self) -> EngineConfig {
        EngineConfig {
            name: LOCAL_ENGINE.to_string(),
            endpoint: (self.local)().map(|e| e.uri).unwrap_or_default(),
            tls_ca: None,
            tls_cert: None,
            tls_key: None,
            ssh_config: None,
            origin: String::new(),
        }
    }

    fn watch(self: &Arc<Self>, config: EngineConfig) -> Watched {
        let (uri, resolve): (String, Arc<Resolver>) = if config.name == LOCAL_ENGINE {
            (config.endpoint.clone(), self.local.clone())
        } else {
            let endpoint = Endpoint::from_config(&config);
            (endpoint.uri.clone(), Arc::new(move || Ok(endpoint.clone())))
        };
        let hub = Arc::new(EngineHub::new(&uri));
        let slot = CountSlot::default();
        let counts = slot.counts.clone();
        let stop = self.cancel.child_token();
        let sink = Arc::new(CountingSink {
            hub: hub.clone(),
            slot,
            manager: Arc::downgrade(self),
        });
        self.runtime.spawn(run_watcher(
            hub.clone(),
            sink,
            WatcherConfig::new(resolve),
            stop.clone(),
        ));
        Watched {
            config,
            hub,
            counts,
            stop,
        }
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The active engine's inventory changed (the app's watcher says so).
    pub fn active_changed(self: &Arc<Self>) {
        refresh_counts(
            &self.runtime,
            self.main.clone(),
            self.main_counts.clone(),
            Arc::downgrade(self),
        );
    }

    /// Every engine with its status and counts; the active one first.
    pub fn overview(self: &Arc<Self>) -> Vec<EngineOverview> {
        let setup = self.setup();
        let main_status = self.main.status();
        if lock(&self.main_counts.counts).is_none()
            && matches!(main_status, EngineStatus::Connected { .. })
        {
            self.active_changed();
        }
        let main_counts = *lock(&self.main_counts.counts);
        let watched = lock(&self.watched);
        let row = |name: &str, endpoint: &Endpoint, origin: &str| EngineOverview {
            name: name.to_string(),
            endpoint: endpoint.uri.clone(),
            transport: endpoint.transport_kind(),
            active: false,
            status: EngineStatus::Connecting {
                endpoint: endpoint.uri.clone(),
            },
            running: None,
            total: None,
            origin: origin.to_string(),
        };
        let mut rows = Vec::new();
        // The docker CLI's own engine is listed too, so it can be switched back to.
        let local = (self.local)();
        let local_row = match &local {
            Ok(ep) => row(
                LOCAL_ENGINE,
                ep,
                &format!("the docker CLI's engine ({})", ep.source),
            ),
            Err(e) => EngineOverview {
                status: EngineStatus::Unavailable {
                    problem: EngineError::BadEndpoint {
                        endpoint: String::new(),
                        reason: e.to_string(),
                    }
                    .into_connection_problem(""),
                },
                ..row(
                    LOCAL_ENGINE,
                    &Endpoint::new("", crate::engine::EndpointSource::Default),
                    "",
                )
            },
        };
        rows.push(local_row);
        for config in &setup.engines {
            rows.push(row(
                &config.name,
                &Endpoint::from_config(config),
                &config.origin,
            ));
        }
        let active = setup
            .active
            .clone()
            .unwrap_or_else(|| LOCAL_ENGINE.to_string());
        for r in &mut rows {
            if r.name == active {
                r.active = true;
                r.status = main_status.clone();
                if matches!(r.status, EngineStatus::Connected { .. }) {
                    r.running = main_counts.map(|c| c.running);
                    r.total = main_counts.map(|c| c.total);
                }
            } else if let Some(w) = watched.get(&r.name) {
                r.status = w.hub.status();
                if matches!(r.status, EngineStatus::Connected { .. }) {
                    let c = *lock(&w.counts);
                    r.running = c.map(|c| c.running);
                    r.total = c.map(|c| c.total);
                }
            }
        }
        rows.sort_by_key(|r| !r.active);
        rows
    }

    /// The hub of a watched (non-active) engine, to read from it side by side.
    pub fn hub(&self, name: &str) -> Option<Arc<EngineHub>> {
        lock(&self.watched).get(name).map(|w| w.hub.clone())
    }
}

struct CountingSink {
    hub: Arc<EngineHub>,
    slot: CountSlot,
    manager: std::sync::Weak<EngineManager>,
}

impl WatchSink for CountingSink {
    fn status_changed(&self, status: &EngineStatus) {
        if matches!(status, EngineStatus::Connected { .. }) {
            self.refresh();
        } else {
            *lock(&self.slot.counts) = None;
            if let Some(m) = self.manager.upgrade() {
                m.bump();
            }
        }
    }

    fn inventory_changed(&self) {
        self.refresh();
    }
}

impl CountingSink {
    fn refresh(&self) {
        if let Some(m) = self.manager.upgrade() {
            refresh_counts(
                &m.runtime,
                self.hub.clone(),
                self.slot.clone(),
                self.manager.clone(),
            );
        }
    }
}

/// Lists the engine's containers (off the caller's task) and stores the counts; coalesced
/// through the slot's gate, so a burst of events lists at most once per [`REFRESH_GAP`].
fn refresh_counts(
    runtime: &tokio::runtime::Handle,
    hub: Arc<EngineHub>,
    slot: CountSlot,
    manager: std::sync::Weak<EngineManager>,
) {
    let counts = slot.counts;
    slot.refreshes.request(runtime, REFRESH_GAP, move || {
        let (hub, counts, manager) = (hub.clone(), counts.clone(), manager.clone());
        async move {
            let Ok(engine) = hub.engine() else { return };
            let fresh = match engine.list_containers().await {
                Ok(list) => Some(Counts {
                    running: list.iter().filter(|c| c.state.is_up()).count() as u32,
                    total: list.len() as u32,
                }),
                Err(e) => {
                    tracing::debug!(error = %e, "engine overview: listing failed");
                    None
                }
            };
            let changed = {
                let mut slot = lock(&counts);
                let changed = *slot != fresh;
                *slot = fresh;
                changed
            };
            if let (true, Some(m)) = (changed, manager.upgrade()) {
                m.bump();
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_burst_of_a_hundred_refreshes_lists_a_few_times_and_counts_the_last() {
        let runs = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(AtomicUsize::new(0));
        let events = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(Coalesced::default());
        let runtime = tokio::runtime::Handle::current();
        // 100 inventory signals in a burst (what a launch of 100 replicas gives), with a
        // gap of 50 ms here to keep the test short.
        let gap = Duration::from_millis(50);
        for _ in 0..100 {
            events.fetch_add(1, Ordering::SeqCst);
            let (runs, seen, events) = (runs.clone(), seen.clone(), events.clone());
            gate.request(&runtime, gap, move || {
                let (runs, seen, events) = (runs.clone(), seen.clone(), events.clone());
                async move {
                    // A listing takes a while, and sees every event so far.
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    seen.store(events.load(Ordering::SeqCst), Ordering::SeqCst);
                    runs.fetch_add(1, Ordering::SeqCst);
                }
            });
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        // At 2 ms apart the burst lasts 200 ms or more: about one listing per 55 ms (fewer
        // when the machine is slow, which only stretches the sleeps).
        let runs = runs.load(Ordering::SeqCst);
        assert!((2..=8).contains(&runs), "{runs} listings for 100 signals");
        assert_eq!(
            seen.load(Ordering::SeqCst),
            100,
            "the last listing saw the last event"
        );
        assert!(!lock(&gate.0).running, "the gate is free again");
    }
}
