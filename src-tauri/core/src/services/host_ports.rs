//! Whether a host port is free, found the only reliable way: by trying to bind it, on the
//! addresses the mapping would use.

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, UdpSocket};

use crate::domain::launch::Protocol;

/// `false` only when binding fails with "address in use". Other failures (no IPv6 on this
/// host, a port below 1024 for an unprivileged user, an address not on this host) are not
/// about the port being taken: the engine, which binds as root, decides those.
pub fn host_port_free(ip: Option<&str>, port: u16, protocol: Protocol) -> bool {
    let addrs: Vec<IpAddr> = match ip.and_then(|ip| ip.parse::<IpAddr>().ok()) {
        Some(ip) => vec![ip],
        // No address: the engine binds every IPv4 and (where there is IPv6) every IPv6 one.
        None => vec![Ipv4Addr::UNSPECIFIED.into(), Ipv6Addr::UNSPECIFIED.into()],
    };
    addrs.into_iter().all(|ip| {
        let addr = SocketAddr::new(ip, port);
        let result = match protocol {
            Protocol::Tcp => TcpListener::bind(addr).map(drop),
            Protocol::Udp => UdpSocket::bind(addr).map(drop),
            // std cannot open SCTP sockets; the engine reports a conflict if there is one.
            Protocol::Sctp => Ok(()),
        };
        !matches!(result, Err(e) if e.kind() == ErrorKind::AddrInUse)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listening_socket_makes_its_port_taken() {
        let held = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = held.local_addr().unwrap().port();
        assert!(!host_port_free(Some("127.0.0.1"), port, Protocol::Tcp));
        // Every-address binds collide with a loopback listener too.
        assert!(!host_port_free(None, port, Protocol::Tcp));
        drop(held);
        assert!(host_port_free(Some("127.0.0.1"), port, Protocol::Tcp));
        let udp = UdpSocket::bind("0.0.0.0:0").unwrap();
        let uport = udp.local_addr().unwrap().port();
        assert!(!host_port_free(None, uport, Protocol::Udp));
    }
}
