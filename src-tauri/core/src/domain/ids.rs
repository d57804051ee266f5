//! Typed ids for what crosses module boundaries, so a group id cannot be passed where a
//! container id is expected. Each serialises as a plain string (the UI and the engine see
//! the same text as before), and its TypeScript twin is a named `string` alias.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, TS)]
        #[serde(transparent)]
        #[ts(export)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_string())
            }
        }
    };
}

string_id!(
    /// A container's id or name, as the engine accepts either.
    ContainerId
);
string_id!(
    /// An image's id (`sha256:…`) or a reference the engine resolves (`busybox:1`).
    ImageId
);
string_id!(
    /// A launch group's id: the value of its `berth.group` label.
    GroupId
);
string_id!(
    /// The name the UI gives a stream (logs, pull, launch, stats, terminal) so it can stop it.
    Ticket
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_strings_on_the_wire() {
        let id = ContainerId::new("abc");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"abc\"");
        let back: GroupId = serde_json::from_str("\"g-1\"").unwrap();
        assert_eq!(back.as_str(), "g-1");
        assert_eq!(Ticket::from("t").to_string(), "t");
    }
}
