//! How long a watcher waits before it tries an engine again: the one home of that policy.
//!
//! Polite to remote engines: every try at an SSH engine is an SSH login, and a login every
//! couple of seconds per engine is what intrusion blockers (fail2ban, sshguard) ban. So the
//! waits grow to tens of seconds for TCP, TLS and SSH engines, are jittered (several Berths,
//! or several engines on one host, do not retry in step), and a connection that drops soon
//! after it came up does not start the waits over: only one that stayed up for a while does.
//! A local socket costs nothing to try, so its waits stay short (the app shows the lists
//! again within seconds of a restarted engine answering).
//!
//! Pure: the caller passes the clock's readings and the random draws, so tests use a fake
//! clock. Hand-written rather than a backoff crate: the "reset only after a stable uptime"
//! rule is the point of it, and no well-kept crate has it.

use std::time::{Duration, Instant};

use super::engines::EngineTransport;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// The first step: the first wait is between half of it and it.
    pub base: Duration,
    /// The longest step: once grown, waits are between half of it and it.
    pub cap: Duration,
    /// A connection that stayed up this long was healthy: when it drops, Berth tries again at
    /// once and the waits start over. One that dropped sooner keeps them growing.
    pub stable_after: Duration,
}

impl ReconnectPolicy {
    /// A unix socket on this machine: a try is one `connect(2)`, refused in microseconds while
    /// the engine is down, so waking about once a second costs nothing. The cap keeps a
    /// restarted engine's lists back on screen within 3 s of its first answer (the chaos
    /// test's target) with room for a loaded machine, without watching the socket file.
    pub const LOCAL: Self = Self {
        base: Duration::from_millis(500),
        cap: Duration::from_millis(1500),
        stable_after: Duration::from_secs(10),
    };

    /// TCP, TLS and SSH engines: a try is a handshake on someone's server (for SSH, a login).
    pub const REMOTE: Self = Self {
        base: Duration::from_secs(2),
        cap: Duration::from_secs(30),
        stable_after: Duration::from_secs(60),
    };

    /// The policy for an engine reached this way (`None`: an endpoint that does not parse,
    /// which fails without reaching anything).
    pub fn for_transport(transport: Option<EngineTransport>) -> Self {
        match transport {
            None | Some(EngineTransport::Unix) => Self::LOCAL,
            Some(EngineTransport::Tcp | EngineTransport::Tls | EngineTransport::Ssh) => {
                Self::REMOTE
            }
        }
    }
}

/// The waits between tries: exponential steps (doubling from `base` up to `cap`) with "equal
/// jitter" (Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015):
/// each wait is drawn between half its step and the step. Not full jitter (a draw in
/// [0, step]) nor decorrelated jitter (a draw in [base, 3 × previous wait]): both can draw a
/// near-`base` wait at any time, and decorrelated jitter measured 73 tries in 10 minutes at a
/// flapping remote engine in this module's test (a login every 8 s). With equal jitter, once
/// grown, every wait is between half the cap and the cap, still spread out.
#[derive(Debug, Clone)]
pub struct Backoff {
    policy: ReconnectPolicy,
    /// The previous step, or `None` when the waits start over.
    step: Option<Duration>,
    /// When the current connection came up.
    up_since: Option<Instant>,
}

impl Backoff {
    pub fn new(policy: ReconnectPolicy) -> Self {
        Self {
            policy,
            step: None,
            up_since: None,
        }
    }

    pub fn policy(&self) -> ReconnectPolicy {
        self.policy
    }

    /// Another engine (the user switched): its waits start over, under its own policy.
    pub fn restart(&mut self, policy: ReconnectPolicy) {
        *self = Self::new(policy);
    }

    /// The connection is up (connected, following events) as of `now`.
    pub fn up(&mut self, now: Instant) {
        self.up_since = Some(now);
    }

    /// The connection went down at `now`. Returns whether it had stayed up long enough to
    /// try again at once (the waits then start over); otherwise the caller waits
    /// [`Self::next_wait`] first, and the waits keep growing.
    pub fn down(&mut self, now: Instant) -> bool {
        let stable = self
            .up_since
            .take()
            .is_some_and(|since| now.saturating_duration_since(since) >= self.policy.stable_after);
        if stable {
            self.step = None;
        }
        stable
    }

    /// The wait before the next try. `unit` is a random draw in [0, 1) (values outside are
    /// clamped into it).
    pub fn next_wait(&mut self, unit: f64) -> Duration {
        let ReconnectPolicy { base, cap, .. } = self.policy;
        let step = self.step.map_or(base, |step| step * 2).min(cap);
        self.step = Some(step);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        step / 2 + (step / 2).mul_f64(unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake clock: instants at fixed offsets from one reading.
    struct Clock(Instant);

    impl Clock {
        fn at(&self, secs: f64) -> Instant {
            self.0 + Duration::from_secs_f64(secs)
        }
    }

    fn clock() -> Clock {
        Clock(Instant::now())
    }

    /// Random draws from a fixed sequence, so each run tests the same waits.
    fn draws() -> impl Iterator<Item = f64> {
        [0.9, 0.1, 0.5, 0.99, 0.0, 0.7, 0.3, 0.8]
            .into_iter()
            .cycle()
    }

    #[test]
    fn waits_double_to_the_cap_and_stay_within_half_a_step() {
        for policy in [ReconnectPolicy::LOCAL, ReconnectPolicy::REMOTE] {
            let mut backoff = Backoff::new(policy);
            let waits: Vec<Duration> = draws().take(40).map(|u| backoff.next_wait(u)).collect();
            assert!(
                waits[0] >= policy.base / 2 && waits[0] <= policy.base,
                "{waits:?}"
            );
            assert!(waits.iter().all(|w| *w <= policy.cap), "{waits:?}");
            // Once grown, between half the cap and the cap, whatever the draw.
            assert!(
                waits[10..].iter().all(|w| *w >= policy.cap / 2),
                "{waits:?}"
            );
        }
    }

    #[test]
    fn the_extremes_of_a_draw_give_half_the_step_and_the_step() {
        let mut backoff = Backoff::new(ReconnectPolicy::REMOTE);
        assert_eq!(backoff.next_wait(0.0), Duration::from_secs(1));
        assert_eq!(backoff.next_wait(1.0), Duration::from_secs(4));
        assert_eq!(backoff.next_wait(0.0), Duration::from_secs(4));
        assert_eq!(backoff.next_wait(1.0), Duration::from_secs(16));
        assert_eq!(backoff.next_wait(1.0), Duration::from_secs(30));
        // A low draw at the cap is half the cap, not back to the base.
        assert_eq!(backoff.next_wait(0.0), Duration::from_secs(15));
        // Nonsense draws stay in range.
        assert_eq!(backoff.next_wait(f64::NAN), Duration::from_secs(15));
        assert_eq!(backoff.next_wait(7.0), Duration::from_secs(30));
    }

    #[test]
    fn jitter_spreads_the_waits_of_the_same_step() {
        let firsts: Vec<Duration> = [0.0, 0.25, 0.5, 0.75]
            .into_iter()
            .map(|u| Backoff::new(ReconnectPolicy::REMOTE).next_wait(u))
            .collect();
        let mut distinct = firsts.clone();
        distinct.dedup();
        assert_eq!(distinct.len(), 4, "{firsts:?}");
    }

    #[test]
    fn remote_engines_wait_tens_of_seconds_and_local_ones_a_few() {
        assert!(ReconnectPolicy::REMOTE.cap >= Duration::from_secs(20));
        assert!(ReconnectPolicy::LOCAL.cap <= Duration::from_secs(2));
        for t in [
            EngineTransport::Tcp,
            EngineTransport::Tls,
            EngineTransport::Ssh,
        ] {
            assert_eq!(
                ReconnectPolicy::for_transport(Some(t)),
                ReconnectPolicy::REMOTE
            );
        }
        assert_eq!(
            ReconnectPolicy::for_transport(Some(EngineTransport::Unix)),
            ReconnectPolicy::LOCAL
        );
        assert_eq!(ReconnectPolicy::for_transport(None), ReconnectPolicy::LOCAL);
    }

    /// The case that trips intrusion blockers: an SSH engine that lets Berth log in, then
    /// drops the connection a second later, over and over. The tries must spread out to the
    /// cap, not come every couple of seconds.
    #[test]
    fn a_connection_that_keeps_dropping_soon_does_not_start_the_waits_over() {
        let t = clock();
        let policy = ReconnectPolicy::REMOTE;
        let mut backoff = Backoff::new(policy);
        let mut now = 0.0;
        let mut tries = Vec::new();
        let mut draw = draws();
        while now < 600.0 {
            tries.push(now);
            backoff.up(t.at(now));
            now += 1.0; // up for a second
            assert!(!backoff.down(t.at(now)), "dropped after 1 s is not stable");
            now += backoff.next_wait(draw.next().unwrap()).as_secs_f64();
        }
        // Over ten minutes, far fewer logins than one every 2 s (300); once the waits have
        // grown, about one per half minute.
        assert!(
            tries.len() < 40,
            "{} logins in 10 minutes: {tries:?}",
            tries.len()
        );
        let late: Vec<f64> = tries.windows(2).skip(10).map(|w| w[1] - w[0]).collect();
        let mean = late.iter().sum::<f64>() / late.len() as f64;
        assert!(mean >= 15.0, "mean gap {mean} s once grown: {late:?}");
    }

    #[test]
    fn only_a_connection_that_stayed_up_for_a_while_starts_the_waits_over() {
        let t = clock();
        let mut backoff = Backoff::new(ReconnectPolicy::LOCAL);
        for _ in 0..6 {
            backoff.next_wait(1.0);
        }
        assert_eq!(backoff.next_wait(1.0), ReconnectPolicy::LOCAL.cap);

        // Up 9.9 s: not enough; the next wait is drawn from the grown range.
        backoff.up(t.at(0.0));
        assert!(!backoff.down(t.at(9.9)));
        assert_eq!(backoff.next_wait(0.0), ReconnectPolicy::LOCAL.cap / 2);
        assert_eq!(backoff.next_wait(1.0), ReconnectPolicy::LOCAL.cap);

        // Up 10 s: try at once, and the waits start over from the base.
        backoff.up(t.at(20.0));
        assert!(backoff.down(t.at(30.0)));
        assert_eq!(backoff.next_wait(1.0), ReconnectPolicy::LOCAL.base);

        // Down without having been up (a failed try) is never stable.
        assert!(!backoff.down(t.at(100.0)));
    }

    #[test]
    fn switching_engines_starts_over_under_the_new_policy() {
        let mut backoff = Backoff::new(ReconnectPolicy::REMOTE);
        for _ in 0..6 {
            backoff.next_wait(1.0);
        }
        backoff.restart(ReconnectPolicy::LOCAL);
        assert_eq!(backoff.policy(), ReconnectPolicy::LOCAL);
        assert_eq!(backoff.next_wait(1.0), ReconnectPolicy::LOCAL.base);
    }
}
