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
    /// Bytes of this line left out after [`LOG_LINE_MAX`] (0: the line is whole). The pane
    /// marks a cut line with this count; Download saves lines whole.
    #[ts(type = "number")]
    pub cut: u64,
}

/// Longest line kept whole, in bytes. Docker itself stores a longer line as 16 KiB partial
/// messages (the json-file and journald drivers split at 16 KiB), far wider than any screen;
/// a container printing one endless line (a progress bar without `\n`, a binary dump) must
/// not grow the backend, the IPC batch and the pane's ring with it.
pub const LOG_LINE_MAX: usize = 16 * 1024;

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

/// A line cut from a stream: its text (at most [`LOG_LINE_MAX`] bytes) and how many bytes
/// past that were left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLine {
    pub text: String,
    pub cut: u64,
}

/// Cuts chunks of one stream into lines. A partial last line is kept until its end arrives
/// (or [`Self::finish`] flushes it when the stream ends); past [`LOG_LINE_MAX`] bytes the rest
/// of the line is only counted, so memory stays bounded whatever the container prints.
#[derive(Debug, Default)]
pub struct LineSplitter {
    pending: Vec<u8>,
    /// Bytes of the current line dropped past the cap.
    cut: u64,
    /// The last dropped byte was `\r` (so a cut `\r\n` line does not count it).
    cut_cr: bool,
}

impl LineSplitter {
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<RawLine>) {
        let mut rest = chunk;
        while let Some(pos) = rest.iter().position(|&b| b == b'\n') {
            self.take(&rest[..pos]);
            self.emit(out);
            rest = &rest[pos + 1..];
        }
        self.take(rest);
    }

    pub fn finish(&mut self, out: &mut Vec<RawLine>) {
        if !self.pending.is_empty() || self.cut > 0 {
            self.emit(out);
        }
    }

    fn take(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let room = LOG_LINE_MAX.saturating_sub(self.pending.len());
        let keep = room.min(bytes.len());
        self.pending.extend_from_slice(&bytes[..keep]);
        if keep < bytes.len() {
            self.cut += (bytes.len() - keep) as u64;
            self.cut_cr = bytes.last() == Some(&b'\r');
        }
    }

    fn emit(&mut self, out: &mut Vec<RawLine>) {
        let mut cut = self.cut;
        if cut > 0 {
            if self.cut_cr {
                cut -= 1;
            }
            // The cap may fall inside a character: end at the last whole one.
            if let Err(e) = std::str::from_utf8(&self.pending) {
                if e.error_len().is_none() {
                    cut += (self.pending.len() - e.valid_up_to()) as u64;
                    self.pending.truncate(e.valid_up_to());
                }
            }
        } else if self.pending.last() == Some(&b'\r') {
            self.pending.pop();
        }
        out.push(RawLine {
            text: String::from_utf8_lossy(&self.pending).into_owned(),
            cut,
        });
        self.pending.clear();
        self.cut = 0;
        self.cut_cr = false;
    }
}

/// A line as the engine sent it: with `timestamps`, it starts with the time and a space.
pub fn make_line(stream: LogStream, raw: RawLine, timestamps: bool) -> LogLine {
    let RawLine { text: raw, cut } = raw;
    if timestamps {
        if let Some((ts, text)) = raw.split_once(' ') {
            if ts.len() >= 20 && ts.as_bytes().get(4) == Some(&b'-') {
                return LogLine {
                    stream,
                    timestamp: Some(ts.to_string()),
                    text: text.to_string(),
                    cut,
                };
            }
        }
    }
    LogLine {
        stream,
        timestamp: None,
        text: raw,
        cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(out: &[RawLine]) -> Vec<&str> {
        out.iter().map(|l| l.text.as_str()).collect()
    }

    fn raw(text: &str) -> RawLine {
        RawLine {
            text: text.into(),
            cut: 0,
        }
    }

    #[test]
    fn chunks_become_whole_lines() {
        let mut s = LineSplitter::default();
        let mut out = Vec::new();
        s.push(b"one\ntw", &mut out);
        assert_eq!(texts(&out), vec!["one"]);
        s.push(b"o\r\nthree\n\nfo", &mut out);
        assert_eq!(texts(&out), vec!["one", "two", "three", ""]);
        s.finish(&mut out);
        assert_eq!(out.last().map(|l| l.text.as_str()), Some("fo"));
        s.finish(&mut out);
        assert_eq!(out.len(), 5);
        assert!(out.iter().all(|l| l.cut == 0));
    }

    #[test]
    fn a_huge_line_is_cut_at_the_cap_and_says_how_much_went() {
        let mut s = LineSplitter::default();
        let mut out = Vec::new();
        // 5 MiB without a newline, in 16 KiB chunks as the engine sends it, then `\r\n`.
        let total = 5 * 1024 * 1024;
        let chunk = vec![b'x'; 16 * 1024];
        for _ in 0..total / chunk.len() {
            s.push(&chunk, &mut out);
            assert!(s.pending.len() <= LOG_LINE_MAX, "memory stays bounded");
        }
        s.push(b"\r\nnext\n", &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].text.len(), LOG_LINE_MAX);
        assert_eq!(out[0].cut, (total - LOG_LINE_MAX) as u64);
        assert_eq!(out[1], raw("next"));

        // A cap inside a multi-byte character ends at the last whole one.
        let mut out = Vec::new();
        let mut line = vec![b'a'; LOG_LINE_MAX - 1];
        line.extend_from_slice("é and more".as_bytes());
        s.push(&line, &mut out);
        s.finish(&mut out);
        assert_eq!(out[0].text.len(), LOG_LINE_MAX - 1);
        assert_eq!(out[0].cut, "é and more".len() as u64);
        let l = make_line(LogStream::Stdout, out.remove(0), false);
        assert_eq!(l.cut, "é and more".len() as u64);
    }

    #[test]
    fn timestamps_are_split_off() {
        let l = make_line(
            LogStream::Stderr,
            raw("2024-05-01T10:00:00.123456789Z hello world"),
            true,
        );
        assert_eq!(
            l.timestamp.as_deref(),
            Some("2024-05-01T10:00:00.123456789Z")
        );
        assert_eq!(l.text, "hello world");
        let l = make_line(LogStream::Stdout, raw("plain text"), true);
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

/// Turns the engine's chunks into the saved file's bytes as they arrive, holding no line:
/// stdout exactly as the engine sent it (the file is `docker logs`'s output, byte for byte),
/// and each stderr line marked `[stderr] ` (after its timestamp) so the streams stay told apart.
/// A line one stream left open ends where the other stream's output starts.
#[derive(Debug)]
pub struct SavedLog {
    timestamps: bool,
    stderr: SavedState,
    /// The stream whose last line has no `\n` yet.
    open: Option<LogStream>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SavedState {
    LineStart,
    Timestamp,
    Text,
}

impl SavedLog {
    pub fn new(timestamps: bool) -> Self {
        Self {
            timestamps,
            stderr: SavedState::LineStart,
            open: None,
        }
    }

    /// Appends what `chunk` becomes in the file to `out`.
    pub fn push(&mut self, stream: LogStream, chunk: &[u8], out: &mut Vec<u8>) {
        if chunk.is_empty() {
            return;
        }
        if self.open.is_some_and(|open| open != stream) {
            out.push(b'\n');
            self.stderr = SavedState::LineStart;
        }
        self.open = (chunk.last() != Some(&b'\n')).then_some(stream);
        if stream == LogStream::Stdout {
            out.extend_from_slice(chunk);
            return;
        }
        const MARK: &[u8] = b"[stderr] ";
        let mut rest = chunk;
        while !rest.is_empty() {
            match self.stderr {
                SavedState::LineStart if self.timestamps => self.stderr = SavedState::Timestamp,
                SavedState::LineStart => {
                    out.extend_from_slice(MARK);
                    self.stderr = SavedState::Text;
                }
                SavedState::Timestamp => match rest.iter().position(|&b| b == b' ' || b == b'\n') {
                    Some(p) => {
                        out.extend_from_slice(&rest[..=p]);
                        if rest[p] == b' ' {
                            out.extend_from_slice(MARK);
                            self.stderr = SavedState::Text;
                        } else {
                            self.stderr = SavedState::LineStart;
                        }
                        rest = &rest[p + 1..];
                    }
                    None => {
                        out.extend_from_slice(rest);
                        rest = &[];
                    }
                },
                SavedState::Text => match rest.iter().position(|&b| b == b'\n') {
                    Some(p) => {
                        out.extend_from_slice(&rest[..=p]);
                        self.stderr = SavedState::LineStart;
                        rest = &rest[p + 1..];
                    }
                    None => {
                        out.extend_from_slice(rest);
                        rest = &[];
                    }
                },
            }
        }
    }
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
    }

    #[test]
    fn saved_logs_keep_stdout_as_sent_and_mark_stderr_lines() {
        let mut out = Vec::new();
        let mut saved = SavedLog::new(false);
        saved.push(LogStream::Stdout, b"out1\npart", &mut out);
        saved.push(LogStream::Stderr, b"err1\nerr", &mut out);
        saved.push(LogStream::Stderr, b"2\n", &mut out);
        saved.push(LogStream::Stdout, b"ial\n", &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "out1\npart\n[stderr] err1\n[stderr] err2\nial\n"
        );

        let mut out = Vec::new();
        let mut saved = SavedLog::new(true);
        saved.push(LogStream::Stderr, b"2024-05-01T10:00:00Z bo", &mut out);
        saved.push(LogStream::Stderr, b"om\n2024-05-01T10:00:01", &mut out);
        saved.push(LogStream::Stderr, b"Z again\n", &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2024-05-01T10:00:00Z [stderr] boom\n2024-05-01T10:00:01Z [stderr] again\n"
        );
    }
}
