//! Plain data sent to the UI and pure functions over it. No I/O here.

pub mod actions;
pub mod archive;
pub mod cli_equiv;
pub mod compose;
pub mod container;
pub mod container_files;
pub mod echo;
pub mod engine_info;
pub mod engines;
pub mod first_run;
pub mod groups;
pub mod health;
pub mod ids;
pub mod image;
pub mod image_ops;
pub mod inspect;
pub mod inventory;
pub mod launch;
pub mod layers;
pub mod lesson_progress;
pub mod lessons;
pub mod limits;
pub mod logs;
pub mod network;
pub mod plain_words;
pub mod port_link;
pub mod prune;
pub mod pull;
pub mod reconnect;
pub mod reference;
pub mod registry;
pub mod settings;
pub mod stats;
pub mod swarm;
pub mod terminal;
pub mod volume;

pub use container::{ContainerState, ContainerSummary, PortMapping};
pub use engine_info::{EngineInfo, EngineProblem, EngineProblemKind, EngineStatus};
pub use image::ImageSummary;
pub use inventory::{count_containers_per_image, Inventory};

/// The first 12 hex digits of an ID, as `docker ps` and `docker images` print them.
pub fn short_id(id: &str) -> String {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    hex.chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::short_id;

    #[test]
    fn short_id_drops_the_digest_prefix() {
        assert_eq!(short_id("sha256:0123456789abcdef0000"), "0123456789ab");
        assert_eq!(short_id("0123456789abcdef"), "0123456789ab");
        assert_eq!(short_id("abc"), "abc");
    }
}
