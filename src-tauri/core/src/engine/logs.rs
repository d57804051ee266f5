//! Container logs as a stream of (stream, bytes) chunks.

use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptions;
use futures_util::{Stream, StreamExt};

use super::{Engine, EngineError};
use crate::domain::logs::{LogRequest, LogStream};

impl Engine {
    /// The container's output as the engine sends it: chunks that may hold several lines or
    /// part of one. With `follow`, the stream stays open until the container stops or the
    /// caller drops it (which closes the request).
    pub fn logs(
        &self,
        id: &str,
        req: &LogRequest,
    ) -> impl Stream<Item = Result<(LogStream, bytes::Bytes), EngineError>> + Send + 'static {
        let options = LogsOptions {
            follow: req.follow,
            stdout: true,
            stderr: true,
            since: 0,
            until: 0,
            timestamps: req.timestamps,
            tail: req
                .tail
                .map_or_else(|| "all".to_string(), |n| n.to_string()),
        };
        let endpoint = self.endpoint.uri.clone();
        // A refused id is a stream of that one error: nothing is asked of the engine.
        if let Err(e) = super::path::object("container", id) {
            return futures_util::stream::iter([Err(e)]).left_stream();
        }
        let logs = self.docker.logs(id, Some(options)).filter_map(move |item| {
            let out = match item {
                Ok(LogOutput::StdErr { message }) => Some(Ok((LogStream::Stderr, message))),
                Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                    Some(Ok((LogStream::Stdout, message)))
                }
                Ok(LogOutput::StdIn { .. }) => None,
                Err(e) => Some(Err(EngineError::from_bollard(e, &endpoint))),
            };
            std::future::ready(out)
        });
        logs.right_stream()
    }
}
