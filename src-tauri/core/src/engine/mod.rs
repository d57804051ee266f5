//! The only module that speaks to the Docker engine (through bollard). Everything above it
//! sees domain types and [`EngineError`].

mod actions;
mod client;
mod create;
mod endpoint;
mod error;
mod events;
mod build;
mod images;
mod inspect;
mod layers;
mod list;
mod logs;
mod prune;
mod pull;
mod stats;
mod swarm;

pub use client::Engine;
pub use create::create_body;
pub use endpoint::{resolve_endpoint, Endpoint, EndpointSource, Transport};
pub use error::EngineError;
pub use events::{EngineEvent, EventKind};
pub use layers::ExecOutput;
