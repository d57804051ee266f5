//! Docker Hub search, asked of the engine (`/images/search`): the engine does the network
//! request, so it works wherever the engine has a network, and says when it has not.

use bollard::query_parameters::SearchImagesOptions;

use super::{Engine, EngineError};
use crate::domain::registry::{HubImage, HubSearch};

impl Engine {
    /// Up to `limit` images matching `term`. An engine that answers but cannot reach Docker
    /// Hub (it reports that as a server error on this endpoint: the request itself was
    /// fine) gives [`HubSearch::NoNetwork`]; an engine that does not answer is an error.
    pub async fn search_hub(&self, term: &str, limit: u32) -> Result<HubSearch, EngineError> {
        let options = SearchImagesOptions {
            term: term.to_string(),
            limit: Some(i32::try_from(limit).unwrap_or(i32::MAX)),
            filters: None,
        };
        match self.docker.search_images(options).await {
            Ok(items) => Ok(HubSearch::Results {
                term: term.to_string(),
                images: items
                    .into_iter()
                    .map(|i| HubImage {
                        name: i.name.unwrap_or_default(),
                        description: i.description.unwrap_or_default(),
                        stars: i
                            .star_count
                            .and_then(|s| u32::try_from(s).ok())
                            .unwrap_or(0),
                        official: i.is_official.unwrap_or(false),
                    })
                    .filter(|i| !i.name.is_empty())
                    .collect(),
            }),
            Err(e) => match self.map_err(e) {
                EngineError::Server { message, .. } => Ok(HubSearch::no_network(term, message)),
                other => Err(other),
            },
        }
    }
}
