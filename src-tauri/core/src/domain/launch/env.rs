//! Environment variables as typed in the launch dialog or pasted from an env file:
//! `KEY=VALUE` per line, blank lines and `#` comments skipped, values taken verbatim (no
//! quote removal), exactly as `docker run --env-file` reads a file.

use crate::domain::echo::echo;

/// A line that is not `KEY=VALUE`; `line` counts from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u32,
    pub message: String,
}

/// `KEY=VALUE` entries in order. Every bad line is reported, not only the first.
pub fn parse_env(text: &str) -> Result<Vec<String>, Vec<LineError>> {
    parse_pairs(text, "variable")
        .map(|pairs| pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect())
}

/// `key=value` lines (environment variables or labels), with the same rules.
pub fn parse_pairs(text: &str, what: &str) -> Result<Vec<(String, String)>, Vec<LineError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    // Names already set, with their line: a second value would make the result depend on
    // which one the engine or the process happens to read.
    let mut seen = std::collections::HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        // Files saved on Windows end their lines with \r.
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut err = |message: String| {
            errors.push(LineError {
                line: line_no,
                message,
            })
        };
        let Some((key, value)) = line.split_once('=') else {
            err(format!(
                "line {line_no}: {} has no '=': write {}=VALUE",
                shorten(line),
                shorten(line)
            ));
            continue;
        };
        if key.is_empty() {
            err(format!(
                "line {line_no}: the {what} name before '=' is empty"
            ));
        } else if key.chars().any(char::is_whitespace) {
            err(format!(
                "line {line_no}: the {what} name {:?} contains a space",
                shorten(key)
            ));
        } else if let Some(first) = seen.insert(key.to_string(), line_no) {
            seen.insert(key.to_string(), first);
            err(format!(
                "line {line_no}: {:?} is already set on line {first}",
                shorten(key)
            ));
        } else {
            pairs.push((key.to_string(), value.to_string()));
        }
    }
    if errors.is_empty() {
        Ok(pairs)
    } else {
        Err(errors)
    }
}

/// A line as its message quotes it: trimmed, then short and escaped (see `echo`).
fn shorten(s: &str) -> String {
    echo(s.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_an_env_file() {
        let file = "\u{feff}# settings\nA=1\r\n\n  B=two words \nC=\nD=x=y\n";
        assert_eq!(
            parse_env(file).unwrap(),
            ["A=1", "B=two words ", "C=", "D=x=y"].map(String::from)
        );
    }

    #[test]
    fn reports_every_bad_line() {
        let errors = parse_env("A=1\nNOEQUALS\n=v\nMY KEY=1").unwrap_err();
        let lines: Vec<u32> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(
            errors[0].message.contains("NOEQUALS has no '='"),
            "{errors:?}"
        );
        assert!(errors[1].message.contains("empty"));
        assert!(errors[2].message.contains("space"));
    }

    #[test]
    fn a_name_set_twice_is_an_error() {
        let errors = parse_env("A=1\nB=2\nA=3").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3);
        assert!(
            errors[0].message.contains("already set on line 1"),
            "{errors:?}"
        );
    }

    proptest! {
        #[test]
        fn well_formed_lines_round_trip(
            // Unique names: a repeated one is an error (see `a_name_set_twice_is_an_error`).
            pairs in proptest::collection::btree_map("[A-Za-z_][A-Za-z0-9_]{0,8}", "[^\r\n]{0,12}", 0..8)
        ) {
            let text: String = pairs.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
            let expected: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            prop_assert_eq!(parse_env(&text).unwrap(), expected);
        }

        #[test]
        fn any_text_parses_or_names_its_lines(text in any::<String>()) {
            match parse_env(&text) {
                Ok(vars) => for v in vars {
                    prop_assert!(v.contains('='));
                    prop_assert!(!v.contains('\n'));
                },
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for e in errors { prop_assert!(e.line >= 1); }
                }
            }
        }
    }
}
