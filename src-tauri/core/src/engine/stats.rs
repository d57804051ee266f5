//! Container stats, two ways. One-shot polls (`stream=false&one-shot=true`): the engine reads
//! the cgroup once and answers, for the list's rows at their slow rate. Streams
//! (`stream=true`): the engine sends a body each second from its stats collector, with the
//! previous sample as `precpu_stats`, for what is charted at 1 s where that is cheaper than a
//! poll a second (Docker 20.10, measured: a poll cost the engine 1.25x a streamed sample; see
//! `services/stats/streams.rs`). The stats hub decides which, and keeps the previous sample for
//! the deltas either way.

use bollard::models::ContainerStatsResponse;
use bollard::query_parameters::StatsOptions;
use futures_util::StreamExt;

use super::{Engine, EngineError};
use crate::domain::stats::RawStats;

impl Engine {
    /// One stats body of `id`, read now. A container that is not running answers with zeros
    /// (no system CPU time), which the hub reads as "not running".
    pub async fn stats_once(&self, id: &str) -> Result<RawStats, EngineError> {
        let id = super::path::object("container", id)?;
        let options = StatsOptions {
            stream: false,
            one_shot: true,
        };
        let stream = self.docker.stats(id, Some(options));
        futures_util::pin_mut!(stream);
        let body = match stream.next().await {
            Some(Ok(body)) => body,
            Some(Err(e)) => return Err(self.map_err(e)),
            None => {
                return Err(EngineError::NotFound {
                    message: format!("no stats for the container {id}"),
                })
            }
        };
        self.raw_stats(id, &body)
    }

    /// Streams `id`'s stats: calls `each` with every body the engine sends (about one a
    /// second) until the engine ends the stream (`Ok`), it fails, or `each` returns `false`
    /// (`Ok`). Dropping the future closes the connection: that is how the hub stops a stream.
    pub async fn stats_stream(
        &self,
        id: &str,
        mut each: impl FnMut(RawStats) -> bool,
    ) -> Result<(), EngineError> {
        let id = super::path::object("container", id)?;
        let options = StatsOptions {
            stream: true,
            one_shot: false,
        };
        let stream = self.docker.stats(id, Some(options));
        futures_util::pin_mut!(stream);
        while let Some(body) = stream.next().await {
            let body = body.map_err(|e| self.map_err(e))?;
            if !each(self.raw_stats(id, &body)?) {
                break;
            }
        }
        Ok(())
    }

    /// bollard's typed body serialises back to the engine's field names; the domain parses
    /// only what the maths needs, so v1 and v2 shapes go through the same code.
    fn raw_stats(&self, id: &str, body: &ContainerStatsResponse) -> Result<RawStats, EngineError> {
        let protocol = |e: serde_json::Error| EngineError::Protocol {
            endpoint: self.endpoint.uri.clone(),
            reason: format!("stats of {id}: {e}"),
        };
        let value = serde_json::to_value(body).map_err(protocol)?;
        serde_json::from_value(value).map_err(protocol)
    }
}
