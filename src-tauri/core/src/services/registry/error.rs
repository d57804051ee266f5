//! What can go wrong browsing a registry, each case in people's words and with what to do.

use crate::domain::reference::ReferenceError;
use crate::engine::CredentialError;

/// A registry browse that failed. Classified from HTTP statuses and error types, never from
/// message text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The registry name, repository or reference is malformed (nothing was asked).
    #[error(transparent)]
    BadName(#[from] ReferenceError),
    #[error("Docker Hub does not list its repositories: search it by name instead")]
    HubHasNoCatalog,
    #[error("{registry} has no repository “{repository}”")]
    UnknownRepository {
        registry: String,
        repository: String,
    },
    #[error("{registry} does not list its repositories (its catalog is turned off, or not open to you); type an image's name instead")]
    NoCatalog { registry: String },
    #[error("{registry} needs a login: run `docker login {registry}` in a terminal, then try again (Berth uses the docker CLI's logins and never stores passwords)")]
    NeedsLogin { registry: String },
    #[error("{registry} refused the login of “{username}” saved by `docker login`: the user name or password is wrong; run `docker login {registry}` again")]
    WrongLogin { registry: String, username: String },
    #[error("{registry} does not let “{username}” see this")]
    Denied { registry: String, username: String },
    #[error("{registry} answers, but it is not a container registry ({why})")]
    NotARegistry { registry: String, why: String },
    #[error("{registry} does not answer: {why}")]
    Unreachable { registry: String, why: String },
    #[error("the secure (TLS) connection to {registry} failed: {why}. Berth always verifies certificates; a registry that serves plain HTTP on your network can be browsed with “Plain HTTP” ticked")]
    Tls { registry: String, why: String },
    #[error("Berth does not send a password to {registry} over plain HTTP, where anyone on the network could read it; use HTTPS")]
    PlainHttpLogin { registry: String },
    #[error("{registry} sent more than {max_bytes} bytes for one page; Berth stopped reading")]
    TooLarge { registry: String, max_bytes: usize },
    #[error("{registry} failed (HTTP {status})")]
    Server { registry: String, status: u16 },
    #[error(transparent)]
    Credentials(#[from] CredentialError),
}

impl RegistryError {
    /// What kind of problem this is, for the IPC error kinds.
    pub fn kind(&self) -> RegistryErrorKind {
        match self {
            Self::BadName(_) | Self::HubHasNoCatalog | Self::PlainHttpLogin { .. } => {
                RegistryErrorKind::InvalidInput
            }
            Self::UnknownRepository { .. } => RegistryErrorKind::NotFound,
            Self::NeedsLogin { .. } | Self::WrongLogin { .. } | Self::Denied { .. } => {
                RegistryErrorKind::Login
            }
            Self::NoCatalog { .. }
            | Self::NotARegistry { .. }
            | Self::Unreachable { .. }
            | Self::Tls { .. }
            | Self::TooLarge { .. }
            | Self::Server { .. }
            | Self::Credentials(_) => RegistryErrorKind::Registry,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryErrorKind {
    /// The user's text: fix the field.
    InvalidInput,
    NotFound,
    /// A login is missing or refused: `docker login` fixes it.
    Login,
    /// The registry itself: not there, not a registry, not trusted.
    Registry,
}
