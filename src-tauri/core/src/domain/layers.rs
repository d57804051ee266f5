//! Read-only vs read+write, static vs alive: a container's own writable layer (what
//! `docker diff` lists, and its size) and what makes it alive (processes, memory, uptime),
//! shown beside the image's read-only layers.

use serde::Serialize;
use ts_rs::TS;

use super::cli_equiv::DockerCommand;

/// How a path differs from the image, as `docker diff` marks it (C, A, D).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ChangeKind {
    Changed,
    Added,
    Deleted,
}

impl ChangeKind {
    /// The engine's numeric kind (0 modified, 1 added, 2 deleted).
    pub fn from_api(kind: u8) -> Option<Self> {
        match kind {
            0 => Some(Self::Changed),
            1 => Some(Self::Added),
            2 => Some(Self::Deleted),
            _ => None,
        }
    }

    /// The letter `docker diff` prints.
    pub fn letter(self) -> char {
        match self {
            Self::Changed => 'C',
            Self::Added => 'A',
            Self::Deleted => 'D',
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FileChange {
    pub path: String,
    pub kind: ChangeKind,
}

/// A container's writable layer: the only part of it that is not the image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct WritableLayer {
    pub container_id: String,
    /// The container's name (what the commands use).
    pub name: String,
    pub image_id: String,
    /// Sorted by path, as `docker diff` prints them.
    pub changes: Vec<FileChange>,
    /// Bytes written in the layer (`SizeRw`); `None` when the engine did not say.
    #[ts(type = "number | null")]
    pub size_rw: Option<u64>,
    /// The image plus the layer (`SizeRootFs`).
    #[ts(type = "number | null")]
    pub size_root_fs: Option<u64>,
    /// `docker diff NAME` and `docker inspect --size NAME`.
    pub commands: Vec<String>,
}

/// Sorts changes the way `docker diff` lists them (by path) and counts each kind.
pub fn sort_changes(mut changes: Vec<FileChange>) -> Vec<FileChange> {
    changes.sort_by(|a, b| a.path.cmp(&b.path).then(a.kind.cmp(&b.kind)));
    changes
}

/// `docker diff` output, one `K /path` line per change.
pub fn diff_text(changes: &[FileChange]) -> String {
    changes
        .iter()
        .map(|c| format!("{} {}", c.kind.letter(), c.path))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What shows a container is alive: its processes and its use of the machine right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ContainerLife {
    pub running: bool,
    /// `ps` column titles and rows, as `docker top` prints them (empty when not running).
    pub titles: Vec<String>,
    pub processes: Vec<Vec<String>>,
    /// Memory in use (as `docker stats` counts it), when running.
    #[ts(type = "number | null")]
    pub memory_bytes: Option<u64>,
    /// RFC 3339, when it last started (running) or `None`.
    pub started_at: Option<String>,
    /// `docker top NAME` and `docker stats --no-stream NAME`.
    pub commands: Vec<String>,
}

/// The commands a writable-layer view is equivalent to.
pub fn layer_commands(container: &str) -> Vec<String> {
    vec![
        DockerCommand::Diff {
            container: container.into(),
        }
        .line(),
        DockerCommand::Inspect {
            target: container.into(),
            size: true,
        }
        .line(),
    ]
}

/// The commands the "alive" panel is equivalent to.
pub fn life_commands(container: &str) -> Vec<String> {
    vec![
        DockerCommand::Top {
            container: container.into(),
        }
        .line(),
        DockerCommand::Stats {
            containers: vec![container.into()],
            no_stream: true,
        }
        .line(),
    ]
}

/// A path the guided demonstration may write: absolute, plain, not inside the pseudo file
/// systems (which are not part of the writable layer). Returned as given, trimmed.
pub fn validate_demo_path(path: &str) -> Result<String, String> {
    let path = path.trim();
    if !path.starts_with('/') || path.len() < 2 {
        return Err(format!(
            "“{}” is not an absolute path like /hello.txt",
            super::echo::echo(path)
        ));
    }
    if path.ends_with('/') {
        return Err(format!(
            "“{}” names a directory; give a file name",
            super::echo::echo(path)
        ));
    }
    if path.split('/').any(|part| part == "..") {
        return Err(format!(
            "“{}” may not contain `..`",
            super::echo::echo(path)
        ));
    }
    if path.chars().any(|c| c.is_control()) {
        return Err("the path may not contain control characters".into());
    }
    for special in ["/proc", "/sys", "/dev"] {
        if path == special || path.starts_with(&format!("{special}/")) {
            return Err(format!(
                "{special} is not stored in the container's writable layer; pick another path"
            ));
        }
    }
    Ok(path.to_string())
}

/// The argv the demonstration runs in the container: `sh -c 'printf "%s\n" "$1" > "$2"'` with
/// the text and the path as separate arguments, so neither is ever read as shell code. The
/// script holds no single quote, so its `docker exec` line reads as a person would type it
/// (one pair of quotes, no `'\''`).
pub fn demo_write_argv(path: &str, text: &str) -> Vec<String> {
    vec![
        "sh".into(),
        "-c".into(),
        r#"printf "%s\n" "$1" > "$2""#.into(),
        "berth-demo".into(),
        text.into(),
        path.into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_engine_and_the_cli() {
        assert_eq!(ChangeKind::from_api(0), Some(ChangeKind::Changed));
        assert_eq!(ChangeKind::from_api(1), Some(ChangeKind::Added));
        assert_eq!(ChangeKind::from_api(2), Some(ChangeKind::Deleted));
        assert_eq!(ChangeKind::from_api(7), None);
        let changes = sort_changes(vec![
            FileChange {
                path: "/tmp/b".into(),
                kind: ChangeKind::Added,
            },
            FileChange {
                path: "/etc".into(),
                kind: ChangeKind::Changed,
            },
            FileChange {
                path: "/bin/x".into(),
                kind: ChangeKind::Deleted,
            },
        ]);
        assert_eq!(diff_text(&changes), "D /bin/x\nC /etc\nA /tmp/b");
    }

    #[test]
    fn demo_paths_are_checked() {
        assert_eq!(validate_demo_path(" /hello.txt ").unwrap(), "/hello.txt");
        assert!(validate_demo_path("hello").is_err());
        assert!(validate_demo_path("/").is_err());
        assert!(validate_demo_path("/tmp/").is_err());
        assert!(validate_demo_path("/a/../etc/passwd").is_err());
        assert!(validate_demo_path("/proc/x").is_err());
        assert!(validate_demo_path("/device").is_ok());
    }

    #[test]
    fn the_demo_never_puts_user_text_in_shell_code() {
        let argv = demo_write_argv("/a b; rm -rf /", "$(reboot)");
        assert_eq!(argv[2], r#"printf "%s\n" "$1" > "$2""#);
        assert_eq!(
            crate::domain::launch::shell::join(&argv),
            r#"sh -c 'printf "%s\n" "$1" > "$2"' berth-demo '$(reboot)' '/a b; rm -rf /'"#
        );
        assert_eq!(argv[4], "$(reboot)");
        assert_eq!(argv[5], "/a b; rm -rf /");
        assert_eq!(
            life_commands("web 1"),
            ["docker top 'web 1'", "docker stats --no-stream 'web 1'"]
        );
        assert_eq!(
            layer_commands("w"),
            ["docker diff w", "docker inspect --size w"]
        );
    }
}
