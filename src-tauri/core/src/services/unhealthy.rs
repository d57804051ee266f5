//! Turns the engine's `health_status` events into "a container Berth launched turned
//! unhealthy" signals (issue #16). The engine sends one event per change of verdict, but a
//! reconnect replays the last seconds: the verdict last seen per container is kept, so a
//! container is told once per turn to unhealthy, not once per event.

use std::collections::HashMap;

use super::deaths::{group_name, ContainerDied};
use crate::domain::health::Health;
use crate::domain::launch::{LABEL_GROUP, LABEL_LAUNCH};
use crate::engine::{EngineEvent, EventKind};

/// Bound on remembered verdicts, so a storm of events cannot grow memory.
const MAX_TRACKED: usize = 1024;

#[derive(Default)]
pub struct HealthTracker {
    last: HashMap<String, Health>,
}

impl HealthTracker {
    /// The launched container `event` turned unhealthy, if it did (from any other verdict,
    /// or a first one seen).
    pub fn observe(&mut self, event: &EngineEvent) -> Option<ContainerDied> {
        if event.kind != EventKind::Container {
            return None;
        }
        if event.action == "destroy" {
            self.last.remove(&event.actor_id);
            return None;
        }
        if event.action != "health_status" {
            return None;
        }
        let group = event.attributes.get(LABEL_GROUP)?.clone();
        let now = Health::parse(&event.detail)?;
        if self.last.len() >= MAX_TRACKED && !self.last.contains_key(&event.actor_id) {
            self.last.clear();
        }
        let before = self.last.insert(event.actor_id.clone(), now);
        if now != Health::Unhealthy || before == Some(Health::Unhealthy) {
            return None;
        }
        let name = event
            .attributes
            .get("name")
            .map(|n| n.chars().filter(|c| !c.is_control()).collect())
            .unwrap_or_else(|| crate::domain::short_id(&event.actor_id));
        Some(ContainerDied {
            id: event.actor_id.clone(),
            name,
            group_name: group_name(&group, event.attributes.get(LABEL_LAUNCH)),
            group,
            exit_code: None,
            oom: false,
            unhealthy: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health(id: &str, verdict: &str, launched: bool) -> EngineEvent {
        let mut attributes: HashMap<String, String> = [("name".to_string(), format!("{id}-name"))]
            .into_iter()
            .collect();
        if launched {
            attributes.insert(LABEL_GROUP.into(), "g1".into());
        }
        EngineEvent {
            kind: EventKind::Container,
            action: "health_status".into(),
            detail: verdict.into(),
            actor_id: id.into(),
            attributes,
        }
    }

    #[test]
    fn a_launched_container_is_told_once_per_turn_to_unhealthy() {
        let mut t = HealthTracker::default();
        assert_eq!(t.observe(&health("c1", "starting", true)), None);
        assert_eq!(t.observe(&health("c1", "healthy", true)), None);
        let sick = t.observe(&health("c1", "unhealthy", true)).unwrap();
        assert!(sick.unhealthy);
        assert_eq!(sick.name, "c1-name");
        assert_eq!(sick.group, "g1");
        assert_eq!(
            sick.message(),
            "c1-name is unhealthy: its health check fails"
        );
        // The same verdict again (a replay after a reconnect): not told twice.
        assert_eq!(t.observe(&health("c1", "unhealthy", true)), None);
        // Healthy again, then unhealthy again: a new turn.
        assert_eq!(t.observe(&health("c1", "healthy", true)), None);
        assert!(t.observe(&health("c1", "unhealthy", true)).is_some());
    }

    #[test]
    fn other_containers_and_verdicts_are_not_told() {
        let mut t = HealthTracker::default();
        // Not launched by Berth.
        assert_eq!(t.observe(&health("c2", "unhealthy", false)), None);
        // Not a verdict Berth knows.
        assert_eq!(t.observe(&health("c3", "bogus", true)), None);
        // A removed container starts over.
        assert!(t.observe(&health("c4", "unhealthy", true)).is_some());
        let mut gone = health("c4", "", true);
        gone.action = "destroy".into();
        assert_eq!(t.observe(&gone), None);
        assert!(t.observe(&health("c4", "unhealthy", true)).is_some());
    }

    #[test]
    fn remembered_verdicts_are_bounded() {
        let mut t = HealthTracker::default();
        for i in 0..5000 {
            t.observe(&health(&format!("c{i}"), "healthy", true));
        }
        assert!(t.last.len() <= MAX_TRACKED);
    }
}
