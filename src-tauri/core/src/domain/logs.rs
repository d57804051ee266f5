//! Container logs as lines: which stream each came from, the engine's timestamp split off,
//! and chunks (which may hold several lines, or half of one) cut into whole lines.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cli_equiv::DockerCommand;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum LogStream {
    Stdout,
    Stderr,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LogLine {
    pub stream: LogStream,
    /// RFC 3339 with nanoseconds, when timestamps were asked for.
    pub timestamp: Option<String>,
    pub text: String,
}

/// What to read. `tail: None` means every line the engine kept.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct LogRequest {
    pub tail: Option<u32>,
    pub timestamps: bool,
    pub follow: bool,
}

impl LogRequest {
    /// `docker logs --tail 100 -t -f web-1`.
    pub fn cli(&self, container: &str) -> String {
        DockerCommand::Logs {
            container: container.into(),
            tail: self.tail,
            timestamps: self.timestamps,
            follow: self.follow,
        }
        .line()
    }
}

/// Cuts chunks of one stream into lines. A partial last line is kept until its end arrives
/// (or [`Self::finish`] flushes it when the stream ends).
#[derive(Debug, Default)]
pub struct LineSplitter {
    pending: Vec<u8>,
}

impl LineSplitter {
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<String>) {
        self.pending.extend_from_slice(chunk);
        let mut start = 0;
        while let Some(pos) = self.pending[start..].iter().position(|&b| b == b'\n') {
            let end = start + pos;
            let line = &self.pending[start..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            out.push(String::from_utf8_lossy(line).into_owned());
            start = end + 1;
        }
        self.pending.drain(..start);
    }

    pub fn finish(&mut self, out: &mut Vec<String>) {
        if !self.pending.is_empty() {
            out.push(String::from_utf8_lossy(&self.pending).into_owned());
            self.pending.clear();
        }
    }
}

/// A line as the engine sent it: with `timestamps`, it starts with the time and a space.
pub fn make_line(stream: LogStream, raw: String, timestamps: bool) -> LogLine {
    if timestamps {
        if let Some((ts, text)) = raw.split_once(' ') {
            if ts.len() >= 20 && ts.as_bytes().get(4) == Some(&b'-') {
                return LogLine {
                    stream,
                    timestamp: Some(ts.to_string()),
                    text: text.to_string(),
                };
            }
        }
    }
    LogLine {
        stream,
        timestamp: None,
        text: raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_become_whole_lines() {
        let mut s = LineSplitter::default();
        let mut out = Vec::new();
        s.push(b"one\ntw", &mut out);
        assert_eq!(out, vec!["one"]);
        s.push(b"o\r\nthree\n\nfo", &mut out);
        assert_eq!(out, vec!["one", "two", "three", ""]);
        s.finish(&mut out);
        assert_eq!(out.last().map(String::as_str), Some("fo"));
        s.finish(&mut out);
        assert_eq!(out.len(), 5);
    }

    #[test]
    fn timestamps_are_split_off() {
        let l = make_line(
            LogStream::Stderr,
            "2024-05-01T10:00:00.123456789Z hello world".into(),
            true,
        );
        assert_eq!(
            l.timestamp.as_deref(),
            Some("2024-05-01T10:00:00.123456789Z")
        );
        assert_eq!(l.text, "hello world");
        let l = make_line(LogStream::Stdout, "plain text".into(), true);
        assert_eq!(l.timestamp, None);
        assert_eq!(l.text, "plain text");
    }

    #[test]
    fn renders_docker_logs() {
        let r = LogRequest {
            tail: Some(100),
            timestamps: true,
            follow: true,
        };
        assert_eq!(r.cli("web-1"), "docker logs --tail 100 -t -f web-1");
    }
}

/// `web-1-20240501-100000.log`: the container's name (made safe for a file name) and the
/// UTC time of saving.
pub fn log_file_name(container: &str, unix_secs: u64) -> String {
    let safe: String = container
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    let (date, time) = utc_parts(unix_secs);
    format!(
        "{}-{date}-{time}.log",
        if safe.is_empty() { "container" } else { safe }
    )
}

/// `(YYYYMMDD, HHMMSS)` in UTC (civil-from-days, no time-zone database needed).
fn utc_parts(secs: u64) -> (String, String) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        format!("{y:04}{m:02}{d:02}"),
        format!("{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60),
    )
}

/// One saved line: `[timestamp ]text`, stderr lines marked so they stay told apart.
pub fn saved_line(line: &LogLine) -> String {
    let mut out = String::new();
    if let Some(ts) = &line.timestamp {
        out.push_str(ts);
        out.push(' ');
    }
    if line.stream == LogStream::Stderr {
        out.push_str("[stderr] ");
    }
    out.push_str(&line.text);
    out
}

#[cfg(test)]
mod file_tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_dated() {
        assert_eq!(
            log_file_name("web-1", 1_714_557_600),
            "web-1-20240501-100000.log"
        );
        assert_eq!(log_file_name("../x y", 0), "_x_y-19700101-000000.log");
        let l = LogLine {
            stream: LogStream::Stderr,
            timestamp: Some("2024-05-01T10:00:00Z".into()),
            text: "boom".into(),
        };
        assert_eq!(saved_line(&l), "2024-05-01T10:00:00Z [stderr] boom");
    }
}
