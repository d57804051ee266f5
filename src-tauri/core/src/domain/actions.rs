//! Container actions as data: what the UI asks for, the equivalent docker CLI command, and
//! the per-container result of a (bulk) action.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cli_equiv::DockerCommand;

/// One thing to do to a container. `Remove` with `force` also removes a running one
/// (`docker rm -f`); without it the engine refuses, and the UI asks first. `volumes` also
/// removes its anonymous volumes (`docker rm -v`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export)]
pub enum ContainerAction {
    Start,
    Stop,
    Restart,
    Pause,
    Unpause,
    Kill,
    Remove {
        force: bool,
        #[serde(default)]
        volumes: bool,
    },
}

impl ContainerAction {
    /// The equivalent docker CLI command on `container`.
    pub fn command(self, container: &str) -> DockerCommand {
        let container = container.to_string();
        match self {
            Self::Start => DockerCommand::Start { container },
            Self::Stop => DockerCommand::Stop { container },
            Self::Restart => DockerCommand::Restart { container },
            Self::Pause => DockerCommand::Pause { container },
            Self::Unpause => DockerCommand::Unpause { container },
            Self::Kill => DockerCommand::Kill { container },
            Self::Remove { force, volumes } => DockerCommand::Remove {
                container,
                force,
                volumes,
            },
        }
    }

    /// Past tense for messages: "stopped".
    pub fn done_word(self) -> &'static str {
        match self {
            Self::Start => "started",
            Self::Stop => "stopped",
            Self::Restart => "restarted",
            Self::Pause => "paused",
            Self::Unpause => "unpaused",
            Self::Kill => "killed",
            Self::Remove { .. } => "removed",
        }
    }

    /// The equivalent command line, e.g. `docker stop web-1`.
    pub fn cli(self, container: &str) -> String {
        self.command(container).line()
    }
}

/// `docker rename OLD NEW`.
pub fn rename_cli(container: &str, new_name: &str) -> String {
    DockerCommand::Rename {
        container: container.into(),
        new_name: new_name.into(),
    }
    .line()
}

/// Checks a new container name the way the engine does (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`), so a
/// bad one is refused before any request. A leading `/` (the engine's own spelling) is
/// accepted and dropped.
pub fn validate_container_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    let bare = name.strip_prefix('/').unwrap_or(name);
    if bare.is_empty() {
        return Err("a container name cannot be empty".into());
    }
    if super::launch::names::is_valid_name(bare) {
        Ok(bare.to_string())
    } else {
        Err(format!(
            "“{}” is not a valid container name: use letters, digits, `_`, `.` and `-`, \
             starting with a letter or digit, at least 2 characters",
            super::echo::echo(bare)
        ))
    }
}

/// What happened to one container. A bulk action returns one per container, so a failure
/// never hides the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ActionResult {
    /// The ID or name the caller gave.
    pub target: String,
    /// The container's name, when known (for messages).
    pub name: String,
    /// The equivalent docker CLI command.
    pub command: String,
    /// `None` on success, else why it failed (naming the container).
    pub error: Option<String>,
    /// The error's kind, for the UI to offer "force?" on a conflict.
    pub conflict: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_cli_of_every_action() {
        assert_eq!(ContainerAction::Stop.cli("web-1"), "docker stop web-1");
        assert_eq!(
            ContainerAction::Remove {
                force: true,
                volumes: false
            }
            .cli("web 1"),
            "docker rm -f 'web 1'"
        );
        assert_eq!(ContainerAction::Unpause.cli("a1"), "docker unpause a1");
        assert_eq!(rename_cli("a1", "b2"), "docker rename a1 b2");
    }

    #[test]
    fn actions_travel_as_tagged_json() {
        let a: ContainerAction =
            serde_json::from_value(serde_json::json!({"kind": "remove", "force": true})).unwrap();
        assert_eq!(
            a,
            ContainerAction::Remove {
                force: true,
                volumes: false
            }
        );
        let a: ContainerAction =
            serde_json::from_value(serde_json::json!({"kind": "kill"})).unwrap();
        assert_eq!(a, ContainerAction::Kill);
    }

    #[test]
    fn container_names_are_checked_like_the_engine() {
        assert_eq!(validate_container_name(" /web-2 ").unwrap(), "web-2");
        assert!(validate_container_name("").is_err());
        assert!(validate_container_name("-x").is_err());
        assert!(validate_container_name("a b").is_err());
        assert!(validate_container_name("x").is_err());
    }
}
