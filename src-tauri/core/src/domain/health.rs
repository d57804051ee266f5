//! A container's health check (issue #16): its verdict as the list's status text tells it,
//! and the last probe results as the detail shows them.

use serde::Serialize;
use ts_rs::TS;

/// A health check's verdict. A container without a check has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Health {
    Starting,
    Healthy,
    Unhealthy,
}

impl Health {
    /// From the engine's status text (`Up 5 minutes (healthy)`, `(health: starting)`,
    /// `(unhealthy)`), as `docker ps` prints it; Docker and Podman alike.
    pub fn from_status(status: &str) -> Option<Self> {
        let inner = status.trim_end().strip_suffix(')')?;
        let verdict = &inner[inner.rfind('(')? + 1..];
        Self::parse(verdict)
    }

    /// The engine's word for it (`starting` also as `health: starting`).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim() {
            "healthy" => Self::Healthy,
            "unhealthy" => Self::Unhealthy,
            "starting" | "health: starting" => Self::Starting,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Healthy => "healthy",
            Self::Unhealthy => "unhealthy",
        }
    }
}

/// Probe results kept for the detail: the engine keeps the last 5; a crafted or future engine
/// could send more.
pub const MAX_PROBES: usize = 5;
/// Characters of one probe's output kept (the engine caps it at 4 KiB already; this holds for
/// any engine).
pub const MAX_PROBE_OUTPUT: usize = 4096;

/// One run of the health check, as `docker inspect`'s `State.Health.Log` has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HealthProbe {
    /// When it started and ended (the engine's RFC 3339 text).
    pub start: String,
    pub end: String,
    /// 0: healthy; 1: unhealthy; anything else: the check itself could not run.
    #[ts(type = "number")]
    pub exit_code: i64,
    /// What the check printed: control characters other than newline and tab escaped
    /// (`\u{1b}`), cut after [`MAX_PROBE_OUTPUT`] characters.
    pub output: String,
    /// The output was longer and was cut.
    pub output_cut: bool,
}

impl HealthProbe {
    pub fn new(start: String, end: String, exit_code: i64, output: &str) -> Self {
        let mut text = String::new();
        let mut cut = false;
        for (i, c) in output.chars().enumerate() {
            if i == MAX_PROBE_OUTPUT {
                cut = true;
                break;
            }
            if c.is_control() && c != '\n' && c != '\t' {
                text.extend(c.escape_debug());
            } else {
                text.push(c);
            }
        }
        Self {
            start: super::echo::echo(&start),
            end: super::echo::echo(&end),
            exit_code,
            output: text,
            output_cut: cut,
        }
    }
}

/// The last [`MAX_PROBES`] results, newest last (the engine's order).
pub fn last_probes(all: Vec<HealthProbe>) -> Vec<HealthProbe> {
    let skip = all.len().saturating_sub(MAX_PROBES);
    all.into_iter().skip(skip).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_output_is_escaped_and_bounded() {
        let p = HealthProbe::new(
            "2026-01-01T00:00:00Z".into(),
            "2026-01-01T00:00:01Z".into(),
            1,
            "no \u{1b}[31mfile\r\n\tthere\n",
        );
        assert_eq!(p.output, "no \\u{1b}[31mfile\\r\n\tthere\n");
        assert!(!p.output_cut);
        let long = HealthProbe::new(String::new(), String::new(), 0, &"x".repeat(10_000));
        assert_eq!(long.output.chars().count(), MAX_PROBE_OUTPUT);
        assert!(long.output_cut);
        let many: Vec<HealthProbe> = (0..100)
            .map(|i| HealthProbe::new(String::new(), String::new(), i, ""))
            .collect();
        let kept = last_probes(many);
        assert_eq!(
            kept.iter().map(|p| p.exit_code).collect::<Vec<_>>(),
            [95, 96, 97, 98, 99]
        );
    }

    #[test]
    fn the_verdict_is_read_from_the_status_text() {
        assert_eq!(
            Health::from_status("Up 5 minutes (healthy)"),
            Some(Health::Healthy)
        );
        assert_eq!(
            Health::from_status("Up 2 seconds (health: starting)"),
            Some(Health::Starting)
        );
        assert_eq!(
            Health::from_status("Up 1 minute (unhealthy)"),
            Some(Health::Unhealthy)
        );
        assert_eq!(Health::from_status("Up 1 minute"), None);
        assert_eq!(Health::from_status("Exited (1) 2 hours ago"), None);
        assert_eq!(Health::from_status("Up (Paused)"), None);
    }
}
