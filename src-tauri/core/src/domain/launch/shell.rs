//! POSIX shell words: quoting arguments so a shell passes them through unchanged, and the
//! reverse (splitting a command line typed in the launch dialog into argv). No expansion of
//! any kind happens in either direction: `$HOME` stays the five characters `$HOME`.

/// Quotes `arg` for a POSIX shell: bare when it only holds characters no shell treats
/// specially, else in single quotes (a single quote inside becomes `'\''`).
pub fn quote(arg: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if !arg.is_empty() && arg.chars().all(safe) {
        return arg.to_string();
    }
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('\'');
    for c in arg.chars() {
        if c == '\'' {
            out.push_str(r"'\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// `argv` as one shell command line.
pub fn join(argv: &[String]) -> String {
    argv.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
}

/// Why a command line could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("a {0} quote is not closed")]
    Unclosed(&'static str),
    #[error("the line ends with a lone backslash")]
    TrailingBackslash,
}

/// Splits a command line into words the way a POSIX shell does, without expansions:
/// blanks separate words, `'...'` is literal, `"..."` is literal except `\"`, `\\`, `\$`,
/// `` \` `` and backslash-newline, and a backslash outside quotes escapes the next character.
pub fn split(line: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether a word has started (so `''` yields an empty word).
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(SplitError::Unclosed("single")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(SplitError::Unclosed("double")),
                        },
                        Some(c) => word.push(c),
                        None => return Err(SplitError::Unclosed("double")),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(c) => {
                    in_word = true;
                    word.push(c);
                }
                None => return Err(SplitError::TrailingBackslash),
            },
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(quote("app-1"), "app-1");
        assert_eq!(quote("A=b"), "A=b");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME"), "'$HOME'");
        assert_eq!(quote("{n}"), "'{n}'");
        assert_eq!(quote("~"), "'~'");
    }

    #[test]
    fn splits_like_a_shell() {
        let w = |s: &str| split(s).unwrap();
        assert_eq!(
            w("sh -c 'echo hi; exit 3'"),
            ["sh", "-c", "echo hi; exit 3"]
        );
        assert_eq!(
            w(r#"echo "a \"b\" \$x" c\ d"#),
            ["echo", r#"a "b" $x"#, "c d"]
        );
        assert_eq!(w("  a   ''  "), ["a", ""]);
        assert_eq!(w(r#""a\nb""#), [r"a\nb"]);
        assert!(w("").is_empty());
        assert_eq!(split("'open"), Err(SplitError::Unclosed("single")));
        assert_eq!(split("\"open"), Err(SplitError::Unclosed("double")));
        assert_eq!(split("a\\"), Err(SplitError::TrailingBackslash));
    }

    proptest! {
        #[test]
        fn quoting_round_trips(argv in proptest::collection::vec(any::<String>(), 0..6)) {
            prop_assert_eq!(split(&join(&argv)).unwrap(), argv);
        }

        #[test]
        fn split_never_panics(line in any::<String>()) {
            let _ = split(&line);
        }
    }
}
