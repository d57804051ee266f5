//! Network failures in people's words.
//!
//! When the engine cannot reach a registry it forwards Go's error text, e.g. `Get
//! "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.1:53:
//! no such host`. The API gives no code for these, only that text, so it is read here, once,
//! into a typed [`NetworkProblem`] that says what a person can do about it. Text that matches
//! none of the known shapes stays as the engine wrote it (the caller keeps its message).

use std::fmt;

/// Why a host could not be talked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkProblem {
    /// The name does not resolve: no network, no DNS, or a typo in the host.
    NoSuchHost { host: String },
    /// The host answered, but nothing listens on that port.
    Refused { host: String },
    /// No answer in time: a slow or filtered network.
    TimedOut { host: String },
    /// This machine has no route there.
    NoRoute { host: String },
}

impl fmt::Display for NetworkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchHost { host } => write!(f, "Can't reach {host} (no network or DNS)"),
            Self::Refused { host } => {
                write!(f, "{host} refused the connection (nothing answers there)")
            }
            Self::TimedOut { host } => {
                write!(f, "{host} did not answer in time (slow or blocked network)")
            }
            Self::NoRoute { host } => write!(f, "Can't reach {host} (no network route)"),
        }
    }
}

/// Reads a Go network error as the engine forwards it; `None` when it is something else.
pub fn network_problem(message: &str) -> Option<NetworkProblem> {
    let host = host_in(message)?;
    let lower = message.to_ascii_lowercase();
    let has = |needle: &str| lower.contains(needle);
    // A failed `lookup` is a DNS failure, whatever came back from the DNS server (refused,
    // timed out): it must not read as the registry refusing.
    if has("no such host")
        || has("temporary failure in name resolution")
        || has("server misbehaving")
        || has("dial tcp: lookup ")
    {
        Some(NetworkProblem::NoSuchHost { host })
    } else if has("connection refused") {
        Some(NetworkProblem::Refused { host })
    } else if has("network is unreachable") || has("no route to host") {
        Some(NetworkProblem::NoRoute { host })
    } else if has("i/o timeout")
        || has("timeout awaiting response headers")
        || has("tls handshake timeout")
        || has("request canceled while waiting for connection")
        || has("context deadline exceeded")
    {
        Some(NetworkProblem::TimedOut { host })
    } else {
        None
    }
}

/// The host the error is about: the URL's (`Get "https://HOST/v2/"`), else the looked-up
/// name (`lookup HOST on ...`), else the dialled address (`dial tcp HOST:PORT:`).
fn host_in(message: &str) -> Option<String> {
    let from_url = message.split("://").nth(1).and_then(|rest| {
        let end = rest.find(['/', '"', ' ', ':']).unwrap_or(rest.len());
        let host = &rest[..end];
        // Keep a port: `localhost:5000` is a different registry from `localhost`.
        let port = rest[end..]
            .strip_prefix(':')
            .map(|p| p.split(|c: char| !c.is_ascii_digit()).next().unwrap_or(""))
            .filter(|p| !p.is_empty());
        (!host.is_empty()).then(|| match port {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        })
    });
    let after = |marker: &str| {
        message.split(marker).nth(1).and_then(|rest| {
            let word = rest.split([' ', ',']).next()?.trim_end_matches(':');
            (!word.is_empty()).then(|| word.to_string())
        })
    };
    from_url
        .or_else(|| after("lookup "))
        .or_else(|| after("dial tcp "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(message: &str) -> Option<String> {
        network_problem(message).map(|p| p.to_string())
    }

    #[test]
    fn an_unknown_host_is_no_network_or_dns() {
        assert_eq!(
            said("Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on 10.0.2.3:53: no such host").as_deref(),
            Some("Can't reach registry-1.docker.io (no network or DNS)")
        );
        assert_eq!(
            said("Get \"https://nosuchhost.invalid/v2/\": dial tcp: lookup nosuchhost.invalid: Temporary failure in name resolution").as_deref(),
            Some("Can't reach nosuchhost.invalid (no network or DNS)")
        );
        assert_eq!(
            said("Get \"https://nosuchhost.invalid/v2/\": dial tcp: lookup nosuchhost.invalid on 10.0.0.1:53: read udp 10.0.0.2:41000->10.0.0.1:53: read: connection refused").as_deref(),
            Some("Can't reach nosuchhost.invalid (no network or DNS)")
        );
        // Without the URL the looked-up name is the host.
        assert_eq!(
            said("dial tcp: lookup example.invalid on 127.0.0.53:53: server misbehaving")
                .as_deref(),
            Some("Can't reach example.invalid (no network or DNS)")
        );
    }

    #[test]
    fn refused_timed_out_and_unroutable_say_so_with_the_port() {
        assert_eq!(
            said("Get \"http://localhost:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused").as_deref(),
            Some("localhost:5999 refused the connection (nothing answers there)")
        );
        assert_eq!(
            said("Get \"https://10.9.9.9/v2/\": dial tcp 10.9.9.9:443: i/o timeout").as_deref(),
            Some("10.9.9.9 did not answer in time (slow or blocked network)")
        );
        assert_eq!(
            said("Get \"https://reg.example:5000/v2/\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)").as_deref(),
            Some("reg.example:5000 did not answer in time (slow or blocked network)")
        );
        assert_eq!(
            said("dial tcp 192.0.2.1:443: connect: network is unreachable").as_deref(),
            Some("Can't reach 192.0.2.1:443 (no network route)")
        );
    }

    #[test]
    fn other_errors_are_left_alone() {
        assert_eq!(
            said("manifest for busybox:nope not found: manifest unknown"),
            None
        );
        assert_eq!(said("unauthorized: authentication required"), None);
        assert_eq!(said(""), None);
    }
}
