//! Running a planned launch: the image pulled first when missing, then every replica created
//! and started with bounded concurrency, progress batched once per tick, cancel honoured, and
//! never a container left unaccounted for: each is either running and reported, or removed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::plan::{plan_launch, prepare_launch, PlanError};
use super::quit::Entry;
use crate::domain::ids::{ContainerId, GroupId};
use crate::domain::launch::{LaunchPlan, LaunchRequest};
use crate::domain::pull::{PullOutcome, PullProgress};
use crate::engine::{Engine, EngineError};
use crate::services::pull::{run_pull, PULL_TICK};
use crate::services::sink::Sink;

/// Where a replica is in its launch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReplicaPhase {
    Pending,
    Creating,
    Starting,
    Running,
    Failed,
    /// Removed again (cancelled launch, or a replica that failed to start).
    Removed,
    /// Never created: the launch was cancelled first.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReplicaProgress {
    pub replica: u32,
    pub name: String,
    pub phase: ReplicaPhase,
    /// Set once created (and cleared again if removed).
    pub container_id: Option<ContainerId>,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// Create+start requests in flight at once. Measured on Docker 20.10, 2 cores, 30
    /// replicas (scripts/bench-launch.sh): 6.1 s at 2, 5.6 s at 4, 4.5-5.1 s at 6-8, 4.2-4.3 s
    /// at 12; the engine serialises the rest, so more only queues there.
    pub concurrency: usize,
    /// Progress batching interval.
    pub tick: Duration,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        Self {
            concurrency: 12,
            tick: Duration::from_millis(100),
        }
    }
}

/// How a launch ended. Every replica is in a final phase: running, failed (nothing left of
/// it), removed or skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LaunchOutcome {
    pub group: GroupId,
    pub replicas: Vec<ReplicaProgress>,
    pub cancelled: bool,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

impl LaunchOutcome {
    pub fn running_ids(&self) -> Vec<ContainerId> {
        self.replicas
            .iter()
            .filter(|r| r.phase == ReplicaPhase::Running)
            .filter_map(|r| r.container_id.clone())
            .collect()
    }

    pub fn failed(&self) -> impl Iterator<Item = &ReplicaProgress> {
        self.replicas
            .iter()
            .filter(|r| r.phase == ReplicaPhase::Failed)
    }
}

/// Launches the form's replicas as group `group`: pulls the image first if the engine does
/// not have it (progress to `pull_sink`), then plans again (the engine may have changed
/// meanwhile) and creates and starts the replicas. A failed pull fails the launch with the
/// pull's error; a cancelled one ends it cancelled. Either way nothing is created.
pub async fn launch(
    engine: &Engine,
    req: &LaunchRequest,
    group: &GroupId,
    sink: Arc<dyn Sink<Vec<ReplicaProgress>>>,
    pull_sink: Arc<dyn Sink<PullProgress>>,
    cancel: CancellationToken,
    options: &LaunchOptions,
) -> Result<LaunchOutcome, PlanError> {
    let started = Instant::now();
    let prepared = prepare_launch(engine, req, group).await?;
    let plan = match prepared.pull {
        None => prepared.plan,
        Some(pull) => {
            let pulled = run_pull(
                engine,
                &pull.reference,
                pull_sink,
                cancel.clone(),
                PULL_TICK,
            )
            .await?;
            if matches!(pulled, PullOutcome::Cancelled { .. }) || cancel.is_cancelled() {
                let replicas: Vec<ReplicaProgress> = prepared
                    .plan
                    .replicas
                    .iter()
                    .map(|r| ReplicaProgress {
                        replica: r.replica,
                        name: r.name.clone(),
                        phase: ReplicaPhase::Skipped,
                        container_id: None,
                        error: None,
                    })
                    .collect();
                sink.send(replicas.clone());
                return Ok(LaunchOutcome {
                    group: group.clone(),
                    replicas,
                    cancelled: true,
                    elapsed_ms: started.elapsed().as_millis() as u64,
                });
            }
            plan_launch(engine, req, group).await?
        }
    };
    Ok(run_launch(engine, &plan, sink, cancel, options).await)
}

/// One step's result, sent from a replica's task to the loop.
struct Update {
    index: usize,
    phase: ReplicaPhase,
    container_id: Option<ContainerId>,
    error: Option<String>,
}

/// Creates and starts every replica of `plan`. On cancel: nothing new is started, requests
/// in flight finish, and everything this launch made is removed. A replica that fails is
/// removed at once (its error kept); the others keep going.
pub async fn run_launch(
    engine: &Engine,
    plan: &LaunchPlan,
    sink: Arc<dyn Sink<Vec<ReplicaProgress>>>,
    cancel: CancellationToken,
    options: &LaunchOptions,
) -> LaunchOutcome {
    let started = Instant::now();
    let mut states: Vec<ReplicaProgress> = plan
        .replicas
        .iter()
        .map(|r| ReplicaProgress {
            replica: r.replica,
            name: r.name.clone(),
            phase: ReplicaPhase::Pending,
            container_id: None,
            error: None,
        })
        .collect();
    sink.send(states.clone());
    // In the book while it runs: quitting now asks first (issue #13).
    let entry = Entry::open(&plan.group, &states);
    let (tx, mut rx) = mpsc::unbounded_channel::<Update>();
    let mut dirty: BTreeMap<usize, ()> = BTreeMap::new();
    let mut next = 0usize;
    let mut inflight = FuturesUnordered::new();
    let mut ticker = tokio::time::interval(options.tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let concurrency = options.concurrency.max(1);
    let mut cancelled = false;

    loop {
        while !cancelled && inflight.len() < concurrency && next < plan.replicas.len() {
            let index = next;
            next += 1;
            let tx = tx.clone();
            let cancel = cancel.clone();
            let replica = &plan.replicas[index];
            inflight.push(async move {
                let send = |phase, container_id: Option<ContainerId>, error: Option<String>| {
                    // The receiver lives until the loop ends, after every task.
                    let _ = tx.send(Update {
                        index,
                        phase,
                        container_id,
                        error,
                    });
                };
                send(ReplicaPhase::Creating, None, None);
                let id = match engine.create_replica(replica).await {
                    Ok(id) => ContainerId::from(id),
                    Err(e) => return send(ReplicaPhase::Failed, None, Some(e.to_string())),
                };
                if cancel.is_cancelled() {
                    // Created but not started: the rollback below removes it.
                    return send(ReplicaPhase::Creating, Some(id), None);
                }
                send(ReplicaPhase::Starting, Some(id.clone()), None);
                match engine.start_container(id.as_str()).await {
                    Ok(()) => send(ReplicaPhase::Running, Some(id), None),
                    Err(e) => {
                        let error = e.to_string();
                        match engine.remove_container(id.as_str()).await {
                            Ok(()) => send(ReplicaPhase::Failed, None, Some(error)),
                            Err(re) => send(
                                ReplicaPhase::Failed,
                                Some(id),
                                Some(format!("{error} (and removing it failed: {re})")),
                            ),
                        }
                    }
                }
            });
        }
        if inflight.is_empty() && (cancelled || next >= plan.replicas.len()) {
            break;
        }
        tokio::select! {
            _ = cancel.cancelled(), if !cancelled => cancelled = true,
            Some(()) = inflight.next() => {}
            Some(u) = rx.recv() => {
                apply(&mut states, &mut dirty, u);
                entry.update(&states);
            }
            _ = ticker.tick() => flush(&states, &mut dirty, sink.as_ref()),
        }
    }
    drop(tx);
    while let Some(u) = rx.recv().await {
        apply(&mut states, &mut dirty, u);
    }
    entry.update(&states);
    if cancelled {
        for s in states
            .iter_mut()
            .filter(|s| s.phase == ReplicaPhase::Pending)
        {
            s.phase = ReplicaPhase::Skipped;
        }
        dirty.extend((0..states.len()).map(|i| (i, ())));
        flush(&states, &mut dirty, sink.as_ref());
        rollback(engine, &mut states, concurrency).await;
        entry.update(&states);
        dirty.extend((0..states.len()).map(|i| (i, ())));
    }
    flush(&states, &mut dirty, sink.as_ref());
    LaunchOutcome {
        group: plan.group.clone(),
        replicas: states,
        cancelled,
        elapsed_ms: started.elapsed().as_millis() as u64,
    }
}

fn apply(states: &mut [ReplicaProgress], dirty: &mut BTreeMap<usize, ()>, u: Update) {
    if let Some(s) = states.get_mut(u.index) {
        s.phase = u.phase;
        s.container_id = u.container_id;
        s.error = u.error;
        dirty.insert(u.index, ());
    }
}

fn flush(
    states: &[ReplicaProgress],
    dirty: &mut BTreeMap<usize, ()>,
    sink: &dyn Sink<Vec<ReplicaProgress>>,
) {
    if dirty.is_empty() {
        return;
    }
    let batch = std::mem::take(dirty)
        .into_keys()
        .filter_map(|i| states.get(i).cloned())
        .collect();
    sink.send(batch);
}

/// Removes every container a cancelled launch made.
async fn rollback(engine: &Engine, states: &mut [ReplicaProgress], concurrency: usize) {
    let ids: Vec<(usize, ContainerId)> = states
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.container_id.clone().map(|id| (i, id)))
        .collect();
    let results: Vec<(usize, Result<(), EngineError>)> = futures_util::stream::iter(ids)
        .map(|(i, id)| async move { (i, engine.remove_container(id.as_str()).await) })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    for (i, result) in results {
        if let Some(s) = states.get_mut(i) {
            match result {
                Ok(()) => {
                    s.phase = ReplicaPhase::Removed;
                    s.container_id = None;
                }
                Err(e) => {
                    s.phase = ReplicaPhase::Failed;
                    s.error = Some(format!("cancelled, but removing it failed: {e}"));
                }
            }
        }
    }
}
