//! The launcher: plans replicas against the engine's current state, then creates and starts
//! them with bounded concurrency, reporting progress in batches (one per tick), honouring
//! cancellation, and never leaving a container it made unaccounted for: every container is
//! either running and reported, or removed.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::host_ports::host_port_free;
use super::pull::{run_pull, PullSink, PULL_TICK};
use crate::domain::launch::plan::{replica_number, spec_from_labels};
use crate::domain::launch::{
    build_plan, docker_run_line, validate, FieldError, LaunchField, LaunchPlan, LaunchRequest,
    LaunchSpec, PortBinding, Protocol, LABEL_GROUP, MAX_REPLICAS,
};
use crate::domain::pull::{pull_cli, PullOutcome};
use crate::domain::reference::parse_reference;
use crate::domain::ContainerSummary;
use crate::engine::{Engine, EngineError};

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
    pub container_id: Option<String>,
    pub error: Option<String>,
}

/// Receives progress, a batch at a time.
pub trait LaunchSink: Send + Sync {
    fn progress(&self, batch: Vec<ReplicaProgress>);
}

/// A sink that drops everything (benchmarks, callers that only want the outcome).
pub struct NoProgress;
impl LaunchSink for NoProgress {
    fn progress(&self, _batch: Vec<ReplicaProgress>) {}
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
    pub group: String,
    pub replicas: Vec<ReplicaProgress>,
    pub cancelled: bool,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

impl LaunchOutcome {
    pub fn running_ids(&self) -> Vec<String> {
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

/// Why a launch could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the launch form has problems")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// What the dialog shows while the form changes: per-field problems, or the replicas'
/// names and ports and the equivalent commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LaunchPreview {
    pub group: String,
    pub errors: Vec<FieldError>,
    pub replicas: Vec<ReplicaPreview>,
    /// `docker run` lines, the first [`PREVIEW_COMMANDS`] replicas' at most.
    pub commands: Vec<String>,
    /// Replicas whose command is not listed.
    pub more: u32,
    /// Set when the image is not on the engine: launching pulls it first (and `commands`
    /// starts with its `docker pull`).
    pub pull: Option<PlannedPull>,
}

/// An image the engine does not have, pulled before the replicas are created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlannedPull {
    /// The reference pulled, as the pull service names it (`name:tag`, `name@digest`).
    pub reference: String,
    /// The registry host it comes from, or `Docker Hub`.
    pub registry: String,
    /// `docker pull REF`.
    pub command: String,
}

/// An image given by ID (`sha256:...`, or 12 to 64 hex digits) rather than by name.
fn is_image_id(image: &str) -> bool {
    let hex = image.strip_prefix("sha256:");
    let digits = hex.unwrap_or(image);
    (hex.is_some() || (12..=64).contains(&digits.len()))
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_hexdigit())
}

/// What launching an image the engine does not have means: pulling it first, if it is a
/// reference that can be pulled; a field error if it is an image ID (there is nothing to
/// pull) or not a valid reference.
pub fn pull_for_missing(image: &str) -> Result<PlannedPull, FieldError> {
    let image = image.trim();
    if is_image_id(image) {
        return Err(FieldError::new(
            LaunchField::Image,
            format!("there is no image with the ID {image} on this engine"),
        ));
    }
    let parsed = parse_reference(image).map_err(|m| FieldError::new(LaunchField::Image, m))?;
    let reference = parsed.canonical();
    Ok(PlannedPull {
        registry: parsed.registry().unwrap_or("Docker Hub").to_string(),
        command: pull_cli(&reference),
        reference,
    })
}

/// A launch planned against the engine: the replicas, and the pull that must come first
/// when the image is not there yet.
#[derive(Debug, Clone)]
pub struct PreparedLaunch {
    pub plan: LaunchPlan,
    pub pull: Option<PlannedPull>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReplicaPreview {
    pub replica: u32,
    pub name: String,
    pub ports: Vec<PortBinding>,
}

pub const PREVIEW_COMMANDS: usize = 50;

/// A fresh group id: 12 lower-case hex digits, unique enough for one engine.
pub fn new_group_id() -> String {
    use sha2::{Digest, Sha256};
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let seed = format!(
        "{nanos}-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    let digest = Sha256::digest(seed.as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// A group id as Berth makes them (it ends up in labels and filters).
pub fn is_group_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
}

/// What planning needs to know about the engine right now.
struct EngineState {
    names: HashSet<String>,
    /// Host ports published by the engine's (running) containers.
    ports: HashSet<(u16, Protocol)>,
}

async fn engine_state(
    engine: &Engine,
) -> Result<(EngineState, Vec<ContainerSummary>), EngineError> {
    let containers = engine.list_containers().await?;
    let names = containers.iter().map(|c| c.name.clone()).collect();
    let ports = containers
        .iter()
        .flat_map(|c| &c.ports)
        .filter_map(|p| {
            let proto = match p.protocol.as_str() {
                "udp" => Protocol::Udp,
                "sctp" => Protocol::Sctp,
                _ => Protocol::Tcp,
            };
            p.host_port.map(|h| (h, proto))
        })
        .collect();
    Ok((EngineState { names, ports }, containers))
}

/// Validates the form and plans a new group `group` of an image that is on the engine: names
/// and host ports that collide with nothing on the engine or the host. Nothing is created.
/// An image that is not there is a field error; [`prepare_launch`] plans its pull instead.
pub async fn plan_launch(
    engine: &Engine,
    req: &LaunchRequest,
    group: &str,
) -> Result<LaunchPlan, PlanError> {
    let prepared = prepare_launch(engine, req, group).await?;
    match prepared.pull {
        None => Ok(prepared.plan),
        Some(pull) => Err(PlanError::Invalid(vec![FieldError::new(
            LaunchField::Image,
            format!(
                "the image {} is not on this engine; pull it first (`{}`)",
                req.image.trim(),
                pull.command
            ),
        )])),
    }
}

/// Like [`plan_launch`], but an image that is not on the engine and can be pulled is planned
/// as a pull first. Nothing is created or pulled.
pub async fn prepare_launch(
    engine: &Engine,
    req: &LaunchRequest,
    group: &str,
) -> Result<PreparedLaunch, PlanError> {
    let image = req.image.trim().to_string();
    let (validated, image_found, state) = tokio::join!(
        async { validate(req) },
        async {
            if image.is_empty() {
                Ok(Some(String::new()))
            } else {
                match engine.local_image_id(&image).await {
                    // A reference the engine cannot even parse: not there (and the pull
                    // check below says what is wrong with it).
                    Err(EngineError::BadRequest { .. }) => Ok(None),
                    other => other,
                }
            }
        },
        engine_state(engine),
    );
    let mut errors = match &validated {
        Ok(_) => Vec::new(),
        Err(e) => e.clone(),
    };
    if !is_group_id(group) {
        errors.push(FieldError::new(
            LaunchField::Image,
            format!("bad launch group id {group:?}"),
        ));
    }
    let mut pull = None;
    if image_found?.is_none() && !errors.iter().any(|e| e.field == LaunchField::Image) {
        match pull_for_missing(&image) {
            Ok(p) => pull = Some(p),
            Err(e) => errors.push(e),
        }
    }
    let (state, containers) = state?;
    if containers
        .iter()
        .any(|c| c.labels.get(LABEL_GROUP).map(String::as_str) == Some(group))
    {
        errors.push(FieldError::new(
            LaunchField::Image,
            format!("the launch group {group} already exists"),
        ));
    }
    let (count, spec) = match validated {
        Ok(v) if errors.is_empty() => v,
        _ => return Err(PlanError::Invalid(errors)),
    };
    let plan = plan_with_state(&spec, count, group, &state, 0)?;
    Ok(PreparedLaunch { plan, pull })
}

fn plan_with_state(
    spec: &LaunchSpec,
    count: u32,
    group: &str,
    state: &EngineState,
    after: u32,
) -> Result<LaunchPlan, PlanError> {
    let mut taken = |ip: Option<&str>, port: u16, proto: Protocol| {
        state.ports.contains(&(port, proto)) || !host_port_free(ip, port, proto)
    };
    build_plan(spec, count, group, &state.names, after, &mut taken).map_err(PlanError::Invalid)
}

/// The dialog's live preview: never fails on bad input (that is what it reports).
pub async fn preview_launch(
    engine: &Engine,
    req: &LaunchRequest,
    group: &str,
) -> Result<LaunchPreview, EngineError> {
    match prepare_launch(engine, req, group).await {
        Ok(PreparedLaunch { plan, pull }) => {
            let commands = pull
                .iter()
                .map(|p| p.command.clone())
                .chain(
                    plan.replicas
                        .iter()
                        .take(PREVIEW_COMMANDS)
                        .map(docker_run_line),
                )
                .collect();
            let more = plan.replicas.len().saturating_sub(PREVIEW_COMMANDS) as u32;
            Ok(LaunchPreview {
                group: group.to_string(),
                errors: Vec::new(),
                replicas: plan
                    .replicas
                    .iter()
                    .map(|r| ReplicaPreview {
                        replica: r.replica,
                        name: r.name.clone(),
                        ports: r.ports.clone(),
                    })
                    .collect(),
                commands,
                more,
                pull,
            })
        }
        Err(PlanError::Invalid(errors)) => Ok(LaunchPreview {
            group: group.to_string(),
            errors,
            replicas: Vec::new(),
            commands: Vec::new(),
            more: 0,
            pull: None,
        }),
        Err(PlanError::Engine(e)) => Err(e),
    }
}

/// Launches the form's replicas as group `group`: pulls the image first if the engine does
/// not have it (progress to `pull_sink`), then plans again (the engine may have changed
/// meanwhile) and creates and starts the replicas. A failed pull fails the launch with the
/// pull's error; a cancelled one ends it cancelled. Either way nothing is created.
pub async fn launch(
    engine: &Engine,
    req: &LaunchRequest,
    group: &str,
    sink: Arc<dyn LaunchSink>,
    pull_sink: Arc<dyn PullSink>,
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
                sink.progress(replicas.clone());
                return Ok(LaunchOutcome {
                    group: group.to_string(),
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
    container_id: Option<String>,
    error: Option<String>,
}

/// Creates and starts every replica of `plan`. On cancel: nothing new is started, requests
/// in flight finish, and everything this launch made is removed. A replica that fails is
/// removed at once (its error kept); the others keep going.
pub async fn run_launch(
    engine: &Engine,
    plan: &LaunchPlan,
    sink: Arc<dyn LaunchSink>,
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
    sink.progress(states.clone());
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
                let send = |phase, container_id: Option<String>, error: Option<String>| {
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
                    Ok(id) => id,
                    Err(e) => return send(ReplicaPhase::Failed, None, Some(e.to_string())),
                };
                if cancel.is_cancelled() {
                    // Created but not started: the rollback below removes it.
                    return send(ReplicaPhase::Creating, Some(id), None);
                }
                send(ReplicaPhase::Starting, Some(id.clone()), None);
                match engine.start_container(&id).await {
                    Ok(()) => send(ReplicaPhase::Running, Some(id), None),
                    Err(e) => {
                        let error = e.to_string();
                        match engine.remove_container(&id).await {
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
            Some(u) = rx.recv() => apply(&mut states, &mut dirty, u),
            _ = ticker.tick() => flush(&states, &mut dirty, sink.as_ref()),
        }
    }
    drop(tx);
    while let Some(u) = rx.recv().await {
        apply(&mut states, &mut dirty, u);
    }
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

fn flush(states: &[ReplicaProgress], dirty: &mut BTreeMap<usize, ()>, sink: &dyn LaunchSink) {
    if dirty.is_empty() {
        return;
    }
    let batch = std::mem::take(dirty)
        .into_keys()
        .filter_map(|i| states.get(i).cloned())
        .collect();
    sink.progress(batch);
}

/// Removes every container a cancelled launch made.
async fn rollback(engine: &Engine, states: &mut [ReplicaProgress], concurrency: usize) {
    let ids: Vec<(usize, String)> = states
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.container_id.clone().map(|id| (i, id)))
        .collect();
    let results: Vec<(usize, Result<(), EngineError>)> = futures_util::stream::iter(ids)
        .map(|(i, id)| async move { (i, engine.remove_container(&id).await) })
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

/// A launch group's members, lowest replica number first.
pub async fn group_members(
    engine: &Engine,
    group: &str,
) -> Result<Vec<ContainerSummary>, EngineError> {
    let mut members = engine
        .list_labelled(&format!("{LABEL_GROUP}={group}"))
        .await?;
    members.sort_by_key(|c| replica_number(&c.labels).unwrap_or(u32::MAX));
    Ok(members)
}

/// What scaling a group did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScaleOutcome {
    /// Set when the group grew.
    pub launch: Option<LaunchOutcome>,
    /// Names of the replicas removed when it shrank.
    pub removed: Vec<String>,
    /// `name: reason` for replicas that could not be removed.
    pub errors: Vec<String>,
}

/// Scales a group to `target` replicas: up launches more with the group's own spec
/// (numbered after its highest replica), down removes the highest-numbered ones.
pub async fn scale_group(
    engine: &Engine,
    group: &str,
    target: u32,
    sink: Arc<dyn LaunchSink>,
    cancel: CancellationToken,
    options: &LaunchOptions,
) -> Result<ScaleOutcome, PlanError> {
    let invalid = |m: String| PlanError::Invalid(vec![FieldError::new(LaunchField::Replicas, m)]);
    if target > MAX_REPLICAS {
        return Err(invalid(format!("at most {MAX_REPLICAS} replicas")));
    }
    let members = group_members(engine, group).await?;
    if members.is_empty() {
        return Err(PlanError::Engine(EngineError::NotFound {
            message: format!("no launch group {group}"),
        }));
    }
    let current = members.len() as u32;
    if target > current {
        let spec = members
            .iter()
            .find_map(|c| spec_from_labels(&c.labels))
            .ok_or_else(|| {
                invalid("this group's launch settings label is missing or unreadable".into())
            })?;
        let after = members
            .iter()
            .filter_map(|c| replica_number(&c.labels))
            .max()
            .unwrap_or(0);
        let (state, _) = engine_state(engine).await?;
        let plan = plan_with_state(&spec, target - current, group, &state, after)?;
        let launch = run_launch(engine, &plan, sink, cancel, options).await;
        return Ok(ScaleOutcome {
            launch: Some(launch),
            removed: Vec::new(),
            errors: Vec::new(),
        });
    }
    let doomed: Vec<&ContainerSummary> = members
        .iter()
        .rev()
        .take((current - target) as usize)
        .collect();
    let (removed, errors) = remove_all(engine, &doomed, options.concurrency).await;
    Ok(ScaleOutcome {
        launch: None,
        removed,
        errors,
    })
}

/// Removes `containers` with bounded concurrency; returns (removed names, `name: reason`).
/// The futures own what they use: borrowed captures would make the command futures that
/// call this fail Tauri's `Send` check.
async fn remove_all(
    engine: &Engine,
    containers: &[&ContainerSummary],
    concurrency: usize,
) -> (Vec<String>, Vec<String>) {
    let jobs: Vec<(Engine, String, String)> = containers
        .iter()
        .map(|c| (engine.clone(), c.id.clone(), c.name.clone()))
        .collect();
    let results: Vec<(String, Result<(), EngineError>)> = futures_util::stream::iter(jobs)
        .map(|(engine, id, name)| async move { (name, engine.remove_container(&id).await) })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut removed = Vec::new();
    let mut errors = Vec::new();
    for (name, r) in results {
        match r {
            Ok(()) => removed.push(name),
            Err(e) => errors.push(format!("{name}: {e}")),
        }
    }
    (removed, errors)
}

/// An action on every member of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GroupAction {
    Start,
    Stop,
    Remove,
}

/// Applies `action` to every member; returns `name: reason` per member that failed.
pub async fn group_action(
    engine: &Engine,
    group: &str,
    action: GroupAction,
    concurrency: usize,
) -> Result<Vec<String>, EngineError> {
    let members = group_members(engine, group).await?;
    let refs: Vec<&ContainerSummary> = members.iter().collect();
    if action == GroupAction::Remove {
        return Ok(remove_all(engine, &refs, concurrency).await.1);
    }
    let jobs: Vec<(Engine, ContainerSummary)> = members
        .iter()
        .map(|c| (engine.clone(), c.clone()))
        .collect();
    let results: Vec<(String, Result<(), EngineError>)> = futures_util::stream::iter(jobs)
        .map(|(engine, c)| async move {
            let r = match action {
                GroupAction::Start if !c.state.is_up() => engine.start_container(&c.id).await,
                GroupAction::Stop if c.state.is_up() => engine.stop_container(&c.id, None).await,
                _ => Ok(()),
            };
            (c.name, r)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    Ok(results
        .into_iter()
        .filter_map(|(n, r)| r.err().map(|e| format!("{n}: {e}")))
        .collect())
}

/// Removes the given containers, but only those that belong to a launch group (what a
/// launch made): the "remove what was made" after a partial failure.
pub async fn remove_launched(
    engine: &Engine,
    ids: &[String],
    concurrency: usize,
) -> Result<Vec<String>, EngineError> {
    let launched = engine.list_labelled(LABEL_GROUP).await?;
    let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let doomed: Vec<&ContainerSummary> = launched
        .iter()
        .filter(|c| wanted.contains(c.id.as_str()))
        .collect();
    Ok(remove_all(engine, &doomed, concurrency).await.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_reference_is_pulled_from_its_registry() {
        let p = pull_for_missing(" 127.0.0.1:5000/team/app:v2 ").unwrap();
        assert_eq!(p.reference, "127.0.0.1:5000/team/app:v2");
        assert_eq!(p.registry, "127.0.0.1:5000");
        assert_eq!(p.command, "docker pull 127.0.0.1:5000/team/app:v2");
        let p = pull_for_missing("berth-test/x").unwrap();
        assert_eq!(p.reference, "berth-test/x:latest");
        assert_eq!(p.registry, "Docker Hub");
        assert_eq!(p.command, "docker pull berth-test/x:latest");
    }

    #[test]
    fn a_missing_image_id_or_malformed_reference_is_a_field_error() {
        for bad in [
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789ab",
        ] {
            let e = pull_for_missing(bad).unwrap_err();
            assert_eq!(e.field, LaunchField::Image);
            assert!(e.message.contains("no image with the ID"), "{}", e.message);
        }
        for bad in ["Upper/Case:1", "x:tag:again", "-leading"] {
            let e = pull_for_missing(bad).unwrap_err();
            assert_eq!(e.field, LaunchField::Image);
            assert!(
                e.message.contains("not a valid image reference"),
                "{bad}: {}",
                e.message
            );
        }
        // Short hex-looking names are still names.
        assert!(pull_for_missing("cafe").is_ok());
    }
}
