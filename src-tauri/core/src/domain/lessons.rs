//! Lessons checked on the user's own engine: each step is a goal, the click and the `docker`
//! command that reach it, and a pure check over a snapshot of the engine. A check sees the
//! same thing whether the user clicked in Berth or typed the command in a terminal.
//!
//! What counts as "made by the lesson": a container Berth launched for a lesson carries the
//! label `berth.lesson=<id>`; one the user typed does not, so it is recognised by the exact
//! name the step asks for AND by being built from the demo image. Anything else (another
//! container that happens to have that name but another image) is neither counted nor
//! cleaned up. Labels can be written by anyone: a label's value is only compared with the
//! lesson ids below, never used otherwise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::first_run::DEMO_TAG;
use super::launch::shell;
use super::layers::FileChange;
use super::{ContainerState, ContainerSummary};

/// Label Berth puts on what a lesson's clicks make; the value is the lesson's id.
pub const LESSON_LABEL: &str = "berth.lesson";

/// The lessons Berth has. Only built lessons are here (and so listed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum LessonId {
    /// One blueprint, many houses.
    ManyHouses,
    /// A house has its own writable layer.
    OwnLayer,
}

impl LessonId {
    pub const ALL: [LessonId; 2] = [LessonId::ManyHouses, LessonId::OwnLayer];

    /// The label value (and the id the UI uses).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ManyHouses => "many-houses",
            Self::OwnLayer => "own-layer",
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
        }
    }

    /// The containers whose `docker diff` the checks read (bounded: the lesson's own names).
    pub fn needs_diff(self) -> &'static [&'static str] {
        match self {
            Self::ManyHouses => &[],
            Self::OwnLayer => &[ROOM_A, ROOM_B],
        }
    }
}

pub const HOUSE_1: &str = "lesson-house-1";
pub const HOUSE_2: &str = "lesson-house-2";
pub const HOUSE_3: &str = "lesson-house-3";
pub const ROOM_A: &str = "lesson-room-a";
pub const ROOM_B: &str = "lesson-room-b";
/// The file lesson 2 asks to create in one house.
pub const NOTE_PATH: &str = "/note.txt";

/// What the checks look at: the engine's containers, the demo image's ID, and the file
/// changes of the containers a lesson needs (by name).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub containers: Vec<ContainerSummary>,
    /// The ID `berth-demo/hello:latest` names now, if it is there.
    pub demo_image_id: Option<String>,
    pub diffs: BTreeMap<String, Vec<FileChange>>,
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

    /// The lesson's container called `name`, if the lesson made one.
    fn lesson_container(&self, lesson: LessonId, name: &str) -> Option<&ContainerSummary> {
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
}

/// What a step's button does (the backend performs it; the UI only names the step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepAction {
    /// Create and start each missing container of `names` from the demo image, labelled.
    Run { names: &'static [&'static str] },
    /// Create [`NOTE_PATH`] inside `container` (exec with an argv, no shell).
    WriteNote { container: &'static str },
}

struct StepDef {
    goal: &'static str,
    click: &'static str,
    action: StepAction,
    check: fn(&Snapshot) -> bool,
}

/// `docker run -d --name NAME berth-demo/hello:latest`: what the user types for a house.
pub fn run_argv(name: &str) -> Vec<String> {
    ["docker", "run", "-d", "--name", name, DEMO_TAG]
        .map(String::from)
        .to_vec()
}

/// The command run inside the house to change a file.
pub fn note_argv() -> Vec<String> {
    vec!["touch".into(), NOTE_PATH.into()]
}

impl StepAction {
    /// The `docker` lines that reach the step from a terminal.
    pub fn cli_lines(&self) -> Vec<String> {
        match self {
            Self::Run { names } => names.iter().map(|n| shell::join(&run_argv(n))).collect(),
            Self::WriteNote { container } => {
                let mut argv: Vec<String> =
                    vec!["docker".into(), "exec".into(), (*container).into()];
                argv.extend(note_argv());
                vec![shell::join(&argv)]
            }
        }
    }
}

fn steps(lesson: LessonId) -> Vec<StepDef> {
    use LessonId::*;
    match lesson {
        ManyHouses => vec![
            StepDef {
                goal: "Build one house from the blueprint: a running container named lesson-house-1 from the image berth-demo/hello.",
                click: "Launch lesson-house-1",
                action: StepAction::Run { names: &[HOUSE_1] },
                check: |s| s.running(ManyHouses, HOUSE_1),
            },
            StepDef {
                goal: "Build two more houses from the same blueprint: lesson-house-2 and lesson-house-3 (one-to-many: one image, many containers).",
                click: "Launch lesson-house-2 and lesson-house-3",
                action: StepAction::Run { names: &[HOUSE_2, HOUSE_3] },
                check: |s| [HOUSE_1, HOUSE_2, HOUSE_3].iter().all(|n| s.running(ManyHouses, n)),
            },
        ],
        OwnLayer => vec![
            StepDef {
                goal: "Build two houses from the blueprint: lesson-room-a and lesson-room-b, both running.",
                click: "Launch lesson-room-a and lesson-room-b",
                action: StepAction::Run { names: &[ROOM_A, ROOM_B] },
                check: |s| s.running(OwnLayer, ROOM_A) && s.running(OwnLayer, ROOM_B),
            },
            StepDef {
                goal: "Change a file in one house: create /note.txt in lesson-room-a. It lands in that house's writable layer (docker diff lesson-room-a), not in lesson-room-b's, and the read-only blueprint is untouched.",
                click: "Create /note.txt in lesson-room-a",
                action: StepAction::WriteNote { container: ROOM_A },
                check: |s| {
                    s.lesson_container(OwnLayer, ROOM_A).is_some()
                        && s.lesson_container(OwnLayer, ROOM_B).is_some()
                        && s.has_note(ROOM_A)
                        && !s.has_note(ROOM_B)
                },
            },
        ],
    }
}

/// A step's action, for the service (`None`: no such step).
pub fn step_action(lesson: LessonId, step: usize) -> Option<StepAction> {
    steps(lesson).into_iter().nth(step).map(|s| s.action)
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
}

/// A container the lesson made, named for the clean-up confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LessonObject {
    pub id: String,
    pub name: String,
    /// Launched by Berth (labelled) rather than recognised by its name and image.
    pub labelled: bool,
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
    }
}

/// Every step of `lesson` checked against `snapshot`.
pub fn evaluate(lesson: LessonId, snapshot: &Snapshot) -> LessonStatus {
    let (title, summary) = title(lesson);
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
                cli: s.action.cli_lines(),
                done: (s.check)(snapshot),
            })
            .collect(),
        made: snapshot
            .made_by(lesson)
            .into_iter()
            .map(|c| LessonObject {
                id: c.id.clone(),
                name: c.name.clone(),
                labelled: c.labels.get(LESSON_LABEL).map(String::as_str) == Some(lesson.as_str()),
            })
            .collect(),
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
            diffs: BTreeMap::new(),
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
        assert_eq!(
            StepAction::Run { names: &[HOUSE_1] }.cli_lines(),
            ["docker run -d --name lesson-house-1 berth-demo/hello:latest"]
        );
        assert_eq!(
            StepAction::WriteNote { container: ROOM_A }.cli_lines(),
            ["docker exec lesson-room-a touch /note.txt"]
        );
        assert_eq!(step_action(LessonId::OwnLayer, 2), None);
    }
}
