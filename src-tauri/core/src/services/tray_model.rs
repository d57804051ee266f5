//! The tray menu as data, built from state by a pure function. The app draws it with
//! Tauri's tray API; every clickable item carries a typed [`TrayId`] that round-trips
//! through the string id the tray hands back.

use crate::domain::groups::{GroupKind, GroupRef};
use crate::domain::health::Health;
use crate::domain::ids::GroupId;
use crate::domain::launch::seal::GroupTrust;
use crate::domain::port_link::port_url;
use crate::domain::{ContainerState, ContainerSummary, EngineStatus, Inventory};

/// Per-container entries are capped so the menu stays a sane length.
pub const MAX_RUNNING: usize = 10;
pub const MAX_STOPPED: usize = 5;
pub const MAX_LAUNCH_ANOTHER: usize = 8;
pub const MAX_RECENT_SHOWN: usize = 5;
pub const MAX_PROJECTS: usize = 8;
/// Port links per container entry (a container publishing a range would fill the menu).
pub const MAX_PORT_LINKS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerCommand {
    Start,
    Stop,
    Restart,
    /// Opens the window on the container's logs.
    Logs,
}

impl ContainerCommand {
    fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Restart => "restart",
            Self::Logs => "logs",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "start" => Self::Start,
            "stop" => Self::Stop,
            "restart" => Self::Restart,
            "logs" => Self::Logs,
            _ => return None,
        })
    }
}

/// What the tray does to a whole Compose project (through the engine, as the window does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectCommand {
    Stop,
    Restart,
}

impl ProjectCommand {
    fn as_str(self) -> &'static str {
        match self {
            Self::Stop => "stop",
            Self::Restart => "restart",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "stop" => Self::Stop,
            "restart" => Self::Restart,
            _ => return None,
        })
    }
}

/// What a menu item does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayId {
    OpenWindow,
    Quit,
    Container {
        command: ContainerCommand,
        id: String,
    },
    /// One more replica of a launch group, with the group's own launch settings.
    ScaleUp {
        group: GroupId,
    },
    /// A new container of a recent image, with the form it was last launched with.
    LaunchRecent {
        image: String,
    },
    /// Stops every running container carrying Berth's group label.
    StopAllLaunched,
    /// Stops or restarts every container of a Compose project.
    ComposeProject {
        command: ProjectCommand,
        project: String,
    },
    /// Opens the container's published host port in the browser (the URL is made again
    /// from the engine's listing at the click: see `services::port_links`).
    OpenPort {
        id: String,
        port: u16,
    },
}

impl TrayId {
    /// The string id the tray gives back on a click.
    pub fn encode(&self) -> String {
        match self {
            Self::OpenWindow => "open".into(),
            Self::Quit => "quit".into(),
            Self::Container { command, id } => format!("container:{}:{id}", command.as_str()),
            Self::ScaleUp { group } => format!("scale-up:{group}"),
            Self::LaunchRecent { image } => format!("launch-recent:{image}"),
            Self::StopAllLaunched => "stop-all-launched".into(),
            Self::ComposeProject { command, project } => {
                format!("compose:{}:{project}", command.as_str())
            }
            Self::OpenPort { id, port } => format!("open-port:{port}:{id}"),
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => return Some(Self::OpenWindow),
            "quit" => return Some(Self::Quit),
            "stop-all-launched" => return Some(Self::StopAllLaunched),
            _ => {}
        }
        if let Some(rest) = s.strip_prefix("container:") {
            let (command, id) = rest.split_once(':')?;
            let command = ContainerCommand::parse(command)?;
            return (!id.is_empty()).then(|| Self::Container {
                command,
                id: id.to_string(),
            });
        }
        if let Some(rest) = s.strip_prefix("open-port:") {
            let (port, id) = rest.split_once(':')?;
            let port = port.parse::<u16>().ok().filter(|&p| p != 0)?;
            return (!id.is_empty()).then(|| Self::OpenPort {
                id: id.to_string(),
                port,
            });
        }
        if let Some(rest) = s.strip_prefix("compose:") {
            let (command, project) = rest.split_once(':')?;
            let command = ProjectCommand::parse(command)?;
            return (!project.is_empty()).then(|| Self::ComposeProject {
                command,
                project: project.to_string(),
            });
        }
        if let Some(image) = s.strip_prefix("launch-recent:") {
            return (!image.is_empty()).then(|| Self::LaunchRecent {
                image: image.to_string(),
            });
        }
        let group = s.strip_prefix("scale-up:")?;
        (!group.is_empty()).then(|| Self::ScaleUp {
            group: GroupId::new(group),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayItem {
    Action {
        id: TrayId,
        label: String,
        enabled: bool,
    },
    /// Plain, disabled text.
    Text(String),
    Submenu {
        label: String,
        items: Vec<TrayItem>,
    },
    Separator,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayMenu {
    pub tooltip: String,
    pub items: Vec<TrayItem>,
}

fn action(id: TrayId, label: impl Into<String>) -> TrayItem {
    TrayItem::Action {
        id,
        label: label.into(),
        enabled: true,
    }
}

/// Builds the menu. `inventory` is `None` when the engine is not connected (or the last
/// listing failed); `recent_images` are the settings' recent images, most recent first.
pub fn build_tray_menu(
    status: &EngineStatus,
    inventory: Option<&Inventory>,
    recent_images: &[String],
) -> TrayMenu {
    let endpoint = match status {
        EngineStatus::Connected { info } => info.endpoint.as_str(),
        _ => "",
    };
    let engine_line = match status {
        EngineStatus::Connected { info } => format!("Engine: Docker {} (connected)", info.version),
        EngineStatus::Connecting { endpoint } => format!("Engine: connecting to {endpoint}…"),
        EngineStatus::Unavailable { problem } => {
            format!("Engine: unavailable ({})", problem.message)
        }
    };
    let mut items = vec![
        action(TrayId::OpenWindow, "Open Berth"),
        TrayItem::Separator,
    ];
    let inventory = match (status, inventory) {
        (EngineStatus::Connected { .. }, Some(inv)) => inv,
        _ => {
            let tooltip = match status {
                EngineStatus::Connecting { .. } => "Berth: connecting to the engine…".to_string(),
                _ => "Berth: engine unavailable".to_string(),
            };
            items.push(TrayItem::Text(engine_line));
            items.push(TrayItem::Separator);
            items.push(action(TrayId::Quit, "Quit Berth"));
            return TrayMenu { tooltip, items };
        }
    };

    let (running, stopped): (Vec<&ContainerSummary>, Vec<&ContainerSummary>) =
        inventory.containers.iter().partition(|c| c.state.is_up());
    let tooltip = format!(
        "Berth: engine connected, {} of {} containers running",
        running.len(),
        inventory.containers.len()
    );

    if running.is_empty() {
        items.push(TrayItem::Text("No running containers".into()));
    } else {
        items.push(TrayItem::Text(format!("Running ({})", running.len())));
        for c in running.iter().take(MAX_RUNNING) {
            let id = |command| TrayId::Container {
                command,
                id: c.id.clone(),
            };
            let mut entry = vec![
                action(id(ContainerCommand::Stop), "Stop"),
                action(id(ContainerCommand::Restart), "Restart"),
                action(id(ContainerCommand::Logs), "Open logs"),
            ];
            entry.extend(port_links(c, endpoint));
            items.push(TrayItem::Submenu {
                label: container_label(c),
                items: entry,
            });
        }
        more(&mut items, running.len(), MAX_RUNNING);
    }
    if !stopped.is_empty() {
        items.push(TrayItem::Separator);
        items.push(TrayItem::Text(format!("Stopped ({})", stopped.len())));
        for c in stopped.iter().take(MAX_STOPPED) {
            items.push(TrayItem::Submenu {
                label: container_label(c),
                items: vec![action(
                    TrayId::Container {
                        command: ContainerCommand::Start,
                        id: c.id.clone(),
                    },
                    "Start",
                )],
            });
        }
        more(&mut items, stopped.len(), MAX_STOPPED);
    }

    compose_projects(&mut items, inventory);

    let groups = launch_groups(inventory);
    if !groups.is_empty() || !recent_images.is_empty() {
        items.push(TrayItem::Separator);
        let mut launch_items = Vec::new();
        if !recent_images.is_empty() {
            launch_items.push(TrayItem::Text("Recent images".into()));
            launch_items.extend(recent_images.iter().take(MAX_RECENT_SHOWN).map(|image| {
                action(
                    TrayId::LaunchRecent {
                        image: image.clone(),
                    },
                    format!("{image} (new container)"),
                )
            }));
        }
        if !groups.is_empty() {
            if !launch_items.is_empty() {
                launch_items.push(TrayItem::Separator);
            }
            launch_items.push(TrayItem::Text("Launch groups".into()));
            launch_items.extend(groups.iter().take(MAX_LAUNCH_ANOTHER).map(|g| {
                action(
                    TrayId::ScaleUp {
                        group: GroupId::new(g.id.clone()),
                    },
                    format!("{} (group of {})", g.image, g.members),
                )
            }));
        }
        items.push(TrayItem::Submenu {
            label: "Launch another".into(),
            items: launch_items,
        });
    }
    // Only what this Berth launched: a forged `berth.group` label does not count.
    let launched_running: u32 = inventory
        .groups
        .iter()
        .filter(|g| g.kind == GroupKind::Launch)
        .filter(|g| g.trust.as_ref().is_some_and(GroupTrust::is_verified))
        .map(|g| g.running)
        .sum();
    items.push(TrayItem::Separator);
    items.push(TrayItem::Action {
        id: TrayId::StopAllLaunched,
        label: format!("Stop all containers launched by Berth ({launched_running})"),
        enabled: launched_running > 0,
    });
    items.push(TrayItem::Separator);
    items.push(TrayItem::Text(engine_line));
    items.push(action(TrayId::Quit, "Quit Berth"));
    TrayMenu { tooltip, items }
}

fn container_label(c: &ContainerSummary) -> String {
    let state = if c.state == ContainerState::Running {
        String::new()
    } else {
        format!(" ({})", c.state)
    };
    // The health badge of the list, in words: a menu shows text only.
    let health = match Health::from_status(&c.status) {
        Some(h) if c.state.is_up() => format!(" [{}]", h.as_str()),
        _ => String::new(),
    };
    format!("{} — {}{state}{health}", c.name, c.image)
}

/// "Open http://127.0.0.1:8080" for each published TCP port the backend would open (one per
/// host port, at most [`MAX_PORT_LINKS`]), after a separator.
fn port_links(c: &ContainerSummary, endpoint: &str) -> Vec<TrayItem> {
    let mut ports: Vec<u16> = c.ports.iter().filter_map(|p| p.host_port).collect();
    ports.sort_unstable();
    ports.dedup();
    let links: Vec<TrayItem> = ports
        .into_iter()
        .filter_map(|port| {
            let url = port_url(&c.ports, port, endpoint).ok()?;
            Some(action(
                TrayId::OpenPort {
                    id: c.id.clone(),
                    port,
                },
                format!("Open {url}"),
            ))
        })
        .take(MAX_PORT_LINKS)
        .collect();
    if links.is_empty() {
        return links;
    }
    std::iter::once(TrayItem::Separator).chain(links).collect()
}

/// "…and N more" opens the window.
fn more(items: &mut Vec<TrayItem>, total: usize, shown: usize) {
    if total > shown {
        items.push(action(
            TrayId::OpenWindow,
            format!("…and {} more", total - shown),
        ));
    }
}

/// The running Compose projects (found from their labels, as the Compose view finds them),
/// each with Stop and Restart.
fn compose_projects(items: &mut Vec<TrayItem>, inventory: &Inventory) {
    let running: Vec<_> = inventory
        .groups
        .iter()
        .filter(|g| g.kind == GroupKind::ComposeProject && g.running > 0)
        .collect();
    if running.is_empty() {
        return;
    }
    items.push(TrayItem::Separator);
    items.push(TrayItem::Text(format!(
        "Compose projects ({})",
        running.len()
    )));
    for g in running.iter().take(MAX_PROJECTS) {
        let GroupRef::ComposeProject { project } = &g.reference else {
            continue;
        };
        let id = |command| TrayId::ComposeProject {
            command,
            project: project.clone(),
        };
        items.push(TrayItem::Submenu {
            label: format!("{project} — {} of {} running", g.running, g.total),
            items: vec![
                action(id(ProjectCommand::Stop), "Stop project"),
                action(id(ProjectCommand::Restart), "Restart project"),
            ],
        });
    }
    more(items, running.len(), MAX_PROJECTS);
}

struct GroupLine {
    id: String,
    image: String,
    members: usize,
}

/// Launch groups this Berth launched (or the user adopted) with a readable spec: the only
/// ones "Launch another" may replay. A foreign group is never offered.
fn launch_groups(inventory: &Inventory) -> Vec<GroupLine> {
    inventory
        .groups
        .iter()
        .filter(|g| g.kind == GroupKind::Launch)
        .filter(|g| g.trust.as_ref().is_some_and(GroupTrust::is_verified))
        .filter_map(|g| {
            let GroupRef::Launch { group } = &g.reference else {
                return None;
            };
            Some(GroupLine {
                id: group.to_string(),
                image: g.spec.as_ref()?.image.clone(),
                members: g.total as usize,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::launch::seal::LaunchKey;
    use crate::domain::{EngineInfo, EngineProblem, EngineProblemKind};

    fn connected() -> EngineStatus {
        EngineStatus::Connected {
            info: EngineInfo::local_docker(),
        }
    }

    fn container(name: &str, state: ContainerState, labels: &[(&str, &str)]) -> ContainerSummary {
        ContainerSummary {
            id: format!("id-{name}"),
            short_id: name.into(),
            name: name.into(),
            image: "busybox".into(),
            image_id: "sha256:b".into(),
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

    fn key() -> LaunchKey {
        LaunchKey::new([5; 32], [])
    }

    /// Judged with the test key, not whatever key the process installed.
    fn inventory(containers: Vec<ContainerSummary>) -> Inventory {
        Inventory::with_key(containers, vec![], Some(&key()))
    }

    fn ids(items: &[TrayItem]) -> Vec<TrayId> {
        let mut out = Vec::new();
        for item in items {
            match item {
                TrayItem::Action { id, .. } => out.push(id.clone()),
                TrayItem::Submenu { items, .. } => out.extend(ids(items)),
                _ => {}
            }
        }
        out
    }

    fn texts(items: &[TrayItem]) -> Vec<String> {
        items
            .iter()
            .filter_map(|i| match i {
                TrayItem::Text(t) => Some(t.clone()),
                TrayItem::Action { label, .. } | TrayItem::Submenu { label, .. } => {
                    Some(label.clone())
                }
                TrayItem::Separator => None,
            })
            .collect()
    }

    #[test]
    fn ids_round_trip() {
        let all = [
            TrayId::OpenWindow,
            TrayId::Quit,
            TrayId::StopAllLaunched,
            TrayId::ScaleUp { group: "g1".into() },
            TrayId::LaunchRecent {
                image: "localhost:5000/team/app:1.2".into(),
            },
            TrayId::Container {
                command: ContainerCommand::Restart,
                id: "abc:def".into(),
            },
            TrayId::ComposeProject {
                command: ProjectCommand::Stop,
                project: "shop_1".into(),
            },
            TrayId::OpenPort {
                id: "abc".into(),
                port: 8080,
            },
        ];
        for id in all {
            assert_eq!(TrayId::parse(&id.encode()), Some(id.clone()), "{id:?}");
        }
        for bad in [
            "",
            "container:stop:",
            "container:explode:x",
            "scale-up:",
            "launch-recent:",
            "compose:stop:",
            "compose:down:shop",
            "open-port:0:abc",
            "open-port:99999:abc",
            "open-port:80:",
            "nope",
        ] {
            assert_eq!(TrayId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn running_compose_projects_offer_stop_and_restart() {
        let p = "com.docker.compose.project";
        let s = "com.docker.compose.service";
        let inv = inventory(vec![
            // v1 and v2 names: only the labels count.
            container(
                "shop_web_1",
                ContainerState::Running,
                &[(p, "shop"), (s, "web")],
            ),
            container(
                "shop-db-1",
                ContainerState::Exited,
                &[(p, "shop"), (s, "db")],
            ),
            container(
                "old_web_1",
                ContainerState::Exited,
                &[(p, "old"), (s, "web")],
            ),
        ]);
        let menu = build_tray_menu(&connected(), Some(&inv), &[]);
        let ids = ids(&menu.items);
        let project = |command| TrayId::ComposeProject {
            command,
            project: "shop".into(),
        };
        assert!(ids.contains(&project(ProjectCommand::Stop)), "{ids:?}");
        assert!(ids.contains(&project(ProjectCommand::Restart)), "{ids:?}");
        let texts = texts(&menu.items);
        assert!(
            texts.contains(&"Compose projects (1)".to_string()),
            "{texts:?}"
        );
        assert!(
            texts.contains(&"shop — 1 of 2 running".to_string()),
            "{texts:?}"
        );
        assert!(
            !ids.iter()
                .any(|i| matches!(i, TrayId::ComposeProject { project, .. } if project == "old")),
            "a stopped project is not offered"
        );
    }

    #[test]
    fn running_and_stopped_containers() {
        let inv = inventory(vec![
            container("web", ContainerState::Running, &[]),
            container("db", ContainerState::Exited, &[]),
        ]);
        let menu = build_tray_menu(&connected(), Some(&inv), &[]);
        assert!(
            menu.tooltip.contains("1 of 2 containers running"),
            "{}",
            menu.tooltip
        );
        let ids = ids(&menu.items);
        let c = |command, id: &str| TrayId::Container {
            command,
            id: id.into(),
        };
        for expected in [
            TrayId::OpenWindow,
            c(ContainerCommand::Stop, "id-web"),
            c(ContainerCommand::Restart, "id-web"),
            c(ContainerCommand::Logs, "id-web"),
            c(ContainerCommand::Start, "id-db"),
            TrayId::StopAllLaunched,
            TrayId::Quit,
        ] {
            assert!(ids.contains(&expected), "{expected:?} missing from {ids:?}");
        }
        assert!(!ids.contains(&c(ContainerCommand::Stop, "id-db")));
        // Nothing launched by Berth runs: the stop-all item says 0 and is disabled.
        assert!(menu.items.iter().any(|i| matches!(i,
            TrayItem::Action { id: TrayId::StopAllLaunched, enabled: false, label } if label.ends_with("(0)"))));
    }

    #[test]
    fn running_entries_carry_their_health_and_open_links_to_their_ports() {
        use crate::domain::PortMapping;
        let port = |ip: &str, port: u16, protocol: &str| PortMapping {
            host_ip: Some(ip.into()),
            host_port: Some(port),
            container_port: 80,
            protocol: protocol.into(),
        };
        let mut web = container("web", ContainerState::Running, &[]);
        web.status = "Up 3 minutes (unhealthy)".into();
        web.ports = vec![
            port("0.0.0.0", 8080, "tcp"),
            port("::", 8080, "tcp"),
            port("127.0.0.1", 9000, "tcp"),
            port("192.168.1.5", 7000, "tcp"),
            port("0.0.0.0", 5353, "udp"),
        ];
        let menu = build_tray_menu(&connected(), Some(&inventory(vec![web])), &[]);
        let entry = menu
            .items
            .iter()
            .find_map(|i| match i {
                TrayItem::Submenu { label, items } if label.starts_with("web") => {
                    Some((label.clone(), items.clone()))
                }
                _ => None,
            })
            .expect("web's entry");
        assert_eq!(entry.0, "web — busybox [unhealthy]");
        let links: Vec<(TrayId, String)> = entry
            .1
            .iter()
            .filter_map(|i| match i {
                TrayItem::Action { id, label, .. } if matches!(id, TrayId::OpenPort { .. }) => {
                    Some((id.clone(), label.clone()))
                }
                _ => None,
            })
            .collect();
        // One link per TCP host port the backend would open: not the other interface's, not UDP.
        assert_eq!(
            links,
            [
                (
                    TrayId::OpenPort {
                        id: "id-web".into(),
                        port: 8080
                    },
                    "Open http://127.0.0.1:8080".to_string()
                ),
                (
                    TrayId::OpenPort {
                        id: "id-web".into(),
                        port: 9000
                    },
                    "Open http://127.0.0.1:9000".to_string()
                ),
            ]
        );
    }

    #[test]
    fn no_containers() {
        let menu = build_tray_menu(&connected(), Some(&inventory(vec![])), &[]);
        assert!(texts(&menu.items).contains(&"No running containers".to_string()));
        assert!(menu.tooltip.contains("0 of 0"));
    }

    #[test]
    fn engine_down_shows_the_state_and_no_actions_on_containers() {
        let status = EngineStatus::Unavailable {
            problem: EngineProblem {
                kind: EngineProblemKind::Unreachable,
                endpoint: "unix:///x.sock".into(),
                message: "connection refused".into(),
                hint: String::new(),
            },
        };
        let inv = inventory(vec![container("web", ContainerState::Running, &[])]);
        // Recent images are not offered while there is no engine to launch them on.
        let recent = ["busybox".to_string()];
        let menu = build_tray_menu(&status, Some(&inv), &recent);
        assert_eq!(ids(&menu.items), vec![TrayId::OpenWindow, TrayId::Quit]);
        assert!(menu.tooltip.contains("unavailable"));
        assert!(texts(&menu.items)
            .iter()
            .any(|t| t.contains("connection refused")));
    }

    #[test]
    fn many_containers_are_capped() {
        let mut containers: Vec<_> = (0..40)
            .map(|i| container(&format!("r{i}"), ContainerState::Running, &[]))
            .collect();
        containers
            .extend((0..30).map(|i| container(&format!("s{i}"), ContainerState::Exited, &[])));
        let recent: Vec<String> = (0..10).map(|i| format!("image{i}")).collect();
        let menu = build_tray_menu(&connected(), Some(&inventory(containers)), &recent);
        let submenus = menu
            .items
            .iter()
            .filter(|i| matches!(i, TrayItem::Submenu { .. }))
            .count();
        // Running, stopped, and one "Launch another" with the recent images capped.
        assert_eq!(submenus, MAX_RUNNING + MAX_STOPPED + 1);
        let launch_ids = menu
            .items
            .iter()
            .find_map(|i| match i {
                TrayItem::Submenu { label, items } if label == "Launch another" => Some(ids(items)),
                _ => None,
            })
            .expect("a Launch another submenu");
        assert_eq!(launch_ids.len(), MAX_RECENT_SHOWN);
        assert!(
            menu.items.len() <= 30,
            "{} top-level items",
            menu.items.len()
        );
        let texts = texts(&menu.items);
        assert!(texts.contains(&"…and 30 more".to_string()), "{texts:?}");
        assert!(texts.contains(&"…and 25 more".to_string()), "{texts:?}");
    }

    #[test]
    fn launch_groups_offer_one_more_and_stop_all_counts_them() {
        let (_, spec) = crate::domain::launch::validate(&crate::domain::launch::LaunchRequest {
            image: "busybox".into(),
            replicas: "3".into(),
            ..Default::default()
        })
        .unwrap();
        let spec = serde_json::to_string(&spec).unwrap();
        let seal = key().seal("g1", &spec);
        let labels = [
            ("berth.group", "g1"),
            ("berth.launch", spec.as_str()),
            ("berth.seal", seal.as_str()),
        ];
        // A forged group: Berth's labels without this Berth's seal (or with another's).
        let forged = [("berth.group", "f1"), ("berth.launch", spec.as_str())];
        let other_seal = LaunchKey::new([6; 32], []).seal("f2", &spec);
        let wrong = [
            ("berth.group", "f2"),
            ("berth.launch", spec.as_str()),
            ("berth.seal", other_seal.as_str()),
        ];
        let inv = inventory(vec![
            container("a-1", ContainerState::Running, &labels),
            container("a-2", ContainerState::Running, &labels),
            container("a-3", ContainerState::Exited, &labels),
            container("other", ContainerState::Running, &[]),
            container("forged-1", ContainerState::Running, &forged),
            container("wrong-1", ContainerState::Running, &wrong),
        ]);
        let menu = build_tray_menu(&connected(), Some(&inv), &[]);
        let launch = menu
            .items
            .iter()
            .find_map(|i| match i {
                TrayItem::Submenu { label, items } if label == "Launch another" => Some(items),
                _ => None,
            })
            .expect("a Launch another submenu");
        assert_eq!(ids(launch), vec![TrayId::ScaleUp { group: "g1".into() }]);
        assert_eq!(texts(launch)[0], "Launch groups");
        assert!(texts(launch)[1].contains("group of 3"));
        assert!(menu.items.iter().any(|i| matches!(i,
            TrayItem::Action { id: TrayId::StopAllLaunched, enabled: true, label } if label.ends_with("(2)"))));
    }

    #[test]
    fn recent_images_come_first_in_launch_another_then_groups() {
        let status = connected();
        let inv = inventory(vec![]);
        // No containers, no groups: recent images alone still make the submenu.
        let recent = vec!["berth-test/app:latest".to_string(), "busybox".to_string()];
        let menu = build_tray_menu(&status, Some(&inv), &recent);
        let launch = menu
            .items
            .iter()
            .find_map(|i| match i {
                TrayItem::Submenu { label, items } if label == "Launch another" => Some(items),
                _ => None,
            })
            .expect("a Launch another submenu");
        assert_eq!(launch[0], TrayItem::Text("Recent images".into()));
        let ids: Vec<TrayId> = launch
            .iter()
            .filter_map(|i| match i {
                TrayItem::Action { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            ids,
            vec![
                TrayId::LaunchRecent {
                    image: "berth-test/app:latest".into()
                },
                TrayId::LaunchRecent {
                    image: "busybox".into()
                },
            ]
        );
        // Neither recent images nor groups: no submenu at all.
        let menu = build_tray_menu(&status, Some(&inv), &[]);
        assert!(!menu
            .items
            .iter()
            .any(|i| matches!(i, TrayItem::Submenu { label, .. } if label == "Launch another")));
    }
}
