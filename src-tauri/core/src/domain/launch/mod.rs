//! Launching many containers from one image: the form and its validation, replica names,
//! host-port planning, the per-replica configuration and the equivalent `docker run`
//! commands. All pure; the launcher service does the I/O.

pub mod cli;
pub mod env;
pub mod names;
pub mod plan;
pub mod ports;
pub mod service;
pub mod shell;
pub mod spec;

pub use cli::{docker_run_argv, docker_run_line};
pub use plan::{build_plan, LaunchPlan, ReplicaConfig};
pub use ports::{PortBinding, PortSpec, Protocol};
pub use spec::{
    validate, FieldError, LaunchField, LaunchRequest, LaunchSpec, RestartPolicy, VolumeSource,
    VolumeSpec, MAX_REPLICAS,
};

/// Label holding the launch group's id: every replica of one launch (and of later scale-ups).
pub const LABEL_GROUP: &str = "berth.group";
/// Label holding the replica's number within its group (the `{n}` of its name).
pub const LABEL_REPLICA: &str = "berth.replica";
/// Label holding the group's [`LaunchSpec`] as JSON, so it can be scaled after a restart.
pub const LABEL_LAUNCH: &str = "berth.launch";
