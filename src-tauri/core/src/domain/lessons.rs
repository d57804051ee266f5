//! Lessons checked on the user's own engine: each step is a goal, the click and the `docker`
//! command that reach it, and a pure check over a snapshot of the engine. A check sees the
//! same thing whether the user clicked in Berth or typed the command in a terminal.
//!
//! What counts as "made by the lesson": a container Berth launched for a lesson carries the
//! label `berth.lesson=<id>`; one the user typed does not, so it is recognised by the exact
//! name the step asks for AND by being built from the demo image. Anything else (another
//! container that happens to have that name but another image) is neither counted nor
//! cleaned up. A volume or network has no image to tell it by, so its step's command carries
//! the label and it counts only with the label AND the asked name. Labels can be written by
//! anyone: a label's value is only compared with the lesson ids below, never used otherwise.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::first_run::DEMO_TAG;
use super::image_ops::HistoryEntry;
use super::launch::ports::{PortBinding, Protocol};
use super::launch::shell;
use super::layers::FileChange;
use super::network::NetworkSummary;
use super::volume::VolumeSummary;
use super::{ContainerState, ContainerSummary};

/// Label Berth puts on what a lesson's clicks make; the value is the lesson's id.
pub const LESSON_LABEL: &str = "berth.lesson";

/// The lessons Berth has. Only built lessons are here (and so listed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum LessonId {
    /// One blueprint, many houses.
    ManyHouses,
    /// A house has its own writable layer.
    OwnLayer,
    /// Doors: a published host port leads into one house only.
    Doors,
    /// Data that outlives a house: a volume.
    Outlives,
    /// Houses on one street: a user network and its names.
    Street,
    /// From the blueprint's point of view: two images share their base's layers.
    SharedLayers,
}

impl LessonId {
    pub const ALL: [LessonId; 6] = [
        LessonId::ManyHouses,
        LessonId::OwnLayer,
        LessonId::Doors,
        LessonId::Outlives,
        LessonId::Street,
        LessonId::SharedLayers,
    ];

    /// The label value (and the id the UI uses).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ManyHouses => "many-houses",
            Self::OwnLayer => "own-layer",
            Self::Doors => "doors",
            Self::Outlives => "outlives",
            Self::Street => "street",
            Self::SharedLayers => "shared-layers",
        }
    }

    pub fn from_label(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == value)
    }

    /// The container names the lesson asks for, in the order its steps make them.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Self::ManyHouses => &[HOUSE_1, HOUSE_2, HOUSE_3],
            Self::OwnLayer => &[ROOM_A, ROOM_B],
            Self::Doors => &[DOOR_1.name, DOOR_2],
            Self::Outlives => &[WRITER.name, READER.name],
            Self::Street => &[STREET_A.name, STREET_B.name],
            Self::SharedLayers => &[],
        }
    }

    /// The images the lesson asks to build (made with its label).
    pub fn image_names(self) -> &'static [&'static str] {
        match self {
            Self::SharedLayers => &[BLUEPRINT_A, BLUEPRINT_B],
            _ => &[],
        }
    }

    /// The volumes the lesson asks for (made with its label).
    pub fn volume_names(self) -> &'static [&'static str] {
        match self {
            Self::Outlives => &[DATA_VOLUME],
            _ => &[],
        }
    }

    /// The networks the lesson asks for (made with its label).
    pub fn network_names(self) -> &'static [&'static str] {
        match self {
            Self::Street => &[STREET],
            _ => &[],
        }
    }

    /// The containers whose `docker diff` the checks read (bounded: the lesson's own names).
    pub fn needs_diff(self) -> &'static [&'static str] {
        match self {
            Self::OwnLayer => &[ROOM_A, ROOM_B],
            _ => &[],
        }
    }

    /// Whether a command the user runs inside one of the lesson's containers (`docker exec`)
    /// can change a check. Lesson 5's check runs a command there itself, so waking on those
    /// would make the view read again forever.
    pub fn exec_changes_checks(self) -> bool {
        matches!(self, Self::OwnLayer | Self::Outlives)
    }
}

pub const HOUSE_1: &str = "lesson-house-1";
pub const HOUSE_2: &str = "lesson-house-2";
pub const HOUSE_3: &str = "lesson-house-3";
pub const ROOM_A: &str = "lesson-room-a";
pub const ROOM_B: &str = "lesson-room-b";
/// The file lesson 2 asks to create in one house.
pub const NOTE_PATH: &str = "/note.txt";

/// The host port lesson 3 opens first, and the one its fix moves the second house to.
pub const DOOR_PORT: u16 = 48080;
pub const OTHER_DOOR_PORT: u16 = 48081;
/// The container side of lesson 3's doors (nothing needs to listen there to hold the door).
pub const DOOR_INSIDE: u16 = 80;
pub const DOOR_2: &str = "lesson-door-2";
pub const DOOR_1: House = House::plain("lesson-door-1").door(DOOR_PORT);
pub const DOOR_2_CLASH: House = House::plain(DOOR_2).door(DOOR_PORT);
pub const DOOR_2_FIXED: House = House::plain(DOOR_2).door(OTHER_DOOR_PORT);

/// Lesson 4's volume, where it is mounted, and the file written into it.
pub const DATA_VOLUME: &str = "lesson-data";
pub const DATA_DIR: &str = "/data";
pub const DATA_NOTE: &str = "/data/note.txt";
pub const WRITER: House = House::plain("lesson-writer").volume(DATA_VOLUME);
pub const READER: House = House::plain("lesson-reader").volume(DATA_VOLUME);

/// Lesson 5's network and its two houses.
pub const STREET: &str = "lesson-street";
pub const STREET_A: House = House::plain("lesson-street-a").network(STREET);
pub const STREET_B: House = House::plain("lesson-street-b").network(STREET);

/// Lesson 6's two images, each the demo image plus one layer of its own.
pub const BLUEPRINT_A: &str = "lesson-blueprint-a";
pub const BLUEPRINT_B: &str = "lesson-blueprint-b";
pub const BLUEPRINT_A_FILE: &str = "FROM berth-demo/hello:latest\nRUN touch /a.txt\n";
pub const BLUEPRINT_B_FILE: &str = "FROM berth-demo/hello:latest\nRUN touch /b.txt\n";
/// At most this many `docker history` rows per image are compared and shown.
pub const MAX_HISTORY_ROWS: usize = 50;

/// A lesson image as the checks see it: its ID, labels and `docker history` (newest first,
/// at most [`MAX_HISTORY_ROWS`]).
#[derive(Debug, Clone, Default)]
pub struct LessonImage {
    pub id: String,
    pub labels: BTreeMap<String, String>,
    pub history: Vec<HistoryEntry>,
}

/// A container a step asks for: always from the demo image, with at most one published
/// port, one volume at [`DATA_DIR`] and one network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct House {
    pub name: &'static str,
    /// Host port published to [`DOOR_INSIDE`].
    pub port: Option<u16>,
    pub volume: Option<&'static str>,
    pub network: Option<&'static str>,
}

impl House {
    pub const fn plain(name: &'static str) -> Self {
        Self {
            name,
            port: None,
            volume: None,
            network: None,
        }
    }
    const fn door(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }
    const fn volume(mut self, volume: &'static str) -> Self {
        self.volume = Some(volume);
        self
    }
    const fn network(mut self, network: &'static str) -> Self {
        self.network = Some(network);
        self
    }

    /// `docker run -d --name NAME [-p H:80] [-v VOL:/data] [--network NET] berth-demo/hello`.
    pub fn run_argv(&self) -> Vec<String> {
        let mut argv: Vec<String> = ["docker", "run", "-d", "--name", self.name]
            .map(String::from)
            .to_vec();
        if let Some(b) = self.port_binding() {
            argv.extend(["-p".into(), b.to_cli()]);
        }
        if let Some(bind) = self.bind() {
            argv.extend(["-v".into(), bind]);
        }
        if let Some(net) = self.network {
            argv.extend(["--network".into(), net.into()]);
        }
        argv.push(DEMO_TAG.into());
        argv
    }

    pub fn port_binding(&self) -> Option<PortBinding> {
        self.port.map(|p| PortBinding {
            host_ip: None,
            host_port: Some(p),
            container_port: DOOR_INSIDE,
            protocol: Protocol::Tcp,
        })
    }

    /// `VOLUME:/data`, as `-v` and the engine's binds take it.
    pub fn bind(&self) -> Option<String> {
        self.volume.map(|v| format!("{v}:{DATA_DIR}"))
    }
}

/// What the checks look at: the engine's containers, the demo image's ID, and what the
/// lessons need beyond the lists (read by the service only for the lessons' own objects).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub containers: Vec<ContainerSummary>,
    /// The ID `berth-demo/hello:latest` names now, if it is there.
    pub demo_image_id: Option<String>,
    pub diffs: BTreeMap<String, Vec<FileChange>>,
    /// The engine's error from the last start of a lesson container that is not running.
    pub start_errors: BTreeMap<String, String>,
    pub volumes: Vec<VolumeSummary>,
    pub networks: Vec<NetworkSummary>,
    /// Lesson containers in which [`DATA_NOTE`] exists (read through the archive API).
    pub sees_note: BTreeSet<String>,
    /// Lesson 5: whether `ping lesson-street-b` from lesson-street-a answered (`None`: not
    /// tried, the houses are not both on the street).
    pub reached_by_name: Option<bool>,
    /// The lesson images that exist, by the name a step asks for.
    pub images: BTreeMap<String, LessonImage>,
}

impl Snapshot {
    /// The containers `lesson` made: labelled with it, or named as a step asks and built from
    /// the demo image (typed in a terminal, so without the label).
    pub fn made_by(&self, lesson: LessonId) -> Vec<&ContainerSummary> {
        self.containers
            .iter()
            .filter(|c| {
                let labelled = c
                    .labels
                    .get(LESSON_LABEL)
                    .and_then(|v| LessonId::from_label(v))
                    == Some(lesson);
                let named = lesson.names().contains(&c.name.as_str())
                    && self.demo_image_id.as_deref() == Some(c.image_id.as_str());
                labelled || named
            })
            .collect()
    }

    /// The lesson's volumes: the asked name AND the lesson's label.
    pub fn volumes_of(&self, lesson: LessonId) -> Vec<&VolumeSummary> {
        self.volumes
            .iter()
            .filter(|v| {
                lesson.volume_names().contains(&v.name.as_str()) && labelled(&v.labels, lesson)
            })
            .collect()
    }

    /// The lesson's networks: the asked name AND the lesson's label.
    pub fn networks_of(&self, lesson: LessonId) -> Vec<&NetworkSummary> {
        self.networks
            .iter()
            .filter(|n| {
                lesson.network_names().contains(&n.name.as_str()) && labelled(&n.labels, lesson)
            })
            .collect()
    }

    /// The lesson's image `name`: it has the lesson's label AND was built from the demo
    /// image (the demo's ID is in its history).
    pub fn image_of(&self, lesson: LessonId, name: &str) -> Option<&LessonImage> {
        let demo = self.demo_image_id.as_deref()?;
        self.images
            .get(name)
            .filter(|i| lesson.image_names().contains(&name) && labelled(&i.labels, lesson))
            .filter(|i| i.history.iter().any(|h| h.id == demo))
    }

    /// Lesson 6: both images, side by side, the layers they share marked.
    pub fn layer_compare(&self) -> Option<LayerCompare> {
        let a = self.image_of(LessonId::SharedLayers, BLUEPRINT_A)?;
        let b = self.image_of(LessonId::SharedLayers, BLUEPRINT_B)?;
        let shared = shared_from_the_bottom(&a.history, &b.history);
        let rows = |h: &[HistoryEntry]| -> Vec<LayerRow> {
            let own = h.len().saturating_sub(shared);
            h.iter()
                .enumerate()
                .map(|(i, e)| LayerRow {
                    id: short_layer_id(&e.id),
                    created_by: bounded(&e.created_by, 120),
                    size: e.size,
                    shared: i >= own,
                })
                .collect()
        };
        Some(LayerCompare {
            left: BLUEPRINT_A.into(),
            right: BLUEPRINT_B.into(),
            left_layers: rows(&a.history),
            right_layers: rows(&b.history),
            shared,
        })
    }

    /// The lesson's container called `name`, if the lesson made one.
    pub fn lesson_container(&self, lesson: LessonId, name: &str) -> Option<&ContainerSummary> {
        self.made_by(lesson).into_iter().find(|c| c.name == name)
    }

    fn running(&self, lesson: LessonId, name: &str) -> bool {
        self.lesson_container(lesson, name)
            .is_some_and(|c| c.state == ContainerState::Running)
    }

    fn has_note(&self, name: &str) -> bool {
        self.diffs
            .get(name)
            .is_some_and(|d| d.iter().any(|c| c.path == NOTE_PATH))
    }

    /// The host ports the lesson's running container `name` publishes.
    fn host_ports(&self, lesson: LessonId, name: &str) -> Vec<u16> {
        self.lesson_container(lesson, name)
            .filter(|c| c.state == ContainerState::Running)
            .map(|c| c.ports.iter().filter_map(|p| p.host_port).collect())
            .unwrap_or_default()
    }

    /// Whether the lesson's container `name` mounts the lesson's volume at [`DATA_DIR`].
    pub fn mounts_data(&self, lesson: LessonId, name: &str) -> bool {
        self.lesson_container(lesson, name).is_some()
            && self.volumes_of(lesson).iter().any(|v| {
                v.used_by
                    .iter()
                    .any(|u| u.name == name && u.destination == DATA_DIR)
            })
    }

    fn on_street(&self, lesson: LessonId, name: &str) -> bool {
        self.running(lesson, name)
            && self
                .networks_of(lesson)
                .iter()
                .any(|n| n.attached.iter().any(|m| m.name == name))
    }

    /// Lesson 3, step 2: the engine refused to start lesson-door-2 on the taken host port.
    fn door_refused(&self) -> Option<&str> {
        let c = self.lesson_container(LessonId::Doors, DOOR_2)?;
        if c.state == ContainerState::Running {
            return None;
        }
        self.start_errors
            .get(DOOR_2)
            .map(String::as_str)
            .filter(|e| e.contains(&format!(":{DOOR_PORT}")))
    }

    /// Lesson 5, step 2: both houses run on the lesson's street.
    pub fn street_built(&self) -> bool {
        [STREET_A.name, STREET_B.name]
            .iter()
            .all(|n| self.on_street(LessonId::Street, n))
    }
}

/// How many history rows, counted from the oldest, two images have in common: the same
/// layer ID (a local build keeps them), or when the builder left `<missing>`, the same
/// instruction, time and size.
pub fn shared_from_the_bottom(a: &[HistoryEntry], b: &[HistoryEntry]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| {
            let known = |id: &str| !id.is_empty() && id != "<missing>";
            if known(&x.id) && known(&y.id) {
                x.id == y.id
            } else {
                x.created_by == y.created_by && x.created == y.created && x.size == y.size
            }
        })
        .count()
}

fn short_layer_id(id: &str) -> String {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    hex.chars().take(12).collect()
}

/// Engine text shown as is: control characters escaped, at most `max` characters.
fn bounded(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_debug().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

fn labelled(labels: &BTreeMap<String, String>, lesson: LessonId) -> bool {
    labels.get(LESSON_LABEL).map(String::as_str) == Some(lesson.as_str())
}

/// What a step's button does (the backend performs it; the UI only names the step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepAction {
    /// Create and start each missing house from the demo image, labelled.
    Run {
        houses: &'static [House],
    },
    /// Create and start a house whose start the engine is expected to refuse (lesson 3):
    /// the refusal is the step's point, not an error.
    RunRefused {
        house: House,
    },
    /// Remove the lesson's container `remove` (named on the button), then run `house`.
    Replace {
        remove: &'static str,
        house: House,
    },
    /// A command inside the lesson's container (exec with an argv, no shell).
    Exec {
        container: &'static str,
        argv: &'static [&'static str],
    },
    CreateVolume {
        name: &'static str,
    },
    CreateNetwork {
        name: &'static str,
    },
    /// `docker history` of both images: it changes nothing, Berth shows it in the view.
    History {
        names: &'static [&'static str],
    },
    /// `docker build` of `dockerfile` (no other files) tagged `name`, labelled.
    Build {
        name: &'static str,
        dockerfile: &'static str,
    },
}

/// A live object a step talks about; the view links to it once it exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ObjectKind {
    Container,
    Volume,
    Network,
    Image,
}

struct StepDef {
    goal: &'static str,
    click: &'static str,
    actions: Vec<StepAction>,
    /// The objects the goal names, linked in the view while they exist.
    about: &'static [(ObjectKind, &'static str)],
    check: fn(&Snapshot) -> bool,
    /// What the engine said, in plain words, when the step is about what it said.
    detail: fn(&Snapshot) -> Option<String>,
}

const NOTE_ARGV: &[&str] = &["touch", NOTE_PATH];
const DATA_NOTE_ARGV: &[&str] = &["touch", DATA_NOTE];
const READ_NOTE_ARGV: &[&str] = &["cat", DATA_NOTE];
/// `-W 2`: an unknown name or a dead house answers within 2 s, not the default 10.
pub const PING_ARGV: &[&str] = &["ping", "-c", "1", "-W", "2", "lesson-street-b"];

impl StepAction {
    /// The `docker` lines that reach the step from a terminal.
    pub fn cli_lines(&self, lesson: LessonId) -> Vec<String> {
        let label = format!("{LESSON_LABEL}={}", lesson.as_str());
        match self {
            Self::Run { houses } => houses.iter().map(|h| shell::join(&h.run_argv())).collect(),
            Self::RunRefused { house } => vec![shell::join(&house.run_argv())],
            Self::Replace { remove, house } => vec![
                shell::join(&["docker", "rm", "-f", remove].map(String::from)),
                shell::join(&house.run_argv()),
            ],
            Self::Exec { container, argv } => {
                let mut line: Vec<String> =
                    vec!["docker".into(), "exec".into(), (*container).into()];
                line.extend(argv.iter().map(|a| a.to_string()));
                vec![shell::join(&line)]
            }
            Self::CreateVolume { name } => vec![shell::join(
                &["docker", "volume", "create", "--label", &label, name].map(String::from),
            )],
            Self::CreateNetwork { name } => vec![shell::join(
                &["docker", "network", "create", "--label", &label, name].map(String::from),
            )],
            Self::History { names } => names
                .iter()
                .map(|n| shell::join(&["docker", "history", n].map(String::from)))
                .collect(),
            // A pipe: the Dockerfile comes on standard input, so no folder is needed. The
            // text is Berth's own constant (no user input goes into this line).
            Self::Build { name, dockerfile } => vec![format!(
                "printf '{}' | {}",
                dockerfile.replace('\n', "\\n"),
                shell::join(
                    &["docker", "build", "--label", &label, "-t", name, "-"].map(String::from)
                )
            )],
        }
    }
}

const FIRST_HOUSE: House = House::plain(HOUSE_1);
const MORE_HOUSES: [House; 2] = [House::plain(HOUSE_2), House::plain(HOUSE_3)];
const ROOMS: [House; 2] = [House::plain(ROOM_A), House::plain(ROOM_B)];
const C: ObjectKind = ObjectKind::Container;

fn no_detail(_: &Snapshot) -> Option<String> {
    None
}

fn steps(lesson: LessonId) -> Vec<StepDef> {
    use LessonId::*;
    match lesson {
        ManyHouses => vec![
            StepDef {
                goal: "Build one house from the blueprint: a running container named lesson-house-1 from the image berth-demo/hello.",
                click: "Launch lesson-house-1",
                actions: vec![StepAction::Run { houses: &[FIRST_HOUSE] }],
                about: &[(C, HOUSE_1)],
                check: |s| s.running(ManyHouses, HOUSE_1),
                detail: no_detail,
            },
            StepDef {
                goal: "Build two more houses from the same blueprint: lesson-house-2 and lesson-house-3 (one-to-many: one image, many containers).",
                click: "Launch lesson-house-2 and lesson-house-3",
                actions: vec![StepAction::Run { houses: &MORE_HOUSES }],
                about: &[(C, HOUSE_1), (C, HOUSE_2), (C, HOUSE_3)],
                check: |s| [HOUSE_1, HOUSE_2, HOUSE_3].iter().all(|n| s.running(ManyHouses, n)),
                detail: no_detail,
            },
        ],
        OwnLayer => vec![
            StepDef {
                goal: "Build two houses from the blueprint: lesson-room-a and lesson-room-b, both running.",
                click: "Launch lesson-room-a and lesson-room-b",
                actions: vec![StepAction::Run { houses: &ROOMS }],
                about: &[(C, ROOM_A), (C, ROOM_B)],
                check: |s| s.running(OwnLayer, ROOM_A) && s.running(OwnLayer, ROOM_B),
                detail: no_detail,
            },
            StepDef {
                goal: "Change a file in one house: create /note.txt in lesson-room-a. It lands in that house's writable layer (docker diff lesson-room-a), not in lesson-room-b's, and the read-only blueprint is untouched.",
                click: "Create /note.txt in lesson-room-a",
                actions: vec![StepAction::Exec { container: ROOM_A, argv: NOTE_ARGV }],
                about: &[(C, ROOM_A), (C, ROOM_B)],
                check: |s| {
                    s.lesson_container(OwnLayer, ROOM_A).is_some()
                        && s.lesson_container(OwnLayer, ROOM_B).is_some()
                        && s.has_note(ROOM_A)
                        && !s.has_note(ROOM_B)
                },
                detail: no_detail,
            },
        ],
        Doors => vec![
            StepDef {
                goal: "Open a door: run lesson-door-1 with host port 48080 published to its port 80 (-p 48080:80). A published port is a door from your machine into one house.",
                click: "Launch lesson-door-1 on host port 48080",
                actions: vec![StepAction::Run { houses: &[DOOR_1] }],
                about: &[(C, DOOR_1.name)],
                check: |s| s.host_ports(Doors, DOOR_1.name).contains(&DOOR_PORT),
                detail: no_detail,
            },
            StepDef {
                goal: "Try a second house on the same door: run lesson-door-2 with -p 48080:80 too. The engine creates the house but refuses to start it.",
                click: "Try lesson-door-2 on host port 48080",
                actions: vec![StepAction::RunRefused { house: DOOR_2_CLASH }],
                about: &[(C, DOOR_1.name), (C, DOOR_2)],
                check: |s| s.door_refused().is_some(),
                detail: |s| s.door_refused().map(door_words),
            },
            StepDef {
                goal: "Fix it: give lesson-door-2 a door of its own. Ports are fixed when a house is built, so remove lesson-door-2 and run it again with -p 48081:80. Both houses now run, each behind its own host port.",
                click: "Remove lesson-door-2 and run it on host port 48081",
                actions: vec![StepAction::Replace { remove: DOOR_2, house: DOOR_2_FIXED }],
                about: &[(C, DOOR_1.name), (C, DOOR_2)],
                check: |s| {
                    let two = s.host_ports(Doors, DOOR_2);
                    s.host_ports(Doors, DOOR_1.name).contains(&DOOR_PORT)
                        && !two.is_empty()
                        && !two.contains(&DOOR_PORT)
                },
                detail: no_detail,
            },
        ],
        Outlives => vec![
            StepDef {
                goal: "Make a volume, lesson-data, and a house lesson-writer that mounts it at /data. A volume lives beside the houses, not inside one.",
                click: "Create lesson-data and launch lesson-writer",
                actions: vec![
                    StepAction::CreateVolume { name: DATA_VOLUME },
                    StepAction::Run { houses: &[WRITER] },
                ],
                about: &[(ObjectKind::Volume, DATA_VOLUME), (C, WRITER.name)],
                check: |s| s.running(Outlives, WRITER.name) && s.mounts_data(Outlives, WRITER.name),
                detail: no_detail,
            },
            StepDef {
                goal: "Write into the volume: create /data/note.txt in lesson-writer. It goes into the volume, not into the house's writable layer (docker diff lesson-writer does not list it).",
                click: "Create /data/note.txt in lesson-writer",
                actions: vec![StepAction::Exec { container: WRITER.name, argv: DATA_NOTE_ARGV }],
                about: &[(ObjectKind::Volume, DATA_VOLUME), (C, WRITER.name)],
                check: |s| {
                    [WRITER.name, READER.name]
                        .iter()
                        .any(|n| s.mounts_data(Outlives, n) && s.sees_note.contains(*n))
                },
                detail: no_detail,
            },
            StepDef {
                goal: "Remove the house and keep the data: remove lesson-writer, then run a new house lesson-reader with the same volume and find the note there.",
                click: "Remove lesson-writer, launch lesson-reader with lesson-data",
                actions: vec![
                    StepAction::Replace { remove: WRITER.name, house: READER },
                    StepAction::Exec { container: READER.name, argv: READ_NOTE_ARGV },
                ],
                about: &[(ObjectKind::Volume, DATA_VOLUME), (C, READER.name)],
                check: |s| {
                    s.lesson_container(Outlives, WRITER.name).is_none()
                        && s.running(Outlives, READER.name)
                        && s.mounts_data(Outlives, READER.name)
                        && s.sees_note.contains(READER.name)
                },
                detail: no_detail,
            },
        ],
        Street => vec![
            StepDef {
                goal: "Lay a street: a user network called lesson-street.",
                click: "Create the network lesson-street",
                actions: vec![StepAction::CreateNetwork { name: STREET }],
                about: &[(ObjectKind::Network, STREET)],
                check: |s| !s.networks_of(Street).is_empty(),
                detail: no_detail,
            },
            StepDef {
                goal: "Build two houses on the street: lesson-street-a and lesson-street-b, both running on lesson-street (--network lesson-street).",
                click: "Launch lesson-street-a and lesson-street-b on lesson-street",
                actions: vec![StepAction::Run { houses: &[STREET_A, STREET_B] }],
                about: &[(ObjectKind::Network, STREET), (C, STREET_A.name), (C, STREET_B.name)],
                check: Snapshot::street_built,
                detail: no_detail,
            },
            StepDef {
                goal: "Visit a neighbour by name: from lesson-street-a, ping lesson-street-b. The street's own name service answers with the house's address (on the default bridge network, names do not resolve). Berth tries the same ping to check.",
                click: "Ping lesson-street-b from lesson-street-a",
                actions: vec![StepAction::Exec { container: STREET_A.name, argv: PING_ARGV }],
                about: &[(C, STREET_A.name), (C, STREET_B.name)],
                check: |s| s.street_built() && s.reached_by_name == Some(true),
                detail: |s| match s.reached_by_name {
                    Some(true) => Some("lesson-street-a reached lesson-street-b by its name: the street's name service gave its address.".into()),
                    Some(false) => Some("lesson-street-a could not reach lesson-street-b by name just now.".into()),
                    None => None,
                },
            },
        ],
        SharedLayers => vec![
            StepDef {
                goal: "Build a blueprint from the blueprint: lesson-blueprint-a is berth-demo/hello plus one layer (RUN touch /a.txt).",
                click: "Build lesson-blueprint-a",
                actions: vec![StepAction::Build { name: BLUEPRINT_A, dockerfile: BLUEPRINT_A_FILE }],
                about: &[(ObjectKind::Image, BLUEPRINT_A)],
                check: |s| s.image_of(SharedLayers, BLUEPRINT_A).is_some(),
                detail: no_detail,
            },
            StepDef {
                goal: "Build a second one from the same base: lesson-blueprint-b is berth-demo/hello plus a different layer (RUN touch /b.txt).",
                click: "Build lesson-blueprint-b",
                actions: vec![StepAction::Build { name: BLUEPRINT_B, dockerfile: BLUEPRINT_B_FILE }],
                about: &[(ObjectKind::Image, BLUEPRINT_B)],
                check: |s| s.image_of(SharedLayers, BLUEPRINT_B).is_some(),
                detail: no_detail,
            },
            StepDef {
                goal: "Compare their histories side by side (docker history, below): the base's layers are the same read-only layers, stored once and shared by both; only the top layers are each image's own.",
                click: "Show docker history of both",
                actions: vec![StepAction::History { names: &[BLUEPRINT_A, BLUEPRINT_B] }],
                about: &[(ObjectKind::Image, BLUEPRINT_A), (ObjectKind::Image, BLUEPRINT_B)],
                check: |s| {
                    s.layer_compare().is_some_and(|c| {
                        c.shared > 0
                            && c.left_layers.iter().any(|r| !r.shared)
                            && c.right_layers.iter().any(|r| !r.shared)
                    })
                },
                detail: |s| {
                    s.layer_compare().map(|c| {
                        format!(
                            "{} history rows shared (the blueprint berth-demo/hello's); lesson-blueprint-a adds {} of its own, lesson-blueprint-b {}.",
                            c.shared,
                            c.left_layers.len() - c.shared,
                            c.right_layers.len() - c.shared
                        )
                    })
                },
            },
        ],
    }
}

/// Lesson 3's refusal in plain words: the engine's own message (quoted, bounded, control
/// characters escaped: a container's state is engine data), then why.
fn door_words(engine_said: &str) -> String {
    let said = bounded(engine_said, 300);
    format!(
        "The engine said: “{said}”. In plain words: host port {DOOR_PORT} is already the door of lesson-door-1. \
         Your machine has one port {DOOR_PORT}, so it can lead into one house only; the engine built lesson-door-2 \
         but could not open its door, so the house did not start."
    )
}

/// How many steps `lesson` has.
pub fn step_count(lesson: LessonId) -> usize {
    steps(lesson).len()
}

/// A step's actions, for the service (`None`: no such step).
pub fn step_actions(lesson: LessonId, step: usize) -> Option<Vec<StepAction>> {
    steps(lesson).into_iter().nth(step).map(|s| s.actions)
}

/// A live object a step links to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LessonLink {
    pub kind: ObjectKind,
    pub name: String,
    /// The container's or network's ID; the volume's name.
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StepStatus {
    pub goal: String,
    /// The button's text.
    pub click: String,
    /// The `docker` lines that reach the goal from a terminal.
    pub cli: Vec<String>,
    /// The check holds on the engine now.
    pub done: bool,
    /// The check held once (remembered across restarts until "start over").
    pub reached: bool,
    /// What the engine said, in plain words, when the step is about it.
    pub detail: Option<String>,
    /// The objects the goal names that exist now.
    pub links: Vec<LessonLink>,
}

/// An object the lesson made, named for the clean-up confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LessonObject {
    pub kind: ObjectKind,
    /// A container's or network's ID; a volume's name.
    pub id: String,
    pub name: String,
    /// Made by Berth (labelled) rather than recognised by its name and image.
    pub labelled: bool,
}

/// What the Lessons view reads: every lesson, and a word about the progress file when it
/// could not be used or saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LessonsOverview {
    pub lessons: Vec<LessonStatus>,
    pub notice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LessonStatus {
    pub id: LessonId,
    pub title: String,
    pub summary: String,
    /// The blueprint every step builds from; the lesson needs it first.
    pub demo_image: String,
    pub demo_image_present: bool,
    pub steps: Vec<StepStatus>,
    /// What clean-up would remove.
    pub made: Vec<LessonObject>,
    /// Lesson 6: the two images' histories side by side, once both are built.
    pub compare: Option<LayerCompare>,
}

/// One `docker history` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LayerRow {
    /// 12 hex digits, or `<missing>`.
    pub id: String,
    pub created_by: String,
    #[ts(type = "number")]
    pub size: u64,
    /// The other image has this row too (counted from the oldest).
    pub shared: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LayerCompare {
    pub left: String,
    pub right: String,
    /// Newest first, like `docker history`.
    pub left_layers: Vec<LayerRow>,
    pub right_layers: Vec<LayerRow>,
    /// How many rows, from the oldest, both have.
    #[ts(type = "number")]
    pub shared: usize,
}

fn title(lesson: LessonId) -> (&'static str, &'static str) {
    match lesson {
        LessonId::ManyHouses => (
            "One blueprint, many houses",
            "An image is a read-only blueprint; each container is a house built from it, with its own name and its own writable layer. Launching more houses does not change the blueprint.",
        ),
        LessonId::OwnLayer => (
            "A house has its own writable layer",
            "A change made inside a container goes into that container's writable layer only: its sibling houses and the read-only blueprint do not see it.",
        ),
        LessonId::Doors => (
            "Doors",
            "A published port is a door from your machine into a house: host port → container port. Each host port is one door, so only one house at a time can stand behind it.",
        ),
        LessonId::Outlives => (
            "Data that outlives a house",
            "A house's writable layer goes when the house is removed. A volume is storage beside the houses: mount it into one house, remove the house, mount it into another, and the data is still there.",
        ),
        LessonId::SharedLayers => (
            "From the blueprint's point of view",
            "An image is a stack of read-only layers. Two images built from one base share the base's layers: stored once, used by both. Only the layers each adds are its own.",
        ),
        LessonId::Street => (
            "Houses on one street",
            "A user network is a street: the houses on it reach each other by name, through the street's own name service.",
        ),
    }
}

/// The lesson's objects: containers, then networks, volumes, images (the order clean-up
/// removes them in: a volume or network in use cannot go before its houses).
pub fn made_objects(lesson: LessonId, snapshot: &Snapshot) -> Vec<LessonObject> {
    let mut out: Vec<LessonObject> = snapshot
        .made_by(lesson)
        .into_iter()
        .map(|c| LessonObject {
            kind: ObjectKind::Container,
            id: c.id.clone(),
            name: c.name.clone(),
            labelled: labelled(&c.labels, lesson),
        })
        .collect();
    // A network by its ID: the engine allows two networks of one name.
    out.extend(
        snapshot
            .networks_of(lesson)
            .into_iter()
            .map(|n| LessonObject {
                kind: ObjectKind::Network,
                id: n.id.clone(),
                name: n.name.clone(),
                labelled: true,
            }),
    );
    out.extend(
        snapshot
            .volumes_of(lesson)
            .into_iter()
            .map(|v| LessonObject {
                kind: ObjectKind::Volume,
                id: v.name.clone(),
                name: v.name.clone(),
                labelled: true,
            }),
    );
    out.extend(lesson.image_names().iter().filter_map(|name| {
        snapshot.image_of(lesson, name).map(|i| LessonObject {
            kind: ObjectKind::Image,
            id: i.id.clone(),
            name: name.to_string(),
            labelled: true,
        })
    }));
    out
}

/// Every step of `lesson` checked against `snapshot` (`reached` is left false: the caller
/// adds what it remembers, see [`super::lesson_progress`]).
pub fn evaluate(lesson: LessonId, snapshot: &Snapshot) -> LessonStatus {
    let (title, summary) = title(lesson);
    let made = made_objects(lesson, snapshot);
    LessonStatus {
        id: lesson,
        title: title.into(),
        summary: summary.into(),
        demo_image: DEMO_TAG.into(),
        demo_image_present: snapshot.demo_image_id.is_some(),
        steps: steps(lesson)
            .into_iter()
            .map(|s| StepStatus {
                goal: s.goal.into(),
                click: s.click.into(),
                cli: s.actions.iter().flat_map(|a| a.cli_lines(lesson)).collect(),
                done: (s.check)(snapshot),
                reached: false,
                detail: (s.detail)(snapshot),
                links: s
                    .about
                    .iter()
                    .filter_map(|(kind, name)| {
                        made.iter()
                            .find(|o| o.kind == *kind && o.name == *name)
                            .map(|o| LessonLink {
                                kind: *kind,
                                name: o.name.clone(),
                                id: o.id.clone(),
                            })
                    })
                    .collect(),
            })
            .collect(),
        made,
        compare: if lesson == LessonId::SharedLayers {
            snapshot.layer_compare()
        } else {
            None
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::layers::ChangeKind;

    const DEMO: &str = "sha256:demo";

    fn container(
        name: &str,
        image_id: &str,
        state: ContainerState,
        label: Option<&str>,
    ) -> ContainerSummary {
        ContainerSummary {
            id: format!("id-{name}"),
            short_id: name.into(),
            name: name.into(),
            image: DEMO_TAG.into(),
            image_id: image_id.into(),
            command: String::new(),
            state,
            status: String::new(),
            ports: vec![],
            created: 0,
            labels: label
                .map(|v| BTreeMap::from([(LESSON_LABEL.to_string(), v.to_string())]))
                .unwrap_or_default(),
        }
    }

    fn snap(containers: Vec<ContainerSummary>) -> Snapshot {
        Snapshot {
            containers,
            demo_image_id: Some(DEMO.into()),
            ..Snapshot::default()
        }
    }

    fn done(s: &LessonStatus) -> Vec<bool> {
        s.steps.iter().map(|s| s.done).collect()
    }

    #[test]
    fn typed_containers_count_only_with_the_asked_name_and_the_demo_image() {
        let run = ContainerState::Running;
        let s = snap(vec![
            container(HOUSE_1, "sha256:other", run, None),
            container("someone-else", DEMO, run, None),
        ]);
        assert_eq!(done(&evaluate(LessonId::ManyHouses, &s)), [false, false]);
        assert!(evaluate(LessonId::ManyHouses, &s).made.is_empty());

        let s = snap(vec![container(HOUSE_1, DEMO, run, None)]);
        let status = evaluate(LessonId::ManyHouses, &s);
        assert_eq!(done(&status), [true, false]);
        assert!(!status.made[0].labelled);
    }

    #[test]
    fn a_forged_or_foreign_label_value_is_not_a_lesson() {
        let s = snap(vec![container(
            "x",
            "sha256:other",
            ContainerState::Running,
            Some("own-layer\n"),
        )]);
        assert!(s.made_by(LessonId::OwnLayer).is_empty());
        let s = snap(vec![container(
            "x",
            "sha256:other",
            ContainerState::Running,
            Some("own-layer"),
        )]);
        assert_eq!(s.made_by(LessonId::OwnLayer).len(), 1);
        assert!(s.made_by(LessonId::ManyHouses).is_empty());
    }

    #[test]
    fn three_running_houses_finish_lesson_one_and_a_stopped_one_does_not() {
        let run = ContainerState::Running;
        let mut houses = vec![
            container(HOUSE_1, DEMO, run, Some("many-houses")),
            container(HOUSE_2, DEMO, run, None),
            container(HOUSE_3, DEMO, ContainerState::Exited, None),
        ];
        assert_eq!(
            done(&evaluate(LessonId::ManyHouses, &snap(houses.clone()))),
            [true, false]
        );
        houses[2].state = run;
        assert_eq!(
            done(&evaluate(LessonId::ManyHouses, &snap(houses))),
            [true, true]
        );
    }

    #[test]
    fn the_note_must_be_in_room_a_only() {
        let run = ContainerState::Running;
        let mut s = snap(vec![
            container(ROOM_A, DEMO, run, None),
            container(ROOM_B, DEMO, run, None),
        ]);
        assert_eq!(done(&evaluate(LessonId::OwnLayer, &s)), [true, false]);
        let note = vec![FileChange {
            path: NOTE_PATH.into(),
            kind: ChangeKind::Added,
        }];
        s.diffs.insert(ROOM_A.into(), note.clone());
        assert_eq!(done(&evaluate(LessonId::OwnLayer, &s)), [true, true]);
        s.diffs.insert(ROOM_B.into(), note);
        assert_eq!(done(&evaluate(LessonId::OwnLayer, &s)), [true, false]);
    }

    #[test]
    fn cli_lines_are_what_a_user_types() {
        let lines = |l, n| {
            steps(l)
                .into_iter()
                .nth(n)
                .unwrap()
                .actions
                .iter()
                .flat_map(|a| a.cli_lines(l))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            lines(LessonId::ManyHouses, 0),
            ["docker run -d --name lesson-house-1 berth-demo/hello:latest"]
        );
        assert_eq!(
            lines(LessonId::OwnLayer, 1),
            ["docker exec lesson-room-a touch /note.txt"]
        );
        assert_eq!(
            lines(LessonId::Doors, 2),
            [
                "docker rm -f lesson-door-2",
                "docker run -d --name lesson-door-2 -p 48081:80 berth-demo/hello:latest"
            ]
        );
        assert_eq!(
            lines(LessonId::Outlives, 0),
            [
                "docker volume create --label berth.lesson=outlives lesson-data",
                "docker run -d --name lesson-writer -v lesson-data:/data berth-demo/hello:latest"
            ]
        );
        assert_eq!(
            lines(LessonId::SharedLayers, 0),
            ["printf 'FROM berth-demo/hello:latest\\nRUN touch /a.txt\\n' | docker build --label berth.lesson=shared-layers -t lesson-blueprint-a -"]
        );
        assert_eq!(
            lines(LessonId::Street, 1),
            [
                "docker run -d --name lesson-street-a --network lesson-street berth-demo/hello:latest",
                "docker run -d --name lesson-street-b --network lesson-street berth-demo/hello:latest"
            ]
        );
        assert_eq!(step_actions(LessonId::OwnLayer, 2), None);
    }

    fn ports(c: &mut ContainerSummary, host: u16) {
        c.ports = vec![crate::domain::PortMapping {
            host_ip: Some("0.0.0.0".into()),
            host_port: Some(host),
            container_port: DOOR_INSIDE,
            protocol: "tcp".into(),
        }];
    }

    #[test]
    fn doors_need_the_refusal_on_the_taken_port_then_another_port() {
        let run = ContainerState::Running;
        let mut one = container(DOOR_1.name, DEMO, run, None);
        let mut s = snap(vec![one.clone()]);
        assert_eq!(done(&evaluate(LessonId::Doors, &s)), [false, false, false]);
        ports(&mut one, DOOR_PORT);
        s = snap(vec![one.clone()]);
        assert_eq!(done(&evaluate(LessonId::Doors, &s)), [true, false, false]);
        // Created, not started, with an unrelated error: not the lesson's refusal.
        s.containers
            .push(container(DOOR_2, DEMO, ContainerState::Created, None));
        s.start_errors.insert(DOOR_2.into(), "no such file".into());
        assert_eq!(done(&evaluate(LessonId::Doors, &s)), [true, false, false]);
        s.start_errors.insert(
            DOOR_2.into(),
            "driver failed programming external connectivity on endpoint lesson-door-2 (ab): Bind for 0.0.0.0:48080 failed: port is already allocated\u{1b}[31m".into(),
        );
        let status = evaluate(LessonId::Doors, &s);
        assert_eq!(done(&status), [true, true, false]);
        let detail = status.steps[1].detail.clone().unwrap();
        assert!(
            detail.contains("port is already allocated") && detail.contains("one house only"),
            "{detail}"
        );
        assert!(!detail.contains('\u{1b}'), "{detail}");
        // Fixed: both run, the second on another host port.
        let mut two = container(DOOR_2, DEMO, run, None);
        ports(&mut two, OTHER_DOOR_PORT);
        s = snap(vec![one.clone(), two.clone()]);
        assert_eq!(done(&evaluate(LessonId::Doors, &s)), [true, false, true]);
        ports(&mut two, DOOR_PORT);
        s = snap(vec![one, two]);
        assert_eq!(done(&evaluate(LessonId::Doors, &s)), [true, false, false]);
    }

    fn volume(name: &str, label: Option<&str>, users: &[&str]) -> VolumeSummary {
        VolumeSummary {
            name: name.into(),
            driver: "local".into(),
            mountpoint: String::new(),
            created: String::new(),
            scope: "local".into(),
            labels: label
                .map(|v| BTreeMap::from([(LESSON_LABEL.to_string(), v.to_string())]))
                .unwrap_or_default(),
            used_by: users
                .iter()
                .map(|u| crate::domain::volume::VolumeUser {
                    id: crate::domain::ids::ContainerId::new(format!("id-{u}")),
                    name: u.to_string(),
                    state: ContainerState::Running,
                    destination: DATA_DIR.into(),
                    read_only: false,
                })
                .collect(),
        }
    }

    #[test]
    fn the_note_outlives_the_writer_only_through_the_labelled_volume() {
        let run = ContainerState::Running;
        let writer = container(WRITER.name, DEMO, run, None);
        let reader = container(READER.name, DEMO, run, None);
        // An unlabelled look-alike volume is not the lesson's.
        let mut s = snap(vec![writer.clone()]);
        s.volumes = vec![volume(DATA_VOLUME, None, &[WRITER.name])];
        s.sees_note.insert(WRITER.name.into());
        assert_eq!(
            done(&evaluate(LessonId::Outlives, &s)),
            [false, false, false]
        );
        assert_eq!(evaluate(LessonId::Outlives, &s).made.len(), 1);
        s.volumes = vec![volume(DATA_VOLUME, Some("outlives"), &[WRITER.name])];
        s.sees_note.clear();
        assert_eq!(
            done(&evaluate(LessonId::Outlives, &s)),
            [true, false, false]
        );
        s.sees_note.insert(WRITER.name.into());
        let status = evaluate(LessonId::Outlives, &s);
        assert_eq!(done(&status), [true, true, false]);
        assert_eq!(
            status.steps[0]
                .links
                .iter()
                .map(|l| l.kind)
                .collect::<Vec<_>>(),
            [ObjectKind::Volume, ObjectKind::Container]
        );
        // Writer and reader both there: not yet "removed the house".
        s.containers.push(reader.clone());
        s.volumes = vec![volume(
            DATA_VOLUME,
            Some("outlives"),
            &[WRITER.name, READER.name],
        )];
        s.sees_note.insert(READER.name.into());
        assert_eq!(done(&evaluate(LessonId::Outlives, &s)), [true, true, false]);
        let mut s = snap(vec![reader]);
        s.volumes = vec![volume(DATA_VOLUME, Some("outlives"), &[READER.name])];
        assert_eq!(
            done(&evaluate(LessonId::Outlives, &s)),
            [false, false, false]
        );
        s.sees_note.insert(READER.name.into());
        let status = evaluate(LessonId::Outlives, &s);
        assert_eq!(done(&status), [false, true, true]);
        assert_eq!(
            status
                .made
                .iter()
                .map(|o| (o.kind, o.name.as_str()))
                .collect::<Vec<_>>(),
            [
                (ObjectKind::Container, READER.name),
                (ObjectKind::Volume, DATA_VOLUME)
            ]
        );
    }

    fn street(label: Option<&str>, members: &[&str]) -> NetworkSummary {
        NetworkSummary {
            id: "net".into(),
            name: STREET.into(),
            driver: "bridge".into(),
            scope: "local".into(),
            created: String::new(),
            internal: false,
            attachable: false,
            subnets: vec![],
            labels: label
                .map(|v| BTreeMap::from([(LESSON_LABEL.to_string(), v.to_string())]))
                .unwrap_or_default(),
            protected: None,
            attached: members
                .iter()
                .map(|m| crate::domain::network::NetworkMember {
                    id: crate::domain::ids::ContainerId::new(format!("id-{m}")),
                    name: m.to_string(),
                    state: ContainerState::Running,
                    ipv4: String::new(),
                    ipv6: String::new(),
                    mac: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_street_needs_its_label_both_houses_on_it_and_an_answer_by_name() {
        let run = ContainerState::Running;
        let houses = vec![
            container(STREET_A.name, DEMO, run, None),
            container(STREET_B.name, DEMO, run, None),
        ];
        let mut s = snap(houses.clone());
        s.networks = vec![street(None, &[STREET_A.name, STREET_B.name])];
        s.reached_by_name = Some(true);
        assert_eq!(done(&evaluate(LessonId::Street, &s)), [false, false, false]);
        s.networks = vec![street(Some("street"), &[STREET_A.name])];
        assert_eq!(done(&evaluate(LessonId::Street, &s)), [true, false, false]);
        s.networks = vec![street(Some("street"), &[STREET_A.name, STREET_B.name])];
        s.reached_by_name = Some(false);
        assert_eq!(done(&evaluate(LessonId::Street, &s)), [true, true, false]);
        s.reached_by_name = Some(true);
        let status = evaluate(LessonId::Street, &s);
        assert_eq!(done(&status), [true, true, true]);
        assert!(status.steps[2]
            .detail
            .as_deref()
            .unwrap()
            .contains("by its name"));
        assert_eq!(status.made.last().unwrap().kind, ObjectKind::Network);
    }

    fn layer(id: &str, by: &str) -> HistoryEntry {
        HistoryEntry {
            id: id.into(),
            created: 1,
            created_by: by.into(),
            size: 0,
            tags: vec![],
            comment: String::new(),
        }
    }

    fn image(label: Option<&str>, top: &str) -> LessonImage {
        LessonImage {
            id: format!("sha256:{top}"),
            labels: label
                .map(|v| BTreeMap::from([(LESSON_LABEL.to_string(), v.to_string())]))
                .unwrap_or_default(),
            history: vec![
                layer(&format!("sha256:{top}"), &format!("RUN touch /{top}")),
                layer(DEMO, "CMD"),
                layer("sha256:base", "COPY busybox"),
            ],
        }
    }

    #[test]
    fn two_blueprints_share_the_base_layers_and_only_with_the_label() {
        let mut s = snap(vec![]);
        assert_eq!(
            done(&evaluate(LessonId::SharedLayers, &s)),
            [false, false, false]
        );
        // A look-alike of the asked name without the label is not the lesson's.
        s.images.insert(BLUEPRINT_A.into(), image(None, "a"));
        assert_eq!(
            done(&evaluate(LessonId::SharedLayers, &s)),
            [false, false, false]
        );
        s.images
            .insert(BLUEPRINT_A.into(), image(Some("shared-layers"), "a"));
        assert_eq!(
            done(&evaluate(LessonId::SharedLayers, &s)),
            [true, false, false]
        );
        // Not built from the demo image: not the lesson's either.
        let mut other = image(Some("shared-layers"), "b");
        other.history.retain(|h| h.id != DEMO);
        s.images.insert(BLUEPRINT_B.into(), other);
        assert_eq!(
            done(&evaluate(LessonId::SharedLayers, &s)),
            [true, false, false]
        );
        s.images
            .insert(BLUEPRINT_B.into(), image(Some("shared-layers"), "b"));
        let status = evaluate(LessonId::SharedLayers, &s);
        assert_eq!(done(&status), [true, true, true]);
        let c = status.compare.unwrap();
        assert_eq!(c.shared, 2);
        assert_eq!(
            c.left_layers.iter().map(|r| r.shared).collect::<Vec<_>>(),
            [false, true, true]
        );
        assert_eq!(c.right_layers[0].id, "b");
        assert_eq!(status.made.len(), 2);
        assert!(status.made.iter().all(|o| o.kind == ObjectKind::Image));
    }

    #[test]
    fn missing_layer_ids_are_matched_by_instruction_time_and_size() {
        let a = [layer("<missing>", "RUN a"), layer("<missing>", "FROM x")];
        let b = [layer("<missing>", "RUN b"), layer("<missing>", "FROM x")];
        assert_eq!(shared_from_the_bottom(&a, &b), 1);
        assert_eq!(shared_from_the_bottom(&a, &a), 2);
        let c = [layer("sha256:1", "FROM x")];
        let d = [layer("sha256:2", "FROM x")];
        assert_eq!(shared_from_the_bottom(&c, &d), 0);
    }
}
