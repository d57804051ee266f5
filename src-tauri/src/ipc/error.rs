use berth_core::engine::EngineError;
use berth_core::services::exports::ExportError;
use berth_core::services::logs::SaveLogsError;
use berth_core::services::streams::StreamAborted;
use serde::Serialize;
use ts_rs::TS;

/// What the UI branches on. Kept small: a kind exists only where the UI acts differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IpcErrorKind {
    /// The engine cannot be used right now; the UI shows the engine screen.
    Unavailable,
    NotFound,
    /// The object is in a state that forbids the action (offer "force?").
    Conflict,
    InvalidInput,
    Internal,
    /// A registry wants a login, or refused the one `docker login` saved (show the command).
    Login,
    /// A registry's own problem (does not answer, not a registry, untrusted certificate):
    /// never the engine screen.
    Registry,
}

/// Every command's error, serialized as `{ kind, message }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct IpcError {
    pub kind: IpcErrorKind,
    pub message: String,
}

impl From<EngineError> for IpcError {
    fn from(e: EngineError) -> Self {
        let kind = match &e {
            EngineError::Unreachable { .. }
            | EngineError::PermissionDenied { .. }
            | EngineError::BadEndpoint { .. }
            | EngineError::Protocol { .. }
            | EngineError::Remote { .. } => IpcErrorKind::Unavailable,
            EngineError::NotFound { .. } => IpcErrorKind::NotFound,
            EngineError::Conflict { .. } => IpcErrorKind::Conflict,
            EngineError::BadRequest { .. } | EngineError::InvalidArgument { .. } => {
                IpcErrorKind::InvalidInput
            }
            EngineError::Server { .. } | EngineError::Stream { .. } => IpcErrorKind::Internal,
        };
        Self {
            kind,
            message: e.to_string(),
        }
    }
}

/// Writing an export failed: the message names the file or the missing folder.
impl From<ExportError> for IpcError {
    fn from(e: ExportError) -> Self {
        Self {
            kind: IpcErrorKind::Internal,
            message: e.to_string(),
        }
    }
}

impl From<SaveLogsError> for IpcError {
    fn from(e: SaveLogsError) -> Self {
        match e {
            SaveLogsError::Engine(e) => e.into(),
            SaveLogsError::Export(e) => e.into(),
        }
    }
}

/// A stream's task died before giving its result (a panic: a bug, not the engine).
impl From<StreamAborted> for IpcError {
    fn from(e: StreamAborted) -> Self {
        Self {
            kind: IpcErrorKind::Internal,
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let e = IpcError::from(EngineError::Conflict {
            message: "name in use".into(),
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "conflict", "message": "conflict: name in use"})
        );
    }

    #[test]
    fn connection_errors_are_unavailable() {
        let e = IpcError::from(EngineError::PermissionDenied {
            endpoint: "unix:///var/run/docker.sock".into(),
        });
        assert_eq!(e.kind, IpcErrorKind::Unavailable);
        assert!(e.message.contains("/var/run/docker.sock"));
    }
}
