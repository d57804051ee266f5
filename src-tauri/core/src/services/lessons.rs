//! Lessons on the user's engine: read the snapshot the checks need, perform a step's click,
//! clean up what a lesson made, and wait for the next engine event that may change a check.
//! The checks themselves are pure ([`crate::domain::lessons`]).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use futures_util::StreamExt;

use crate::domain::first_run::{tar_archive, TarFile, DEMO_TAG};
use crate::domain::launch::{ReplicaConfig, RestartPolicy};
use crate::domain::lessons::{
    evaluate, made_objects, step_actions, House, LessonId, LessonImage, LessonStatus, ObjectKind,
    Snapshot, StepAction, DATA_NOTE, DOOR_PORT, LESSON_LABEL, MAX_HISTORY_ROWS, PING_ARGV,
    STREET_A,
};
use crate::domain::network::NetworkSpec;
use crate::domain::volume::VolumeCreate;
use crate::domain::ContainerState;
use crate::engine::{Engine, EngineError, EngineEvent};

/// The lists every lesson's checks read: containers, the demo image, volumes, networks.
async fn lists(engine: &Engine) -> Result<Snapshot, EngineError> {
    Ok(Snapshot {
        containers: engine.list_containers().await?,
        demo_image_id: engine.local_image_id(DEMO_TAG).await?,
        volumes: engine.list_volumes().await?,
        networks: engine.list_networks().await?,
        ..Snapshot::default()
    })
}

/// What `lesson`'s checks need beyond the lists, added to `snap`. Only the lesson's own
/// containers are read (a few, by the names its steps ask for); one that vanished meanwhile
/// is skipped.
async fn add_details(
    engine: &Engine,
    lesson: LessonId,
    snap: &mut Snapshot,
) -> Result<(), EngineError> {
    let mine: Vec<(String, String, bool)> = snap
        .made_by(lesson)
        .into_iter()
        .map(|c| {
            let running = c.state == ContainerState::Running;
            (c.name.clone(), c.id.clone(), running)
        })
        .collect();
    for (name, id, running) in mine {
        if lesson.needs_diff().contains(&name.as_str()) {
            if let Some(changes) = gone_is_none(engine.file_changes(&id).await)? {
                snap.diffs.insert(name.clone(), changes);
            }
        }
        if !running {
            if let Some(d) = gone_is_none(engine.inspect_container(&id).await)? {
                if let Some(error) = d.error {
                    snap.start_errors.insert(name.clone(), error);
                }
            }
        }
        if snap.mounts_data(lesson, &name) && note_exists(engine, &id).await? {
            snap.sees_note.insert(name.clone());
        }
    }
    for name in lesson.image_names() {
        if let Some((id, labels)) = engine.image_labels(name).await? {
            let Some(mut history) = gone_is_none(engine.image_history(name).await)? else {
                continue;
            };
            history.truncate(MAX_HISTORY_ROWS);
            snap.images.insert(
                name.to_string(),
                LessonImage {
                    id,
                    labels,
                    history,
                },
            );
        }
    }
    if lesson == LessonId::Street && snap.street_built() {
        // The check itself: the same ping the step asks the user to type. Its exec is not
        // one of the user's (exec_changes_checks is false for this lesson).
        if let Some(a) = snap.lesson_container(lesson, STREET_A.name) {
            let id = a.id.clone();
            let argv = PING_ARGV.iter().map(|s| s.to_string()).collect();
            snap.reached_by_name =
                gone_is_none(engine.exec(&id, argv).await)?.map(|out| out.exit_code == Some(0));
        }
    }
    Ok(())
}

fn gone_is_none<T>(r: Result<T, EngineError>) -> Result<Option<T>, EngineError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(EngineError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether [`DATA_NOTE`] exists in the container (its volume included): the first chunk of
/// `docker cp` of that path, the rest never read. No exec, so no event that wakes a wait.
async fn note_exists(engine: &Engine, id: &str) -> Result<bool, EngineError> {
    let stream = engine.container_archive(id, DATA_NOTE);
    let mut stream = std::pin::pin!(stream);
    match stream.next().await {
        Some(Ok(_)) => Ok(true),
        None | Some(Err(EngineError::NotFound { .. })) => Ok(false),
        Some(Err(e)) => Err(e),
    }
}

/// The engine's state as the checks of `lesson` see it.
pub async fn snapshot(engine: &Engine, lesson: LessonId) -> Result<Snapshot, EngineError> {
    let mut snap = lists(engine).await?;
    add_details(engine, lesson, &mut snap).await?;
    Ok(snap)
}

/// Every step of `lesson` checked on the engine now.
pub async fn status(engine: &Engine, lesson: LessonId) -> Result<LessonStatus, EngineError> {
    Ok(evaluate(lesson, &snapshot(engine, lesson).await?))
}

/// Every lesson checked on the engine now, the lists read once for all.
pub async fn status_all(engine: &Engine) -> Result<Vec<LessonStatus>, EngineError> {
    let mut snap = lists(engine).await?;
    for lesson in LessonId::ALL {
        add_details(engine, lesson, &mut snap).await?;
    }
    Ok(LessonId::ALL
        .into_iter()
        .map(|l| evaluate(l, &snap))
        .collect())
}

fn bad(message: impl Into<String>) -> EngineError {
    EngineError::BadRequest {
        message: message.into(),
    }
}

/// Performs step `step` of `lesson` as its button says: what the step's `docker` lines do,
/// with the lesson's label on what it creates. A container the step needs that already
/// exists (made earlier, or typed) is started, not made twice.
pub async fn act(engine: &Engine, lesson: LessonId, step: usize) -> Result<(), EngineError> {
    let actions = step_actions(lesson, step).ok_or_else(|| bad("this lesson has no such step"))?;
    if engine.local_image_id(DEMO_TAG).await?.is_none() {
        return Err(bad(format!(
            "the blueprint {DEMO_TAG} is not on this engine yet: build it first (Learn → first run)"
        )));
    }
    for action in actions {
        // Read again for each: the action before changed the engine.
        let snap = snapshot(engine, lesson).await?;
        match action {
            StepAction::Run { houses } => {
                for h in houses {
                    match snap.lesson_container(lesson, h.name) {
                        Some(c) if c.state == ContainerState::Running => {}
                        Some(c) => engine.start_container(&c.id).await?,
                        None => {
                            let id = engine.create_replica(&house(lesson, h)).await?;
                            engine.start_container(&id).await?;
                        }
                    }
                }
            }
            StepAction::RunRefused { house: h } => {
                let id = match snap.lesson_container(lesson, h.name) {
                    Some(c) => c.id.clone(),
                    None => engine.create_replica(&house(lesson, &h)).await?,
                };
                match engine.start_container(&id).await {
                    // The refusal is what the step shows (from the container's state).
                    Err(e) if e.to_string().contains(&format!(":{DOOR_PORT}")) => {}
                    other => other?,
                }
            }
            StepAction::Replace { remove, house: h } => {
                if let Some(c) = snap.lesson_container(lesson, remove) {
                    engine.remove_container(&c.id).await?;
                }
                let id = engine.create_replica(&house(lesson, &h)).await?;
                engine.start_container(&id).await?;
            }
            StepAction::Exec { container, argv } => {
                let c = snap.lesson_container(lesson, container).ok_or_else(|| {
                    bad(format!("there is no {container} yet: do the step before"))
                })?;
                let argv = argv.iter().map(|a| a.to_string()).collect();
                let out = engine.exec(&c.id, argv).await?;
                if out.exit_code != Some(0) {
                    return Err(bad(format!(
                        "the command in {container} failed: {}",
                        out.output.trim()
                    )));
                }
            }
            StepAction::CreateVolume { name } => {
                if !snap.volumes_of(lesson).is_empty() {
                    continue;
                }
                if snap.volumes.iter().any(|v| v.name == name) {
                    return Err(taken("volume", name, lesson));
                }
                engine
                    .create_volume(&VolumeCreate {
                        name: name.into(),
                        driver: String::new(),
                        labels: label(lesson),
                    })
                    .await?;
            }
            // `docker history` changes nothing: the view shows both side by side.
            StepAction::History { .. } => {}
            StepAction::Build { name, dockerfile } => {
                if snap.image_of(lesson, name).is_some() {
                    continue;
                }
                if snap.images.contains_key(name) {
                    return Err(taken("image", name, lesson));
                }
                let tar = tar_archive(&[TarFile {
                    name: "Dockerfile",
                    mode: 0o644,
                    data: dockerfile.as_bytes(),
                }])
                .map_err(bad)?;
                let labels =
                    HashMap::from([(LESSON_LABEL.to_string(), lesson.as_str().to_string())]);
                engine.build_image(tar, name, labels).await?;
            }
            StepAction::CreateNetwork { name } => {
                if !snap.networks_of(lesson).is_empty() {
                    continue;
                }
                if snap.networks.iter().any(|n| n.name == name) {
                    return Err(taken("network", name, lesson));
                }
                engine
                    .create_network(&NetworkSpec {
                        name: name.into(),
                        subnet: None,
                        labels: label(lesson),
                    })
                    .await?;
            }
        }
    }
    Ok(())
}

/// A volume or network of the asked name that is not the lesson's: Berth neither adopts nor
/// replaces it.
fn taken(kind: &str, name: &str, lesson: LessonId) -> EngineError {
    bad(format!(
        "a {kind} named {name} already exists and is not this lesson's (it lacks the label \
         {LESSON_LABEL}={}): Berth leaves it alone. Rename or remove it yourself, then try again",
        lesson.as_str()
    ))
}

fn label(lesson: LessonId) -> BTreeMap<String, String> {
    BTreeMap::from([(LESSON_LABEL.to_string(), lesson.as_str().to_string())])
}

/// A lesson's house: the demo image, the asked name, port, volume and network, the lesson's
/// label, nothing else.
fn house(lesson: LessonId, h: &House) -> ReplicaConfig {
    ReplicaConfig {
        replica: 1,
        name: h.name.into(),
        image: DEMO_TAG.into(),
        command: None,
        env: vec![],
        labels: label(lesson),
        ports: h.port_binding().into_iter().collect(),
        binds: h.bind().into_iter().collect(),
        restart: RestartPolicy::No,
        memory: None,
        nano_cpus: None,
        network: h.network.map(String::from),
        auto_remove: false,
    }
}

/// Removes the objects of `lesson` the user confirmed by name (`confirmed` = the names the
/// confirmation showed): containers first, then networks and volumes (which cannot go while
/// a house uses them), then images (by tag). Only objects the lesson still recognises now are removed, so a name
/// confirmed earlier that now belongs to something else is left alone. The demo image stays:
/// it is the first run's too. Returns the names removed.
pub async fn cleanup(
    engine: &Engine,
    lesson: LessonId,
    confirmed: &[String],
) -> Result<Vec<String>, EngineError> {
    let snap = snapshot(engine, lesson).await?;
    let mut removed = Vec::new();
    for o in made_objects(lesson, &snap) {
        if !confirmed.contains(&o.name) {
            continue;
        }
        match o.kind {
            ObjectKind::Container => engine.remove_container(&o.id).await?,
            ObjectKind::Network => engine.remove_network(&o.id).await?,
            ObjectKind::Volume => engine.remove_volume(&o.id).await?,
            // By tag, never forced: the blueprint berth-demo/hello under it stays.
            ObjectKind::Image => {
                engine.remove_image(&o.name, false).await?;
            }
        }
        removed.push(o.name);
    }
    Ok(removed)
}

/// Whether engine event `e` may change a check of `lesson`: a change in the lists, or the
/// end of a command run inside one of its containers (a `docker exec` changes a writable
/// layer or a volume but not the lists, so the inventory refresh alone would miss it) when
/// the lesson's checks depend on one (lesson 5 runs its own ping: waking on it would make
/// the view read again forever).
pub fn wakes(lesson: LessonId, e: &EngineEvent) -> bool {
    let name = e.attributes.get("name").map(String::as_str).unwrap_or("");
    e.changes_inventory()
        || (e.action == "exec_die"
            && lesson.exec_changes_checks()
            && lesson.names().contains(&name))
}

/// Waits (at most `timeout`) for the next engine event that may change a check of `lesson`
/// ([`wakes`]). Returns whether such an event came. Event-driven: no polling.
pub async fn wait_for_change(engine: &Engine, lesson: LessonId, timeout: Duration) -> bool {
    let events = engine.events(Duration::ZERO);
    let mut events = std::pin::pin!(events);
    let relevant = async {
        while let Some(item) = events.next().await {
            let Ok(e) = item else { return false };
            if wakes(lesson, &e) {
                return true;
            }
        }
        false
    };
    tokio::time::timeout(timeout, relevant)
        .await
        .unwrap_or(false)
}
