//! Which lesson steps were reached once, remembered across restarts (`lessons.json` in the
//! config folder). A step's live check can turn false again (clean-up removes what it
//! checked, lesson 3's refusal is undone by its own fix); what the user reached stays
//! reached until "start over". The file can be written by anyone: it is read as untrusted
//! input (known lessons, steps that exist, this version only), and a file that fails that is
//! not used (the caller keeps it aside and says so).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::lessons::{step_count, LessonId, LessonStatus};

/// The file's name in the config folder.
pub const FILE: &str = "lessons.json";
/// The file format this Berth writes and reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    version: u32,
    /// Steps (0-based) reached once, per lesson.
    reached: BTreeMap<LessonId, BTreeSet<usize>>,
}

impl Progress {
    pub fn new() -> Self {
        Self {
            version: VERSION,
            reached: BTreeMap::new(),
        }
    }

    /// The file's text checked like user input; the reason in words when it cannot be used.
    pub fn parse(text: &str) -> Result<Self, String> {
        let p: Progress = serde_json::from_str(text)
            .map_err(|e| format!("it is not a lessons progress file ({e})"))?;
        if p.version != VERSION {
            return Err(format!(
                "it is version {} and this Berth reads version {VERSION}",
                p.version
            ));
        }
        for (lesson, steps) in &p.reached {
            let count = step_count(*lesson);
            if let Some(bad) = steps.iter().find(|s| **s >= count) {
                return Err(format!(
                    "lesson {} has {count} steps, not a step {}",
                    lesson.as_str(),
                    bad + 1
                ));
            }
        }
        Ok(p)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Remembers every step whose check holds now; whether anything new was remembered.
    pub fn record(&mut self, lessons: &[LessonStatus]) -> bool {
        let mut changed = false;
        for l in lessons {
            for (i, s) in l.steps.iter().enumerate() {
                if s.done {
                    changed |= self.reached.entry(l.id).or_default().insert(i);
                }
            }
        }
        changed
    }

    /// Marks the steps reached now or before.
    pub fn apply(&self, lessons: &mut [LessonStatus]) {
        for l in lessons {
            let before = self.reached.get(&l.id);
            for (i, s) in l.steps.iter_mut().enumerate() {
                s.reached = s.done || before.is_some_and(|b| b.contains(&i));
            }
        }
    }

    /// "Start over": forgets what `lesson` reached; whether there was anything.
    pub fn forget(&mut self, lesson: LessonId) -> bool {
        self.reached.remove(&lesson).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lessons::{evaluate, Snapshot};

    #[test]
    fn reached_steps_stay_reached_until_forgotten_and_survive_the_file() {
        let mut p = Progress::new();
        let mut all: Vec<LessonStatus> = LessonId::ALL
            .iter()
            .map(|l| evaluate(*l, &Snapshot::default()))
            .collect();
        assert!(!p.record(&all));
        all[2].steps[1].done = true;
        assert!(p.record(&all));
        assert!(!p.record(&all), "nothing new the second time");
        all[2].steps[1].done = false;
        let back = Progress::parse(&p.to_json()).unwrap();
        assert_eq!(back, p);
        back.apply(&mut all);
        assert!(all[2].steps[1].reached && !all[2].steps[1].done);
        assert!(!all[2].steps[0].reached);
        let mut back = back;
        assert!(back.forget(LessonId::Doors));
        back.apply(&mut all);
        assert!(!all[2].steps[1].reached);
    }

    #[test]
    fn a_file_written_by_someone_else_is_checked() {
        for (text, why) in [
            ("[]", "not a lessons progress file"),
            (r#"{"version":2,"reached":{}}"#, "version 2"),
            (r#"{"version":1,"reached":{"doors":[7]}}"#, "not a step 8"),
            (
                r#"{"version":1,"reached":{"no-such":[0]}}"#,
                "not a lessons",
            ),
            (r#"{"version":1,"reached":{},"x":1}"#, "not a lessons"),
            (r#"{"version":1,"reached":{"doors":[-1]}}"#, "not a lessons"),
        ] {
            let err = Progress::parse(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
        let ok = Progress::parse(r#"{"version":1,"reached":{"doors":[0,2]}}"#).unwrap();
        assert_eq!(ok.reached[&LessonId::Doors].len(), 2);
    }
}
