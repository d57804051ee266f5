//! How a message quotes what the user typed: short, and with nothing that could upset the
//! screen it is shown on. A value pasted by mistake can be 100 KB long or hold control
//! characters (a NUL, an escape sequence); echoing it whole would make an unreadable message
//! or, in a terminal, run the sequence.

/// The longest part of an input a message repeats.
pub const MAX_ECHO_CHARS: usize = 60;

/// `input` as a message shows it: control characters escaped (`\0`, `\u{1b}`, `\n`), and
/// cut after [`MAX_ECHO_CHARS`] characters with `…`.
pub fn echo(input: &str) -> String {
    let mut out = String::new();
    for (i, c) in input.chars().enumerate() {
        if i == MAX_ECHO_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept() {
        assert_eq!(echo("nginx:1.27"), "nginx:1.27");
        assert_eq!(echo("名前 😀"), "名前 😀");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(echo("a\u{0}b"), "a\\0b");
        assert_eq!(echo("\u{1b}[31m"), "\\u{1b}[31m");
        assert_eq!(echo("a\nb"), "a\\nb");
    }

    #[test]
    fn long_text_is_cut() {
        let e = echo(&"a".repeat(100 * 1024));
        assert_eq!(e.chars().count(), MAX_ECHO_CHARS + 1);
        assert!(e.ends_with('…'));
    }
}
