//! Streaming a container's logs to one subscriber in batches. The task ends when the
//! subscriber cancels, when a batch cannot be delivered, or when the log stream ends.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;

use super::exports::{unix_secs, ExportError};
use super::sink::Sink;
use crate::domain::logs::{make_line, LineSplitter, LogLine, LogRequest, LogStream, RawLine};
use crate::engine::{Engine, EngineError};

/// How often lines are sent (one batch per tick, never one message per line).
pub const LOG_TICK: Duration = Duration::from_millis(80);

/// Most lines in one batch. A batch is one IPC message that the window parses and adds to its
/// pane in one go, on its main thread; reading a long log whole (`--tail all`) arrives much
/// faster than a tick, so without a bound one tick could carry a million lines.
pub const LOG_BATCH_MAX_LINES: usize = 5_000;

/// Most bytes of text in one batch (the same reason: 1 MiB of JSON parses in a few
/// milliseconds, so the window stays responsive). A full batch goes at once, not at the tick.
pub const LOG_BATCH_MAX_BYTES: usize = 1 << 20;

/// Why a log stream ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogsEnded {
    /// The engine closed it (no follow, or the container stopped).
    Finished,
    Cancelled,
    /// A batch could not be delivered.
    SubscriberGone,
}

#[derive(Default)]
struct Splitters {
    out: LineSplitter,
    err: LineSplitter,
}

impl Splitters {
    fn push(
        &mut self,
        stream: LogStream,
        chunk: &[u8],
        timestamps: bool,
        batch: &mut Vec<LogLine>,
    ) {
        let mut lines: Vec<RawLine> = Vec::new();
        match stream {
            LogStream::Stdout => self.out.push(chunk, &mut lines),
            LogStream::Stderr => self.err.push(chunk, &mut lines),
        }
        batch.extend(lines.into_iter().map(|l| make_line(stream, l, timestamps)));
    }

    fn finish(&mut self, timestamps: bool, batch: &mut Vec<LogLine>) {
        for (stream, splitter) in [
            (LogStream::Stdout, &mut self.out),
            (LogStream::Stderr, &mut self.err),
        ] {
            let mut lines: Vec<RawLine> = Vec::new();
            splitter.finish(&mut lines);
            batch.extend(lines.into_iter().map(|l| make_line(stream, l, timestamps)));
        }
    }
}

/// Lines waiting for the next send, with their size, so a batch never passes
/// [`LOG_BATCH_MAX_LINES`] or [`LOG_BATCH_MAX_BYTES`].
#[derive(Default)]
struct Batcher {
    lines: Vec<LogLine>,
    bytes: usize,
}

impl Batcher {
    /// Adds `lines`; each batch that fills up on the way is sent at once. `false`: the
    /// subscriber is gone.
    fn add(&mut self, lines: Vec<LogLine>, sink: &dyn Sink<Vec<LogLine>>) -> bool {
        for line in lines {
            let size = line.text.len() + line.timestamp.as_ref().map_or(0, String::len);
            if !self.lines.is_empty()
                && (self.lines.len() >= LOG_BATCH_MAX_LINES
                    || self.bytes + size > LOG_BATCH_MAX_BYTES)
                && !self.flush(sink)
            {
                return false;
            }
            self.bytes += size;
            self.lines.push(line);
        }
        true
    }

    fn flush(&mut self, sink: &dyn Sink<Vec<LogLine>>) -> bool {
        self.bytes = 0;
        self.lines.is_empty() || sink.send(std::mem::take(&mut self.lines))
    }
}

/// Streams the logs of `id` to `sink`, one batch per `tick` (sooner when a batch is full);
/// `false` from the sink (the subscriber is gone) ends the stream.
pub async fn stream_logs(
    engine: &Engine,
    id: &str,
    req: &LogRequest,
    sink: Arc<dyn Sink<Vec<LogLine>>>,
    cancel: CancellationToken,
    tick: Duration,
) -> Result<LogsEnded, EngineError> {
    let chunks = engine.logs(id, req);
    pump(chunks, req.timestamps, sink, cancel, tick)
        .await
        .map_err(|e| not_found_names(e, id))
}

/// [`stream_logs`] over any source of chunks (the engine's, or a test's).
async fn pump(
    chunks: impl Stream<Item = Result<(LogStream, bytes::Bytes), EngineError>>,
    timestamps: bool,
    sink: Arc<dyn Sink<Vec<LogLine>>>,
    cancel: CancellationToken,
    tick: Duration,
) -> Result<LogsEnded, EngineError> {
    futures_util::pin_mut!(chunks);
    let mut splitters = Splitters::default();
    let mut batch = Batcher::default();
    let mut lines: Vec<LogLine> = Vec::new();
    let mut ticker = tokio::time::interval(tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return Ok(LogsEnded::Cancelled),
            _ = ticker.tick() => {
                if !batch.flush(&*sink) {
                    return Ok(LogsEnded::SubscriberGone);
                }
            }
            item = chunks.next() => match item {
                Some(Ok((s, chunk))) => {
                    splitters.push(s, &chunk, timestamps, &mut lines);
                    if !batch.add(std::mem::take(&mut lines), &*sink) {
                        return Ok(LogsEnded::SubscriberGone);
                    }
                }
                Some(Err(e)) => return Err(e),
                None => {
                    splitters.finish(timestamps, &mut lines);
                    if !batch.add(lines, &*sink) || !batch.flush(&*sink) {
                        return Ok(LogsEnded::SubscriberGone);
                    }
                    return Ok(LogsEnded::Finished);
                }
            },
        }
    }
}

/// Every line `req` selects, at once (no follow).
pub async fn read_logs(
    engine: &Engine,
    id: &str,
    req: &LogRequest,
) -> Result<Vec<LogLine>, EngineError> {
    let req = LogRequest {
        follow: false,
        ..req.clone()
    };
    let stream = engine.logs(id, &req);
    futures_util::pin_mut!(stream);
    let mut splitters = Splitters::default();
    let mut lines = Vec::new();
    while let Some(item) = stream.next().await {
        let (s, chunk) = item.map_err(|e| not_found_names(e, id))?;
        splitters.push(s, &chunk, req.timestamps, &mut lines);
    }
    splitters.finish(req.timestamps, &mut lines);
    Ok(lines)
}

fn not_found_names(e: EngineError, id: &str) -> EngineError {
    match e {
        EngineError::NotFound { .. } => EngineError::NotFound {
            message: format!("the container {id} no longer exists"),
        },
        other => other,
    }
}

/// Why saving logs failed.
#[derive(Debug, thiserror::Error)]
pub enum SaveLogsError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Export(#[from] ExportError),
}

/// Bytes gathered before they go to the file, and how many such blocks may wait for the disk:
/// the whole save holds at most (1 + queue) x block, whatever the log's size (the engine is
/// read no faster than the disk takes it).
const SAVE_BLOCK: usize = 256 * 1024;
const SAVE_QUEUE: usize = 4;

enum SaveStep {
    Write(Vec<u8>),
    /// Everything was read: keep the file.
    Commit,
}

/// Writes every line `req` selects (no follow) to a new file in `dir`, named after the
/// container; returns its path. Streamed: what the engine sends goes to the file as it
/// arrives, stdout byte for byte as `docker logs` prints it, stderr lines marked
/// `[stderr]`. Written atomically: a temporary file beside it, renamed when complete, so a
/// failed or cancelled save leaves nothing behind.
pub async fn save_logs(
    engine: &Engine,
    id: &str,
    name: &str,
    req: &LogRequest,
    dir: &std::path::Path,
) -> Result<std::path::PathBuf, SaveLogsError> {
    use std::io::Write;

    use crate::domain::logs::{log_file_name, SavedLog};
    use crate::services::safe_file::AtomicFile;

    let req = LogRequest {
        follow: false,
        ..req.clone()
    };
    let path = dir.join(log_file_name(name, unix_secs()));
    let io = |e: std::io::Error| ExportError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    tokio::fs::create_dir_all(dir).await.map_err(io)?;

    let (tx, mut rx) = tokio::sync::mpsc::channel::<SaveStep>(SAVE_QUEUE);
    let target = path.clone();
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let mut file = AtomicFile::create(&target)?;
        while let Some(step) = rx.blocking_recv() {
            match step {
                SaveStep::Write(block) => file.write_all(&block)?,
                SaveStep::Commit => return file.commit(),
            }
        }
        // The reading side gave up: dropping the file removes it.
        Err(std::io::Error::other("the save was interrupted"))
    });

    let read = async {
        let chunks = engine.logs(id, &req);
        futures_util::pin_mut!(chunks);
        let mut saved = SavedLog::new(req.timestamps);
        let mut block = Vec::with_capacity(SAVE_BLOCK);
        while let Some(item) = chunks.next().await {
            let (s, chunk) = item.map_err(|e| not_found_names(e, id))?;
            saved.push(s, &chunk, &mut block);
            if block.len() >= SAVE_BLOCK {
                let full = std::mem::replace(&mut block, Vec::with_capacity(SAVE_BLOCK));
                if tx.send(SaveStep::Write(full)).await.is_err() {
                    return Ok(false); // The writer failed: it says why.
                }
            }
        }
        let sent = tx.send(SaveStep::Write(block)).await.is_ok()
            && tx.send(SaveStep::Commit).await.is_ok();
        Ok::<bool, EngineError>(sent)
    };
    let read = read.await;
    drop(tx);
    let written = writer
        .await
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    read?;
    written.map_err(io)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::Mutex;

    use super::*;

    struct Keep(Mutex<Vec<Vec<LogLine>>>);
    impl Sink<Vec<LogLine>> for Keep {
        fn send(&self, batch: Vec<LogLine>) -> bool {
            self.0.lock().unwrap().push(batch);
            true
        }
    }

    type Chunk = Result<(LogStream, bytes::Bytes), EngineError>;

    async fn pumped(chunks: Vec<Chunk>) -> Vec<Vec<LogLine>> {
        let sink = Arc::new(Keep(Mutex::new(Vec::new())));
        let ended = pump(
            futures_util::stream::iter(chunks),
            false,
            sink.clone(),
            CancellationToken::new(),
            Duration::from_secs(3600),
        )
        .await
        .unwrap();
        assert_eq!(ended, LogsEnded::Finished);
        let batches = sink.0.lock().unwrap().clone();
        batches
    }

    #[tokio::test]
    async fn batches_are_bounded_by_lines_and_bytes_and_nothing_is_lost() {
        // 100,000 short lines at once (a whole log read faster than a tick).
        let text: String = (0..100_000).map(|i| format!("{i}\n")).collect();
        let batches = pumped(vec![Ok((LogStream::Stdout, text.into()))]).await;
        assert!(batches.len() >= 20, "{} batches", batches.len());
        assert!(batches.iter().all(|b| b.len() <= LOG_BATCH_MAX_LINES));
        let all: Vec<LogLine> = batches.concat();
        assert_eq!(all.len(), 100_000);
        assert_eq!(all[99_999].text, "99999");

        // 400 lines of 15 KiB: under the line cap, over the bytes of a batch.
        let line = format!("{}\n", "y".repeat(15 * 1024));
        let chunks = (0..400)
            .map(|_| Ok((LogStream::Stderr, line.clone().into())))
            .collect();
        let batches = pumped(chunks).await;
        for b in &batches {
            let bytes: usize = b.iter().map(|l| l.text.len()).sum();
            assert!(bytes <= LOG_BATCH_MAX_BYTES, "{bytes} bytes in one batch");
        }
        assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 400);
    }
}
