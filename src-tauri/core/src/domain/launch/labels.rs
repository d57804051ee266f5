//! The labels Berth writes on what it launches. Defined once here; the TypeScript twin is a
//! string-literal union, so a UI constant typed with it stops compiling if one is renamed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum BerthLabel {
    /// The launch group's id: every replica of one launch (and of later scale-ups).
    #[serde(rename = "berth.group")]
    Group,
    /// The replica's number within its group (the `{n}` of its name).
    #[serde(rename = "berth.replica")]
    Replica,
    /// The group's [`super::LaunchSpec`] as JSON, so it can be scaled after a restart.
    #[serde(rename = "berth.launch")]
    Launch,
    /// The keyed digest that proves this Berth launched it (see [`super::seal`]).
    #[serde(rename = "berth.seal")]
    Seal,
}

impl BerthLabel {
    pub const ALL: [Self; 4] = [Self::Group, Self::Replica, Self::Launch, Self::Seal];

    /// The label key, as serde spells it (the unit test holds the two together).
    pub const fn key(self) -> &'static str {
        match self {
            Self::Group => "berth.group",
            Self::Replica => "berth.replica",
            Self::Launch => "berth.launch",
            Self::Seal => "berth.seal",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_serialised_names() {
        for label in BerthLabel::ALL {
            assert_eq!(
                serde_json::to_string(&label).unwrap(),
                format!("\"{}\"", label.key())
            );
        }
    }
}
