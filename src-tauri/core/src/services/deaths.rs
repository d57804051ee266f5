//! Turns the engine's container events into "a container Berth launched died unexpectedly"
//! signals. A `die` right after a `kill` (docker stop/kill, Berth's own stop) is expected;
//! an `oom` is reported once, and the `die` that follows it is not reported again.
//!
//! [`DeathNotices`] turns those signals into desktop notifications: one per group and burst
//! (ten replicas dying at once are one notification naming the group and the count), and at
//! most [`NOTICES_PER_MINUTE`] a minute, whatever the engine sends.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::domain::launch::{LABEL_GROUP, LABEL_LAUNCH};
use crate::engine::{EngineEvent, EventKind};

/// A launched container that exited with a non-zero code, or was OOM-killed; or, with
/// `unhealthy`, one whose health check turned it unhealthy (see `services::unhealthy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerDied {
    pub id: String,
    pub name: String,
    pub group: String,
    /// The group as people know it: its name pattern (`web-{n}`), else its id.
    pub group_name: String,
    /// `None` for an OOM kill reported before its exit.
    pub exit_code: Option<i64>,
    pub oom: bool,
    /// Still running, but its health check fails (issue #16).
    pub unhealthy: bool,
}

impl ContainerDied {
    /// One line for a notification.
    pub fn message(&self) -> String {
        if self.unhealthy {
            return format!("{} is unhealthy: its health check fails", self.name);
        }
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
        let group_name = group_name(&group, event.attributes.get(LABEL_LAUNCH));
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
                    group_name,
                    exit_code: None,
                    oom: true,
                    unhealthy: false,
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
                    group_name,
                    exit_code: code,
                    oom: false,
                    unhealthy: false,
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

/// Longest group name put in a notification (the label is anyone's to write).
const GROUP_NAME_MAX: usize = 40;

/// The name pattern in the group's `berth.launch` label, for display only (its spec is
/// checked elsewhere before any use), else the group id.
pub(crate) fn group_name(group: &str, launch: Option<&String>) -> String {
    let pattern = launch
        .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .and_then(|v| v.get("name_pattern")?.as_str().map(str::to_string))
        .filter(|p| !p.trim().is_empty());
    let name: String = pattern
        .as_deref()
        .unwrap_or(group)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    match name.char_indices().nth(GROUP_NAME_MAX) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name,
    }
}

/// How long deaths are gathered after the first one before they are told: replicas of one
/// group killed together (OOM on a shared limit, a bad release) die within a second or two.
pub const DEATH_BURST: Duration = Duration::from_secs(2);

/// Most death notifications in any minute; past that, the deaths are held and told together
/// when the minute allows. A crash-looping group would otherwise ring every few seconds.
pub const NOTICES_PER_MINUTE: usize = 4;

/// Deaths kept by name for one burst; more are only counted (each name costs memory, and a
/// notification names at most a few).
const MAX_PENDING: usize = 256;

/// Names listed in one group's notification.
const NAMES_SHOWN: usize = 3;

/// One desktop notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// Gathers deaths into notices: call [`Self::add`] per death and [`Self::flush`] when it says.
#[derive(Debug, Default)]
pub struct DeathNotices {
    pending: Vec<ContainerDied>,
    /// Deaths past [`MAX_PENDING`] (or held back by the per-minute bound): counted only.
    uncounted: usize,
    /// A flush is due (someone will call [`Self::flush`]).
    scheduled: bool,
    /// When the last notices went out (at most [`NOTICES_PER_MINUTE`] within a minute).
    sent: VecDeque<Instant>,
    /// These notices tell of containers turned unhealthy, not of deaths (the app keeps one
    /// of each, so a notice never mixes the two).
    unhealthy: bool,
}

const MINUTE: Duration = Duration::from_secs(60);

impl DeathNotices {
    /// Notices of launched containers turned unhealthy: the same bursts and bound.
    pub fn for_unhealthy() -> Self {
        Self {
            unhealthy: true,
            ..Self::default()
        }
    }

    /// Adds a death. Returns when to flush if this death starts a burst (else a flush is
    /// already due).
    pub fn add(&mut self, died: ContainerDied, now: Instant) -> Option<Instant> {
        if self.pending.len() < MAX_PENDING {
            self.pending.push(died);
        } else {
            self.uncounted += 1;
        }
        if self.scheduled {
            return None;
        }
        self.scheduled = true;
        Some(now + DEATH_BURST)
    }

    /// The notices due now, one per group in the order they died, within the per-minute
    /// bound (the last one allowed sums up the rest), and when to flush again if deaths are
    /// still held back.
    pub fn flush(&mut self, now: Instant) -> (Vec<Notice>, Option<Instant>) {
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= MINUTE)
        {
            self.sent.pop_front();
        }
        let room = NOTICES_PER_MINUTE.saturating_sub(self.sent.len());
        if room == 0 {
            // Nothing may go yet: try again when the oldest notice is a minute old.
            let again = self.sent.front().map_or(now, |t| *t + MINUTE);
            return (Vec::new(), Some(again));
        }
        let mut groups: Vec<(String, Vec<ContainerDied>)> = Vec::new();
        for died in self.pending.drain(..) {
            match groups.iter_mut().find(|(g, _)| *g == died.group) {
                Some((_, list)) => list.push(died),
                None => groups.push((died.group.clone(), vec![died])),
            }
        }
        let mut notices = Vec::new();
        let overflow = groups.len() > room;
        let told = if overflow { room - 1 } else { groups.len() };
        for (_, list) in groups.drain(..told) {
            notices.push(group_notice(&list));
        }
        let rest: usize = groups.iter().map(|(_, l)| l.len()).sum::<usize>() + self.uncounted;
        if rest > 0 {
            let (what, why) = if self.unhealthy {
                ("turned unhealthy", "their health checks fail")
            } else {
                ("stopped", "they exited unexpectedly")
            };
            notices.push(Notice {
                title: format!("{rest} more containers {what}"),
                body: if groups.is_empty() {
                    format!("Berth launched them; {why}.")
                } else {
                    format!(
                        "In {}: {why}.",
                        list_names(
                            groups.iter().map(|(_, l)| l[0].group_name.as_str()),
                            groups.len()
                        )
                    )
                },
            });
        }
        self.uncounted = 0;
        self.scheduled = false;
        self.sent.extend(std::iter::repeat_n(now, notices.len()));
        (notices, None)
    }
}

fn group_notice(list: &[ContainerDied]) -> Notice {
    match list {
        [one] if one.unhealthy => Notice {
            title: "A container is unhealthy".into(),
            body: one.message(),
        },
        [one] => Notice {
            title: "A container stopped".into(),
            body: one.message(),
        },
        [first, ..] if first.unhealthy => Notice {
            title: format!(
                "{} containers of {} are unhealthy",
                list.len(),
                first.group_name
            ),
            body: format!(
                "{}: their health checks fail.",
                list_names(list.iter().map(|d| d.name.as_str()), list.len())
            ),
        },
        _ => {
            let oom = list.iter().filter(|d| d.oom).count();
            let why = if oom == list.len() {
                "killed: out of memory".to_string()
            } else if oom > 0 {
                format!("exited unexpectedly ({oom} out of memory)")
            } else {
                "exited unexpectedly".to_string()
            };
            Notice {
                title: format!(
                    "{} containers of {} stopped",
                    list.len(),
                    list[0].group_name
                ),
                body: format!(
                    "{} {why}.",
                    list_names(list.iter().map(|d| d.name.as_str()), list.len())
                ),
            }
        }
    }
}

/// `a, b, c and 7 more`.
fn list_names<'a>(names: impl Iterator<Item = &'a str>, count: usize) -> String {
    let shown: Vec<&str> = names.take(NAMES_SHOWN).collect();
    let mut text = shown.join(", ");
    if count > shown.len() {
        text.push_str(&format!(" and {} more", count - shown.len()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str, attrs: &[(&str, &str)]) -> EngineEvent {
        EngineEvent {
            kind: EventKind::Container,
            action: action.into(),
            detail: String::new(),
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

    fn died(group: &str, n: u32, oom: bool) -> ContainerDied {
        ContainerDied {
            id: format!("{group}-{n}"),
            name: format!("{group}-{n}"),
            group: group.into(),
            group_name: format!("{group}-{{n}}"),
            exit_code: (!oom).then_some(1),
            oom,
            unhealthy: false,
        }
    }

    #[test]
    fn ten_deaths_of_one_group_are_one_notification_with_the_group_and_count() {
        let mut n = DeathNotices::default();
        let now = Instant::now();
        let due = n.add(died("web", 1, false), now).unwrap();
        assert_eq!(due, now + DEATH_BURST);
        for i in 2..=10 {
            assert_eq!(
                n.add(died("web", i, false), now),
                None,
                "one flush per burst"
            );
        }
        let (notices, again) = n.flush(due);
        assert_eq!(again, None);
        assert_eq!(
            notices,
            [Notice {
                title: "10 containers of web-{n} stopped".into(),
                body: "web-1, web-2, web-3 and 7 more exited unexpectedly.".into(),
            }]
        );
        // The next death starts a new burst, told alone.
        let due = n.add(died("web", 11, true), due).unwrap();
        let (notices, _) = n.flush(due);
        assert_eq!(notices[0].body, "web-11 was killed: out of memory");
    }

    #[test]
    fn groups_are_told_apart_and_a_minute_holds_at_most_the_bound() {
        let mut n = DeathNotices::default();
        let t0 = Instant::now();
        // Six groups lose a container each in one burst: the bound's last notice sums up.
        for g in 0..6 {
            n.add(died(&format!("g{g}"), 1, false), t0);
        }
        let (notices, again) = n.flush(t0 + DEATH_BURST);
        assert_eq!(again, None);
        assert_eq!(notices.len(), NOTICES_PER_MINUTE);
        assert_eq!(notices[0].body, "g0-1 exited unexpectedly (exit code 1)");
        let last = notices.last().unwrap();
        assert_eq!(last.title, "3 more containers stopped");
        assert!(last.body.contains("g3-{n}, g4-{n}, g5-{n}"), "{last:?}");

        // Within the same minute nothing more goes: held, and told when the minute allows.
        let t1 = t0 + Duration::from_secs(10);
        let due = n.add(died("g9", 1, false), t1).unwrap();
        let (notices, again) = n.flush(due);
        assert!(notices.is_empty());
        let again = again.unwrap();
        assert_eq!(again, t0 + DEATH_BURST + MINUTE);
        assert_eq!(n.add(died("g9", 2, false), t1), None, "already due");
        let (notices, again) = n.flush(again);
        assert_eq!(again, None);
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].title, "2 containers of g9-{n} stopped");
    }

    #[test]
    fn containers_turned_unhealthy_are_told_once_per_group_and_burst() {
        let mut n = DeathNotices::for_unhealthy();
        let t0 = Instant::now();
        let sick = |i| ContainerDied {
            unhealthy: true,
            exit_code: None,
            ..died("web", i, false)
        };
        let due = n.add(sick(1), t0).unwrap();
        assert_eq!(n.add(sick(2), t0), None);
        assert_eq!(n.add(sick(3), t0), None);
        let (notices, _) = n.flush(due);
        assert_eq!(
            notices,
            [Notice {
                title: "3 containers of web-{n} are unhealthy".into(),
                body: "web-1, web-2, web-3: their health checks fail.".into(),
            }]
        );
        let due = n.add(sick(4), due).unwrap();
        let (notices, _) = n.flush(due);
        assert_eq!(notices[0].title, "A container is unhealthy");
        assert_eq!(
            notices[0].body,
            "web-4 is unhealthy: its health check fails"
        );
    }

    #[test]
    fn a_storm_of_deaths_is_bounded() {
        let mut n = DeathNotices::default();
        let t0 = Instant::now();
        for i in 0..10_000 {
            n.add(died(&format!("g{}", i % 50), i, false), t0);
        }
        assert!(n.pending.len() <= MAX_PENDING);
        let (notices, _) = n.flush(t0 + DEATH_BURST);
        assert_eq!(notices.len(), NOTICES_PER_MINUTE);
        let told: usize = notices[..NOTICES_PER_MINUTE - 1]
            .iter()
            .map(|x| x.title.split(' ').next().unwrap().parse::<usize>().unwrap())
            .sum();
        let rest: usize = notices[NOTICES_PER_MINUTE - 1]
            .title
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(told + rest, 10_000, "every death is counted");
    }

    #[test]
    fn group_names_come_from_the_pattern_and_are_tamed() {
        let spec = r#"{"name_pattern":"api-{n}"}"#.to_string();
        assert_eq!(group_name("abc123", Some(&spec)), "api-{n}");
        assert_eq!(group_name("abc123", None), "abc123");
        let hostile = format!(r#"{{"name_pattern":"a\u0007{}"}}"#, "x".repeat(100));
        let name = group_name("g", Some(&hostile));
        assert!(!name.contains('\u{7}') && name.chars().count() == GROUP_NAME_MAX + 1);
    }
}
