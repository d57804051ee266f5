//! The stats hub: samples containers' resource use and keeps each one's history in a bounded
//! ring, for any number of subscribers.
//!
//! Cost-aware sampling, chosen by measurement (`scripts/bench-stats.sh`, Docker 20.10, 2
//! shared cores, 20 busy containers for 20 s): a stream makes the engine sample a container
//! every second whether anyone looks or not, and a one-shot poll (`stream=false&one-shot=true`)
//! costs the engine more than a streamed sample (1.25x here, 2x in an earlier run). So the
//! list's rows on screen are polled every 10 s (a column of figures, read, not charted), and
//! what is charted each second (a detail's charts, a group's replicas) is streamed, one
//! connection per charted container
//! (at most [`MAX_STREAMS`]), on engines where that is cheaper ([`streams_are_cheaper`]:
//! Docker; Podman, not measured, keeps polls). Streams open when a container becomes
//! charted and close when it stops being charted, with the last subscriber, without an
//! engine or on another one; one that ends, fails or stalls is retried a bounded number of
//! times and then polled (`stats/streams.rs`). Streamed and polled bodies go through the same
//! maths and rings. Measured: 20 charted at 1 s cost engine + hub 1.28 CPU-s in 20 s
//! streamed against 1.56 polled and 1.27 for `docker stats` (the same work: its stream per
//! container), so 1.0x `docker stats`, over the 0.5x target; the list + one detail 0.39x.
//!
//! One task ([`StatsHub::run`]) owns all sampling (the stream tasks only hand their bodies
//! to its next round); it samples only while someone subscribes (with nobody, it has no
//! timer and no stream at all: the window hidden in the tray costs nothing),
//! only containers that run, and forgets a container when it dies. Subscribers get their
//! backlog first, then one batch per tick. The host panel's figures are taken at the same
//! tick, only while someone shows them. The timing follows the Settings
//! ([`StatsHub::configure`]) without a restart.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::host_stats::HostSampler;
use super::sink::Sink;
use crate::domain::stats::{point, Counters, HostPoint, RawStats, StatsPoint};
use crate::domain::ContainerState;
use crate::engine::{Engine, EngineError};

mod streams;
use streams::Streams;
pub use streams::{streams_are_cheaper, MAX_STREAMS};

/// All the rings together hold at most this many bytes of points, whatever the Settings ask
/// (they allow 24 h at 250 ms: 345,601 points of 48 bytes, 16 MiB per container, so 50
/// containers would hold 800 MiB). 64 MiB keeps the default (15 min at 1 s) whole for about
/// 1,500 containers; past that each ring keeps its newest share.
pub const STATS_HISTORY_MAX_BYTES: usize = 64 << 20;

/// Most points in one message to a subscriber. A new subscriber's backlog (every series'
/// history with `all`) is sent in pieces of this size (about 300 KB of JSON each), so no one
/// message makes the window parse megabytes at once.
pub const BACKLOG_CHUNK_POINTS: usize = 2_000;

/// New points of one container.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StatsUpdate {
    pub id: String,
    pub points: Vec<StatsPoint>,
}

/// How much of a listed row's history its backlog carries: the list's sparklines show about
/// three minutes, and it re-subscribes on every scroll, so the rest would only be parsed and
/// dropped.
pub const LIST_BACKLOG_POINTS: usize = 60;

/// Most `listed` rows one subscriber may name (a window shows a few dozen); the rest are
/// ignored, so a request cannot make the hub poll without bound.
pub const MAX_LISTED: usize = 500;

/// What one tick (or the backlog) brings a subscriber: its containers' new points and, when
/// it asked for the host panel, the host's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StatsBatch {
    pub containers: Vec<StatsUpdate>,
    pub host: Vec<HostPoint>,
}

impl StatsBatch {
    pub fn is_empty(&self) -> bool {
        self.containers.is_empty() && self.host.is_empty()
    }
}

/// What a subscriber watches (also the `watch_stats` command's request).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, TS)]
#[ts(export)]
pub struct Watch {
    /// Containers on screen (a detail's charts, a group's or an image's replicas): sampled at
    /// the focus rate.
    pub ids: Vec<String>,
    /// Every running container, at the list rate (list columns).
    pub all: bool,
    /// The list rows on screen (their CPU and memory columns): sampled at the list rate, and
    /// only these. Their backlog is the last [`LIST_BACKLOG_POINTS`] of each (a sparkline's
    /// worth), since the list asks again whenever it scrolls. At most [`MAX_LISTED`] are
    /// taken.
    #[serde(default)]
    pub listed: Vec<String>,
    /// The host panel's figures, at the focus rate.
    pub host: bool,
}

#[derive(Debug, Clone)]
pub struct StatsConfig {
    /// How much history each container keeps (default 15 minutes; the Settings' "stats
    /// history").
    pub history: Duration,
    /// Sampling period of containers a subscriber names (on screen): 1 s by default, the
    /// Settings' "stats interval".
    pub focus_every: Duration,
    /// Sampling period of the list's rows (`listed`, or every running container for `all`):
    /// 10 s, never faster than `focus_every`. A person reads a column of figures, not a
    /// chart, there; each one-shot poll costs Docker 20.10 about 6 ms of CPU, so 20 rows on
    /// screen at 10 s cost the engine about 1 % of a core (issue #17: the engine's extra
    /// cost with the list open is held to 2 %).
    pub all_every: Duration,
    /// Bytes all the rings may hold together (see [`STATS_HISTORY_MAX_BYTES`]).
    pub history_bytes: usize,
    /// Polls in flight at once. Docker 20.10 answers a one-shot poll only at its stats
    /// collector's next 1 s tick (measured here: 20 sequential polls took 19 s), so a poll
    /// costs waiting, not work: at 8 in flight, 20 on-screen containers were sampled only
    /// every ~4 s. Enough in flight to sweep everything on screen within one tick.
    pub concurrency: usize,
    /// Stream what is charted (the focused ids) where the engine makes that cheaper than a
    /// poll each focus period ([`streams_are_cheaper`]); `false` polls everything (the
    /// benchmark's "before").
    pub stream_charted: bool,
}

impl Default for StatsConfig {
    fn default() -> Self {
        Self {
            history: Duration::from_secs(15 * 60),
            focus_every: Duration::from_secs(1),
            all_every: Duration::from_secs(10),
            history_bytes: STATS_HISTORY_MAX_BYTES,
            concurrency: 64,
            stream_charted: true,
        }
    }
}

impl StatsConfig {
    /// Most points a ring holds when there are `rings` of them (the host's included): the
    /// history length at the focus rate, and an equal share of the byte budget.
    fn capacity(&self, rings: usize) -> usize {
        let per = self.focus_every.as_secs_f64().max(0.001);
        let by_time = (self.history.as_secs_f64() / per).ceil() as usize + 1;
        let point = std::mem::size_of::<StatsPoint>().max(std::mem::size_of::<HostPoint>());
        let by_bytes = self.history_bytes / point / rings.max(1);
        by_time.min(by_bytes).max(1)
    }
}

struct Series {
    prev: Option<Counters>,
    points: VecDeque<StatsPoint>,
}

struct Sub {
    ids: HashSet<String>,
    all: bool,
    listed: HashSet<String>,
    host: bool,
    sink: Arc<dyn Sink<StatsBatch>>,
    /// While its backlog is being sent (outside the lock): the rounds' batches, kept in order
    /// to follow it, since the window drops points older than the last it has.
    queued: Option<Vec<StatsBatch>>,
}

struct State {
    config: StatsConfig,
    series: HashMap<String, Series>,
    host: VecDeque<HostPoint>,
    subs: HashMap<u64, Sub>,
    next_sub: u64,
    /// Running containers at the last listing.
    running: HashSet<String>,
}

impl State {
    /// Most points each ring may hold now.
    fn ring_cap(&self) -> usize {
        self.config.capacity(self.series.len() + 1)
    }

    /// A new series shrinks every ring's share of the byte budget: trims them all to it (only
    /// when a container is first seen, never per sample).
    fn trim_all(&mut self) {
        let cap = self.ring_cap();
        for s in self.series.values_mut() {
            trim(&mut s.points, cap, |_| false);
        }
        trim(&mut self.host, cap, |_| false);
    }
}

pub struct StatsHub {
    state: Mutex<State>,
    /// Wakes the sampling task when the timing changed.
    changed: Notify,
    /// Created on the first round that a host subscriber needs.
    sampler: Mutex<Option<HostSampler>>,
    /// Times the sampling task woke on its timer (tests and benchmarks: none while nobody
    /// subscribes).
    wakes: AtomicU64,
    /// The streams of charted containers (shared with their tasks, which push bodies in;
    /// never held across an await).
    streams: Arc<Mutex<Streams>>,
    /// Stream tasks alive (tests and benchmarks: none after the last chart closed).
    live_streams: Arc<AtomicUsize>,
    /// One-shot polls asked of the engine so far (tests and benchmarks: a streamed chart
    /// makes none).
    polls: AtomicU64,
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
            state: Mutex::new(State {
                config,
                series: HashMap::new(),
                host: VecDeque::new(),
                subs: HashMap::new(),
                next_sub: 0,
                running: HashSet::new(),
            }),
            changed: Notify::new(),
            sampler: Mutex::new(None),
            wakes: AtomicU64::new(0),
            streams: Arc::new(Mutex::new(Streams::default())),
            live_streams: Arc::new(AtomicUsize::new(0)),
            polls: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn streams(&self) -> std::sync::MutexGuard<'_, Streams> {
        lock_streams(&self.streams)
    }

    /// Containers charted by anyone (sampled at the focus rate).
    fn charted(&self) -> HashSet<String> {
        self.lock()
            .subs
            .values()
            .flat_map(|s| s.ids.iter().cloned())
            .collect()
    }

    /// The timing in force.
    pub fn config(&self) -> StatsConfig {
        self.lock().config.clone()
    }

    /// Most points a ring holds now.
    pub fn capacity(&self) -> usize {
        self.lock().ring_cap()
    }

    /// Applies a new sampling period and history length (the Settings changed) while running:
    /// the task picks the period up at once, rings are trimmed to the new length now.
    pub fn configure(&self, focus_every: Duration, history: Duration) {
        {
            let mut state = self.lock();
            state.config.focus_every = focus_every.max(Duration::from_millis(100));
            state.config.history = history;
            let cap = state.ring_cap();
            let newest = |t: Option<f64>| t.unwrap_or(0.0) - history.as_secs_f64() * 1000.0;
            for s in state.series.values_mut() {
                let oldest = newest(s.points.back().map(|p| p.t));
                trim(&mut s.points, cap, |p| p.t < oldest);
            }
            let oldest = newest(state.host.back().map(|p| p.t));
            trim(&mut state.host, cap, |p| p.t < oldest);
        }
        self.changed.notify_one();
    }

    /// Subscribes to `ids` (sampled each second) and, with `all`, to every running
    /// container (sampled every few seconds). See [`Self::subscribe_to`].
    pub fn subscribe(&self, ids: Vec<String>, all: bool, sink: Arc<dyn Sink<StatsBatch>>) -> u64 {
        self.subscribe_to(
            Watch {
                ids,
                all,
                ..Default::default()
            },
            sink,
        )
    }

    /// Subscribes to what `watch` names. The backlog (the named containers' history, every
    /// series with `all`, the host's with `host`) is sent first, in pieces of at most
    /// [`BACKLOG_CHUNK_POINTS`] and never under the hub's lock (a slow window must not stall
    /// sampling); rounds meanwhile are queued behind it. Returns the subscription's key for
    /// [`Self::unsubscribe`] (`u64::MAX` if the sink refused).
    pub fn subscribe_to(&self, watch: Watch, sink: Arc<dyn Sink<StatsBatch>>) -> u64 {
        let Watch {
            ids,
            all,
            listed,
            host,
        } = watch;
        let ids: HashSet<String> = ids.into_iter().collect();
        let listed: HashSet<String> = listed.into_iter().take(MAX_LISTED).collect();
        let (key, backlog) = {
            let mut state = self.lock();
            let backlog = StatsBatch {
                containers: state
                    .series
                    .iter()
                    .filter(|(_, s)| !s.points.is_empty())
                    .filter_map(|(id, s)| {
                        let take = if all || ids.contains(id) {
                            s.points.len()
                        } else if listed.contains(id) {
                            LIST_BACKLOG_POINTS
                        } else {
                            return None;
                        };
                        Some(StatsUpdate {
                            id: id.clone(),
                            points: s
                                .points
                                .iter()
                                .skip(s.points.len().saturating_sub(take))
                                .copied()
                                .collect(),
                        })
                    })
                    .collect(),
                host: if host {
                    state.host.iter().copied().collect()
                } else {
                    Vec::new()
                },
            };
            state.next_sub += 1;
            let key = state.next_sub;
            state.subs.insert(
                key,
                Sub {
                    ids,
                    all,
                    listed,
                    host,
                    sink: sink.clone(),
                    queued: Some(Vec::new()),
                },
            );
            (key, backlog)
        };
        // The sampling task sleeps while nobody subscribes: wake it.
        self.changed.notify_one();
        for piece in chunked(backlog, BACKLOG_CHUNK_POINTS) {
            if !sink.send(piece) {
                self.unsubscribe(key);
                return u64::MAX;
            }
        }
        // Then what the rounds queued meanwhile, until the queue is seen empty under the lock
        // (from then on the rounds send directly, so the order holds).
        loop {
            let queued = {
                let mut state = self.lock();
                let Some(sub) = state.subs.get_mut(&key) else {
                    return u64::MAX;
                };
                match sub.queued.as_mut() {
                    Some(q) if !q.is_empty() => std::mem::take(q),
                    _ => {
                        sub.queued = None;
                        return key;
                    }
                }
            };
            for batch in queued {
                if !sink.send(batch) {
                    self.unsubscribe(key);
                    return u64::MAX;
                }
            }
        }
    }

    pub fn unsubscribe(&self, key: u64) {
        {
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
        // A chart closed (or the window went): its streams close now, not at the next round
        // (with nobody left there is no next round).
        let charted = self.charted();
        self.streams().retain(&charted);
    }

    /// Streams of charted containers open now (their tasks may take a moment to end: see
    /// [`Self::live_streams`]).
    pub fn streams_open(&self) -> usize {
        self.streams().open_count()
    }

    /// Stream tasks still running (each holds one connection to the engine).
    pub fn live_streams(&self) -> usize {
        self.live_streams.load(Ordering::Relaxed)
    }

    /// One-shot polls asked of the engine so far.
    pub fn polls(&self) -> u64 {
        self.polls.load(Ordering::Relaxed)
    }

    /// Times the sampling task has woken on its timer so far.
    pub fn wakes(&self) -> u64 {
        self.wakes.load(Ordering::Relaxed)
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

    /// A copy of the host's history.
    pub fn host_history(&self) -> Vec<HostPoint> {
        self.lock().host.iter().copied().collect()
    }

    /// Containers with a series.
    pub fn series_count(&self) -> usize {
        self.lock().series.len()
    }

    /// Appends points to a container's ring as if sampled (benchmarks, tests).
    pub fn record(&self, id: &str, points: impl IntoIterator<Item = StatsPoint>) {
        let mut state = self.lock();
        if !state.series.contains_key(id) {
            state.series.insert(
                id.to_string(),
                Series {
                    prev: None,
                    points: VecDeque::new(),
                },
            );
            state.trim_all();
        }
        let cap = state.ring_cap();
        let history = state.config.history;
        let Some(series) = state.series.get_mut(id) else {
            return;
        };
        for p in points {
            push_bounded(&mut series.points, p, cap, history);
        }
    }

    /// Samples until `cancel`, one round per focus period (re-read when [`Self::configure`]
    /// changes it). `engine` gives the current connection (none while the engine is down:
    /// containers are skipped, the host panel still ticks).
    pub async fn run<F>(self: Arc<Self>, engine: F, cancel: CancellationToken)
    where
        F: Fn() -> Result<Engine, EngineError> + Send + Sync,
    {
        let mut period = self.config().focus_every;
        let mut ticker = ticker(period);
        let mut last_list: Option<Instant> = None;
        // However the task ends (cancelled, or its future dropped), no stream outlives it.
        let _close = CloseStreams(self.streams.clone());
        loop {
            if self.subscribers() == 0 {
                self.streams().close_all();
                // Nobody looks (the window is hidden, or shows no figures): no timer at all
                // until someone subscribes (issue #17: hidden in the tray costs nothing).
                last_list = None;
                tokio::select! {
                    () = cancel.cancelled() => return,
                    () = self.changed.notified() => {}
                }
                let now = self.config().focus_every;
                if now != period || self.subscribers() > 0 {
                    period = now;
                    ticker = self::ticker(period);
                }
                if self.subscribers() == 0 {
                    continue;
                }
                // The first round at once (the interval's first tick is immediate).
            }
            tokio::select! {
                () = cancel.cancelled() => return,
                () = self.changed.notified() => {
                    let now = self.config().focus_every;
                    if now != period {
                        period = now;
                        ticker = self::ticker(period);
                    }
                    continue;
                }
                _ = ticker.tick() => {}
            }
            self.wakes.fetch_add(1, Ordering::Relaxed);
            if self.subscribers() == 0 {
                last_list = None;
                continue;
            }
            // The list's columns come every `all_every`; half a period of slack so a 5 s
            // list rate at a 1 s tick lands on every fifth tick, not the sixth.
            let all_every = self.config().all_every.max(period);
            let list = last_list.is_none_or(|t| t.elapsed() + period / 2 >= all_every);
            if list {
                last_list = Some(Instant::now());
            }
            let engine = engine().ok();
            tokio::select! {
                () = cancel.cancelled() => return,
                () = self.round_with(engine.as_ref(), list) => {}
            }
        }
    }

    /// One sampling round: lists running containers when `list` (and forgets the dead),
    /// polls what is due, samples the host if anyone shows it, and sends each subscriber one
    /// batch.
    pub async fn round(&self, engine: &Engine, list: bool) {
        self.round_with(Some(engine), list).await;
    }

    async fn round_with(&self, engine: Option<&Engine>, list: bool) {
        let host = self.sample_host();
        let fresh = match engine {
            Some(engine) => self.poll_containers(engine, list).await,
            None => {
                // No engine (down, or switching): no stream stays open on the old one.
                self.plan_streams(None);
                Vec::new()
            }
        };
        if fresh.is_empty() && host.is_none() {
            return;
        }
        // Batches are made under the lock and sent after it (a sink may be slow).
        let mut outgoing = Vec::new();
        {
            let mut state = self.lock();
            for (key, sub) in &mut state.subs {
                let batch = StatsBatch {
                    containers: fresh
                        .iter()
                        .filter(|u| {
                            sub.all || sub.ids.contains(&u.id) || sub.listed.contains(&u.id)
                        })
                        .cloned()
                        .collect(),
                    host: host.filter(|_| sub.host).into_iter().collect(),
                };
                if batch.is_empty() {
                    continue;
                }
                match sub.queued.as_mut() {
                    Some(q) => q.push(batch),
                    None => outgoing.push((*key, sub.sink.clone(), batch)),
                }
            }
        }
        let gone: Vec<u64> = outgoing
            .into_iter()
            .filter_map(|(key, sink, batch)| (!sink.send(batch)).then_some(key))
            .collect();
        if !gone.is_empty() {
            let mut state = self.lock();
            for key in gone {
                state.subs.remove(&key);
            }
        }
    }

    /// The host's point of this round, when a subscriber shows the host panel.
    fn sample_host(&self) -> Option<HostPoint> {
        if !self.lock().subs.values().any(|s| s.host) {
            return None;
        }
        let p = {
            let mut sampler = self.sampler.lock().unwrap_or_else(PoisonError::into_inner);
            if sampler.is_none() {
                *sampler = HostSampler::new();
            }
            sampler.as_mut()?.sample(now_ms())
        };
        let mut state = self.lock();
        let cap = state.ring_cap();
        let history = state.config.history;
        let oldest = p.t - history.as_secs_f64() * 1000.0;
        trim(&mut state.host, cap.saturating_sub(1), |h| h.t < oldest);
        state.host.push_back(p);
        Some(p)
    }

    /// Opens and closes the charted containers' streams for this round (all close without an
    /// engine, or where polls are cheaper); returns the ids streamed, which are not polled.
    /// A stream opened now is polled this once: its first body comes only at the engine's
    /// next collector tick, and carries no previous sample, so the poll gives its first point
    /// a round sooner (and a series at once).
    fn plan_streams(&self, engine: Option<&Engine>) -> HashSet<String> {
        let charted = self.charted();
        let config = self.config();
        let key = engine
            .filter(|e| config.stream_charted && streams_are_cheaper(e.info(), config.focus_every))
            .map(|e| streams::engine_key(e.info()));
        let plan = self
            .streams()
            .plan(&charted, key.as_deref(), Instant::now());
        let mut streamed = plan.streamed;
        if let Some(engine) = engine {
            for open in plan.open {
                streamed.remove(&open.id);
                self.live_streams.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(pump(
                    engine.clone(),
                    open,
                    self.streams.clone(),
                    LiveStream(self.live_streams.clone()),
                ));
            }
        }
        streamed
    }

    /// Lists (when `list`), polls what is due and takes what the streams sent; returns the
    /// new points.
    async fn poll_containers(&self, engine: &Engine, list: bool) -> Vec<StatsUpdate> {
        // Listing every container is only needed for `all`; listed rows name themselves.
        let want_all = list && self.lock().subs.values().any(|s| s.all);
        if want_all {
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
        let (due, concurrency, period) = {
            let state = self.lock();
            let mut due: HashSet<String> = state
                .subs
                .values()
                .flat_map(|s| s.ids.iter().cloned())
                .collect();
            if want_all {
                due.extend(state.running.iter().cloned());
            }
            if list {
                due.extend(state.subs.values().flat_map(|s| s.listed.iter().cloned()));
            }
            // A container seen once has no delta yet: sample it again now, not in 5 s.
            due.extend(
                state
                    .series
                    .iter()
                    .filter(|(_, s)| s.prev.is_some() && s.points.is_empty())
                    .map(|(id, _)| id.clone()),
            );
            (due, state.config.concurrency, state.config.focus_every)
        };
        let streamed = self.plan_streams(Some(engine));
        let due: Vec<String> = due
            .into_iter()
            .filter(|id| !streamed.contains(id))
            .collect();
        self.polls.fetch_add(due.len() as u64, Ordering::Relaxed);
        let mut results: Vec<(String, Result<RawStats, EngineError>, f64, bool)> =
            futures_util::stream::iter(due)
                .map(|id| async move {
                    let raw = engine.stats_once(&id).await;
                    (id, raw, now_ms(), false)
                })
                .buffer_unordered(concurrency.max(1))
                .collect()
                .await;
        // Taken after the polls, so what arrived meanwhile is in this round. At a focus
        // period over the engine's 1 s, one body per container keeps the rate asked.
        let newest_only = period > Duration::from_millis(1500);
        results.extend(
            self.streams()
                .drain(newest_only)
                .into_iter()
                .map(|(id, raw, at)| (id, Ok(raw), at, true)),
        );
        if results.is_empty() {
            return Vec::new();
        }
        let mut seen = Vec::new();

        let mut state = self.lock();
        let before = state.series.len();
        let cap = state.ring_cap();
        let history = state.config.history;
        let mut fresh: Vec<StatsUpdate> = Vec::new();
        for (id, raw, at, from_stream) in results {
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
                seen.push((id, false));
                continue;
            }
            if !from_stream {
                seen.push((id.clone(), true));
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
            push_bounded(&mut series.points, p, cap, history);
            fresh.push(StatsUpdate {
                id,
                points: vec![p],
            });
        }
        if state.series.len() > before {
            state.trim_all();
        }
        drop(state);
        let mut streams = self.streams();
        for (id, running) in seen {
            streams.seen(&id, running);
        }
        fresh
    }
}

/// A hub dropped (its rounds driven by hand, without [`StatsHub::run`]) leaves no stream.
impl Drop for StatsHub {
    fn drop(&mut self) {
        self.streams().close_all();
    }
}

fn lock_streams(streams: &Mutex<Streams>) -> std::sync::MutexGuard<'_, Streams> {
    streams.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Closes every stream when the sampling task ends.
struct CloseStreams(Arc<Mutex<Streams>>);
impl Drop for CloseStreams {
    fn drop(&mut self) {
        lock_streams(&self.0).close_all();
    }
}

/// Counts a stream task as alive until it ends (or is dropped unpolled).
struct LiveStream(Arc<AtomicUsize>);
impl Drop for LiveStream {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One charted container's stream: pushes each body for the next round until the hub closes
/// it (`cancel`, or the stream no longer open), or the engine ends it (the round sees it ended
/// and retries or polls).
async fn pump(
    engine: Engine,
    open: streams::ToOpen,
    streams: Arc<Mutex<Streams>>,
    _live: LiveStream,
) {
    let streams::ToOpen {
        id,
        generation,
        cancel,
    } = open;
    let result = tokio::select! {
        () = cancel.cancelled() => return,
        r = engine.stats_stream(&id, |raw| {
            lock_streams(&streams).push(&id, generation, raw, now_ms(), Instant::now())
        }) => r,
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, id, "stats: stream failed");
    }
    lock_streams(&streams).end(&id, generation);
}

/// `batch` cut into batches of at most `max_points` points (containers' and host's
/// together), in order: a container's points stay oldest first across pieces.
fn chunked(batch: StatsBatch, max_points: usize) -> Vec<StatsBatch> {
    let max_points = max_points.max(1);
    let mut out = Vec::new();
    let mut piece = StatsBatch::default();
    let mut room = max_points;
    let mut next = |piece: &mut StatsBatch, room: &mut usize| {
        out.push(std::mem::take(piece));
        *room = max_points;
    };
    for update in batch.containers {
        let mut points = update.points.as_slice();
        while !points.is_empty() {
            if room == 0 {
                next(&mut piece, &mut room);
            }
            let take = room.min(points.len());
            piece.containers.push(StatsUpdate {
                id: update.id.clone(),
                points: points[..take].to_vec(),
            });
            points = &points[take..];
            room -= take;
        }
    }
    let mut host = batch.host.as_slice();
    while !host.is_empty() {
        if room == 0 {
            next(&mut piece, &mut room);
        }
        let take = room.min(host.len());
        piece.host.extend_from_slice(&host[..take]);
        host = &host[take..];
        room -= take;
    }
    if !piece.is_empty() {
        next(&mut piece, &mut room);
    }
    out
}

fn ticker(period: Duration) -> tokio::time::Interval {
    let mut t = tokio::time::interval(period);
    t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    t
}

/// Drops the oldest entries while `too_old` says so or there are more than `cap`.
fn trim<T>(ring: &mut VecDeque<T>, cap: usize, too_old: impl Fn(&T) -> bool) {
    while ring.front().is_some_and(&too_old) || ring.len() > cap {
        ring.pop_front();
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
    impl Sink<StatsBatch> for Keep {
        fn send(&self, batch: StatsBatch) -> bool {
            self.0.lock().unwrap().push(batch.containers);
            self.1
        }
    }

    struct KeepAll(Mutex<Vec<StatsBatch>>);
    impl Sink<StatsBatch> for KeepAll {
        fn send(&self, batch: StatsBatch) -> bool {
            self.0.lock().unwrap().push(batch);
            true
        }
    }

    #[test]
    fn configure_changes_the_timing_and_trims_rings_at_once() {
        let hub = StatsHub::new(StatsConfig::default());
        assert_eq!(hub.capacity(), 15 * 60 + 1);
        hub.record("a", (0..600).map(|i| p(f64::from(i) * 1000.0)));
        hub.configure(Duration::from_secs(2), Duration::from_secs(60));
        let c = hub.config();
        assert_eq!(c.focus_every, Duration::from_secs(2));
        assert_eq!(c.history, Duration::from_secs(60));
        assert_eq!(hub.capacity(), 31);
        let h = hub.history("a");
        assert_eq!(h.len(), 31, "no more than the new capacity");
        assert_eq!(h.last().unwrap().t, 599_000.0, "the newest points stay");
        // A period below 100 ms is not taken literally.
        hub.configure(Duration::from_millis(1), Duration::from_secs(60));
        assert_eq!(hub.config().focus_every, Duration::from_millis(100));
    }

    #[tokio::test]
    async fn host_subscribers_get_host_points_each_round_even_without_an_engine() {
        let hub = StatsHub::new(StatsConfig::default());
        let plain = Arc::new(KeepAll(Mutex::new(Vec::new())));
        hub.subscribe(vec![], true, plain.clone());
        let host = Arc::new(KeepAll(Mutex::new(Vec::new())));
        hub.subscribe_to(
            Watch {
                host: true,
                ..Default::default()
            },
            host.clone(),
        );
        hub.round_with(None, true).await;
        hub.round_with(None, false).await;
        let got = host.0.lock().unwrap().clone();
        assert_eq!(got.len(), 2, "one batch per round");
        assert!(got
            .iter()
            .all(|b| b.host.len() == 1 && b.containers.is_empty()));
        assert!(got[0].host[0].mem_total > 0 && got[0].host[0].cores > 0);
        assert!(
            plain.0.lock().unwrap().is_empty(),
            "who did not ask for the host gets nothing"
        );
        assert_eq!(hub.host_history().len(), 2);
        // A late host subscriber gets the host backlog first.
        let late = Arc::new(KeepAll(Mutex::new(Vec::new())));
        hub.subscribe_to(
            Watch {
                host: true,
                ..Default::default()
            },
            late.clone(),
        );
        assert_eq!(late.0.lock().unwrap()[0].host.len(), 2);
    }

    /// Records whether the hub's lock was free while each batch was being sent.
    struct LockProbe {
        hub: std::sync::OnceLock<std::sync::Weak<StatsHub>>,
        free: Mutex<Vec<bool>>,
        batches: Mutex<Vec<StatsBatch>>,
    }
    impl Sink<StatsBatch> for LockProbe {
        fn send(&self, batch: StatsBatch) -> bool {
            let hub = self.hub.get().and_then(std::sync::Weak::upgrade).unwrap();
            self.free.lock().unwrap().push(hub.state.try_lock().is_ok());
            self.batches.lock().unwrap().push(batch);
            true
        }
    }

    #[tokio::test]
    async fn the_backlog_goes_in_chunks_and_nothing_is_sent_under_the_lock() {
        let hub = Arc::new(StatsHub::new(StatsConfig::default()));
        // 50 containers with 15 minutes of 1 s history each: 45,050 points.
        for c in 0..50 {
            hub.record(&format!("c{c}"), (0..901).map(|i| p(f64::from(i) * 1000.0)));
        }
        let probe = Arc::new(LockProbe {
            hub: std::sync::OnceLock::new(),
            free: Mutex::new(Vec::new()),
            batches: Mutex::new(Vec::new()),
        });
        probe.hub.set(Arc::downgrade(&hub)).unwrap();
        let key = hub.subscribe_to(
            Watch {
                all: true,
                host: true,
                ..Default::default()
            },
            probe.clone(),
        );
        assert_ne!(key, u64::MAX);
        let batches = probe.batches.lock().unwrap().clone();
        let sizes: Vec<usize> = batches
            .iter()
            .map(|b| b.containers.iter().map(|u| u.points.len()).sum::<usize>() + b.host.len())
            .collect();
        assert!(
            sizes.iter().all(|&n| n <= BACKLOG_CHUNK_POINTS),
            "{sizes:?}"
        );
        assert_eq!(sizes.iter().sum::<usize>(), 50 * 901, "the whole backlog");
        // Each container's history arrives whole and in order across pieces.
        let mut got: HashMap<String, Vec<f64>> = HashMap::new();
        for b in &batches {
            for u in &b.containers {
                got.entry(u.id.clone())
                    .or_default()
                    .extend(u.points.iter().map(|p| p.t));
            }
        }
        assert_eq!(got.len(), 50);
        assert!(got
            .values()
            .all(|ts| ts.len() == 901 && ts.windows(2).all(|w| w[0] < w[1])));
        // A round (the host's point) is sent outside the lock too.
        hub.round_with(None, false).await;
        assert_eq!(probe.batches.lock().unwrap().last().unwrap().host.len(), 1);
        let free = probe.free.lock().unwrap().clone();
        assert!(free.iter().all(|&f| f), "sent under the lock: {free:?}");
    }

    #[test]
    fn listed_rows_get_a_sparklines_worth_of_backlog_and_only_their_own() {
        let hub = StatsHub::new(StatsConfig::default());
        hub.record("shown", (0..900).map(|i| p(f64::from(i) * 1000.0)));
        hub.record("charted", (0..900).map(|i| p(f64::from(i) * 1000.0)));
        hub.record("scrolled-away", (0..900).map(|i| p(f64::from(i) * 1000.0)));
        let sink = Arc::new(KeepAll(Mutex::new(Vec::new())));
        hub.subscribe_to(
            Watch {
                ids: vec!["charted".into()],
                listed: vec!["shown".into()],
                ..Default::default()
            },
            sink.clone(),
        );
        let mut got: HashMap<String, Vec<f64>> = HashMap::new();
        for b in sink.0.lock().unwrap().iter() {
            for u in &b.containers {
                got.entry(u.id.clone())
                    .or_default()
                    .extend(u.points.iter().map(|p| p.t));
            }
        }
        assert_eq!(got.len(), 2, "{:?}", got.keys());
        assert_eq!(got["charted"].len(), 900, "a chart gets its whole history");
        assert_eq!(got["shown"].len(), LIST_BACKLOG_POINTS);
        assert_eq!(
            *got["shown"].last().unwrap(),
            899_000.0,
            "the newest points"
        );
    }

    #[test]
    fn a_request_names_at_most_max_listed_rows() {
        let hub = StatsHub::new(StatsConfig::default());
        hub.subscribe_to(
            Watch {
                listed: (0..MAX_LISTED + 100).map(|i| format!("c{i}")).collect(),
                ..Default::default()
            },
            Arc::new(KeepAll(Mutex::new(Vec::new()))),
        );
        let state = hub.lock();
        let listed: usize = state.subs.values().map(|s| s.listed.len()).sum();
        assert_eq!(listed, MAX_LISTED);
    }

    /// Hidden in the tray, the window subscribes to nothing: the sampling task must not wake
    /// at all (no timer), and must start again at once when someone subscribes.
    #[tokio::test(start_paused = true)]
    async fn with_no_subscriber_the_sampling_task_does_not_wake() {
        let hub = Arc::new(StatsHub::new(StatsConfig::default()));
        let cancel = CancellationToken::new();
        let task = tokio::spawn(hub.clone().run(
            move || {
                Err(EngineError::Unreachable {
                    endpoint: "test".into(),
                    reason: "no engine in this test".into(),
                })
            },
            cancel.clone(),
        ));
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(hub.wakes(), 0, "it woke for nobody");

        let key = hub.subscribe_to(
            Watch {
                host: true,
                ..Default::default()
            },
            Arc::new(KeepAll(Mutex::new(Vec::new()))),
        );
        tokio::time::sleep(Duration::from_millis(10_500)).await;
        let rounds = hub.wakes();
        assert!(
            (10..=12).contains(&rounds),
            "{rounds} rounds in 10.5 s at 1 s"
        );

        hub.unsubscribe(key);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = hub.wakes();
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(hub.wakes(), after, "it kept waking after the last left");
        cancel.cancel();
        task.await.unwrap();
    }

    /// What stops the 1 s polls stops the streams: a chart closing, the last subscriber
    /// leaving (the window hidden), the engine going away.
    #[tokio::test]
    async fn unwatching_the_last_subscriber_or_no_engine_closes_the_streams() {
        let hub = StatsHub::new(StatsConfig::default());
        let sink = || Arc::new(KeepAll(Mutex::new(Vec::new())));
        let a = hub.subscribe(vec!["x".into(), "y".into()], false, sink());
        let b = hub.subscribe(vec!["y".into()], false, sink());
        let open = |hub: &StatsHub| {
            hub.streams()
                .plan(&hub.charted(), Some("k"), Instant::now())
        };
        let plan = open(&hub);
        assert_eq!(hub.streams_open(), 2);
        let cancel = |id: &str| {
            plan.open
                .iter()
                .find(|o| o.id == id)
                .unwrap()
                .cancel
                .clone()
        };
        hub.unsubscribe(a);
        assert!(cancel("x").is_cancelled(), "x is no longer charted");
        assert!(!cancel("y").is_cancelled(), "y still is");
        assert_eq!(hub.streams_open(), 1);
        hub.unsubscribe(b);
        assert!(cancel("y").is_cancelled());
        assert_eq!(hub.streams_open(), 0);

        let c = hub.subscribe(vec!["z".into()], false, sink());
        open(&hub);
        assert_eq!(hub.streams_open(), 1);
        hub.round_with(None, false).await;
        assert_eq!(hub.streams_open(), 0, "no engine, no stream");
        hub.unsubscribe(c);
    }

    /// The sampling task ending (cancelled, or dropped) leaves no stream open.
    #[tokio::test(start_paused = true)]
    async fn streams_close_when_the_sampling_task_ends() {
        let hub = Arc::new(StatsHub::new(StatsConfig::default()));
        let _key = hub.subscribe(
            vec!["x".into()],
            false,
            Arc::new(KeepAll(Mutex::new(Vec::new()))),
        );
        let cancel = CancellationToken::new();
        let task = tokio::spawn(hub.clone().run(
            || {
                Err(EngineError::Unreachable {
                    endpoint: "test".into(),
                    reason: "no engine in this test".into(),
                })
            },
            cancel.clone(),
        ));
        // Past the first round (its tick is immediate; the clock is paused, so no second one
        // comes): only the task's ending can close what is opened now.
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(hub.wakes(), 1);
        let plan = hub
            .streams()
            .plan(&hub.charted(), Some("k"), Instant::now());
        cancel.cancel();
        task.await.unwrap();
        assert!(plan.open[0].cancel.is_cancelled());
        assert_eq!(hub.streams_open(), 0);
    }

    #[test]
    fn history_is_bounded_by_bytes_as_well_as_by_time() {
        // A day at 250 ms (what the Settings allow) for 4 containers: by time alone each
        // ring would hold 345,601 points.
        let hub = StatsHub::new(StatsConfig {
            history: Duration::from_secs(24 * 3600),
            focus_every: Duration::from_millis(250),
            history_bytes: 1 << 20,
            ..Default::default()
        });
        for c in 0..4 {
            hub.record(
                &format!("c{c}"),
                (0..100_000).map(|i| p(f64::from(i) * 250.0)),
            );
        }
        let size = std::mem::size_of::<StatsPoint>();
        let held: usize = (0..4).map(|c| hub.history(&format!("c{c}")).len()).sum();
        assert!(held * size <= 1 << 20, "{held} points held");
        // The newest points are the ones kept.
        assert_eq!(hub.history("c3").last().unwrap().t, 99_999.0 * 250.0);
        assert!(hub.capacity() < 345_601);
        assert_eq!(
            StatsConfig::default().history_bytes,
            STATS_HISTORY_MAX_BYTES
        );
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
