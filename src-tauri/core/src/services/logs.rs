//! Streaming a container's logs to one subscriber in batches. The task ends when the
//! subscriber cancels, when a batch cannot be delivered, or when the log stream ends.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::exports::{unix_secs, write_export, ExportError};
use super::sink::Sink;
use crate::domain::logs::{make_line, LineSplitter, LogLine, LogRequest, LogStream};
use crate::engine::{Engine, EngineError};

/// How often lines are sent (one batch per tick, never one message per line).
pub const LOG_TICK: Duration = Duration::from_millis(80);

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
        let mut lines = Vec::new();
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
            let mut lines = Vec::new();
            splitter.finish(&mut lines);
            batch.extend(lines.into_iter().map(|l| make_line(stream, l, timestamps)));
        }
    }
}

/// Streams the logs of `id` to `sink`, one batch per `tick`; `false` from the sink (the
/// subscriber is gone) ends the stream.
pub async fn stream_logs(
    engine: &Engine,
    id: &str,
    req: &LogRequest,
    sink: Arc<dyn Sink<Vec<LogLine>>>,
    cancel: CancellationToken,
    tick: Duration,
) -> Result<LogsEnded, EngineError> {
    let stream = engine.logs(id, req);
    futures_util::pin_mut!(stream);
    let mut splitters = Splitters::default();
    let mut batch: Vec<LogLine> = Vec::new();
    let mut ticker = tokio::time::interval(tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return Ok(LogsEnded::Cancelled),
            _ = ticker.tick() => {
                if !batch.is_empty() && !sink.send(std::mem::take(&mut batch)) {
                    return Ok(LogsEnded::SubscriberGone);
                }
            }
            item = stream.next() => match item {
                Some(Ok((s, chunk))) => splitters.push(s, &chunk, req.timestamps, &mut batch),
                Some(Err(e)) => return Err(not_found_names(e, id)),
                None => {
                    splitters.finish(req.timestamps, &mut batch);
                    if !batch.is_empty() && !sink.send(batch) {
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

/// Writes every line `req` selects (no follow) to a new file in `dir`, named after the
/// container; returns its path. Stderr lines are marked `[stderr]`.
pub async fn save_logs(
    engine: &Engine,
    id: &str,
    name: &str,
    req: &LogRequest,
    dir: &std::path::Path,
) -> Result<std::path::PathBuf, SaveLogsError> {
    use crate::domain::logs::{log_file_name, saved_line};
    let lines = read_logs(engine, id, req).await?;
    let mut text = String::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
    for line in &lines {
        text.push_str(&saved_line(line));
        text.push('\n');
    }
    Ok(write_export(dir, &log_file_name(name, unix_secs()), text).await?)
}
