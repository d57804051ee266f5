//! Port mappings: parsing `-p`-style specs, and planning host ports per replica. A spec with
//! a host port is the *first* replica's port; each next replica takes the next free one, so
//! `8080:80` over three replicas gives 8080, 8081, 8082 (skipping any that are taken).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Transport protocol of a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Sctp => "sctp",
        }
    }
}

/// One mapping as the user wrote it: `[IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PortSpec {
    /// Host address to bind; `None` binds every address, as the engine does by default.
    pub host_ip: Option<String>,
    /// First replica's host port; `None` lets the engine pick a random free port.
    pub host_port: Option<u16>,
    pub container_port: u16,
    pub protocol: Protocol,
}

/// One replica's mapping, host port decided (or left to the engine).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PortBinding {
    pub host_ip: Option<String>,
    pub host_port: Option<u16>,
    pub container_port: u16,
    pub protocol: Protocol,
}

impl PortBinding {
    /// The engine's key for the container side: `80/tcp`.
    pub fn container_key(&self) -> String {
        format!("{}/{}", self.container_port, self.protocol.as_str())
    }

    /// As `docker run -p` takes it: `8080:80`, `127.0.0.1:8080:80/udp`, `[::1]::80`, `80`.
    pub fn to_cli(&self) -> String {
        let proto = match self.protocol {
            Protocol::Tcp => String::new(),
            p => format!("/{}", p.as_str()),
        };
        let host = self.host_port.map(|p| p.to_string()).unwrap_or_default();
        match &self.host_ip {
            Some(ip) if ip.contains(':') => format!("[{ip}]:{host}:{}{proto}", self.container_port),
            Some(ip) => format!("{ip}:{host}:{}{proto}", self.container_port),
            None if self.host_port.is_some() => format!("{host}:{}{proto}", self.container_port),
            None => format!("{}{proto}", self.container_port),
        }
    }
}

/// Parses one spec. Ranges (`8000-8010:80`) are refused: the host port already increments
/// per replica.
pub fn parse_port(spec: &str) -> Result<PortSpec, String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err("empty port mapping".into());
    }
    let (rest, protocol) = match spec.rsplit_once('/') {
        Some((rest, p)) => (
            rest,
            match p.to_ascii_lowercase().as_str() {
                "tcp" => Protocol::Tcp,
                "udp" => Protocol::Udp,
                "sctp" => Protocol::Sctp,
                _ => return Err(format!("{spec}: unknown protocol {p:?} (tcp, udp or sctp)")),
            },
        ),
        None => (spec, Protocol::Tcp),
    };
    if rest.contains('-') {
        return Err(format!(
            "{spec}: port ranges are not supported; give the first host port, it increments per replica"
        ));
    }
    // An IPv6 address comes in brackets: [::1]:8080:80.
    let (host_ip, ports) = if let Some(after) = rest.strip_prefix('[') {
        let (ip, ports) = after.split_once("]:").ok_or_else(|| {
            format!("{spec}: an IPv6 address needs the form [ADDR]:HOST:CONTAINER")
        })?;
        if ip.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("{spec}: {ip} is not an IPv6 address"));
        }
        (Some(ip.to_string()), ports.to_string())
    } else {
        let parts: Vec<&str> = rest.split(':').collect();
        match parts.as_slice() {
            [ip, host, container] => {
                if ip.parse::<std::net::Ipv4Addr>().is_err() {
                    return Err(format!("{spec}: {ip} is not an IPv4 address"));
                }
                (Some(ip.to_string()), format!("{host}:{container}"))
            }
            [_, _] | [_] => (None, rest.to_string()),
            _ => {
                return Err(format!(
                    "{spec}: expected [IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]"
                ))
            }
        }
    };
    let (host, container) = match ports.split_once(':') {
        Some((h, c)) => (h, c),
        None if host_ip.is_none() => ("", ports.as_str()),
        None => return Err(format!("{spec}: expected IP:HOST_PORT:CONTAINER_PORT")),
    };
    let container_port = port_number(container, spec, "container")?;
    let host_port = if host.is_empty() {
        None
    } else {
        Some(port_number(host, spec, "host")?)
    };
    Ok(PortSpec {
        host_ip,
        host_port,
        container_port,
        protocol,
    })
}

fn port_number(text: &str, spec: &str, side: &str) -> Result<u16, String> {
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("{spec}: the {side} port {text:?} is not a number"));
    }
    match text.parse::<u32>() {
        Ok(n @ 1..=65535) => Ok(n as u16),
        _ => Err(format!(
            "{spec}: the {side} port {text} is out of range (1-65535)"
        )),
    }
}

/// Splits a ports field (one spec per line, or separated by commas or spaces) and parses
/// each; every bad spec is reported.
pub fn parse_ports(text: &str) -> Result<Vec<PortSpec>, Vec<String>> {
    let mut specs = Vec::new();
    let mut errors = Vec::new();
    for word in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        match parse_port(word) {
            Ok(s) => specs.push(s),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(errors)
    }
}

/// Host ports for `replicas` replicas. `taken(ip, port, protocol)` says whether a host port is
/// already in use (by a container or any socket). Ports handed to earlier replicas or specs
/// in this plan are never reused.
pub fn plan_ports(
    specs: &[PortSpec],
    replicas: u32,
    taken: &mut dyn FnMut(Option<&str>, u16, Protocol) -> bool,
) -> Result<Vec<Vec<PortBinding>>, String> {
    let mut plan: Vec<Vec<PortBinding>> = (0..replicas).map(|_| Vec::new()).collect();
    let mut used: HashSet<(u16, Protocol)> = HashSet::new();
    for spec in specs {
        let mut next = spec.host_port.map(u32::from);
        for replica in plan.iter_mut() {
            let host_port = match next {
                None => None,
                Some(from) => {
                    let mut p = from;
                    loop {
                        let port = u16::try_from(p).map_err(|_| {
                            format!(
                                "not enough free host ports from {} for {replicas} replicas of {}",
                                spec.host_port.unwrap_or_default(),
                                spec.container_port
                            )
                        })?;
                        if !used.contains(&(port, spec.protocol))
                            && !taken(spec.host_ip.as_deref(), port, spec.protocol)
                        {
                            break;
                        }
                        p += 1;
                    }
                    next = Some(p + 1);
                    let port = p as u16;
                    used.insert((port, spec.protocol));
                    Some(port)
                }
            };
            replica.push(PortBinding {
                host_ip: spec.host_ip.clone(),
                host_port,
                container_port: spec.container_port,
                protocol: spec.protocol,
            });
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spec(s: &str) -> PortSpec {
        parse_port(s).unwrap()
    }

    #[test]
    fn parses_the_docker_forms() {
        assert_eq!(
            spec("8080:80"),
            PortSpec {
                host_ip: None,
                host_port: Some(8080),
                container_port: 80,
                protocol: Protocol::Tcp
            }
        );
        assert_eq!(spec("80").host_port, None);
        assert_eq!(spec("53/udp").protocol, Protocol::Udp);
        let s = spec("127.0.0.1:9000:90/tcp");
        assert_eq!(
            (s.host_ip.as_deref(), s.host_port),
            (Some("127.0.0.1"), Some(9000))
        );
        let s = spec("127.0.0.1::90");
        assert_eq!(
            (s.host_ip.as_deref(), s.host_port),
            (Some("127.0.0.1"), None)
        );
        let s = spec("[::1]:8080:80");
        assert_eq!(
            (s.host_ip.as_deref(), s.host_port),
            (Some("::1"), Some(8080))
        );
    }

    #[test]
    fn refuses_malformed_and_out_of_range() {
        for (bad, why) in [
            ("0:80", "out of range"),
            ("8080:70000", "out of range"),
            ("x:80", "not a number"),
            ("8080:", "not a number"),
            ("80/icmp", "protocol"),
            ("8000-8010:80", "ranges"),
            ("300.1.1.1:80:80", "IPv4"),
            ("a:b:c:d", "expected"),
            ("[zz]:80:80", "IPv6"),
        ] {
            let e = parse_port(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
        assert_eq!(parse_ports("8080:80, 0:1\nx").unwrap_err().len(), 2);
        assert_eq!(parse_ports("").unwrap(), vec![]);
    }

    #[test]
    fn host_ports_increment_and_skip_taken_ones() {
        let specs = [spec("8080:80"), spec("9000:90/udp"), spec("443")];
        let mut taken = |_: Option<&str>, p: u16, _: Protocol| p == 8081 || p == 8083;
        let plan = plan_ports(&specs, 3, &mut taken).unwrap();
        let web: Vec<_> = plan.iter().map(|r| r[0].host_port).collect();
        assert_eq!(web, [Some(8080), Some(8082), Some(8084)]);
        let udp: Vec<_> = plan.iter().map(|r| r[1].host_port).collect();
        assert_eq!(udp, [Some(9000), Some(9001), Some(9002)]);
        assert!(plan.iter().all(|r| r[2].host_port.is_none()));
        assert_eq!(plan[1][0].to_cli(), "8082:80");
        assert_eq!(plan[1][1].to_cli(), "9001:90/udp");
        assert_eq!(plan[1][2].to_cli(), "443");
    }

    #[test]
    fn runs_out_of_ports_with_a_message() {
        let e = plan_ports(&[spec("65535:80")], 2, &mut |_, _, _| false).unwrap_err();
        assert!(e.contains("not enough free host ports"), "{e}");
    }

    #[test]
    fn overlapping_specs_never_share_a_port() {
        let plan =
            plan_ports(&[spec("8080:80"), spec("8081:81")], 2, &mut |_, _, _| false).unwrap();
        let mut all: Vec<_> = plan.iter().flatten().map(|b| b.host_port).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 4);
    }

    proptest! {
        #[test]
        fn cli_form_parses_back(ip in proptest::option::of("(127\\.0\\.0\\.1|::1|0\\.0\\.0\\.0)"),
                                host in proptest::option::of(1u16..), container in 1u16..,
                                proto in prop_oneof![Just(Protocol::Tcp), Just(Protocol::Udp)]) {
            let b = PortBinding { host_ip: ip.clone(), host_port: host, container_port: container, protocol: proto };
            let back = parse_port(&b.to_cli()).unwrap();
            prop_assert_eq!(back, PortSpec { host_ip: ip, host_port: host, container_port: container, protocol: proto });
        }

        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = parse_ports(&s);
        }

        #[test]
        fn plans_are_distinct_and_avoid_taken(base in 1u16..=65000, n in 1u32..40,
                                              taken in proptest::collection::hash_set(1u16..=65535, 0..50)) {
            let specs = [PortSpec { host_ip: None, host_port: Some(base), container_port: 80, protocol: Protocol::Tcp }];
            let plan = plan_ports(&specs, n, &mut |_, p, _| taken.contains(&p)).unwrap();
            let ports: Vec<u16> = plan.iter().map(|r| r[0].host_port.unwrap()).collect();
            let distinct: HashSet<u16> = ports.iter().copied().collect();
            prop_assert_eq!(distinct.len(), ports.len());
            for p in &ports { prop_assert!(!taken.contains(p)); prop_assert!(*p >= base); }
            prop_assert!(ports.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
