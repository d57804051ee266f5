//! Compose projects (issue #15): the projects the engine's containers form (from the labels
//! every Compose writes, never from names), a Compose file read and checked before anything
//! runs, and the Compose CLI's argv (`docker compose` v2 or `docker-compose` v1) with the line
//! the UI shows. Pure: the engine and the CLI are driven from `services::compose`.

use std::path::{Path, PathBuf};

use docker_compose_types::{Compose, Ports, PublishedPort, Volumes};
use serde::Serialize;
use ts_rs::TS;

use super::cli_equiv::CliCommand;
use super::echo::echo;
use super::groups::{find_groups, ComposeLabel, Group, GroupKind};
use super::launch::shell;
use super::ContainerSummary;

/// A Compose file bigger than this is refused unread: real ones are a few KiB.
pub const MAX_COMPOSE_FILE_BYTES: u64 = 1024 * 1024;

/// The labels only a project's containers carry (kept apart from [`ComposeLabel`], whose
/// variants select group members).
pub const WORKING_DIR_LABEL: &str = "com.docker.compose.project.working_dir";
pub const CONFIG_FILES_LABEL: &str = "com.docker.compose.project.config_files";

/// One Compose project as the Compose view shows it: the project's group, then one group
/// per service (the groups of `domain::groups`, so the Groups view, the charts and the group
/// actions see the same members).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ComposeProject {
    pub name: String,
    pub project: Group,
    pub services: Vec<Group>,
    /// `docker compose run` containers: members of the project, of no service.
    pub oneoff: u32,
    /// The folder Compose ran in, from the label (anyone can write it: shown, not trusted).
    pub working_dir: Option<String>,
    /// The files the project was brought up from (absolute paths only), for Down and Scale.
    pub config_files: Vec<String>,
}

/// Every Compose project among `containers`, by name.
pub fn find_projects(containers: &[ContainerSummary]) -> Vec<ComposeProject> {
    let groups = find_groups(containers, None);
    let mut projects: Vec<ComposeProject> = Vec::new();
    for g in groups {
        match g.kind {
            GroupKind::ComposeProject => {
                let first = containers
                    .iter()
                    .filter(|c| g.selector.matches(&c.labels))
                    .find(|c| c.labels.contains_key(WORKING_DIR_LABEL))
                    .or_else(|| containers.iter().find(|c| g.selector.matches(&c.labels)));
                let label = |key: &str| first.and_then(|c| c.labels.get(key)).cloned();
                let oneoff = containers
                    .iter()
                    .filter(|c| g.selector.matches(&c.labels))
                    .filter(|c| {
                        c.labels.get(ComposeLabel::Oneoff.key()).map(String::as_str) == Some("True")
                    })
                    .count() as u32;
                projects.push(ComposeProject {
                    name: g.name.clone(),
                    working_dir: label(WORKING_DIR_LABEL),
                    config_files: label(CONFIG_FILES_LABEL)
                        .map(|v| config_files(&v))
                        .unwrap_or_default(),
                    oneoff,
                    project: g,
                    services: Vec::new(),
                });
            }
            GroupKind::ComposeService => {
                if let Some(p) = projects.last_mut() {
                    p.services.push(g);
                }
            }
            GroupKind::Launch => {}
        }
    }
    projects
}

/// The `config_files` label: comma-separated paths. Only absolute ones are kept (a relative
/// path would be read against Berth's own folder, not the project's).
fn config_files(label: &str) -> Vec<String> {
    label
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty() && Path::new(p).is_absolute())
        .map(str::to_string)
        .collect()
}

/// A project name as both Composes accept it with `-p`: lowercase letters, digits, `-` and
/// `_`, starting with a letter or digit (v2's rule; v1 would silently rewrite others).
pub fn check_project_name(name: &str) -> Result<(), String> {
    let ok_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let ok_rest = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if name.is_empty() {
        return Err("A project needs a name.".into());
    }
    if !ok_start || !ok_rest || name.len() > 63 {
        return Err(format!(
            "“{}” cannot be a project name: use lowercase letters, digits, - and _, \
             starting with a letter or digit (at most 63).",
            echo(name)
        ));
    }
    Ok(())
}

/// The project name Compose would pick for a file: its top-level `name:`, else its folder's
/// name made acceptable (lowercase, other characters dropped).
pub fn default_project_name(file: &Path, declared: Option<&str>) -> String {
    if let Some(n) = declared.filter(|n| check_project_name(n).is_ok()) {
        return n.to_string();
    }
    let folder = file
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let cleaned: String = folder
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_')
        .skip_while(|c| !c.is_ascii_alphanumeric())
        .take(63)
        .collect();
    if cleaned.is_empty() {
        "project".into()
    } else {
        cleaned
    }
}

/// One service of a Compose file, as shown before anything runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ComposeServicePreview {
    pub name: String,
    /// `None` for a service that is only built (Berth shows it; Compose builds it).
    pub image: Option<String>,
    pub build: bool,
    /// As written: `8080:80`, `127.0.0.1:5000:5000/udp`, `80` (a random host port).
    pub ports: Vec<String>,
    /// As written: `data:/var/lib/x`, `./conf:/etc/x:ro`.
    pub volumes: Vec<String>,
    /// Host ports it publishes (for the taken-port check before Up).
    pub host_ports: Vec<u16>,
}

/// A Compose file read and checked: what Up would make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ComposePreview {
    /// The file's top-level `name:`, if any.
    pub name: Option<String>,
    pub services: Vec<ComposeServicePreview>,
    pub networks: Vec<String>,
    pub volumes: Vec<String>,
}

/// Why a Compose file was refused, with where when the parser knows (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct ComposeFileError {
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl ComposeFileError {
    fn plain(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    /// "line 3, column 5: ..." for messages that travel as one string.
    pub fn located(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("line {l}, column {c}: {}", self.message),
            (Some(l), None) => format!("line {l}: {}", self.message),
            _ => self.message.clone(),
        }
    }
}

/// Reads a Compose file's text with the Compose format's types (`docker-compose-types`):
/// YAML and schema errors come back with their line and column; a file with no services, or
/// a service with neither `image` nor `build`, is refused too.
pub fn parse_compose_file(text: &str) -> Result<ComposePreview, ComposeFileError> {
    if text.trim().is_empty() {
        return Err(ComposeFileError::plain(
            "The file is empty: a Compose file lists its services under `services:`.",
        ));
    }
    let compose: Compose = match serde_norway::from_str::<Compose>(text) {
        Ok(c) => Ok(c),
        // The crate's port list wants strings, where Compose also takes bare numbers
        // (`- 80`): read such a file again with its numbers as strings. Any other error keeps
        // the parser's first answer, which knows the line and column.
        Err(e) => numbers_as_port_strings(text).ok_or(e),
    }
    .map_err(|e| {
        let loc = e.location();
        // serde_norway appends " at line L column C"; the fields carry that already.
        let raw = e.to_string();
        let message = raw
            .split(" at line ")
            .next()
            .unwrap_or(&raw)
            .trim()
            .to_string();
        let message = if message.contains("expected struct Compose") {
            format!("This is not a Compose file (its top level must be a mapping with `services:`): {message}")
        } else {
            format!("Not a valid Compose file: {message}")
        };
        ComposeFileError {
            message,
            line: loc.as_ref().map(|l| l.line() as u32),
            column: loc.as_ref().map(|l| l.column() as u32),
        }
    })?;
    if compose.services.is_empty() {
        return Err(ComposeFileError::plain(
            "The file has no services: a Compose file lists them under `services:`.",
        ));
    }
    let mut services = Vec::new();
    for (name, service) in &compose.services.0 {
        let service = service.clone().unwrap_or_default();
        if service.image.is_none() && service.build_.is_none() {
            let (line, column) = key_position(text, name);
            return Err(ComposeFileError {
                message: format!("The service \"{name}\" has neither `image:` nor `build:`."),
                line,
                column,
            });
        }
        let (ports, host_ports) = ports_of(&service.ports);
        services.push(ComposeServicePreview {
            name: name.clone(),
            image: service.image.clone(),
            build: service.build_.is_some(),
            ports,
            volumes: service.volumes.iter().map(volume_text).collect(),
            host_ports,
        });
    }
    Ok(ComposePreview {
        name: compose.name.clone(),
        services,
        networks: compose.networks.0.keys().cloned().collect(),
        volumes: compose.volumes.0.keys().cloned().collect(),
    })
}

/// The file again with every service's numeric `ports:` items as strings; `None` when that
/// does not make it a Compose file either.
fn numbers_as_port_strings(text: &str) -> Option<Compose> {
    use serde_norway::Value;
    let mut value: Value = serde_norway::from_str(text).ok()?;
    let services = value.get_mut("services")?.as_mapping_mut()?;
    for (_, service) in services.iter_mut() {
        if let Some(Value::Sequence(ports)) = service.get_mut("ports") {
            for p in ports.iter_mut() {
                if let Value::Number(n) = p {
                    *p = Value::String(n.to_string());
                }
            }
        }
    }
    serde_norway::from_value(value).ok()
}

/// Where `key:` is first written as a mapping key (for checks the parser does not locate).
fn key_position(text: &str, key: &str) -> (Option<u32>, Option<u32>) {
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let bare = trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        let quoted = [format!("\"{key}\""), format!("'{key}'")]
            .iter()
            .any(|q| trimmed.starts_with(q.as_str()));
        if bare || quoted {
            return (
                Some(i as u32 + 1),
                Some((line.len() - trimmed.len()) as u32 + 1),
            );
        }
    }
    (None, None)
}

/// The ports as written, and the fixed host ports among them.
fn ports_of(ports: &Ports) -> (Vec<String>, Vec<u16>) {
    match ports {
        Ports::Short(list) => {
            let host = list.iter().filter_map(|p| short_host_port(p)).collect();
            (list.clone(), host)
        }
        Ports::Long(list) => {
            let text = list
                .iter()
                .map(|p| {
                    let published = match &p.published {
                        Some(PublishedPort::Single(n)) => format!("{n}:"),
                        Some(PublishedPort::Range(r)) => format!("{r}:"),
                        None => String::new(),
                    };
                    let proto = p
                        .protocol
                        .as_deref()
                        .map(|x| format!("/{x}"))
                        .unwrap_or_default();
                    format!("{published}{}{proto}", p.target)
                })
                .collect();
            let host = list
                .iter()
                .filter_map(|p| match p.published {
                    Some(PublishedPort::Single(n)) => Some(n),
                    _ => None,
                })
                .collect();
            (text, host)
        }
    }
}

/// `[ip:]host:container[/proto]` → host, when it is one fixed port.
fn short_host_port(spec: &str) -> Option<u16> {
    let spec = spec.split('/').next()?;
    let parts: Vec<&str> = spec.rsplitn(3, ':').collect();
    // rsplitn gives container first: [container, host] or [container, host, ip].
    parts.get(1)?.parse().ok()
}

fn volume_text(v: &Volumes) -> String {
    match v {
        Volumes::Simple(s) => s.clone(),
        Volumes::Advanced(a) => match &a.source {
            Some(s) => format!("{s}:{}", a.target),
            None => a.target.clone(),
        },
    }
}

/// Which Compose CLI this machine has. Both take the same subcommands for what Berth runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ComposeCli {
    /// `docker compose` (the v2 plugin), through this `docker` program.
    V2 {
        #[ts(type = "string")]
        docker: PathBuf,
        version: String,
    },
    /// `docker-compose` (v1, Python; Debian 12's package).
    V1 {
        #[ts(type = "string")]
        program: PathBuf,
        version: String,
    },
}

/// What to ask the Compose CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeVerb {
    /// `up -d`, optionally with one service scaled (`--scale svc=N`).
    Up {
        scale: Option<(String, u32)>,
    },
    /// `down`: the project's containers and networks (named volumes stay).
    Down,
    Start,
    Stop,
    Restart,
}

impl ComposeCli {
    /// The program to run, and the words before the global options.
    fn head(&self) -> (String, Vec<String>) {
        match self {
            Self::V2 { docker, .. } => (
                docker.to_string_lossy().into_owned(),
                vec!["compose".to_string()],
            ),
            Self::V1 { program, .. } => (program.to_string_lossy().into_owned(), vec![]),
        }
    }

    /// The argv Berth runs (no shell): `--ansi never` (both accept it) keeps colour codes
    /// out of the window's output.
    pub fn argv(&self, project: &str, files: &[String], verb: &ComposeVerb) -> Vec<String> {
        let (program, head) = self.head();
        let mut a = vec![program];
        a.extend(head);
        a.extend(["--ansi".into(), "never".into()]);
        a.extend(["-p".into(), project.to_string()]);
        for f in files {
            a.extend(["-f".into(), f.clone()]);
        }
        a.extend(verb_words(verb));
        a
    }

    /// The line the UI shows: as a person would type it (`docker compose` / `docker-compose`
    /// by name, without `--ansi never`).
    pub fn command(&self, project: &str, files: &[String], verb: &ComposeVerb) -> CliCommand {
        display_command(matches!(self, Self::V1 { .. }), project, files, verb)
    }
}

fn verb_words(verb: &ComposeVerb) -> Vec<String> {
    match verb {
        ComposeVerb::Up { scale } => {
            let mut w = vec!["up".to_string(), "-d".to_string()];
            if let Some((service, n)) = scale {
                w.extend(["--scale".into(), format!("{service}={n}")]);
            }
            w
        }
        ComposeVerb::Down => vec!["down".into()],
        ComposeVerb::Start => vec!["start".into()],
        ComposeVerb::Stop => vec!["stop".into()],
        ComposeVerb::Restart => vec!["restart".into()],
    }
}

/// The Compose line for an action; `v1` spells it `docker-compose`. Without a CLI on the
/// machine the v2 spelling is shown (what installing Compose today gives).
pub fn display_command(
    v1: bool,
    project: &str,
    files: &[String],
    verb: &ComposeVerb,
) -> CliCommand {
    let mut argv: Vec<String> = if v1 {
        vec!["docker-compose".into()]
    } else {
        vec!["docker".into(), "compose".into()]
    };
    argv.extend(["-p".into(), project.to_string()]);
    for f in files {
        argv.extend(["-f".into(), f.clone()]);
    }
    argv.extend(verb_words(verb));
    CliCommand {
        line: shell::join(&argv),
        argv,
    }
}

/// What to say when no Compose CLI is on the machine.
pub const NO_COMPOSE_CLI: &str =
    "No Compose CLI was found on this machine (neither `docker compose` \
     nor `docker-compose`). Install Docker Compose v2 (the `docker-compose-plugin` package from \
     Docker's repository), or on Debian and Ubuntu `sudo apt install docker-compose` (v1).";

/// One line of a Compose CLI's output, as it streams into the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ComposeOutputLine {
    pub text: String,
    pub stderr: bool,
}

/// A line longer than this is cut (a progress bar or a dumped file must not grow the window).
pub const MAX_OUTPUT_LINE: usize = 4096;

/// How a Compose CLI run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ComposeRunOutcome {
    pub command: CliCommand,
    pub success: bool,
    /// The exit code (`None`: killed, or cancelled by the user).
    pub code: Option<i32>,
    pub cancelled: bool,
    /// On failure, the CLI's own last error lines, for the message.
    pub error: Option<String>,
    /// After a failed Up, what Berth ran to leave nothing behind (`down`), and how it went.
    pub rollback: Option<Box<ComposeRunOutcome>>,
}

/// The last error-looking lines of a failed run (Compose prints progress before them).
pub fn error_summary(lines: &[ComposeOutputLine]) -> Option<String> {
    let wanted: Vec<&str> = lines
        .iter()
        .map(|l| l.text.trim())
        .filter(|t| {
            let lower = t.to_lowercase();
            lower.contains("error") || lower.contains("denied") || lower.contains("failed")
        })
        .collect();
    let pick: Vec<&str> = if wanted.is_empty() {
        lines
            .iter()
            .rev()
            .map(|l| l.text.trim())
            .filter(|t| !t.is_empty())
            .take(3)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    } else {
        wanted.iter().rev().take(3).rev().copied().collect()
    };
    (!pick.is_empty()).then(|| pick.join("\n"))
}

/// What removing a project takes away, by name, for the confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, TS)]
#[ts(export)]
pub struct ProjectRemoval {
    pub project: String,
    pub containers: Vec<String>,
    pub networks: Vec<String>,
    /// The equivalent Compose line (`docker compose -p X down`).
    pub command: Option<CliCommand>,
}

/// What a project removal did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, TS)]
#[ts(export)]
pub struct ProjectRemoved {
    pub containers: Vec<String>,
    pub networks: Vec<String>,
    /// `name: reason` for each one that could not go.
    pub failures: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ContainerState;

    fn container(id: &str, labels: &[(&str, &str)], state: ContainerState) -> ContainerSummary {
        ContainerSummary {
            id: id.into(),
            short_id: id.into(),
            name: format!("name-{id}"),
            image: "img:1".into(),
            image_id: "sha256:x".into(),
            command: String::new(),
            state,
            status: String::new(),
            ports: vec![],
            created: 0,
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    const P: &str = "com.docker.compose.project";
    const S: &str = "com.docker.compose.service";
    const N: &str = "com.docker.compose.container-number";

    #[test]
    fn projects_group_services_and_read_their_folder_and_files() {
        let files = "/srv/shop/compose.yaml,relative.yml";
        let all = vec![
            // v1 and v2 names differ; only labels count.
            container(
                "a",
                &[
                    (P, "shop"),
                    (S, "web"),
                    (N, "2"),
                    (CONFIG_FILES_LABEL, files),
                    (WORKING_DIR_LABEL, "/srv/shop"),
                ],
                ContainerState::Running,
            ),
            container(
                "b",
                &[(P, "shop"), (S, "web"), (N, "1")],
                ContainerState::Exited,
            ),
            container(
                "c",
                &[(P, "shop"), (S, "db"), (N, "1")],
                ContainerState::Running,
            ),
            container(
                "d",
                &[
                    (P, "shop"),
                    (S, "web"),
                    ("com.docker.compose.oneoff", "True"),
                ],
                ContainerState::Exited,
            ),
            container("e", &[], ContainerState::Running),
        ];
        let projects = find_projects(&all);
        assert_eq!(projects.len(), 1);
        let shop = &projects[0];
        assert_eq!(shop.name, "shop");
        assert_eq!((shop.project.running, shop.project.total), (2, 4));
        assert_eq!(shop.oneoff, 1);
        assert_eq!(shop.working_dir.as_deref(), Some("/srv/shop"));
        assert_eq!(
            shop.config_files,
            vec!["/srv/shop/compose.yaml"],
            "relative paths are dropped"
        );
        let services: Vec<(&str, u32, u32)> = shop
            .services
            .iter()
            .map(|s| (s.name.as_str(), s.running, s.total))
            .collect();
        assert_eq!(services, vec![("db", 1, 1), ("web", 1, 2)]);
        let web: Vec<&str> = shop.services[1]
            .members
            .iter()
            .map(|m| m.as_str())
            .collect();
        assert_eq!(web, vec!["b", "a"], "by container number");
    }

    #[test]
    fn a_file_is_previewed_with_services_images_ports_and_volumes() {
        let text = "name: demo\nservices:\n  web:\n    image: berth-test/app:latest\n    ports:\n      - \"18080:8080\"\n      - 9000\n    volumes:\n      - data:/srv/data\n  job:\n    build: ./job\nvolumes:\n  data: {}\n";
        let p = parse_compose_file(text).expect("valid");
        assert_eq!(p.name.as_deref(), Some("demo"));
        assert_eq!(p.services.len(), 2);
        let web = &p.services[0];
        assert_eq!(web.name, "web");
        assert_eq!(web.image.as_deref(), Some("berth-test/app:latest"));
        assert_eq!(web.host_ports, vec![18080]);
        assert_eq!(web.volumes, vec!["data:/srv/data"]);
        assert!(p.services[1].build);
        assert_eq!(p.volumes, vec!["data"]);
    }

    #[test]
    fn yaml_and_schema_errors_say_where() {
        let broken = "services:\n  web:\n    image: [unclosed\n";
        let e = parse_compose_file(broken).unwrap_err();
        assert!(e.line.is_some() && e.column.is_some(), "{e:?}");

        // `ports` must be a list: the schema error points into the service.
        let schema = "services:\n  web:\n    image: x\n    ports: 80\n";
        let e = parse_compose_file(schema).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(5)), "{e:?}");
        assert!(e.message.contains("services.web"), "{e:?}");
        let unknown =
            "services:\n  web:\n    image: x\n    restart: always\n    networks:\n      - a: 1\n";
        let e = parse_compose_file(unknown).unwrap_err();
        assert!(e.line.is_some(), "{e:?}");

        let prose = "just some words, not yaml: at all: here\n";
        assert!(parse_compose_file(prose).is_err());
        let e = parse_compose_file("hello\n").unwrap_err();
        assert!(e.message.contains("not a Compose file"), "{e:?}");

        let e = parse_compose_file("services:\n  web:\n    ports: [\"80\"]\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(3)), "{e:?}");
        assert!(e.message.contains("\"web\""));

        assert!(parse_compose_file("").is_err());
        assert!(parse_compose_file("services: {}\n").is_err());
    }

    #[test]
    fn the_cli_runs_as_argv_and_shows_as_typed() {
        let v1 = ComposeCli::V1 {
            program: "/usr/bin/docker-compose".into(),
            version: "1.29.2".into(),
        };
        let files = vec!["/tmp/my dir/compose.yaml".to_string()];
        let up = ComposeVerb::Up {
            scale: Some(("web".into(), 3)),
        };
        assert_eq!(
            v1.argv("shop", &files, &up),
            vec![
                "/usr/bin/docker-compose",
                "--ansi",
                "never",
                "-p",
                "shop",
                "-f",
                "/tmp/my dir/compose.yaml",
                "up",
                "-d",
                "--scale",
                "web=3"
            ]
        );
        assert_eq!(
            v1.command("shop", &files, &up).line,
            "docker-compose -p shop -f '/tmp/my dir/compose.yaml' up -d --scale web=3"
        );
        let v2 = ComposeCli::V2 {
            docker: "/usr/bin/docker".into(),
            version: "2.30".into(),
        };
        assert_eq!(
            v2.argv("shop", &[], &ComposeVerb::Down)[..3],
            ["/usr/bin/docker", "compose", "--ansi"]
        );
        assert_eq!(
            v2.command("shop", &[], &ComposeVerb::Down).line,
            "docker compose -p shop down"
        );
    }

    #[test]
    fn project_names_are_checked_and_defaulted() {
        assert!(check_project_name("shop-1_a").is_ok());
        for bad in ["", "Shop", "-x", "a b", "a/b", &"x".repeat(64)] {
            assert!(check_project_name(bad).is_err(), "{bad}");
        }
        assert_eq!(
            default_project_name(Path::new("/srv/My Shop!/compose.yaml"), None),
            "myshop"
        );
        assert_eq!(
            default_project_name(Path::new("/srv/x/compose.yaml"), Some("demo")),
            "demo"
        );
        assert_eq!(
            default_project_name(Path::new("/compose.yaml"), Some("Bad Name")),
            "project"
        );
    }

    #[test]
    fn the_error_summary_keeps_the_cli_error_lines() {
        let lines: Vec<ComposeOutputLine> = [
            "Creating network \"x_default\"",
            "Creating x_web_1 ...",
            "ERROR: for web  Cannot start service web: port is already allocated",
            "ERROR: Encountered errors while bringing up the project.",
        ]
        .iter()
        .map(|t| ComposeOutputLine {
            text: t.to_string(),
            stderr: true,
        })
        .collect();
        let s = error_summary(&lines).unwrap();
        assert!(s.contains("port is already allocated"));
        assert!(!s.contains("Creating"));
    }
}
