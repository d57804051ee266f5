//! Opening a published port (issue #16): the container's ports are read from the engine
//! again at the click, and the URL is made by [`crate::domain::port_link`] from them and the
//! connected engine's endpoint. Nothing the caller sends becomes part of the URL but the
//! port number, and only once the engine listed it for that container.

use crate::domain::port_link::{port_url, PortLinkError};
use crate::engine::{Engine, EngineError};

#[derive(Debug, thiserror::Error)]
pub enum OpenPortError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("{0}")]
    Link(#[from] PortLinkError),
}

/// The URL to open for `container`'s published host port `port` on this engine.
pub async fn url_of_port(
    engine: &Engine,
    container: &str,
    port: u16,
) -> Result<String, OpenPortError> {
    let details = engine.inspect_container(container).await?;
    Ok(port_url(&details.ports, port, &engine.endpoint().uri)?)
}
