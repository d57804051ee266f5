use serde::Serialize;
use ts_rs::TS;

/// The lifecycle states the engine reports, spelled as `docker ps --format {{.State}}` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ContainerState {
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
}

impl ContainerState {
    /// Parses the engine's `State` string. Unknown values (a newer engine) read as `Dead`
    /// would be wrong, so they are kept out: the caller decides.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "created" => Self::Created,
            "running" => Self::Running,
            "paused" => Self::Paused,
            "restarting" => Self::Restarting,
            "removing" => Self::Removing,
            "exited" => Self::Exited,
            "dead" => Self::Dead,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Restarting => "restarting",
            Self::Removing => "removing",
            Self::Exited => "exited",
            Self::Dead => "dead",
        }
    }

    /// Counted as "running" in the status bar and per-image counts, as `docker ps` (without
    /// `-a`) would list it: paused and restarting containers are still up.
    pub fn is_up(self) -> bool {
        matches!(self, Self::Running | Self::Paused | Self::Restarting)
    }
}

impl std::fmt::Display for ContainerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PortMapping {
    /// Host address the port is bound to; `None` when the port is only exposed.
    pub host_ip: Option<String>,
    pub host_port: Option<u16>,
    pub container_port: u16,
    pub protocol: String,
}

impl std::fmt::Display for PortMapping {
    /// Formats like the PORTS column of `docker ps`: `0.0.0.0:8080->80/tcp` or `80/tcp`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.host_ip, self.host_port) {
            (Some(ip), Some(hp)) if ip.contains(':') => {
                write!(f, "[{ip}]:{hp}->{}/{}", self.container_port, self.protocol)
            }
            (Some(ip), Some(hp)) => {
                write!(f, "{ip}:{hp}->{}/{}", self.container_port, self.protocol)
            }
            (None, Some(hp)) => write!(f, "{hp}->{}/{}", self.container_port, self.protocol),
            _ => write!(f, "{}/{}", self.container_port, self.protocol),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ContainerSummary {
    /// Full 64-hex-digit ID.
    pub id: String,
    pub short_id: String,
    /// Name without the engine's leading slash.
    pub name: String,
    /// The image as the container was created from it (`busybox:1`, or an ID when untagged).
    pub image: String,
    /// The image's full ID (`sha256:...`): links the container to its image even after re-tags.
    pub image_id: String,
    pub command: String,
    pub state: ContainerState,
    /// The engine's human text, e.g. "Up 5 minutes" or "Exited (0) 2 hours ago".
    pub status: String,
    pub ports: Vec<PortMapping>,
    /// Seconds since the Unix epoch.
    #[ts(type = "number")]
    pub created: i64,
    pub labels: std::collections::BTreeMap<String, String>,
}
