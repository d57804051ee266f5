//! Where a published port is reached from this desktop, and the one URL Berth opens for it
//! (issue #16). The rule is the backend's alone: the webview only names a container and a
//! port, and the URL is built here from the engine's own listing and endpoint.
//!
//! - A local engine (`unix://`, or `tcp://` to a loopback address): a port bound to every
//!   address (`0.0.0.0`, `::`, none given) or to a loopback address is opened on loopback.
//! - A remote engine (`tcp://HOST:…`, `ssh://user@HOST`): a port bound to every address, or to
//!   HOST itself, is opened on HOST. Its loopback is the remote machine's, not reachable here.
//! - Anything else (another interface's address, a UDP port, an engine whose host is not a
//!   plain name or address) is refused, in words.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::PortMapping;

/// The host part of a remote engine's endpoint, if it is one Berth may open a browser on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineHost {
    /// The engine runs on this machine.
    Local,
    /// A name or address of the engine's machine.
    Remote(String),
}

/// Why a port has no link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortLinkError {
    #[error("port {port} is not published to the host")]
    NotPublished { port: u16 },
    #[error("port {port} is {protocol}: only TCP ports open in a browser")]
    NotTcp { port: u16, protocol: String },
    #[error(
        "port {port} listens only on {bound}, which is not this computer's loopback \
         nor the engine's host: Berth does not open it"
    )]
    OtherAddress { port: u16, bound: String },
    #[error(
        "port {port} listens only on the engine host's own loopback ({bound}): \
         it cannot be reached from this computer"
    )]
    RemoteLoopback { port: u16, bound: String },
    #[error("the engine's address ({0}) names no host Berth opens links on")]
    UnknownEngineHost(String),
}

/// Longest host name accepted from an endpoint (DNS's own limit).
const MAX_HOST: usize = 253;

/// The engine's host as its endpoint names it. A `tcp://` endpoint on a loopback address or
/// `localhost` is local. The host must parse as an address or be a plain DNS name: it goes
/// into a URL given to the desktop's opener.
pub fn engine_host(endpoint: &str) -> Result<EngineHost, PortLinkError> {
    let unknown = || PortLinkError::UnknownEngineHost(super::echo::echo(endpoint));
    if endpoint.starts_with("unix://") {
        return Ok(EngineHost::Local);
    }
    if !(endpoint.starts_with("tcp://") || endpoint.starts_with("ssh://")) {
        return Err(unknown());
    }
    let parsed = url::Url::parse(endpoint).map_err(|_| unknown())?;
    let host = match parsed.host().ok_or_else(unknown)? {
        url::Host::Ipv4(ip) => IpAddr::V4(ip).to_string(),
        url::Host::Ipv6(ip) => IpAddr::V6(ip).to_string(),
        url::Host::Domain(d) => d.to_string(),
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(if ip.is_loopback() {
            EngineHost::Local
        } else {
            EngineHost::Remote(ip.to_string())
        });
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(EngineHost::Local);
    }
    let plain = !host.is_empty()
        && host.len() <= MAX_HOST
        && !host.starts_with(['-', '.'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if plain {
        Ok(EngineHost::Remote(host.to_ascii_lowercase()))
    } else {
        Err(unknown())
    }
}

/// The host a browser reaches the published `port` on, or why there is none.
pub fn browse_host(port: &PortMapping, engine: &EngineHost) -> Result<String, PortLinkError> {
    let Some(host_port) = port.host_port else {
        return Err(PortLinkError::NotPublished {
            port: port.container_port,
        });
    };
    if !port.protocol.eq_ignore_ascii_case("tcp") {
        return Err(PortLinkError::NotTcp {
            port: host_port,
            protocol: super::echo::echo(&port.protocol),
        });
    }
    let bound_text = port.host_ip.as_deref().unwrap_or("").trim();
    let bound: Option<IpAddr> = if bound_text.is_empty() {
        Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    } else {
        bound_text.parse().ok()
    };
    let other = || PortLinkError::OtherAddress {
        port: host_port,
        bound: super::echo::echo(bound_text),
    };
    let Some(bound) = bound else {
        return Err(other());
    };
    match engine {
        EngineHost::Local if bound.is_unspecified() => Ok(Ipv4Addr::LOCALHOST.to_string()),
        EngineHost::Local if bound.is_loopback() => Ok(bound.to_string()),
        EngineHost::Local => Err(other()),
        EngineHost::Remote(host) if bound.is_unspecified() => Ok(host.clone()),
        EngineHost::Remote(host) if host.parse::<IpAddr>().ok() == Some(bound) => Ok(host.clone()),
        EngineHost::Remote(_) if bound.is_loopback() => Err(PortLinkError::RemoteLoopback {
            port: host_port,
            bound: bound.to_string(),
        }),
        EngineHost::Remote(_) => Err(other()),
    }
}

/// `http://HOST:PORT` (an IPv6 host in brackets).
pub fn url_for(host: &str, port: u16) -> String {
    match host.parse::<Ipv6Addr>() {
        Ok(ip) => format!("http://[{ip}]:{port}"),
        Err(_) => format!("http://{host}:{port}"),
    }
}

/// The URL for the published host port `port` among a container's `ports`, on the engine at
/// `endpoint`. Of several bindings of that port (IPv4 and IPv6), the first one allowed wins.
pub fn port_url(ports: &[PortMapping], port: u16, endpoint: &str) -> Result<String, PortLinkError> {
    let engine = engine_host(endpoint)?;
    let mut refusal = None;
    for p in ports.iter().filter(|p| p.host_port == Some(port)) {
        match browse_host(p, &engine) {
            Ok(host) => return Ok(url_for(&host, port)),
            Err(e) => {
                refusal.get_or_insert(e);
            }
        }
    }
    Err(refusal.unwrap_or(PortLinkError::NotPublished { port }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(ip: Option<&str>, port: u16) -> PortMapping {
        PortMapping {
            host_ip: ip.map(str::to_string),
            host_port: Some(port),
            container_port: 80,
            protocol: "tcp".into(),
        }
    }

    const LOCAL: &str = "unix:///var/run/docker.sock";

    #[test]
    fn every_address_and_loopback_open_on_loopback_for_a_local_engine() {
        for ip in [
            Some("0.0.0.0"),
            Some("::"),
            Some("127.0.0.1"),
            None,
            Some(""),
        ] {
            assert_eq!(
                port_url(&[tcp(ip, 8080)], 8080, LOCAL).as_deref(),
                Ok("http://127.0.0.1:8080"),
                "{ip:?}"
            );
        }
        assert_eq!(
            port_url(&[tcp(Some("::1"), 8080)], 8080, LOCAL).as_deref(),
            Ok("http://[::1]:8080")
        );
        // A TCP engine on loopback is this machine too.
        assert_eq!(engine_host("tcp://127.0.0.1:2375"), Ok(EngineHost::Local));
        assert_eq!(engine_host("tcp://localhost:2375"), Ok(EngineHost::Local));
    }

    #[test]
    fn a_remote_engine_opens_its_own_host() {
        let remote = "tcp://10.1.2.3:2376";
        assert_eq!(
            engine_host(remote),
            Ok(EngineHost::Remote("10.1.2.3".into()))
        );
        for ip in ["0.0.0.0", "::", "10.1.2.3"] {
            assert_eq!(
                port_url(&[tcp(Some(ip), 8080)], 8080, remote).as_deref(),
                Ok("http://10.1.2.3:8080"),
                "{ip}"
            );
        }
        assert_eq!(
            engine_host("ssh://me@build-box.lan"),
            Ok(EngineHost::Remote("build-box.lan".into()))
        );
        assert_eq!(
            port_url(&[tcp(Some("::"), 3000)], 3000, "ssh://me@build-box.lan:22").as_deref(),
            Ok("http://build-box.lan:3000")
        );
    }

    #[test]
    fn anything_else_is_refused() {
        // A local engine's port bound to another interface.
        assert!(matches!(
            port_url(&[tcp(Some("192.168.1.5"), 8080)], 8080, LOCAL),
            Err(PortLinkError::OtherAddress { .. })
        ));
        // A remote engine's loopback, or another of its addresses.
        let remote = "tcp://10.1.2.3:2376";
        assert!(matches!(
            port_url(&[tcp(Some("127.0.0.1"), 8080)], 8080, remote),
            Err(PortLinkError::RemoteLoopback { .. })
        ));
        assert!(matches!(
            port_url(&[tcp(Some("10.9.9.9"), 8080)], 8080, remote),
            Err(PortLinkError::OtherAddress { .. })
        ));
        // Not a published port of this container, UDP, garbage in the binding.
        assert_eq!(
            port_url(&[tcp(None, 8080)], 9090, LOCAL),
            Err(PortLinkError::NotPublished { port: 9090 })
        );
        let mut udp = tcp(None, 53);
        udp.protocol = "udp".into();
        assert!(matches!(
            port_url(&[udp], 53, LOCAL),
            Err(PortLinkError::NotTcp { .. })
        ));
        assert!(matches!(
            port_url(&[tcp(Some("evil.example/x?"), 80)], 80, LOCAL),
            Err(PortLinkError::OtherAddress { .. })
        ));
        // Engines whose host is no plain name: refused before any URL is made.
        for endpoint in [
            "npipe:////./pipe/docker_engine",
            "http://10.1.2.3:2375",
            "tcp://",
            "tcp://a_b:2375",
            "tcp://-x:2375",
        ] {
            assert!(
                matches!(
                    engine_host(endpoint),
                    Err(PortLinkError::UnknownEngineHost(_))
                ),
                "{endpoint}"
            );
        }
    }

    #[test]
    fn ipv4_and_ipv6_bindings_of_one_port_give_one_url() {
        let both = [tcp(Some("::"), 8080), tcp(Some("0.0.0.0"), 8080)];
        assert_eq!(
            port_url(&both, 8080, LOCAL).as_deref(),
            Ok("http://127.0.0.1:8080")
        );
    }
}
