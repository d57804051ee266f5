//! Turns the engine's container events into "a container Berth launched died unexpectedly"
//! signals. A `die` right after a `kill` (docker stop/kill, Berth's own stop) is expected;
//! an `oom` is reported once, and the `die` that follows it is not reported again.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::domain::launch::LABEL_GROUP;
use crate::engine::{EngineEvent, EventKind};

/// A launched container that exited with a non-zero code, or was OOM-killed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerDied {
    pub id: String,
    pub name: String,
    pub group: String,
    /// `None` for an OOM kill reported before its exit.
    pub exit_code: Option<i64>,
    pub oom: bool,
}

impl ContainerDied {
    /// One line for a notification.
    pub fn message(&self) -> String {
        match (self.oom, self.exit_code) {
            (true, _) => format!("{} was killed: out of memory", self.name),
            (false, Some(code)) => format!("{} exited unexpectedly (exit code {code})", self.name),
            (false, None) => format!("{} exited unexpectedly", self.name),
        }
    }
}

/// How long after a `kill` (or `oom`) the `die` counts as its consequence.
const EXPECTED_WINDOW: Duration = Duration::from_secs(30);
/// Bound on remembered ids, so a storm of events cannot grow memory.
const MAX_TRACKED: usize = 1024;

#[derive(Default)]
pub struct DeathTracker {
    /// Container id -> when it was killed (or OOM-reported).
    recent: HashMap<String, (Instant, bool)>,
}

impl DeathTracker {
    pub fn observe(&mut self, event: &EngineEvent, now: Instant) -> Option<ContainerDied> {
        if event.kind != EventKind::Container {
            return None;
        }
        let group = event.attributes.get(LABEL_GROUP)?.clone();
        self.recent
            .retain(|_, (at, _)| now.duration_since(*at) < EXPECTED_WINDOW);
        let name = event
            .attributes
            .get("name")
            .cloned()
            .unwrap_or_else(|| crate::domain::short_id(&event.actor_id));
        match event.action.as_str() {
            "kill" => {
                self.remember(&event.actor_id, now, false);
                None
            }
            "oom" => {
                self.remember(&event.actor_id, now, true);
                Some(ContainerDied {
                    id: event.actor_id.clone(),
                    name,
                    group,
                    exit_code: None,
                    oom: true,
                })
            }
            "die" => {
                let expected = self.recent.remove(&event.actor_id).is_some();
                let code = event
                    .attributes
                    .get("exitCode")
                    .and_then(|c| c.parse::<i64>().ok());
                (!expected && code != Some(0)).then_some(ContainerDied {
                    id: event.actor_id.clone(),
                    name,
                    group,
                    exit_code: code,
                    oom: false,
                })
            }
            _ => None,
        }
    }

    fn remember(&mut self, id: &str, now: Instant, oom: bool) {
        if self.recent.len() >= MAX_TRACKED {
            self.recent.clear();
        }
        self.recent.insert(id.to_string(), (now, oom));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str, attrs: &[(&str, &str)]) -> EngineEvent {
        EngineEvent {
            kind: EventKind::Container,
            action: action.into(),
            actor_id: "c1".into(),
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    const LAUNCHED: (&str, &str) = ("berth.group", "g1");
    const NAME: (&str, &str) = ("name", "web-1");

    #[test]
    fn non_zero_exit_of_a_launched_container_is_reported() {
        let mut t = DeathTracker::default();
        let now = Instant::now();
        let died = t
            .observe(&event("die", &[LAUNCHED, NAME, ("exitCode", "3")]), now)
            .unwrap();
        assert_eq!(died.exit_code, Some(3));
        assert_eq!(died.message(), "web-1 exited unexpectedly (exit code 3)");
        // Exit 0, or a container Berth did not launch: nothing.
        assert_eq!(
            t.observe(&event("die", &[LAUNCHED, ("exitCode", "0")]), now),
            None
        );
        assert_eq!(
            t.observe(&event("die", &[NAME, ("exitCode", "1")]), now),
            None
        );
    }

    #[test]
    fn a_stop_is_expected_and_oom_is_reported_once() {
        let mut t = DeathTracker::default();
        let now = Instant::now();
        assert_eq!(
            t.observe(&event("kill", &[LAUNCHED, ("signal", "15")]), now),
            None
        );
        assert_eq!(
            t.observe(&event("die", &[LAUNCHED, ("exitCode", "143")]), now),
            None
        );
        let oom = t.observe(&event("oom", &[LAUNCHED, NAME]), now).unwrap();
        assert!(oom.oom);
        assert_eq!(
            t.observe(&event("die", &[LAUNCHED, ("exitCode", "137")]), now),
            None
        );
        // Long after a kill, a die is unexpected again.
        t.observe(&event("kill", &[LAUNCHED]), now);
        let later = now + EXPECTED_WINDOW + Duration::from_secs(1);
        assert!(t
            .observe(&event("die", &[LAUNCHED, ("exitCode", "137")]), later)
            .is_some());
    }
}
