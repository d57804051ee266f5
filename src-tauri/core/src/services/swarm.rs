//! Swarm services: launching the launch form as one service with N replicas, listing,
//! scaling and removing services, and their tasks per node. Every entry point first checks
//! that the engine is an active manager, so the user reads why not instead of a 503.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::ids::GroupId;
use crate::domain::launch::service::{
    plan_service, service_create_line, service_field_notes, service_name_from_pattern,
    service_rm_line, service_scale_line, FieldNote, ServicePlan,
};
use crate::domain::launch::{
    validate, FieldError, LaunchField, LaunchRequest, Replicas, ReplicasError,
};
use crate::domain::swarm::{tasks_by_node, NodeTasks, ServiceSummary, SwarmInfo};
use crate::engine::{Engine, EngineError};

#[derive(Debug, thiserror::Error)]
pub enum SwarmError {
    /// Not an active manager; the message says what the engine is instead.
    #[error("{0}")]
    NotManager(String),
    #[error("the launch form has problems")]
    Invalid(Vec<FieldError>),
    /// A scale target that is not a whole number in range.
    #[error(transparent)]
    BadReplicas(#[from] ReplicasError),
    #[error("there is no service {0} on this engine (removed already?)")]
    Missing(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// What the launch dialog shows in service mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServicePreview {
    pub group: GroupId,
    /// The service's name, once the pattern gives a valid one.
    pub name: Option<String>,
    pub replicas: Option<u32>,
    pub errors: Vec<FieldError>,
    /// Fields that change meaning or do not apply to a service.
    pub notes: Vec<FieldNote>,
    /// `docker service create ...`, when the form is valid.
    pub command: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceLaunched {
    pub id: String,
    pub name: String,
    pub replicas: u32,
    pub command: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceScaled {
    pub name: String,
    pub replicas: u32,
    /// `docker service scale ...`.
    pub command: String,
}

/// The swarm membership now, and an error unless it is an active manager.
pub async fn require_manager(engine: &Engine) -> Result<SwarmInfo, SwarmError> {
    let info = engine.swarm_info().await?;
    match info.not_manager_reason() {
        None => Ok(info),
        Some(reason) => Err(SwarmError::NotManager(reason)),
    }
}

/// Validates and plans the form as a service, checking what only the engine knows: the
/// image is there, and no service has the name yet.
async fn plan(
    engine: &Engine,
    request: &LaunchRequest,
    group: &GroupId,
) -> Result<ServicePlan, Vec<FieldError>> {
    let (replicas, spec) = validate(request)?;
    let plan = plan_service(&spec, replicas, group.as_str())?;
    let mut errors = Vec::new();
    // Services pull on each node when the image is missing; Berth only launches services
    // from an image the manager has, so nothing waits on a registry nobody can reach.
    match engine.local_image_id(&plan.image).await {
        Ok(Some(_)) => {}
        Ok(None) => errors.push(FieldError::new(
            LaunchField::Image,
            format!(
                "{} is not on this engine: pull it first (Images → Pull…); Berth creates \
                 services only from images the manager has",
                plan.image
            ),
        )),
        Err(e) => errors.push(FieldError::new(LaunchField::Image, e.to_string())),
    }
    match engine.inspect_service(&plan.name).await {
        Err(EngineError::NotFound { .. }) => {}
        Ok(_) => errors.push(FieldError::new(
            LaunchField::NamePattern,
            format!(
                "a service named {} exists already; choose another name",
                plan.name
            ),
        )),
        Err(e) => errors.push(FieldError::new(LaunchField::NamePattern, e.to_string())),
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(errors)
    }
}

pub async fn preview_service(
    engine: &Engine,
    request: &LaunchRequest,
    group: &GroupId,
) -> Result<ServicePreview, SwarmError> {
    require_manager(engine).await?;
    let (name, replicas, errors, command) = match plan(engine, request, group).await {
        Ok(p) => (
            Some(p.name.clone()),
            Some(p.replicas),
            vec![],
            Some(service_create_line(&p)),
        ),
        Err(errors) => (None, None, errors, None),
    };
    let shown_name = name.clone().or_else(|| {
        validate(request)
            .ok()
            .map(|(_, s)| service_name_from_pattern(&s.name_pattern))
    });
    Ok(ServicePreview {
        group: group.clone(),
        notes: service_field_notes(shown_name.as_deref()),
        name,
        replicas,
        errors,
        command,
    })
}

/// Creates the service. Returns once the manager accepted it; the tasks then converge
/// (the Services view follows them).
pub async fn launch_service(
    engine: &Engine,
    request: &LaunchRequest,
    group: &GroupId,
) -> Result<ServiceLaunched, SwarmError> {
    require_manager(engine).await?;
    let plan = plan(engine, request, group)
        .await
        .map_err(SwarmError::Invalid)?;
    let id = engine.create_service(&plan).await?;
    Ok(ServiceLaunched {
        id,
        name: plan.name.clone(),
        replicas: plan.replicas,
        command: service_create_line(&plan),
    })
}

/// Scales the service to `replicas` as typed: 0 (stop every task, keep the service) up to
/// the launch limit.
pub async fn scale_service(
    engine: &Engine,
    service: &str,
    replicas: &str,
) -> Result<ServiceScaled, SwarmError> {
    let replicas = Replicas::parse(replicas)?.get();
    require_manager(engine).await?;
    let name = service_name(engine, service).await?;
    engine.scale_service(service, replicas).await?;
    Ok(ServiceScaled {
        command: service_scale_line(&name, replicas),
        name,
        replicas,
    })
}

/// Removes the service; returns the equivalent `docker service rm` line.
pub async fn remove_service(engine: &Engine, service: &str) -> Result<String, SwarmError> {
    require_manager(engine).await?;
    let name = service_name(engine, service).await?;
    match engine.remove_service(service).await {
        Ok(()) => Ok(service_rm_line(&name)),
        Err(EngineError::NotFound { .. }) => Err(SwarmError::Missing(service.to_string())),
        Err(e) => Err(e.into()),
    }
}

pub async fn list_services(engine: &Engine) -> Result<Vec<ServiceSummary>, SwarmError> {
    require_manager(engine).await?;
    Ok(engine.list_services().await?)
}

/// The service's tasks grouped per node (`docker service ps`).
pub async fn service_tasks(engine: &Engine, service: &str) -> Result<Vec<NodeTasks>, SwarmError> {
    require_manager(engine).await?;
    let id = match engine.inspect_service(service).await {
        Ok(s) => s.id.unwrap_or_default(),
        Err(EngineError::NotFound { .. }) => return Err(SwarmError::Missing(service.into())),
        Err(e) => return Err(e.into()),
    };
    Ok(tasks_by_node(engine.service_tasks(&id).await?))
}

async fn service_name(engine: &Engine, service: &str) -> Result<String, SwarmError> {
    match engine.inspect_service(service).await {
        Ok(s) => Ok(s
            .spec
            .and_then(|s| s.name)
            .unwrap_or_else(|| service.into())),
        Err(EngineError::NotFound { .. }) => Err(SwarmError::Missing(service.to_string())),
        Err(e) => Err(e.into()),
    }
}
