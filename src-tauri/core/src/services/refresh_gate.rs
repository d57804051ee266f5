//! When the watcher reports "inventory changed" for a stream of engine events: soon after the
//! first event of a quiet spell (a person who just ran `docker run` sees it at once), then at
//! most once per gap while events keep coming (a launch of 100 replicas, a `compose down`,
//! 100 events in a second), so the window re-reads its lists a few times, not 100.
//!
//! Issue #17's targets: the refresh after one event within 100 ms; 100 events in one second
//! give at most 3 refreshes. With a 25 ms lead and a 500 ms gap, one event is reported after
//! 25 ms, and 100 events spread over a second after 25, 525 and 1,025 ms.

use std::time::Duration;

use tokio::time::Instant;

/// The first change of a quiet spell is reported this long after its event: the few events
/// one command makes (create, attach, connect, start) arrive within it and go together.
pub const LEAD: Duration = Duration::from_millis(25);
/// Reports are at least this far apart.
pub const GAP: Duration = Duration::from_millis(500);

#[derive(Debug, Clone)]
pub struct RefreshGate {
    lead: Duration,
    gap: Duration,
    last: Option<Instant>,
    due: Option<Instant>,
}

impl Default for RefreshGate {
    fn default() -> Self {
        Self::new(LEAD, GAP)
    }
}

impl RefreshGate {
    pub fn new(lead: Duration, gap: Duration) -> Self {
        Self {
            lead,
            gap,
            last: None,
            due: None,
        }
    }

    /// An event that changes the inventory arrived at `now`.
    pub fn event(&mut self, now: Instant) {
        if self.due.is_some() {
            return; // already pending: it joins that report
        }
        let soon = now + self.lead;
        self.due = Some(match self.last {
            Some(last) => soon.max(last + self.gap),
            None => soon,
        });
    }

    /// When the pending report is due, if one is.
    pub fn due(&self) -> Option<Instant> {
        self.due
    }

    /// The pending report was made at `now`.
    pub fn fired(&mut self, now: Instant) {
        self.due = None;
        self.last = Some(now);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Runs `events` (ms after the start) through a gate and returns when it reported (ms).
    fn reports(events: &[u64]) -> Vec<u64> {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut gate = RefreshGate::default();
        let mut out = Vec::new();
        let mut events = events.iter().copied().peekable();
        loop {
            // Whichever comes first: the next event or the pending report.
            let next_event = events.peek().copied();
            let due = gate.due().map(|d| (d - start).as_millis() as u64);
            match (next_event, due) {
                (Some(e), Some(d)) if d <= e => {
                    gate.fired(at(d));
                    out.push(d);
                }
                (Some(e), _) => {
                    gate.event(at(e));
                    events.next();
                }
                (None, Some(d)) => {
                    gate.fired(at(d));
                    out.push(d);
                }
                (None, None) => return out,
            }
        }
    }

    #[test]
    fn one_event_is_reported_within_the_lead() {
        assert_eq!(reports(&[0]), vec![25]);
        // The few events of one `docker run` go together.
        assert_eq!(reports(&[0, 3, 8, 20]), vec![25]);
    }

    #[test]
    fn a_hundred_events_in_a_second_give_at_most_three_reports() {
        let burst: Vec<u64> = (0..100).map(|i| i * 10).collect();
        let got = reports(&burst);
        assert!(got.len() <= 3, "{got:?}");
        assert_eq!(got, vec![25, 525, 1025]);
        // The last event is never left unreported.
        assert!(*got.last().unwrap() >= 990);
    }

    #[test]
    fn after_a_quiet_spell_the_next_event_is_reported_at_once_again() {
        assert_eq!(reports(&[0, 2_000]), vec![25, 2_025]);
        // Soon after a report, the next waits for the gap.
        assert_eq!(reports(&[0, 100]), vec![25, 525]);
    }
}
