//! Image actions as data: history rows, removal results, and their docker CLI commands.

use serde::Serialize;
use ts_rs::TS;

use super::cli_equiv::DockerCommand;

/// One row of `docker history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HistoryEntry {
    /// The layer's image ID, or `<missing>` for layers built elsewhere.
    pub id: String,
    /// Seconds since the epoch.
    #[ts(type = "number")]
    pub created: i64,
    pub created_by: String,
    #[ts(type = "number")]
    pub size: u64,
    pub tags: Vec<String>,
    pub comment: String,
}

/// What removing an image did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RemoveImageResult {
    pub untagged: Vec<String>,
    pub deleted: Vec<String>,
    pub command: String,
}

/// A container that stops an image from being removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImageUser {
    pub id: String,
    pub name: String,
    pub running: bool,
}

/// The message for an image that containers still use: names them, says what to do.
pub fn in_use_message(image: &str, users: &[ImageUser]) -> String {
    let names: Vec<String> = users
        .iter()
        .map(|u| {
            if u.running {
                format!("{} (running)", u.name)
            } else {
                u.name.clone()
            }
        })
        .collect();
    format!(
        "the image {image} is used by {} container{}: {}. Remove {} first, or force the removal: \
         the engine then deletes it from under stopped containers (they keep only its ID), and \
         only untags it while a container runs from it",
        users.len(),
        if users.len() == 1 { "" } else { "s" },
        names.join(", "),
        if users.len() == 1 { "it" } else { "them" },
    )
}

/// `docker rmi [-f] IMAGE`.
pub fn rmi_cli(image: &str, force: bool) -> String {
    DockerCommand::RemoveImage {
        image: image.into(),
        force,
    }
    .line()
}

/// `docker tag SOURCE TARGET`.
pub fn tag_cli(source: &str, target: &str) -> String {
    DockerCommand::Tag {
        source: source.into(),
        target: target.into(),
    }
    .line()
}

/// `docker history IMAGE`.
pub fn history_cli(image: &str) -> String {
    DockerCommand::History {
        image: image.into(),
    }
    .line()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_use_names_every_container() {
        let users = [
            ImageUser {
                id: "1".into(),
                name: "web-1".into(),
                running: true,
            },
            ImageUser {
                id: "2".into(),
                name: "web-2".into(),
                running: false,
            },
        ];
        let m = in_use_message("app:1", &users);
        assert!(
            m.contains("used by 2 containers: web-1 (running), web-2"),
            "{m}"
        );
        assert_eq!(rmi_cli("app:1", true), "docker rmi -f app:1");
        assert_eq!(tag_cli("a", "b:c"), "docker tag a b:c");
        assert_eq!(history_cli("a"), "docker history a");
    }
}
