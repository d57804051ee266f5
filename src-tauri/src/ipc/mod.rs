//! The IPC surface: thin commands, the error type the UI sees, and the events it listens to.

pub mod commands;
pub mod compose;
pub mod containers;
pub mod diagnostics;
pub mod engines;
pub mod error;
pub mod events;
pub mod files;
pub mod first_run;
pub mod images;
pub mod launch;
pub mod learn;
pub mod lessons;
pub mod limits;
#[macro_use]
mod name_macros;
pub mod names;
pub mod networks;
pub mod ports;
pub mod quit;
pub mod registry;
pub mod settings;
pub mod stats;
pub mod streams;
pub mod swarm;
pub mod terminal;
pub mod volumes;
