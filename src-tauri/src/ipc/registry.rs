//! "Run an image…" commands: check a typed reference, browse a registry's repositories and
//! tags, search Docker Hub through the engine. Registry logins are the docker CLI's, read
//! where the engine's pulls read them; Berth stores none.

use std::sync::Arc;

use berth_core::domain::reference::ReferenceCheck;
use berth_core::domain::registry::{HubSearch, RepositoryPage, TagList};
use berth_core::services::registry::{self, RegistryClient, RegistryError, RegistryErrorKind};
use berth_core::services::EngineHub;
use tauri::State;

use super::error::{IpcError, IpcErrorKind};

impl From<RegistryError> for IpcError {
    fn from(e: RegistryError) -> Self {
        let kind = match e.kind() {
            RegistryErrorKind::InvalidInput => IpcErrorKind::InvalidInput,
            RegistryErrorKind::NotFound => IpcErrorKind::NotFound,
            RegistryErrorKind::Login => IpcErrorKind::Login,
            // The registry's problem, not the engine's: never the engine-down screen.
            RegistryErrorKind::Registry => IpcErrorKind::Registry,
        };
        Self {
            kind,
            message: e.to_string(),
        }
    }
}

/// A client with the logins of the engine's docker CLI configuration.
fn client(hub: &EngineHub) -> Result<RegistryClient, IpcError> {
    let engine = hub.engine()?;
    Ok(RegistryClient::new(engine.endpoint().credentials())?)
}

/// What the dialog shows for typed text: valid or why not, the full name, the registry,
/// whether the engine has it and, if not, whether the registry does. A malformed reference
/// is answered without asking the engine or any registry.
#[tauri::command]
pub async fn check_reference(
    hub: State<'_, Arc<EngineHub>>,
    reference: String,
) -> Result<ReferenceCheck, IpcError> {
    let engine = hub.engine()?;
    let client = RegistryClient::new(engine.endpoint().credentials())?;
    Ok(registry::check_reference(&engine, &client, &reference).await?)
}

/// One page of `registry`'s repositories, after `after` (the previous page's `next`).
#[tauri::command]
pub async fn list_repositories(
    hub: State<'_, Arc<EngineHub>>,
    registry: String,
    plain_http: bool,
    after: Option<String>,
) -> Result<RepositoryPage, IpcError> {
    let client = client(&hub)?;
    Ok(registry::list_repositories(&client, &registry, plain_http, after.as_deref(), None).await?)
}

/// The tags of `repository` in `registry`, `latest` first.
#[tauri::command]
pub async fn list_tags(
    hub: State<'_, Arc<EngineHub>>,
    registry: String,
    plain_http: bool,
    repository: String,
) -> Result<TagList, IpcError> {
    let client = client(&hub)?;
    Ok(registry::list_tags(&client, &registry, plain_http, &repository).await?)
}

/// Docker Hub images matching `term`, or the "no network" state.
#[tauri::command]
pub async fn search_hub(
    hub: State<'_, Arc<EngineHub>>,
    term: String,
) -> Result<HubSearch, IpcError> {
    Ok(registry::search_hub(&hub.engine()?, &term).await?)
}

#[cfg(test)]
mod tests {
    use berth_core::domain::reference::ReferenceError;

    use super::*;

    #[test]
    fn registry_problems_keep_their_own_kinds_and_never_read_as_engine_down() {
        let kind = |e: RegistryError| IpcError::from(e).kind;
        assert_eq!(
            kind(RegistryError::BadName(ReferenceError::EmptyRegistry)),
            IpcErrorKind::InvalidInput
        );
        assert_eq!(
            kind(RegistryError::NeedsLogin {
                registry: "r".into()
            }),
            IpcErrorKind::Login
        );
        assert_eq!(
            kind(RegistryError::WrongLogin {
                registry: "r".into(),
                username: "u".into()
            }),
            IpcErrorKind::Login
        );
        let unreachable = IpcError::from(RegistryError::Unreachable {
            registry: "r:5000".into(),
            why: "nothing is listening there (connection refused)".into(),
        });
        assert_eq!(unreachable.kind, IpcErrorKind::Registry);
        assert_eq!(
            serde_json::to_value(&unreachable).unwrap_or_default()["kind"],
            "registry"
        );
        assert_eq!(
            kind(RegistryError::UnknownRepository {
                registry: "r".into(),
                repository: "a".into()
            }),
            IpcErrorKind::NotFound
        );
    }
}
