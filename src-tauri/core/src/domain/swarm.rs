//! Swarm as the UI sees it: whether the engine is a manager, its services and their tasks.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::launch::ports::Protocol;

/// The engine's place in a swarm (`docker info`: `Swarm.LocalNodeState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SwarmState {
    /// Not in a swarm (the usual case).
    Inactive,
    Pending,
    Active,
    Error,
    Locked,
}

impl SwarmState {
    /// The engine's word for it; anything unknown (a newer engine) reads as an error state.
    pub fn from_api(text: &str) -> Self {
        match text {
            "" | "inactive" => Self::Inactive,
            "pending" => Self::Pending,
            "active" => Self::Active,
            "locked" => Self::Locked,
            _ => Self::Error,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inactive => "inactive",
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Error => "error",
            Self::Locked => "locked",
        }
    }
}

/// What Berth knows about the engine's swarm membership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SwarmInfo {
    pub state: SwarmState,
    /// `ControlAvailable`: this engine is a manager, so it can create and scale services.
    pub manager: bool,
    pub node_id: String,
    pub node_addr: String,
    /// The engine's own error text for the `error` state.
    pub error: String,
}

impl SwarmInfo {
    pub fn inactive() -> Self {
        Self {
            state: SwarmState::Inactive,
            manager: false,
            node_id: String::new(),
            node_addr: String::new(),
            error: String::new(),
        }
    }

    /// Services can be created, listed and scaled only through an active manager.
    pub fn can_manage_services(&self) -> bool {
        self.state == SwarmState::Active && self.manager
    }

    /// Why services cannot be managed here, in one sentence; `None` when they can.
    pub fn not_manager_reason(&self) -> Option<String> {
        if self.can_manage_services() {
            return None;
        }
        Some(match self.state {
            SwarmState::Inactive => "this engine is not part of a swarm: services need a swarm \
                manager (`docker swarm init` makes this engine one)"
                .into(),
            SwarmState::Active => "this engine is a swarm worker, not a manager: services are \
                created and scaled through a manager node"
                .into(),
            SwarmState::Locked => "this swarm manager is locked: unlock it first \
                (`docker swarm unlock`)"
                .into(),
            SwarmState::Pending => {
                "this engine is still joining its swarm; try again shortly".into()
            }
            SwarmState::Error => {
                format!("this engine's swarm is in an error state: {}", self.error)
            }
        })
    }
}

/// A port a service publishes on every node (ingress routing mesh).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PublishedPort {
    /// `None` until the swarm has assigned one (it picks from 30000-32767 when not given).
    pub published: Option<u16>,
    pub target: u16,
    pub protocol: Protocol,
    /// `ingress` or `host`.
    pub mode: String,
}

impl PublishedPort {
    /// As `docker service create --publish` takes it (long syntax, nothing implied).
    pub fn to_cli(&self) -> String {
        let mut s = String::new();
        if let Some(p) = self.published {
            s.push_str(&format!("published={p},"));
        }
        s.push_str(&format!(
            "target={},protocol={},mode={}",
            self.target,
            self.protocol.as_str(),
            self.mode
        ));
        s
    }

    /// `8080→80/tcp`, or `*→80/tcp` while unassigned.
    pub fn label(&self) -> String {
        let published = self
            .published
            .map(|p| p.to_string())
            .unwrap_or_else(|| "*".into());
        format!("{published}→{}/{}", self.target, self.protocol.as_str())
    }
}

/// One row of the Services view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceSummary {
    pub id: String,
    pub name: String,
    pub image: String,
    /// `None` for a global service (one task per node, no replica count).
    pub replicas_desired: Option<u32>,
    pub tasks_running: u32,
    /// Tasks the orchestrator wants running (for replicated services: the replica count).
    pub tasks_desired: u32,
    pub ports: Vec<PublishedPort>,
    /// The launch group label, when Berth launched it.
    pub group: Option<String>,
    /// RFC 3339, as the engine gives it.
    pub created: String,
}

/// One task of a service, where it runs and how it is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TaskSummary {
    pub id: String,
    /// The replica slot (`name.slot`); `None` for global services.
    pub slot: Option<u32>,
    pub node_id: String,
    /// The node's host name, or its ID when the node is gone.
    pub node: String,
    /// `running`, `pending`, `failed`, `shutdown`, ...
    pub state: String,
    pub desired_state: String,
    /// The engine's message for the current state ("started", "preparing", ...).
    pub message: String,
    /// Why the task failed, if it did.
    pub error: String,
    pub container_id: Option<String>,
    /// RFC 3339 time of the last state change.
    pub updated: String,
}

/// Tasks are listed per node, as `docker service ps` groups them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NodeTasks {
    pub node: String,
    pub tasks: Vec<TaskSummary>,
}

/// Groups tasks by node host name (sorted), newest state change first within a node, so
/// the task that replaced a failed one sits above it.
pub fn tasks_by_node(mut tasks: Vec<TaskSummary>) -> Vec<NodeTasks> {
    tasks.sort_by(|a, b| {
        a.node
            .cmp(&b.node)
            .then(a.slot.cmp(&b.slot))
            .then(b.updated.cmp(&a.updated))
    });
    let mut out: Vec<NodeTasks> = Vec::new();
    for t in tasks {
        match out.last_mut() {
            Some(group) if group.node == t.node => group.tasks.push(t),
            _ => out.push(NodeTasks {
                node: t.node.clone(),
                tasks: vec![t],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(node: &str, slot: u32, updated: &str) -> TaskSummary {
        TaskSummary {
            id: format!("{node}{slot}{updated}"),
            slot: Some(slot),
            node_id: node.into(),
            node: node.into(),
            state: "running".into(),
            desired_state: "running".into(),
            message: String::new(),
            error: String::new(),
            container_id: None,
            updated: updated.into(),
        }
    }

    #[test]
    fn states_parse_and_only_an_active_manager_manages_services() {
        assert_eq!(SwarmState::from_api("inactive"), SwarmState::Inactive);
        assert_eq!(SwarmState::from_api(""), SwarmState::Inactive);
        assert_eq!(SwarmState::from_api("active"), SwarmState::Active);
        assert_eq!(SwarmState::from_api("weird"), SwarmState::Error);
        let mut info = SwarmInfo::inactive();
        assert!(info
            .not_manager_reason()
            .unwrap()
            .contains("docker swarm init"));
        info.state = SwarmState::Active;
        assert!(info.not_manager_reason().unwrap().contains("worker"));
        info.manager = true;
        assert!(info.can_manage_services());
        assert_eq!(info.not_manager_reason(), None);
    }

    #[test]
    fn published_ports_render_in_long_syntax() {
        let p = PublishedPort {
            published: Some(8080),
            target: 80,
            protocol: Protocol::Tcp,
            mode: "ingress".into(),
        };
        assert_eq!(
            p.to_cli(),
            "published=8080,target=80,protocol=tcp,mode=ingress"
        );
        assert_eq!(p.label(), "8080→80/tcp");
        let p = PublishedPort {
            published: None,
            protocol: Protocol::Udp,
            ..p
        };
        assert_eq!(p.to_cli(), "target=80,protocol=udp,mode=ingress");
        assert_eq!(p.label(), "*→80/udp");
    }

    #[test]
    fn tasks_group_by_node_with_the_newest_first_per_slot() {
        let grouped = tasks_by_node(vec![
            task("b", 1, "2"),
            task("a", 2, "1"),
            task("a", 1, "1"),
            task("a", 1, "3"),
        ]);
        let shape: Vec<String> = grouped
            .into_iter()
            .map(|g| {
                let tasks: Vec<String> = g
                    .tasks
                    .iter()
                    .map(|t| format!("{}@{}", t.slot.unwrap_or(0), t.updated))
                    .collect();
                format!("{}: {}", g.node, tasks.join(" "))
            })
            .collect();
        assert_eq!(shape, ["a: 1@3 1@1 2@1", "b: 1@2"]);
    }
}
