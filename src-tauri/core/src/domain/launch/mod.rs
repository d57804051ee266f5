//! Launching many containers from one image: the form and its validation, replica names,
//! host-port planning, the per-replica configuration and the equivalent `docker run`
//! commands. All pure; the launcher service does the I/O.

pub mod cli;
pub mod env;
pub mod labels;
pub mod names;
pub mod plan;
pub mod ports;
pub mod replicas;
pub mod seal;
pub mod service;
pub mod shell;
pub mod spec;

pub use cli::{docker_run_argv, docker_run_line};
pub use labels::BerthLabel;
pub use plan::{build_plan, LaunchPlan, ReplicaConfig};
pub use ports::{PortBinding, PortSpec, Protocol};
pub use replicas::{Replicas, ReplicasError, MAX_REPLICAS};
pub use spec::{
    revalidate, validate, FieldError, LaunchField, LaunchRequest, LaunchSpec, RestartPolicy,
    VolumeSource, VolumeSpec,
};

/// The `berth.group` label key (see [`BerthLabel`]), as a constant for filters and maps.
pub const LABEL_GROUP: &str = BerthLabel::Group.key();
/// The `berth.replica` label key.
pub const LABEL_REPLICA: &str = BerthLabel::Replica.key();
/// The `berth.launch` label key.
pub const LABEL_LAUNCH: &str = BerthLabel::Launch.key();
