//! A terminal in a container: what the UI asks for, what it receives, and the pure pieces
//! (shell choice, input checks, UTF-8 across chunk edges) the session is built from.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The shells looked for, in order, and the command each gives. `bash`, else `sh`, else
/// busybox's `sh` (FROM-scratch busybox images may have only `/bin/busybox`).
pub const SHELL_CANDIDATES: &[(&str, &[&str])] = &[
    ("/bin/bash", &["/bin/bash"]),
    ("/bin/sh", &["/bin/sh"]),
    ("/bin/busybox", &["/bin/busybox", "sh"]),
];

/// Most lines a terminal keeps above the screen (xterm.js's scrollback, set by the UI).
pub const SCROLLBACK_LINES: u32 = 5_000;

/// Longest argument, user or folder accepted (the engine takes far longer, a person never).
const MAX_FIELD: usize = 4_096;
/// Most arguments in the command.
const MAX_ARGS: usize = 64;

/// Terminal sizes a window can have; anything outside is a bug or hostile input.
pub const MAX_COLS: u16 = 1_000;
pub const MAX_ROWS: u16 = 500;

/// What the user asks for: the command (detected shell, maybe edited), optionally a user
/// and a working folder, and the terminal's first size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TerminalSpec {
    pub cmd: Vec<String>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    pub cols: u16,
    pub rows: u16,
}

/// A [`TerminalSpec`] the engine must not receive, in people's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadSpec {
    #[error("the command is empty: give the program to run, for example /bin/sh")]
    EmptyCommand,
    #[error("the command has more than {MAX_ARGS} words")]
    TooManyArgs,
    #[error("the {0} is too long (at most {MAX_FIELD} characters)")]
    TooLong(&'static str),
    #[error("the {0} holds a control character (a new line or tab?)")]
    Control(&'static str),
    #[error("the working folder must be an absolute path, starting with /")]
    RelativeWorkdir,
    #[error("the terminal size {cols}x{rows} is out of range")]
    Size { cols: u16, rows: u16 },
}

fn field(what: &'static str, text: &str) -> Result<(), BadSpec> {
    if text.len() > MAX_FIELD {
        return Err(BadSpec::TooLong(what));
    }
    if text.chars().any(char::is_control) {
        return Err(BadSpec::Control(what));
    }
    Ok(())
}

/// Checks a size from the window.
pub fn check_size(cols: u16, rows: u16) -> Result<(), BadSpec> {
    if (1..=MAX_COLS).contains(&cols) && (1..=MAX_ROWS).contains(&rows) {
        Ok(())
    } else {
        Err(BadSpec::Size { cols, rows })
    }
}

impl TerminalSpec {
    /// The spec with empty user and folder dropped, or why it cannot be run. The command is
    /// argv: it reaches the engine as words, never through a shell.
    pub fn checked(mut self) -> Result<Self, BadSpec> {
        if self.cmd.is_empty() || self.cmd[0].trim().is_empty() {
            return Err(BadSpec::EmptyCommand);
        }
        if self.cmd.len() > MAX_ARGS {
            return Err(BadSpec::TooManyArgs);
        }
        for arg in &self.cmd {
            field("command", arg)?;
        }
        self.user = self.user.filter(|u| !u.trim().is_empty());
        self.workdir = self.workdir.filter(|w| !w.trim().is_empty());
        if let Some(u) = &self.user {
            field("user", u)?;
        }
        if let Some(w) = &self.workdir {
            field("working folder", w)?;
            if !w.starts_with('/') {
                return Err(BadSpec::RelativeWorkdir);
            }
        }
        check_size(self.cols, self.rows)?;
        Ok(self)
    }
}

/// How a terminal ended, for the message the UI prints under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export)]
pub enum TerminalEnded {
    /// The shell exited (`exit`, Ctrl-D, or it could not start).
    Exited { code: Option<i32> },
    /// The container stopped (or was removed): its processes are gone.
    ContainerStopped,
    /// The user closed the tab or the window; the shell was ended.
    Closed,
}

/// Decodes UTF-8 output that arrives in chunks cut anywhere: a character split across two
/// chunks is kept until its end comes, instead of becoming two replacement marks.
#[derive(Default)]
pub struct Utf8Carry {
    pending: Vec<u8>,
}

impl Utf8Carry {
    /// The text of `chunk` (with what was pending before it), up to the last whole character.
    pub fn push(&mut self, chunk: &[u8]) -> String {
        self.pending.extend_from_slice(chunk);
        let keep = incomplete_tail(&self.pending);
        let rest = self.pending.split_off(self.pending.len() - keep);
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending = rest;
        text
    }
}

/// How many bytes at the end of `bytes` start a character whose end has not come yet.
fn incomplete_tail(bytes: &[u8]) -> usize {
    // A UTF-8 character is at most 4 bytes: look back at most 3 for its lead byte.
    for back in 1..=3.min(bytes.len()) {
        let b = bytes[bytes.len() - back];
        if b & 0xC0 == 0x80 {
            continue; // a continuation byte: the lead is further back
        }
        let len = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if len > back { back } else { 0 };
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(cmd: &[&str]) -> TerminalSpec {
        TerminalSpec {
            cmd: cmd.iter().map(|s| s.to_string()).collect(),
            user: Some(" ".into()),
            workdir: None,
            cols: 80,
            rows: 24,
        }
    }

    #[test]
    fn a_plain_spec_passes_and_drops_blank_fields() {
        let s = spec(&["/bin/sh"]).checked().unwrap();
        assert_eq!(s.user, None);
    }

    #[test]
    fn bad_specs_are_refused_in_words() {
        assert_eq!(spec(&[]).checked(), Err(BadSpec::EmptyCommand));
        assert_eq!(spec(&[" "]).checked(), Err(BadSpec::EmptyCommand));
        assert_eq!(
            spec(&["sh", "a\nb"]).checked(),
            Err(BadSpec::Control("command"))
        );
        let mut s = spec(&["sh"]);
        s.workdir = Some("tmp".into());
        assert_eq!(s.checked(), Err(BadSpec::RelativeWorkdir));
        let mut s = spec(&["sh"]);
        s.cols = 0;
        assert!(matches!(s.checked(), Err(BadSpec::Size { .. })));
        assert!(spec(&["x"; 65]).checked().is_err());
    }

    #[test]
    fn a_character_cut_between_chunks_is_whole_once_its_end_comes() {
        let mut carry = Utf8Carry::default();
        let text = "é€😀";
        let bytes = text.as_bytes();
        let mut out = String::new();
        for b in bytes {
            out.push_str(&carry.push(std::slice::from_ref(b)));
        }
        assert_eq!(out, text);
        // Invalid bytes still come out (as replacement marks), never stuck.
        assert_eq!(carry.push(&[0xFF, b'a']), "\u{FFFD}a");
    }
}
