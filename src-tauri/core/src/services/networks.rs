//! Network actions with the checks the engine does not make, or makes without saying why:
//! a name already taken (the API would make a second network of that name), a subnet that
//! overlaps another network's (named here), the engine's own networks (refused with the
//! reason), and a network with containers attached (named; the engine refuses only running
//! ones, and a stopped one left attached to a removed network can no longer start).
//! Each action answers with its exact `docker network ...` line.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::cli_equiv::DockerCommand;
use crate::domain::echo::echo;
use crate::domain::network::{
    check_new_network, members_text, NetworkFieldError, NetworkMember, NetworkSpec, NetworkSummary,
    NewNetwork,
};
use crate::engine::{Engine, EngineError};

#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<NetworkFieldError>),
    #[error("{name} is not removed: it is {reason}")]
    Protected { name: String, reason: String },
    #[error("{name} is in use by {containers}: disconnect or remove {them} first")]
    InUse {
        name: String,
        containers: String,
        them: &'static str,
    },
    #[error("there is no network “{}” on this engine (removed already?)", echo(.0))]
    Missing(String),
    #[error("{container} is {state} attached to {network}")]
    Attachment {
        container: String,
        network: String,
        state: &'static str,
    },
    /// The engine refused; `what` says what was asked, in words, then the engine's reason.
    #[error("the engine would not {what}: {}", engine_says(.source))]
    Refused {
        what: String,
        #[source]
        source: EngineError,
    },
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// What the Create network dialog shows while typing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NetworkPreview {
    pub errors: Vec<NetworkFieldError>,
    /// `docker network create ...`, when the form is valid.
    pub command: Option<String>,
}

/// An action done: the network's ID and the exact command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NetworkDone {
    pub network: String,
    pub command: String,
}

fn create_command(spec: &NetworkSpec) -> String {
    DockerCommand::NetworkCreate {
        name: spec.name.clone(),
        subnet: spec.subnet.map(|s| s.to_string()),
        labels: spec
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect(),
    }
    .line()
}

/// The form checked against the engine's networks as they are now.
pub async fn preview_create(
    engine: &Engine,
    form: &NewNetwork,
) -> Result<NetworkPreview, EngineError> {
    let existing = engine.list_networks().await?;
    Ok(match check_new_network(form, &existing) {
        Ok(spec) => NetworkPreview {
            errors: Vec::new(),
            command: Some(create_command(&spec)),
        },
        Err(errors) => NetworkPreview {
            errors,
            command: None,
        },
    })
}

/// Checks the form again (the engine may have changed since the preview) and creates it.
pub async fn create(engine: &Engine, form: &NewNetwork) -> Result<NetworkDone, NetworkError> {
    let existing = engine.list_networks().await?;
    let spec = check_new_network(form, &existing).map_err(NetworkError::Invalid)?;
    let command = create_command(&spec);
    match engine.create_network(&spec).await {
        Ok(network) => Ok(NetworkDone { network, command }),
        Err(e) => {
            // Made meanwhile by someone else? Then the check now says which network.
            let now = engine.list_networks().await.unwrap_or_default();
            match check_new_network(form, &now) {
                Err(errors) => Err(NetworkError::Invalid(errors)),
                Ok(_) => Err(refused(format!("create the network {}", spec.name), e)),
            }
        }
    }
}

async fn find(engine: &Engine, network: &str) -> Result<NetworkSummary, NetworkError> {
    engine
        .list_networks()
        .await?
        .into_iter()
        .find(|n| n.id == network || n.name == network)
        .ok_or_else(|| NetworkError::Missing(network.to_string()))
}

fn in_use(n: &NetworkSummary) -> NetworkError {
    NetworkError::InUse {
        name: n.name.clone(),
        containers: members_text(&n.attached),
        them: if n.attached.len() == 1 { "it" } else { "them" },
    }
}

/// Removes a network (by ID or name) that is not the engine's own and has no container
/// attached, running or stopped.
pub async fn remove(engine: &Engine, network: &str) -> Result<NetworkDone, NetworkError> {
    let n = find(engine, network).await?;
    if let Some(reason) = &n.protected {
        return Err(NetworkError::Protected {
            name: n.name,
            reason: reason.clone(),
        });
    }
    if !n.attached.is_empty() {
        return Err(in_use(&n));
    }
    let command = DockerCommand::NetworkRm {
        network: n.name.clone(),
    }
    .line();
    match engine.remove_network(&n.id).await {
        Ok(()) => Ok(NetworkDone {
            network: n.id,
            command,
        }),
        Err(EngineError::NotFound { .. }) => Err(NetworkError::Missing(n.name)),
        Err(e) => {
            // A container attached since the check: name it rather than the engine's
            // "has active endpoints".
            match find(engine, &n.id).await {
                Ok(now) if !now.attached.is_empty() => Err(in_use(&now)),
                _ => Err(refused(format!("remove the network {}", n.name), e)),
            }
        }
    }
}

fn member<'a>(n: &'a NetworkSummary, container: &str) -> Option<&'a NetworkMember> {
    n.attached
        .iter()
        .find(|m| m.id.as_str() == container || m.name == container)
}

/// Attaches a container (by ID or name) to a network; the answer's command names both.
pub async fn connect(
    engine: &Engine,
    network: &str,
    container: &str,
) -> Result<NetworkDone, NetworkError> {
    let n = find(engine, network).await?;
    if let Some(m) = member(&n, container) {
        return Err(NetworkError::Attachment {
            container: m.name.clone(),
            network: n.name,
            state: "already",
        });
    }
    if let Err(e) = engine.connect_network(&n.id, container).await {
        return Err(refused(format!("connect {container} to {}", n.name), e));
    }
    // The container's name, for the command, from the list that now holds it.
    let now = find(engine, &n.id).await?;
    let name = member(&now, container).map_or_else(|| container.to_string(), |m| m.name.clone());
    Ok(NetworkDone {
        command: DockerCommand::NetworkConnect {
            network: n.name,
            container: name,
        }
        .line(),
        network: n.id,
    })
}

/// Detaches a container (by ID or name) from a network.
pub async fn disconnect(
    engine: &Engine,
    network: &str,
    container: &str,
) -> Result<NetworkDone, NetworkError> {
    let n = find(engine, network).await?;
    let Some(m) = member(&n, container) else {
        return Err(NetworkError::Attachment {
            container: container.to_string(),
            network: n.name,
            state: "not",
        });
    };
    let command = DockerCommand::NetworkDisconnect {
        network: n.name.clone(),
        container: m.name.clone(),
    }
    .line();
    match engine.disconnect_network(&n.id, m.id.as_str()).await {
        Ok(()) => Ok(NetworkDone {
            network: n.id,
            command,
        }),
        Err(e) => Err(refused(format!("disconnect {} from {}", m.name, n.name), e)),
    }
}

/// The engine refused `what` (its answer is kept); a lost connection stays an engine error,
/// so the UI shows the engine's state rather than a refusal.
fn refused(what: String, e: EngineError) -> NetworkError {
    match e {
        EngineError::NotFound { .. }
        | EngineError::Conflict { .. }
        | EngineError::BadRequest { .. }
        | EngineError::InvalidArgument { .. }
        | EngineError::Server { .. } => NetworkError::Refused { what, source: e },
        other => NetworkError::Engine(other),
    }
}

/// The engine's own words for a refused request, without the HTTP framing.
fn engine_says(e: &EngineError) -> String {
    match e {
        EngineError::NotFound { message }
        | EngineError::Conflict { message }
        | EngineError::BadRequest { message }
        | EngineError::Server { message, .. } => message.clone(),
        other => other.to_string(),
    }
}
