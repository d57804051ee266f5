use serde::Serialize;
use ts_rs::TS;

/// What the status bar shows about a connected engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EngineInfo {
    /// Where Berth connected, e.g. `unix:///var/run/docker.sock`.
    pub endpoint: String,
    /// Where the endpoint came from: `DOCKER_HOST`, a docker context, or the default socket.
    pub endpoint_source: String,
    /// Product name, e.g. "Docker Engine - Community" or "Podman Engine".
    pub product: String,
    pub version: String,
    /// The API version Berth and the engine agreed on.
    pub api_version: String,
    pub os: String,
    pub arch: String,
    pub kernel: String,
    pub host_name: String,
    /// The engine's name in Berth ("local", a configured engine, a docker context).
    pub engine_name: String,
    pub transport: super::engines::EngineTransport,
    pub flavor: super::engines::EngineFlavor,
    /// Swarm membership as of the connection (issue #8: a manager can launch services).
    /// The Services view and the launch dialog re-read it (`swarm_info`), since
    /// `docker swarm init`/`leave` emit no event Berth follows.
    pub swarm: super::swarm::SwarmInfo,
}

#[cfg(test)]
impl EngineInfo {
    /// A local Docker 20.10 engine named "local" on the default socket, for unit tests.
    pub(crate) fn local_docker() -> Self {
        Self {
            endpoint: "unix:///var/run/docker.sock".into(),
            endpoint_source: "default socket".into(),
            product: "Docker Engine - Community".into(),
            version: "20.10.24".into(),
            api_version: "1.41".into(),
            os: "linux".into(),
            arch: "x86_64".into(),
            kernel: "6.1".into(),
            host_name: "h".into(),
            engine_name: "local".into(),
            transport: Default::default(),
            flavor: Default::default(),
            swarm: super::swarm::SwarmInfo::inactive(),
        }
    }
}

/// Why the engine cannot be used right now; the UI shows a screen per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EngineProblemKind {
    /// Nothing listens at the endpoint (socket missing, connection refused, daemon stopped).
    Unreachable,
    /// The socket exists but this user may not open it.
    PermissionDenied,
    /// The endpoint is malformed or uses a transport Berth cannot speak.
    BadEndpoint,
    /// Something answered, but not like a Docker engine.
    Protocol,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EngineProblem {
    pub kind: EngineProblemKind,
    pub endpoint: String,
    /// What went wrong, in one sentence.
    pub message: String,
    /// What the user can do about it.
    pub hint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export)]
// `Connected` is the big variant (the engine info, swarm membership included); a status is
// built once per connection change and cloned rarely, so boxing would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum EngineStatus {
    Connecting { endpoint: String },
    Connected { info: EngineInfo },
    Unavailable { problem: EngineProblem },
}
