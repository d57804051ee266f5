use std::error::Error as StdError;
use std::io;

use crate::domain::{EngineProblem, EngineProblemKind};

/// Everything that can go wrong talking to the engine, classified by what the user can do
/// about it. Classification uses error types and HTTP status codes, never message text.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot reach the Docker engine at {endpoint}: {reason}")]
    Unreachable { endpoint: String, reason: String },
    #[error("permission denied on the Docker engine socket {endpoint}")]
    PermissionDenied { endpoint: String },
    #[error("the engine address {endpoint} is not usable: {reason}")]
    BadEndpoint { endpoint: String, reason: String },
    #[error("something answered at {endpoint}, but not like a Docker engine: {reason}")]
    Protocol { endpoint: String, reason: String },
    #[error("not found: {message}")]
    NotFound { message: String },
    #[error("conflict: {message}")]
    Conflict { message: String },
    #[error("rejected by the engine: {message}")]
    BadRequest { message: String },
    #[error("the engine failed (HTTP {status}): {message}")]
    Server { status: u16, message: String },
    /// A TLS or SSH connection could not be set up (untrusted certificate, SSH login refused).
    #[error("cannot connect to the engine at {endpoint}: {failure}")]
    Remote {
        endpoint: String,
        failure: super::RemoteFailure,
    },
    /// Caller text that would not be a single path segment of an engine URL (`../x`,
    /// `a?force=1`, control characters): refused before any request is made.
    #[error("{value} is not a valid {what}")]
    InvalidArgument { what: &'static str, value: String },
    /// An error the engine reported in the middle of a stream (a pull that failed).
    #[error("{message}")]
    Stream { message: String },
}

impl EngineError {
    /// Maps a bollard error, given the endpoint it was talking to (bollard does not say).
    pub fn from_bollard(err: bollard::errors::Error, endpoint: &str) -> Self {
        use bollard::errors::Error as B;
        let endpoint = endpoint.to_string();
        match err {
            B::DockerResponseServerError {
                status_code,
                message,
            } => match status_code {
                404 => Self::NotFound { message },
                409 => Self::Conflict { message },
                400 => Self::BadRequest { message },
                status => Self::Server { status, message },
            },
            B::DockerStreamError { error } => Self::Stream { message: error },
            B::SocketNotFoundError(path) => Self::Unreachable {
                endpoint,
                reason: format!("the socket {path} does not exist"),
            },
            B::RequestTimeoutError => Self::Unreachable {
                endpoint,
                reason: "the request timed out".into(),
            },
            B::JsonDataError { message, .. } => Self::Protocol {
                endpoint,
                reason: message,
            },
            B::APIVersionParseError {} => Self::Protocol {
                endpoint,
                reason: "it did not report an API version".into(),
            },
            B::UnsupportedURISchemeError { uri } => Self::BadEndpoint {
                endpoint,
                reason: format!("unsupported scheme in {uri}"),
            },
            B::URLParseError { .. }
            | B::InvalidURIError { .. }
            | B::InvalidURIPartsError { .. } => Self::BadEndpoint {
                endpoint,
                reason: err.to_string(),
            },
            // `IOError` is `#[error(transparent)]`: its source() skips the io::Error itself.
            B::IOError { err } => classify_io(&err, endpoint),
            other => classify_transport(&other, endpoint),
        }
    }

    /// The problem to show when connecting to `endpoint` failed with this error. Errors that
    /// are not about the connection itself (an engine answering 500 to `/version`) read as
    /// protocol problems: the thing at the endpoint is not usable as an engine.
    pub fn into_connection_problem(self, endpoint: &str) -> EngineProblem {
        match self.problem() {
            Some(problem) => problem,
            None => Self::Protocol {
                endpoint: endpoint.to_string(),
                reason: self.to_string(),
            }
            .problem()
            .unwrap_or_else(|| unreachable_state(endpoint)),
        }
    }

    /// The engine-level problem this error means, if it means the engine cannot be used at
    /// all (as opposed to one request failing).
    pub fn problem(&self) -> Option<EngineProblem> {
        let (kind, endpoint, hint) = match self {
            Self::Unreachable { endpoint, .. } => (
                EngineProblemKind::Unreachable,
                endpoint,
                "Start the Docker daemon (for example `sudo systemctl start docker`), or choose a \
                 running engine: the endpoint in Settings, another one in Engines, or DOCKER_HOST. \
                 Berth reconnects by itself as soon as it answers.",
            ),
            Self::PermissionDenied { endpoint } => (
                EngineProblemKind::PermissionDenied,
                endpoint,
                "Your user may not open the Docker socket. Add it to the docker group \
                 (`sudo usermod -aG docker $USER`), then log out and back in. Membership is \
                 root-equivalent: grant it only on machines you trust.",
            ),
            Self::BadEndpoint { endpoint, .. } => (
                EngineProblemKind::BadEndpoint,
                endpoint,
                "Fix DOCKER_HOST or the current docker context (`docker context ls`, \
                 `docker context use default`).",
            ),
            Self::Protocol { endpoint, .. } => (
                EngineProblemKind::Protocol,
                endpoint,
                "Check that the address is a Docker (or Podman) API endpoint.",
            ),
            // Nothing answering is "unreachable" (Berth keeps retrying); a refused
            // certificate or login needs the user to fix the engine's settings.
            Self::Remote {
                endpoint,
                failure: super::RemoteFailure::SshUnreachable { .. },
            } => (
                EngineProblemKind::Unreachable,
                endpoint,
                "Check that the host is up and its SSH server reachable. Berth reconnects by \
                 itself as soon as it answers.",
            ),
            Self::Remote { endpoint, .. } => (
                EngineProblemKind::BadEndpoint,
                endpoint,
                "Check the engine's TLS files (ca.pem, cert.pem, key.pem) or your SSH access in \
                 the engine's settings. Berth always verifies TLS and never prompts for SSH \
                 passwords.",
            ),
            _ => return None,
        };
        Some(EngineProblem {
            kind,
            endpoint: endpoint.clone(),
            message: capitalise(&self.to_string()),
            hint: hint.to_string(),
        })
    }
}

/// Transport failures arrive wrapped several layers deep (hyper-util's client error around
/// the connector's `io::Error`); the innermost `io::Error` says what really happened.
fn classify_transport(err: &(dyn StdError + 'static), endpoint: String) -> EngineError {
    let mut cause: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cause {
        if let Some(io_err) = e.downcast_ref::<io::Error>() {
            return classify_io(io_err, endpoint);
        }
        cause = e.source();
    }
    EngineError::Unreachable {
        endpoint,
        reason: err.to_string(),
    }
}

fn classify_io(err: &io::Error, endpoint: String) -> EngineError {
    if let Some(failure) = super::remote::remote_failure(err) {
        return EngineError::Remote {
            endpoint,
            failure: failure.clone(),
        };
    }
    let reason = match err.kind() {
        io::ErrorKind::PermissionDenied => return EngineError::PermissionDenied { endpoint },
        io::ErrorKind::NotFound => "the socket does not exist".to_string(),
        io::ErrorKind::ConnectionRefused => "nothing is listening (connection refused)".to_string(),
        _ => err.to_string(),
    };
    EngineError::Unreachable { endpoint, reason }
}

/// Only reachable if `problem()` stopped covering `Protocol`; kept total instead of panicking.
fn unreachable_state(endpoint: &str) -> EngineProblem {
    EngineProblem {
        kind: EngineProblemKind::Protocol,
        endpoint: endpoint.to_string(),
        message: "The engine is not usable.".into(),
        hint: String::new(),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::errors::Error as B;

    const EP: &str = "unix:///var/run/docker.sock";

    #[test]
    fn io_permission_denied_maps_to_its_own_problem() {
        let err = B::IOError {
            err: io::Error::from(io::ErrorKind::PermissionDenied),
        };
        let mapped = EngineError::from_bollard(err, EP);
        assert!(matches!(mapped, EngineError::PermissionDenied { .. }));
        let problem = mapped.problem().unwrap();
        assert_eq!(problem.kind, EngineProblemKind::PermissionDenied);
        assert_eq!(problem.endpoint, EP);
        assert!(problem.hint.contains("docker group"));
    }

    #[test]
    fn wrapped_io_errors_are_found_through_the_source_chain() {
        #[derive(Debug, thiserror::Error)]
        #[error("client error (Connect)")]
        struct Wrapper(#[source] io::Error);
        let inner = io::Error::from(io::ErrorKind::PermissionDenied);
        let mapped = classify_transport(&Wrapper(inner), EP.into());
        assert!(matches!(mapped, EngineError::PermissionDenied { .. }));
        let refused = classify_transport(
            &Wrapper(io::Error::from(io::ErrorKind::ConnectionRefused)),
            EP.into(),
        );
        assert!(matches!(refused, EngineError::Unreachable { .. }));
    }

    #[test]
    fn missing_socket_and_timeouts_are_unreachable() {
        let e = EngineError::from_bollard(B::SocketNotFoundError("/nope.sock".into()), EP);
        assert_eq!(e.problem().unwrap().kind, EngineProblemKind::Unreachable);
        assert!(e.to_string().contains("/nope.sock"));
        let e = EngineError::from_bollard(B::RequestTimeoutError, EP);
        assert_eq!(e.problem().unwrap().kind, EngineProblemKind::Unreachable);
    }

    #[test]
    fn http_status_codes_map_to_kinds_without_a_problem() {
        let server = |status_code| B::DockerResponseServerError {
            status_code,
            message: "m".into(),
        };
        assert!(matches!(
            EngineError::from_bollard(server(404), EP),
            EngineError::NotFound { .. }
        ));
        assert!(matches!(
            EngineError::from_bollard(server(409), EP),
            EngineError::Conflict { .. }
        ));
        assert!(matches!(
            EngineError::from_bollard(server(400), EP),
            EngineError::BadRequest { .. }
        ));
        let e = EngineError::from_bollard(server(500), EP);
        assert!(matches!(e, EngineError::Server { status: 500, .. }));
        assert!(e.problem().is_none());
        let p = e.into_connection_problem(EP);
        assert_eq!(p.kind, EngineProblemKind::Protocol);
        assert!(p.message.contains("HTTP 500"), "{}", p.message);
    }

    #[test]
    fn remote_failures_travel_through_io_errors_and_become_problems() {
        #[derive(Debug, thiserror::Error)]
        #[error("client error (SendRequest)")]
        struct Wrapper(#[source] io::Error);
        let ep = "tcp://10.0.0.1:2376";
        let io_err = super::super::RemoteFailure::TlsClientCertMissing.into_io();
        let mapped = classify_transport(&Wrapper(io_err), ep.into());
        assert!(matches!(
            mapped,
            EngineError::Remote {
                failure: super::super::RemoteFailure::TlsClientCertMissing,
                ..
            }
        ));
        let p = mapped.problem().unwrap();
        assert_eq!(p.kind, EngineProblemKind::BadEndpoint);
        assert!(
            p.message.contains("requires a client certificate"),
            "{}",
            p.message
        );
        assert!(p.message.contains(ep));
        let unreachable = EngineError::Remote {
            endpoint: ep.into(),
            failure: super::super::RemoteFailure::SshUnreachable {
                destination: "me@h".into(),
                detail: "Connection refused".into(),
            },
        };
        assert_eq!(
            unreachable.problem().unwrap().kind,
            EngineProblemKind::Unreachable
        );
    }

    #[test]
    fn garbage_answers_are_protocol_problems() {
        let e = EngineError::from_bollard(B::APIVersionParseError {}, EP);
        assert_eq!(e.problem().unwrap().kind, EngineProblemKind::Protocol);
        assert!(e
            .problem()
            .unwrap()
            .message
            .starts_with("Something answered"));
    }
}
