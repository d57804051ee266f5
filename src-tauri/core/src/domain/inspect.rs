//! A container's configuration and state, summarised for reading (the raw JSON travels too).

use serde::Serialize;
use ts_rs::TS;

use super::PortMapping;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MountInfo {
    /// `bind`, `volume`, `tmpfs`, ...
    pub kind: String,
    /// Host path or volume name.
    pub source: String,
    pub destination: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NetworkInfo {
    pub name: String,
    pub ip_address: String,
    pub gateway: String,
    pub mac_address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HealthInfo {
    /// `starting`, `healthy`, `unhealthy`.
    pub status: String,
    #[ts(type = "number")]
    pub failing_streak: i64,
    /// The output of the most recent check, if any.
    pub last_output: Option<String>,
    /// The last checks' results, newest last (issue #16), bounded and escaped.
    pub probes: Vec<super::health::HealthProbe>,
}

/// What the Inspect tab shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ContainerDetails {
    pub id: String,
    pub short_id: String,
    pub name: String,
    pub image: String,
    pub image_id: String,
    /// `running`, `exited`, ... as the engine says.
    pub state: String,
    pub created: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    #[ts(type = "number | null")]
    pub exit_code: Option<i64>,
    pub oom_killed: bool,
    /// The engine's error for the last start, if any.
    pub error: Option<String>,
    pub entrypoint: Vec<String>,
    pub command: Vec<String>,
    pub working_dir: String,
    pub user: String,
    pub env: Vec<String>,
    pub mounts: Vec<MountInfo>,
    pub ports: Vec<PortMapping>,
    pub networks: Vec<NetworkInfo>,
    /// `no`, `always`, `unless-stopped`, `on-failure:3`.
    pub restart_policy: String,
    #[ts(type = "number")]
    pub restart_count: i64,
    pub labels: Vec<(String, String)>,
    pub health: Option<HealthInfo>,
    /// `docker inspect NAME`.
    pub command_line: String,
    /// The engine's answer, pretty-printed (as bollard decoded it: unknown fields are lost).
    pub raw_json: String,
}

/// `always`, `on-failure:3`, `no` (empty means no).
pub fn restart_policy_text(name: &str, max_retries: Option<i64>) -> String {
    match (name, max_retries) {
        ("" | "no", _) => "no".into(),
        ("on-failure", Some(n)) if n > 0 => format!("on-failure:{n}"),
        (other, _) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_policies_read_like_the_cli_flag() {
        assert_eq!(restart_policy_text("", None), "no");
        assert_eq!(restart_policy_text("on-failure", Some(3)), "on-failure:3");
        assert_eq!(restart_policy_text("on-failure", Some(0)), "on-failure");
        assert_eq!(restart_policy_text("always", Some(0)), "always");
    }
}
