//! The one check for text that becomes part of an engine URL path. bollard formats ids and
//! references straight into paths (`/containers/{id}/kill`, `/images/{name}/json`) without
//! encoding them, so `../../containers/x/kill`, `a?force=1` or `x#y` would reach another
//! endpoint, or the same one with other options. Every engine method that puts caller text
//! in a path passes it through [`object`] or [`image`] first; what fails is refused here,
//! before any request is made.

use super::EngineError;

/// The longest id or name accepted (the engine's own names are far shorter).
const MAX_OBJECT: usize = 256;
/// The longest image reference accepted (a 255-character name, a tag and a digest).
const MAX_IMAGE: usize = 512;

/// A container, service or exec id or name: `[A-Za-z0-9][A-Za-z0-9_.-]*`, which is every
/// name the engine makes or accepts and every hex id. `what` names it in the error.
pub(super) fn object<'a>(what: &'static str, text: &'a str) -> Result<&'a str, EngineError> {
    let mut chars = text.chars();
    let ok = text.len() <= MAX_OBJECT
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if ok {
        Ok(text)
    } else {
        Err(refused(what, text))
    }
}

/// An image id (`sha256:...`) or reference (`registry:5000/team/app:tag@sha256:...`):
/// only the characters references are made of, and no empty, `.` or `..` path segment.
pub(super) fn image(text: &str) -> Result<&str, EngineError> {
    let chars_ok = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-/:@".contains(c));
    let segments_ok = text
        .split('/')
        .all(|s| !s.is_empty() && s != "." && s != ".." && !s.starts_with(['.', '-']));
    if !text.is_empty() && text.len() <= MAX_IMAGE && chars_ok && segments_ok {
        Ok(text)
    } else {
        Err(refused("image reference", text))
    }
}

fn refused(what: &'static str, text: &str) -> EngineError {
    // Debug quoting shows control characters as escapes, never raw, in the message.
    let shown: String = format!("{text:?}").chars().take(120).collect();
    EngineError::InvalidArgument { what, value: shown }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &[&str] = &[
        "",
        "../../containers/x/kill",
        "..",
        ".",
        "a/../b",
        "a?force=1",
        "x#y",
        "a%2F..",
        "name\nGET /x",
        "tab\there",
        "sp ace",
        "a\u{0}b",
        "/abs",
        "-flag",
        "名前",
    ];

    #[test]
    fn hostile_ids_and_names_are_refused() {
        for bad in HOSTILE.iter().chain(&["a/b", "a:b"]) {
            let e = object("container", bad).unwrap_err();
            assert!(matches!(e, EngineError::InvalidArgument { .. }), "{bad:?}");
        }
        let long = "a".repeat(MAX_OBJECT + 1);
        assert!(object("container", &long).is_err());
        for good in [
            "abc123",
            "web-1",
            "my_app.2",
            "0123456789ab",
            &"f".repeat(64),
        ] {
            assert_eq!(object("container", good).unwrap(), good);
        }
    }

    #[test]
    fn hostile_references_are_refused() {
        for bad in HOSTILE.iter().chain(&["a//b", "a/", "a/./b", "a/.hidden"]) {
            assert!(image(bad).is_err(), "{bad:?}");
        }
        for good in [
            "busybox",
            "busybox:1.36",
            "berth-test/app:latest",
            "127.0.0.1:5000/team/app:v2",
            "localhost/podman/img",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789ab",
        ] {
            assert_eq!(image(good).unwrap(), good);
        }
    }

    #[test]
    fn the_message_never_carries_raw_control_characters() {
        let e = object("container", "a\nb\u{1b}[31m")
            .unwrap_err()
            .to_string();
        assert!(!e.contains('\n') && !e.contains('\u{1b}'), "{e}");
    }
}
