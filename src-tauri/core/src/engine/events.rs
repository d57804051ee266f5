//! The engine's event stream, reduced to what Berth reacts to.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bollard::models::{EventMessage, EventMessageTypeEnum};
use bollard::query_parameters::EventsOptionsBuilder;
use futures_util::{Stream, StreamExt};

use super::{Engine, EngineError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Container,
    Image,
    Volume,
    Network,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineEvent {
    pub kind: EventKind,
    /// The engine's action, e.g. `start`, `die`, `untag`.
    pub action: String,
    /// What follows the action after ':', e.g. `unhealthy` in `health_status: unhealthy`.
    pub detail: String,
    /// Container or image ID (for `tag`/`untag`, the image ID).
    pub actor_id: String,
    /// The actor's attributes: a container's labels, `name`, `image`, `exitCode` on `die`.
    pub attributes: HashMap<String, String>,
}

impl EngineEvent {
    /// Whether the event changes anything a list shows. Exec sessions, attaches and
    /// file copies are frequent and change nothing there.
    pub fn changes_inventory(&self) -> bool {
        let action = self.action.as_str();
        match self.kind {
            EventKind::Container => {
                !(action.starts_with("exec_")
                    || matches!(
                        action,
                        "attach"
                            | "detach"
                            | "resize"
                            | "top"
                            | "archive-path"
                            | "extract-to-dir"
                            | "export"
                            | "copy"
                    ))
            }
            EventKind::Image => !matches!(action, "save" | "push"),
            // `mount`/`unmount` come with a container's start and stop, which already refresh.
            EventKind::Volume => matches!(action, "create" | "destroy" | "prune"),
            // The Networks view shows who is attached: connect and disconnect change it.
            EventKind::Network => matches!(
                action,
                "create" | "destroy" | "remove" | "connect" | "disconnect" | "prune"
            ),
        }
    }

    fn from_api(m: EventMessage) -> Option<Self> {
        let kind = match m.typ? {
            EventMessageTypeEnum::CONTAINER => EventKind::Container,
            EventMessageTypeEnum::IMAGE => EventKind::Image,
            EventMessageTypeEnum::VOLUME => EventKind::Volume,
            EventMessageTypeEnum::NETWORK => EventKind::Network,
            _ => return None,
        };
        // Health checks report as `health_status: healthy`; the part before ':' is the action,
        // the rest its detail.
        let raw = m.action.unwrap_or_default();
        let (action, detail) = raw.split_once(':').unwrap_or((raw.as_str(), ""));
        Some(Self {
            kind,
            action: action.trim().to_string(),
            detail: detail.trim().to_string(),
            attributes: m
                .actor
                .as_ref()
                .and_then(|a| a.attributes.clone())
                .unwrap_or_default(),
            actor_id: m.actor.and_then(|a| a.id).unwrap_or_default(),
        })
    }
}

impl Engine {
    /// Container, image, volume and network events from `since_back` ago onwards.
    ///
    /// Starting slightly in the past closes the gap between the first listing and the moment
    /// the subscription is live: events in that window are replayed rather than lost, at the
    /// cost of one redundant refresh. (The local clock stands in for the engine's; for a
    /// remote engine with a skewed clock the window is only approximate.)
    pub fn events(
        &self,
        since_back: Duration,
    ) -> impl Stream<Item = Result<EngineEvent, EngineError>> + Send + 'static {
        let since = SystemTime::now()
            .checked_sub(since_back)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs().to_string())
            .unwrap_or_default();
        let filters = HashMap::from([(
            "type".to_string(),
            vec![
                "container".to_string(),
                "image".to_string(),
                "volume".to_string(),
                "network".to_string(),
            ],
        )]);
        let mut builder = EventsOptionsBuilder::default().filters(&filters);
        if !since.is_empty() {
            builder = builder.since(&since);
        }
        let endpoint = self.endpoint.uri.clone();
        self.docker
            .events(Some(builder.build()))
            .filter_map(move |item| {
                let mapped = match item {
                    Ok(m) => EngineEvent::from_api(m).map(Ok),
                    Err(e) => Some(Err(EngineError::from_bollard(e, &endpoint))),
                };
                std::future::ready(mapped)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, action: &str) -> EngineEvent {
        EngineEvent {
            kind,
            action: action.into(),
            detail: String::new(),
            actor_id: "x".into(),
            attributes: HashMap::new(),
        }
    }

    #[test]
    fn lifecycle_events_change_the_inventory_and_exec_noise_does_not() {
        for a in [
            "create",
            "start",
            "die",
            "destroy",
            "pause",
            "rename",
            "health_status",
        ] {
            assert!(event(EventKind::Container, a).changes_inventory(), "{a}");
        }
        for a in [
            "exec_create",
            "exec_start",
            "exec_die",
            "attach",
            "resize",
            "top",
        ] {
            assert!(!event(EventKind::Container, a).changes_inventory(), "{a}");
        }
        for a in ["pull", "tag", "untag", "delete", "import", "load"] {
            assert!(event(EventKind::Image, a).changes_inventory(), "{a}");
        }
        assert!(!event(EventKind::Image, "push").changes_inventory());
        for a in ["create", "destroy"] {
            assert!(event(EventKind::Volume, a).changes_inventory(), "{a}");
        }
        for a in ["mount", "unmount"] {
            assert!(!event(EventKind::Volume, a).changes_inventory(), "{a}");
        }
    }

    #[test]
    fn health_status_actions_are_split_and_other_types_ignored() {
        let m: EventMessage = serde_json::from_value(serde_json::json!({
            "Type": "container", "Action": "health_status: healthy",
            "Actor": {"ID": "abc", "Attributes": {}}, "time": 1
        }))
        .unwrap();
        let e = EngineEvent::from_api(m).unwrap();
        assert_eq!(e.action, "health_status");
        assert_eq!(e.detail, "healthy");
        assert_eq!(e.actor_id, "abc");
        let m: EventMessage =
            serde_json::from_value(serde_json::json!({"Type": "plugin", "Action": "enable"}))
                .unwrap();
        assert!(EngineEvent::from_api(m).is_none());
        let m: EventMessage =
            serde_json::from_value(serde_json::json!({"Type": "network", "Action": "connect"}))
                .unwrap();
        let e = EngineEvent::from_api(m).unwrap();
        assert_eq!(e.kind, EventKind::Network);
        assert!(e.changes_inventory());
    }
}
