//! The stats hub: samples containers' resource use and keeps each one's history in a bounded
//! ring, for any number of subscribers.
//!
//! Cost-aware sampling, chosen by measurement (`scripts/bench-stats.sh`, Docker 20.10, 2
//! shared cores, 20 busy containers for 20 s): `docker stats` streaming costs the engine
//! (dockerd + containerd + shims) about 2.5 CPU-s, because a stream makes the engine sample
//! every container every second whether anyone looks or not; one-shot polls
//! (`stream=false&one-shot=true`) of the same 20 each second cost about half of that, and
//! Berth only polls what is on screen each second (a detail chart, a group's replicas) and
//! the list's columns every 5 s. So: one task, one-shot polls, no stream per container.
//!
//! One task ([`StatsHub::run`]) owns all sampling; it polls only while someone subscribes,
//! only containers that run, and forgets a container when it dies. Subscribers get their
//! backlog first, then one batch per tick.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use serde::Serialize;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::domain::stats::{point, Counters, StatsPoint};
use crate::domain::ContainerState;
use crate::engine::{Engine, EngineError};

/// New points of one container.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StatsUpdate {
    pub id: String,
    pub points: Vec<StatsPoint>,
}

/// Where batches go. `false` means the subscriber is gone.
pub trait StatsSink: Send + Sync {
    fn send(&self, batch: Vec<StatsUpdate>) -> bool;
}

#[derive(Debug, Clone)]
pub struct StatsConfig {
    /// How much history each container keeps (default 15 minutes).
    pub history: Duration,
    /// Sampling period of containers a subscriber names (on screen): 1 s.
    pub focus_every: Duration,
    /// Sampling period of every running container, for subscribers that want all (list
    /// columns): 5 s.
    pub all_every: Duration,
    /// Polls in flight at once. Docker 20.10 answers a one-shot poll only at its stats
    /// collector's next 1 s tick (measured here: 20 sequential polls took 19 s), so a poll
    /// costs waiting, not work: at 8 in flight, 20 on-screen containers were sampled only
    /// every ~4 s. Enough in flight to sweep everything on screen within one tick.
    pub concurrency: usize,
}

impl Default for StatsConfig {
    fn default() -> Self {
        Self {
            history: Duration::from_secs(15 * 60),
            focus_every: Duration::from_secs(1),
            all_every: Duration::from_secs(5),
            concurrency: 64,
        }
    }
}

struct Series {
    prev: Option<Counters>,
    points: VecDeque<StatsPoint>,
}

struct Sub {
    ids: HashSet<String>,
    all: bool,
    sink: Arc<dyn StatsSink>,
}

#[derive(Default)]
struct State {
    series: HashMap<String, Series>,
    subs: HashMap<u64, Sub>,
    next_sub: u64,
    /// Running containers at the last listing.
    running: HashSet<String>,
}

pub struct StatsHub {
    config: StatsConfig,
    state: Mutex<State>,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

impl StatsHub {
    pub fn new(config: StatsConfig) -> Self {
        Self {
            config,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Most points a ring holds.
    pub fn capacity(&self) -> usize {
        let per = self.config.focus_every.as_secs_f64().max(0.001);
        (self.config.history.as_secs_f64() / per).ceil() as usize + 1
    }

    /// Subscribes to `ids` (sampled each second) and, with `all`, to every running
    /// container (sampled every few seconds). The backlog of `ids` (all series with `all`)
    /// is sent first. Returns the subscription's key for [`Self::unsubscribe`].
    pub fn subscribe(&self, ids: Vec<String>, all: bool, sink: Arc<dyn StatsSink>) -> u64 {
        let mut state = self.lock();
        let ids: HashSet<String> = ids.into_iter().collect();
        let backlog: Vec<StatsUpdate> = state
            .series
            .iter()
            .filter(|(id, s)| (all || ids.contains(*id)) && !s.points.is_empty())
            .map(|(id, s)| StatsUpdate {
                id: id.clone(),
                points: s.points.iter().copied().collect(),
            })
            .collect();
        if !backlog.is_empty() && !sink.send(backlog) {
            return u64::MAX;
        }
        state.next_sub += 1;
        let key = state.next_sub;
        state.subs.insert(key, Sub { ids, all, sink });
        key
    }

    pub fn unsubscribe(&self, key: u64) {
        let mut state = self.lock();
        state.subs.remove(&key);
        if state.subs.is_empty() {
            // Nobody looks: forget the previous samples, so a later subscriber's first
            // delta is not taken over a long gap. History stays.
            for s in state.series.values_mut() {
                s.prev = None;
            }
        }
    }

    pub fn subscribers(&self) -> usize {
        self.lock().subs.len()
    }

    /// A copy of one container's history.
    pub fn history(&self, id: &str) -> Vec<StatsPoint> {
        self.lock()
            .series
            .get(id)
            .map(|s| s.points.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Containers with a series.
    pub fn series_count(&self) -> usize {
        self.lock().series.len()
    }

    /// Appends points to a container's ring as if sampled (benchmarks, tests).
    pub fn record(&self, id: &str, points: impl IntoIterator<Item = StatsPoint>) {
        let cap = self.capacity();
        let mut state = self.lock();
        let series = state
            .series
            .entry(id.to_string())
            .or_insert_with(|| Series {
                prev: None,
                points: VecDeque::with_capacity(cap),
            });
        for p in points {
            push_bounded(&mut series.points, p, cap, self.config.history);
        }
    }

    /// Samples until `cancel`, one round per `focus_every`. `engine` gives the current
    /// connection (none while the engine is down: the round is skipped).
    pub async fn run<F>(self: Arc<Self>, engine: F, cancel: CancellationToken)
    where
        F: Fn() -> Result<Engine, EngineError> + Send + Sync,
    {
        let mut ticker = tokio::time::interval(self.config.focus_every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let every = (self.config.all_every.as_secs_f64() / self.config.focus_every.as_secs_f64())
            .round()
            .max(1.0) as u64;
        let mut round: u64 = 0;
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                _ = ticker.tick() => {}
            }
            if self.subscribers() == 0 {
                continue;
            }
            if let Ok(engine) = engine() {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    () = self.round(&engine, round % every == 0) => {}
                }
            }
            round += 1;
        }
    }

    /// One sampling round: lists running containers when `list` (and forgets the dead),
    /// polls what is due, and sends each subscriber one batch.
    pub async fn round(&self, engine: &Engine, list: bool) {
        if list {
            match engine.list_containers().await {
                Ok(containers) => {
                    let running: HashSet<String> = containers
                        .into_iter()
                        .filter(|c| c.state == ContainerState::Running)
                        .map(|c| c.id)
                        .collect();
                    let mut state = self.lock();
                    state.series.retain(|id, _| running.contains(id));
                    state.running = running;
                }
                Err(e) => tracing::debug!(error = %e, "stats: listing failed"),
            }
        }
        let due: Vec<String> = {
            let state = self.lock();
            let want_all = list && state.subs.values().any(|s| s.all);
            let mut due: HashSet<String> = state
                .subs
                .values()
                .flat_map(|s| s.ids.iter().cloned())
                .collect();
            if want_all {
                due.extend(state.running.iter().cloned());
            }
            // A container seen once has no delta yet: sample it again now, not in 5 s.
            due.extend(
                state
                    .series
                    .iter()
                    .filter(|(_, s)| s.prev.is_some() && s.points.is_empty())
                    .map(|(id, _)| id.clone()),
            );
            due.into_iter().collect()
        };
        if due.is_empty() {
            return;
        }
        let results: Vec<(String, Result<_, EngineError>, f64)> = futures_util::stream::iter(due)
            .map(|id| async move {
                let raw = engine.stats_once(&id).await;
                (id, raw, now_ms())
            })
            .buffer_unordered(self.config.concurrency.max(1))
            .collect()
            .await;

        let cap = self.capacity();
        let mut state = self.lock();
        let mut fresh: Vec<StatsUpdate> = Vec::new();
        for (id, raw, at) in results {
            let raw = match raw {
                Ok(raw) => raw,
                Err(EngineError::NotFound { .. }) => {
                    state.series.remove(&id);
                    state.running.remove(&id);
                    continue;
                }
                Err(e) => {
                    tracing::debug!(error = %e, id, "stats: poll failed");
                    continue;
                }
            };
            let now = raw.counters(at);
            if now.system == 0 {
                // Not running: a stopped container answers with zeros.
                state.series.remove(&id);
                state.running.remove(&id);
                continue;
            }
            let series = state.series.entry(id.clone()).or_insert_with(|| Series {
                prev: None,
                points: VecDeque::new(),
            });
            let prev = series.prev.replace(now);
            let engine_prev = raw.engine_previous();
            if prev.is_none() && engine_prev.is_none() {
                continue;
            }
            let p = point(prev.as_ref(), engine_prev, &now);
            push_bounded(&mut series.points, p, cap, self.config.history);
            fresh.push(StatsUpdate {
                id,
                points: vec![p],
            });
        }
        if fresh.is_empty() {
            return;
        }
        let mut gone = Vec::new();
        for (key, sub) in &state.subs {
            let batch: Vec<StatsUpdate> = fresh
                .iter()
                .filter(|u| sub.all || sub.ids.contains(&u.id))
                .cloned()
                .collect();
            if !batch.is_empty() && !sub.sink.send(batch) {
                gone.push(*key);
            }
        }
        for key in gone {
            state.subs.remove(&key);
        }
    }
}

fn push_bounded(ring: &mut VecDeque<StatsPoint>, p: StatsPoint, cap: usize, history: Duration) {
    let oldest = p.t - history.as_secs_f64() * 1000.0;
    while ring.front().is_some_and(|f| f.t < oldest) || ring.len() >= cap {
        ring.pop_front();
    }
    ring.push_back(p);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn p(t: f64) -> StatsPoint {
        StatsPoint {
            t,
            cpu: 1.0,
            mem: 1,
            mem_limit: 2,
            net_rx: 0.0,
            net_tx: 0.0,
            blk_read: 0.0,
            blk_write: 0.0,
            pids: 1,
        }
    }

    struct Keep(Mutex<Vec<Vec<StatsUpdate>>>, bool);
    impl StatsSink for Keep {
        fn send(&self, batch: Vec<StatsUpdate>) -> bool {
            self.0.lock().unwrap().push(batch);
            self.1
        }
    }

    #[test]
    fn rings_are_bounded_by_age_and_count_and_backlog_comes_first() {
        let hub = StatsHub::new(StatsConfig {
            history: Duration::from_secs(10),
            ..Default::default()
        });
        assert_eq!(hub.capacity(), 11);
        hub.record("a", (0..100).map(|i| p(f64::from(i) * 1000.0)));
        let h = hub.history("a");
        assert_eq!(h.len(), 11);
        assert_eq!(h[0].t, 89_000.0);
        hub.record("b", [p(0.0)]);

        let sink = Arc::new(Keep(Mutex::new(Vec::new()), true));
        let key = hub.subscribe(vec!["a".into()], false, sink.clone());
        let got = sink.0.lock().unwrap().clone();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].len(), 1, "only the named container's backlog");
        assert_eq!(got[0][0].points.len(), 11);
        assert_eq!(hub.subscribers(), 1);
        hub.unsubscribe(key);
        assert_eq!(hub.subscribers(), 0);

        let refusing = Arc::new(Keep(Mutex::new(Vec::new()), false));
        hub.subscribe(vec![], true, refusing);
        assert_eq!(
            hub.subscribers(),
            0,
            "a sink that refuses the backlog is not kept"
        );
    }
}
