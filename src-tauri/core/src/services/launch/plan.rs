//! Planning a launch against the engine's current state: the form validated, names and host
//! ports that collide with nothing, the pull that must come first when the image is missing,
//! and the dialog's live preview. Nothing is created here.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::key::{self, LaunchKeyError};
use crate::domain::ids::GroupId;
use crate::domain::launch::seal::ForeignReason;
use crate::domain::launch::{
    build_plan, docker_run_line, validate, FieldError, LaunchField, LaunchPlan, LaunchRequest,
    LaunchSpec, PortBinding, Protocol, LABEL_GROUP,
};
use crate::domain::pull::pull_cli;
use crate::domain::reference::{looks_like_image_id, parse_reference};
use crate::domain::ContainerSummary;
use crate::engine::{Engine, EngineError};
use crate::services::host_port_free;

/// Why a launch could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the launch form has problems")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The launch cannot be sealed (or a group judged) without this install's key.
    #[error(transparent)]
    LaunchKey(#[from] LaunchKeyError),
    /// The group was not launched by this Berth: its spec is not replayed, its members not
    /// removed by scaling.
    #[error(
        "the group {group} was not launched by this Berth ({reason}); review and adopt it first"
    )]
    Foreign {
        group: GroupId,
        reason: ForeignReason,
    },
    /// Adopting a group whose replicas mount host paths needs the user to have seen them.
    #[error("the group mounts host paths ({}); review them and confirm to adopt it", binds.join(", "))]
    ReviewBinds { binds: Vec<String> },
}

/// What the dialog shows while the form changes: per-field problems, or the replicas'
/// names and ports and the equivalent commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LaunchPreview {
    pub group: GroupId,
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

/// What launching an image the engine does not have means: pulling it first, if it is a
/// reference that can be pulled; a field error if it is an image ID (there is nothing to
/// pull) or not a valid reference.
pub fn pull_for_missing(image: &str) -> Result<PlannedPull, FieldError> {
    let image = image.trim();
    if looks_like_image_id(image) {
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
pub fn new_group_id() -> GroupId {
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
    GroupId::new(
        digest
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
    )
}

/// A group id as Berth makes them (it ends up in labels and filters).
pub fn is_group_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
}

/// What planning needs to know about the engine right now.
pub(super) struct EngineState {
    names: HashSet<String>,
    /// Host ports published by the engine's (running) containers.
    ports: HashSet<(u16, Protocol)>,
}

pub(super) async fn engine_state(
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
    group: &GroupId,
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
    group: &GroupId,
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
                    // One that is not even asked (`../x`, `a?b`): a form error below.
                    Err(EngineError::InvalidArgument { .. }) => Ok(None),
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
    if !is_group_id(group.as_str()) {
        errors.push(FieldError::new(
            LaunchField::Image,
            format!(
                "bad launch group id “{}”",
                crate::domain::echo::echo(group.as_str())
            ),
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
        .any(|c| c.labels.get(LABEL_GROUP).map(String::as_str) == Some(group.as_str()))
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

pub(super) fn plan_with_state(
    spec: &LaunchSpec,
    count: u32,
    group: &GroupId,
    state: &EngineState,
    after: u32,
) -> Result<LaunchPlan, PlanError> {
    let mut taken = |ip: Option<&str>, port: u16, proto: Protocol| {
        state.ports.contains(&(port, proto)) || !host_port_free(ip, port, proto)
    };
    let mut plan = build_plan(spec, count, group.as_str(), &state.names, after, &mut taken)
        .map_err(PlanError::Invalid)?;
    plan.seal(key::current()?.key());
    Ok(plan)
}

/// The dialog's live preview: never fails on bad input (that is what it reports).
pub async fn preview_launch(
    engine: &Engine,
    req: &LaunchRequest,
    group: &GroupId,
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
                group: group.clone(),
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
            group: group.clone(),
            errors,
            replicas: Vec::new(),
            commands: Vec::new(),
            more: 0,
            pull: None,
        }),
        Err(PlanError::Engine(e)) => Err(e),
        // The dialog shows it where it shows every other reason the launch cannot happen.
        Err(
            e @ (PlanError::LaunchKey(_)
            | PlanError::Foreign { .. }
            | PlanError::ReviewBinds { .. }),
        ) => Ok(LaunchPreview {
            group: group.clone(),
            errors: vec![FieldError::new(LaunchField::Image, e.to_string())],
            replicas: Vec::new(),
            commands: Vec::new(),
            more: 0,
            pull: None,
        }),
    }
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
