//! Which charted containers the stats hub streams, and the bookkeeping of those streams.
//!
//! Measured on Docker 20.10 (`scripts/bench-stats.sh`): a one-shot poll costs the engine more
//! than a streamed sample (about 3.0 against 2.4 ms of engine CPU, 1.25x; an earlier run
//! found 2x), so what is charted each second is cheaper as one stream per container
//! (`stream=true`: the engine's collector sends a body each second) than as a poll each
//! second: 20 charted cost 15-18 % less, the same as `docker stats`. The list's rows stay polls
//! at their slow rate (a stream would make the engine sample them every second). Podman is not
//! measured here: it keeps polls.
//!
//! Pure state, no I/O: the hub asks [`Streams::plan`] each round which streams to open and
//! which charted ids to poll, spawns the opened ones, and the stream tasks [`Streams::push`]
//! their bodies here for the next round to [`Streams::drain`] through the same maths as polls.
//! Every stream is bounded: at most [`MAX_STREAMS`] open, [`BACKLOG`] bodies waiting each, one
//! that ends, fails or stalls is retried at most [`MAX_FAILURES`] times in a row and then
//! polled.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::domain::engines::EngineFlavor;
use crate::domain::stats::RawStats;
use crate::domain::EngineInfo;

/// Most streams open at once (a group's replicas with their charts open); charted
/// containers past it are polled.
pub const MAX_STREAMS: usize = 64;

/// Most bodies a stream keeps for the next round (a round is due every second: more means
/// the rounds stalled, and only the newest matter).
pub const BACKLOG: usize = 8;

/// A stream with no body for this long is taken as failed (the engine sends one a second).
pub const STALL: Duration = Duration::from_secs(5);

/// Failures in a row (end, error, stall, no body) after which a container is polled until it
/// stops being charted.
pub const MAX_FAILURES: u32 = 3;

/// Whether sampling charted containers every `focus_every` is cheaper streamed than polled on
/// this engine. Docker: a poll costs the engine 1.25x a streamed sample (20.10, measured;
/// before 20.10 there is no one-shot poll at all, and a poll waits for two samples), while a
/// stream samples every second whatever the rate: streams pay while the rate is under 1.25 s.
/// Podman: not measured, so polls.
pub fn streams_are_cheaper(info: &EngineInfo, focus_every: Duration) -> bool {
    info.flavor == EngineFlavor::Docker && focus_every < Duration::from_millis(1250)
}

/// The key of the engine streams read from: a different engine closes them all.
pub fn engine_key(info: &EngineInfo) -> String {
    format!("{}|{}", info.engine_name, info.endpoint)
}

struct Open {
    generation: u64,
    cancel: CancellationToken,
    /// When it opened or last sent a body.
    since: Instant,
    ended: bool,
    bodies: VecDeque<(RawStats, f64)>,
}

/// A stream the hub is to start: its task pushes with this id and generation, and stops on
/// `cancel`.
pub struct ToOpen {
    pub id: String,
    pub generation: u64,
    pub cancel: CancellationToken,
}

/// One round's decision for the charted containers.
#[derive(Default)]
pub struct Plan {
    /// Streams to start now.
    pub open: Vec<ToOpen>,
    /// Charted ids that are streamed (open, or opening now): not polled.
    pub streamed: HashSet<String>,
}

#[derive(Default)]
pub struct Streams {
    engine: Option<String>,
    open: HashMap<String, Open>,
    failures: HashMap<String, u32>,
    /// Charted containers seen not running: polled (a stopped container's stream sends zeros
    /// each second for nothing) until a poll sees them run again.
    stopped: HashSet<String>,
    next_generation: u64,
}

impl Streams {
    /// Decides this round: `charted` are the ids sampled each second, `engine` the key of the
    /// engine when streams are cheaper on it (`None`: no engine, or polls are cheaper there:
    /// every stream closes). Closes the streams no longer charted, and those that ended or
    /// stalled (counted as failures: they are polled this round and retried from the next).
    pub fn plan(&mut self, charted: &HashSet<String>, engine: Option<&str>, now: Instant) -> Plan {
        if self.engine.as_deref() != engine {
            self.close_all();
            self.failures.clear();
            self.stopped.clear();
            self.engine = engine.map(str::to_string);
        }
        if engine.is_none() {
            return Plan::default();
        }
        self.retain(charted);
        let mut failed_now = HashSet::new();
        let dead: Vec<String> = self
            .open
            .iter()
            .filter(|(_, s)| s.ended || now.saturating_duration_since(s.since) >= STALL)
            .map(|(id, _)| id.clone())
            .collect();
        for id in dead {
            if let Some(s) = self.open.remove(&id) {
                s.cancel.cancel();
            }
            *self.failures.entry(id.clone()).or_insert(0) += 1;
            failed_now.insert(id);
        }
        let mut plan = Plan::default();
        // Sorted, so which ones stream past the cap does not change from round to round.
        let mut ids: Vec<&String> = charted.iter().collect();
        ids.sort();
        for id in ids {
            if self.open.contains_key(id) {
                plan.streamed.insert(id.clone());
                continue;
            }
            let given_up = self.failures.get(id).copied().unwrap_or(0) >= MAX_FAILURES;
            if given_up
                || failed_now.contains(id)
                || self.stopped.contains(id)
                || self.open.len() >= MAX_STREAMS
            {
                continue;
            }
            self.next_generation += 1;
            let cancel = CancellationToken::new();
            self.open.insert(
                id.clone(),
                Open {
                    generation: self.next_generation,
                    cancel: cancel.clone(),
                    since: now,
                    ended: false,
                    bodies: VecDeque::new(),
                },
            );
            plan.open.push(ToOpen {
                id: id.clone(),
                generation: self.next_generation,
                cancel,
            });
            plan.streamed.insert(id.clone());
        }
        plan
    }

    /// A body from the stream `generation` of `id`. `false` when that stream is closed (its
    /// task stops).
    pub fn push(
        &mut self,
        id: &str,
        generation: u64,
        raw: RawStats,
        at_ms: f64,
        now: Instant,
    ) -> bool {
        let Some(s) = self.open.get_mut(id).filter(|s| s.generation == generation) else {
            return false;
        };
        if s.bodies.len() >= BACKLOG {
            s.bodies.pop_front();
        }
        s.bodies.push_back((raw, at_ms));
        s.since = now;
        self.failures.remove(id);
        true
    }

    /// The stream `generation` of `id` ended (the engine closed it, or it failed).
    pub fn end(&mut self, id: &str, generation: u64) {
        if let Some(s) = self.open.get_mut(id).filter(|s| s.generation == generation) {
            s.ended = true;
        }
    }

    /// The bodies received since the last round, oldest first per container; with
    /// `newest_only`, one per container (the rate asked is slower than the engine's).
    pub fn drain(&mut self, newest_only: bool) -> Vec<(String, RawStats, f64)> {
        let mut out = Vec::new();
        for (id, s) in &mut self.open {
            if newest_only && s.bodies.len() > 1 {
                let keep = s.bodies.len() - 1;
                s.bodies.drain(..keep);
            }
            out.extend(s.bodies.drain(..).map(|(raw, at)| (id.clone(), raw, at)));
        }
        out
    }

    /// What a sample of `id` showed: not running closes its stream (polled from now on);
    /// running again lets it stream from the next round.
    pub fn seen(&mut self, id: &str, running: bool) {
        if running {
            self.stopped.remove(id);
        } else {
            if let Some(s) = self.open.remove(id) {
                s.cancel.cancel();
            }
            self.stopped.insert(id.to_string());
        }
    }

    /// Closes the streams of containers no longer charted, and forgets their failures.
    pub fn retain(&mut self, charted: &HashSet<String>) {
        self.open.retain(|id, s| {
            let keep = charted.contains(id);
            if !keep {
                s.cancel.cancel();
            }
            keep
        });
        self.failures.retain(|id, _| charted.contains(id));
        self.stopped.retain(|id| charted.contains(id));
    }

    /// Closes every stream (nobody looks, the engine went, the hub stops).
    pub fn close_all(&mut self) {
        for (_, s) in self.open.drain() {
            s.cancel.cancel();
        }
    }

    /// Streams open now.
    pub fn open_count(&self) -> usize {
        self.open.len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn info(flavor: EngineFlavor, name: &str) -> EngineInfo {
        EngineInfo {
            engine_name: name.into(),
            flavor,
            ..EngineInfo::local_docker()
        }
    }

    fn set(ids: &[&str]) -> HashSet<String> {
        ids.iter().map(|s| (*s).to_string()).collect()
    }

    fn body(total: u64) -> RawStats {
        let mut raw = RawStats::default();
        raw.cpu_stats.cpu_usage.total_usage = total;
        raw.cpu_stats.system_cpu_usage = Some(total * 10);
        raw
    }

    fn sorted(mut v: Vec<String>) -> Vec<String> {
        v.sort();
        v
    }

    #[test]
    fn docker_streams_charts_at_a_second_podman_and_slow_rates_poll() {
        let second = Duration::from_secs(1);
        assert!(streams_are_cheaper(
            &info(EngineFlavor::Docker, "local"),
            second
        ));
        assert!(streams_are_cheaper(
            &info(EngineFlavor::Docker, "local"),
            Duration::from_millis(250)
        ));
        assert!(!streams_are_cheaper(
            &info(EngineFlavor::Podman, "local"),
            second
        ));
        // Past 1.25 s a poll (1.25x a streamed sample) costs less than the stream's samples.
        for slower in [1250, 2000, 5000] {
            assert!(!streams_are_cheaper(
                &info(EngineFlavor::Docker, "local"),
                Duration::from_millis(slower)
            ));
        }
        assert_ne!(
            engine_key(&info(EngineFlavor::Docker, "local")),
            engine_key(&info(EngineFlavor::Docker, "remote"))
        );
    }

    #[test]
    fn charted_ids_stream_up_to_the_cap_and_the_rest_poll() {
        let mut s = Streams::default();
        let now = Instant::now();
        let many: HashSet<String> = (0..MAX_STREAMS + 5).map(|i| format!("c{i:03}")).collect();
        let plan = s.plan(&many, Some("k"), now);
        assert_eq!(plan.open.len(), MAX_STREAMS);
        assert_eq!(plan.streamed.len(), MAX_STREAMS);
        assert_eq!(s.open_count(), MAX_STREAMS);
        // The same ones the next round: none reopened, the same 5 left to polls.
        let again = s.plan(&many, Some("k"), now + Duration::from_secs(1));
        assert!(again.open.is_empty());
        assert_eq!(again.streamed, plan.streamed);
        // Without a key (no engine, or polls are cheaper there) nothing streams.
        let none = s.plan(&many, None, now);
        assert!(none.open.is_empty() && none.streamed.is_empty());
        assert_eq!(s.open_count(), 0);
    }

    #[test]
    fn bodies_reach_the_round_and_unwatched_or_switched_streams_close() {
        let mut s = Streams::default();
        let t0 = Instant::now();
        let plan = s.plan(&set(&["a", "b"]), Some("k"), t0);
        let gen = |id: &str| plan.open.iter().find(|o| o.id == id).unwrap().generation;
        let cancel_a = plan
            .open
            .iter()
            .find(|o| o.id == "a")
            .unwrap()
            .cancel
            .clone();
        for i in 0..(BACKLOG as u64 + 3) {
            assert!(s.push("a", gen("a"), body(i), i as f64, t0));
        }
        assert!(s.push("b", gen("b"), body(7), 1.0, t0));
        let got = s.drain(false);
        let a: Vec<f64> = got.iter().filter(|g| g.0 == "a").map(|g| g.2).collect();
        assert_eq!(a.len(), BACKLOG, "bounded backlog");
        assert!(a.windows(2).all(|w| w[0] < w[1]), "oldest first");
        assert!(s.drain(false).is_empty(), "drained once");
        // A slower rate than the engine's takes the newest only.
        s.push("a", gen("a"), body(1), 1.0, t0);
        s.push("a", gen("a"), body(2), 2.0, t0);
        let newest = s.drain(true);
        assert_eq!(newest.len(), 1);
        assert_eq!(newest[0].2, 2.0);

        // "a" is no longer charted: its stream closes, its task is told, a late body is refused.
        s.retain(&set(&["b"]));
        assert!(cancel_a.is_cancelled());
        assert!(!s.push("a", gen("a"), body(9), 9.0, t0));
        assert_eq!(s.open_count(), 1);
        // Another engine: every stream closes, and reopens on the new one.
        let cancel_b = plan
            .open
            .iter()
            .find(|o| o.id == "b")
            .unwrap()
            .cancel
            .clone();
        let switched = s.plan(&set(&["b"]), Some("other"), t0);
        assert!(cancel_b.is_cancelled());
        assert_eq!(switched.open.len(), 1);
        assert_ne!(switched.open[0].generation, gen("b"));
        assert!(
            !s.push("b", gen("b"), body(1), 1.0, t0),
            "the old stream's body"
        );
        s.close_all();
        assert!(switched.open[0].cancel.is_cancelled());
        assert_eq!(s.open_count(), 0);
    }

    #[test]
    fn a_stream_that_ends_or_stalls_is_retried_a_bounded_number_of_times_then_polled() {
        let mut s = Streams::default();
        let charted = set(&["a"]);
        let mut t = Instant::now();
        let mut plan = s.plan(&charted, Some("k"), t);
        for failure in 1..=MAX_FAILURES {
            let open = plan.open.pop().unwrap();
            if failure % 2 == 1 {
                s.end("a", open.generation);
            } else {
                t += STALL;
            }
            // The round it failed: polled, not reopened at once.
            let round = s.plan(&charted, Some("k"), t);
            assert!(open.cancel.is_cancelled());
            assert!(
                round.streamed.is_empty() && round.open.is_empty(),
                "{failure}"
            );
            t += Duration::from_secs(1);
            plan = s.plan(&charted, Some("k"), t);
            if failure < MAX_FAILURES {
                assert_eq!(plan.open.len(), 1, "retried after failure {failure}");
            }
        }
        assert!(
            plan.open.is_empty() && plan.streamed.is_empty(),
            "polled for good"
        );
        // A body resets the count: a stream that works between failures keeps streaming.
        let mut s = Streams::default();
        let mut plan = s.plan(&charted, Some("k"), t);
        for _ in 0..MAX_FAILURES * 2 {
            let open = plan.open.pop().unwrap();
            assert!(s.push("a", open.generation, body(1), 1.0, t));
            s.end("a", open.generation);
            s.plan(&charted, Some("k"), t);
            plan = s.plan(&charted, Some("k"), t);
        }
        assert_eq!(plan.open.len(), 1);
        // No longer charted: the failures are forgotten with it.
        s.retain(&HashSet::new());
        assert!(s.failures.is_empty());
    }

    #[test]
    fn a_stopped_container_is_polled_until_a_poll_sees_it_run() {
        let mut s = Streams::default();
        let charted = set(&["a"]);
        let t = Instant::now();
        let plan = s.plan(&charted, Some("k"), t);
        s.seen("a", false);
        assert!(plan.open[0].cancel.is_cancelled());
        let round = s.plan(&charted, Some("k"), t);
        assert!(round.streamed.is_empty(), "polled while stopped");
        s.seen("a", true);
        let round = s.plan(&charted, Some("k"), t);
        assert_eq!(sorted(round.streamed.into_iter().collect()), vec!["a"]);
    }
}
