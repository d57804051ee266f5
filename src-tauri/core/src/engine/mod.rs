//! The only module that speaks to the Docker engine (through bollard). Everything above it
//! sees domain types and [`EngineError`].

mod actions;
mod build;
mod client;
mod compose;
mod container_files;
mod contexts;
mod create;
mod credentials;
mod endpoint;
mod error;
mod events;
mod exec;
mod image_labels;
mod images;
mod inspect;
mod layers;
mod list;
mod logs;
mod networks;
mod path;
mod prune;
mod pull;
mod remote;
mod search;
mod stats;
mod swarm;
mod update;
mod volumes;

pub use client::Engine;
pub use compose::ProjectNetwork;
pub use contexts::{docker_contexts, DockerContexts, SkippedContext};
pub use create::create_body;
pub use credentials::{CredentialError, CredentialStore, RegistryLogin, Secret};
pub use endpoint::{
    resolve_endpoint, resolve_from, Endpoint, EndpointSource, EnvSnapshot, SshTarget, TlsFiles,
    Transport,
};
pub use error::EngineError;
pub use events::{EngineEvent, EventKind};
pub use exec::{ExecSession, ExecState};
pub use layers::{ExecOutput, EXEC_OUTPUT_MAX};
pub use remote::RemoteFailure;
pub use volumes::VolumeHelper;
