//! Container stats as one-shot polls (`stream=false&one-shot=true`): the engine reads the
//! cgroup once and answers at once, instead of sampling every second for as long as a stream
//! stays open. The stats hub keeps the previous sample for the deltas.

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
        // bollard's typed body serialises back to the engine's field names; the domain parses
        // only what the maths needs, so v1 and v2 shapes go through the same code.
        let value = serde_json::to_value(&body).map_err(|e| EngineError::Protocol {
            endpoint: self.endpoint.uri.clone(),
            reason: format!("stats of {id}: {e}"),
        })?;
        serde_json::from_value(value).map_err(|e| EngineError::Protocol {
            endpoint: self.endpoint.uri.clone(),
            reason: format!("stats of {id}: {e}"),
        })
    }
}
