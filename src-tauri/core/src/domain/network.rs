//! Networks as the Networks view lists them (what the engine says of each, plus the containers
//! attached, found from the containers' own network settings), and the checks Berth makes
//! before the engine sees a new network or a removal.
//!
//! A container's view of its networks (the Inspect tab) is `inspect::NetworkInfo`; this
//! module is the network's side: which containers it holds.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::echo::echo;
use super::ids::ContainerId;
use super::launch::env::parse_pairs;
use super::launch::names::is_valid_name;
use super::ContainerState;

/// The longest network name Berth creates (the engine sets none; this keeps lists readable).
pub const MAX_NAME: usize = 64;

/// One address range of a network, with its gateway (empty when the engine does not say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NetworkSubnet {
    pub subnet: String,
    pub gateway: String,
}

/// One container attached to a network, with its addresses on it. A stopped container keeps
/// its attachment but has no address until it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NetworkMember {
    pub id: ContainerId,
    pub name: String,
    pub state: ContainerState,
    /// `10.1.0.2/24`; empty while the container is not running.
    pub ipv4: String,
    /// Empty unless the network has IPv6.
    pub ipv6: String,
    pub mac: String,
}

/// One network, like a row of `docker network ls` with what `docker network inspect` adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NetworkSummary {
    pub id: String,
    pub name: String,
    /// `bridge`, `host`, `null`, `overlay`, `macvlan`, ...
    pub driver: String,
    /// `local`, `swarm` or `global`.
    pub scope: String,
    /// As the engine reports it (RFC 3339); empty when it does not say.
    pub created: String,
    /// No route out of the network (`--internal`).
    pub internal: bool,
    /// Standalone containers may join a swarm network (`--attachable`).
    pub attachable: bool,
    pub subnets: Vec<NetworkSubnet>,
    pub labels: BTreeMap<String, String>,
    /// Why Berth will not remove it (one of the engine's own networks); `None` if it may.
    pub protected: Option<String>,
    /// Containers attached (running or not), by name.
    pub attached: Vec<NetworkMember>,
}

/// One container's endpoint on one network, as read from the engine's container list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkEndpoint {
    /// Docker: the network's ID, empty for a stopped container (the engine fills it in when
    /// the endpoint exists). Podman: the network's name.
    pub network_id: String,
    /// The key of the container's network map: the network's name when it was attached.
    pub network_name: String,
    /// The gateway the container was given (running containers only).
    pub gateway: String,
    pub member: NetworkMember,
}

/// Why a network is the engine's own and not for Berth to remove; `None` for any other.
/// `podman`: the engine is Podman, whose default network is named `podman`.
pub fn protected_reason(name: &str, ingress: bool, podman: bool) -> Option<&'static str> {
    Some(match name {
        // Podman's API lists its default network (`podman` on its CLI) as `bridge` too.
        "bridge" => "the engine's default network: containers started without --network join it",
        "host" => "predefined by the engine: containers on it share the host's own network",
        "none" => "predefined by the engine: containers on it have no network at all",
        "podman" if podman => {
            "Podman's default network: containers started without --network join it"
        }
        "docker_gwbridge" => {
            "Swarm's bridge to the host: containers on overlay networks reach the outside through it"
        }
        _ if ingress => {
            "Swarm's routing mesh: the published ports of every service go through it"
        }
        _ => return None,
    })
}

/// Podman's API lists its default network as `bridge`, while its containers' endpoints call
/// it `podman` (its CLI name): read those as `bridge` when the list has no `podman`.
pub fn podman_default_alias(networks: &[NetworkSummary], e: &mut NetworkEndpoint) {
    let listed = |name: &str| networks.iter().any(|n| n.name == name);
    if e.network_name == "podman" && listed("bridge") && !listed("podman") {
        e.network_name = "bridge".into();
        if e.network_id == "podman" {
            e.network_id = "bridge".into();
        }
    }
}

/// Attaches each endpoint to its network (by ID, else by name: a stopped container on Docker,
/// every container on Podman, whose endpoints give the network's name as its ID), fills
/// in a gateway the network's settings leave out from an attached container's, and sorts
/// members by name and networks by name like `docker network ls`.
pub fn attach_members(
    mut networks: Vec<NetworkSummary>,
    endpoints: impl IntoIterator<Item = NetworkEndpoint>,
) -> Vec<NetworkSummary> {
    for e in endpoints {
        let found = networks.iter_mut().find(|n| {
            n.id == e.network_id
                || n.name == e.network_id
                || (e.network_id.is_empty() && n.name == e.network_name)
        });
        let Some(network) = found else { continue };
        if let Ok(gateway) = e.gateway.parse::<IpAddr>() {
            for s in network.subnets.iter_mut().filter(|s| s.gateway.is_empty()) {
                if s.subnet
                    .parse::<IpNet>()
                    .is_ok_and(|n| n.contains(&gateway))
                {
                    s.gateway = gateway.to_string();
                }
            }
        }
        network.attached.push(e.member);
    }
    for n in &mut networks {
        n.attached
            .sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    }
    networks.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    networks
}

/// The Create network form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewNetwork {
    pub name: String,
    /// Empty: the engine picks a free range.
    pub subnet: String,
    /// `key=value` per line.
    pub labels: String,
}

/// Which field of the form a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NetworkField {
    Name,
    Subnet,
    Labels,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NetworkFieldError {
    pub field: NetworkField,
    pub message: String,
}

/// A checked form: what `docker network create` is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSpec {
    pub name: String,
    pub subnet: Option<IpNet>,
    pub labels: BTreeMap<String, String>,
}

/// Checks the form against the rules and against the engine's existing networks: a name
/// already taken (the engine's API would create a second network of that name, which then
/// cannot be used by name), and a subnet that overlaps one in use (the engine's own error,
/// "Pool overlaps with other one on this address space", does not say which).
pub fn check_new_network(
    form: &NewNetwork,
    existing: &[NetworkSummary],
) -> Result<NetworkSpec, Vec<NetworkFieldError>> {
    let mut errors = Vec::new();
    let mut err = |field, message: String| errors.push(NetworkFieldError { field, message });
    let name = form.name.trim();
    if let Err(m) = check_name(name) {
        err(NetworkField::Name, m);
    } else if let Some(n) = existing.iter().find(|n| n.name == name) {
        err(
            NetworkField::Name,
            format!(
                "a network named {name} already exists ({}, {})",
                super::short_id(&n.id),
                n.driver
            ),
        );
    }
    let subnet = match parse_subnet(form.subnet.trim()) {
        Ok(None) => None,
        Ok(Some(net)) => match overlapping(&net, existing) {
            Some((other, range)) => {
                err(
                    NetworkField::Subnet,
                    format!("{net} overlaps {range}, the range of network {other}"),
                );
                None
            }
            None => Some(net),
        },
        Err(m) => {
            err(NetworkField::Subnet, m);
            None
        }
    };
    let labels = match parse_pairs(&form.labels, "label") {
        Ok(pairs) => pairs.into_iter().collect(),
        Err(es) => {
            for e in es {
                err(NetworkField::Labels, e.message);
            }
            BTreeMap::new()
        }
    };
    if errors.is_empty() {
        Ok(NetworkSpec {
            name: name.to_string(),
            subnet,
            labels,
        })
    } else {
        Err(errors)
    }
}

/// The name rule, with the reason in words: names that the API would take but the CLI and
/// URLs could not use again (spaces, slashes) are refused.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("give the network a name".into());
    }
    if name.chars().any(char::is_whitespace) {
        return Err(format!(
            "“{}” has a space: a network name is one word",
            echo(name)
        ));
    }
    if name.contains('/') {
        return Err(format!(
            "“{}” has a slash: a network name cannot hold '/'",
            echo(name)
        ));
    }
    if name.len() > MAX_NAME {
        return Err(format!(
            "the name is {} characters long; at most {MAX_NAME}",
            name.len()
        ));
    }
    if !is_valid_name(name) {
        return Err(format!(
            "“{}” is not a valid network name: start with a letter or digit, then letters, \
             digits, '_', '.' or '-' (two characters at least)",
            echo(name)
        ));
    }
    Ok(())
}

/// An IPv4 range in CIDR form (`10.20.0.0/24`), or nothing for an empty field.
fn parse_subnet(text: &str) -> Result<Option<IpNet>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let net: IpNet = text.parse().map_err(|_| {
        format!(
            "“{}” is not a subnet in CIDR form: write an address and a prefix length, like \
             10.20.0.0/24",
            echo(text)
        )
    })?;
    let IpNet::V4(v4) = net else {
        return Err(format!(
            "{net} is IPv6: Berth creates IPv4 bridge networks (an IPv6 one needs the engine's IPv6 set up)"
        ));
    };
    if v4.prefix_len() > 30 {
        return Err(format!(
            "{net} is too small: a bridge needs a gateway and room for containers (a /30 or larger)"
        ));
    }
    if v4.addr() != v4.network() {
        return Err(format!(
            "{net} is not the start of its range: the subnet is {}",
            v4.trunc()
        ));
    }
    Ok(Some(net))
}

/// The first existing network (name, range) whose range shares an address with `net`.
fn overlapping<'a>(net: &IpNet, existing: &'a [NetworkSummary]) -> Option<(&'a str, IpNet)> {
    existing.iter().find_map(|n| {
        n.subnets
            .iter()
            .filter_map(|s| s.subnet.parse::<IpNet>().ok())
            .find(|other| other.contains(&net.network()) || net.contains(&other.network()))
            .map(|other| (n.name.as_str(), other))
    })
}

/// The containers attached, as a removal refusal names them: `web-1 (running), db (exited)`.
pub fn members_text(members: &[NetworkMember]) -> String {
    members
        .iter()
        .map(|m| format!("{} ({})", m.name, m.state.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(name: &str, id: &str, subnet: &str) -> NetworkSummary {
        NetworkSummary {
            id: id.into(),
            name: name.into(),
            driver: "bridge".into(),
            scope: "local".into(),
            created: String::new(),
            internal: false,
            attachable: false,
            subnets: if subnet.is_empty() {
                vec![]
            } else {
                vec![NetworkSubnet {
                    subnet: subnet.into(),
                    gateway: String::new(),
                }]
            },
            labels: BTreeMap::new(),
            protected: None,
            attached: vec![],
        }
    }

    fn endpoint(net_id: &str, net_name: &str, container: &str, ip: &str) -> NetworkEndpoint {
        NetworkEndpoint {
            network_id: net_id.into(),
            network_name: net_name.into(),
            gateway: if ip.is_empty() {
                String::new()
            } else {
                "10.9.0.1".into()
            },
            member: NetworkMember {
                id: ContainerId::new(format!("id-{container}")),
                name: container.into(),
                state: if ip.is_empty() {
                    ContainerState::Exited
                } else {
                    ContainerState::Running
                },
                ipv4: ip.into(),
                ipv6: String::new(),
                mac: String::new(),
            },
        }
    }

    fn form(name: &str, subnet: &str) -> NewNetwork {
        NewNetwork {
            name: name.into(),
            subnet: subnet.into(),
            labels: String::new(),
        }
    }

    fn errors(r: Result<NetworkSpec, Vec<NetworkFieldError>>) -> Vec<(NetworkField, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn members_attach_by_id_or_by_name_when_stopped_and_fill_the_gateway() {
        let out = attach_members(
            vec![
                network("web", "n2", "10.9.0.0/24"),
                network("app", "n1", ""),
            ],
            [
                endpoint("n2", "web", "web-2", "10.9.0.3/24"),
                // Stopped: no network ID yet, found by the name it was attached under.
                endpoint("", "web", "web-1", ""),
                endpoint("n1", "renamed-meanwhile", "api", "172.20.0.2/16"),
                endpoint("gone", "gone", "x", "1.2.3.4/8"),
            ],
        );
        let names: Vec<_> = out.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["app", "web"]);
        let web: Vec<_> = out[1].attached.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(web, ["web-1", "web-2"]);
        assert_eq!(out[0].attached[0].name, "api");
        assert_eq!(out[1].subnets[0].gateway, "10.9.0.1");
    }

    #[test]
    fn podman_endpoints_name_their_network_and_its_default_is_bridge() {
        let networks = vec![
            network("bridge", "b1", "10.88.0.0/16"),
            network("web", "w1", ""),
        ];
        let mut endpoints = vec![
            endpoint("podman", "podman", "c1", "10.88.0.2/16"),
            endpoint("web", "web", "c1", "10.9.0.2/24"),
        ];
        for e in &mut endpoints {
            podman_default_alias(&networks, e);
        }
        let out = attach_members(networks, endpoints);
        assert_eq!(out[0].name, "bridge");
        assert_eq!(out[0].attached.len(), 1);
        assert_eq!(out[1].attached.len(), 1);
        // Where Podman lists `podman` by its own name, nothing is renamed.
        let mut e = endpoint("podman", "podman", "c1", "");
        podman_default_alias(
            &[network("podman", "p", ""), network("bridge", "b", "")],
            &mut e,
        );
        assert_eq!(e.network_name, "podman");
    }

    #[test]
    fn the_engines_own_networks_are_protected_with_a_reason() {
        for name in ["bridge", "host", "none", "docker_gwbridge"] {
            assert!(protected_reason(name, false, false).is_some(), "{name}");
        }
        assert!(protected_reason("my-ingress", true, false).is_some());
        assert!(protected_reason("podman", false, true).is_some());
        assert!(protected_reason("bridge", false, true).is_some());
        // A user's network of that name on Docker is just a network.
        assert!(protected_reason("podman", false, false).is_none());
        assert!(protected_reason("web", false, false).is_none());
    }

    #[test]
    fn names_with_spaces_or_slashes_are_refused_in_words() {
        let e = errors(check_new_network(&form("my net", ""), &[]));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, NetworkField::Name);
        assert!(e[0].1.contains("space"), "{}", e[0].1);
        let e = errors(check_new_network(&form("team/net", ""), &[]));
        assert!(e[0].1.contains("slash"), "{}", e[0].1);
        for bad in ["", "-net", "n", "né", &"a".repeat(MAX_NAME + 1)] {
            assert_eq!(
                errors(check_new_network(&form(bad, ""), &[])).len(),
                1,
                "{bad}"
            );
        }
        let ok = check_new_network(&form("  web_1.net  ", ""), &[]).unwrap();
        assert_eq!(ok.name, "web_1.net");
        assert_eq!(ok.subnet, None);
    }

    #[test]
    fn a_taken_name_is_refused() {
        let e = errors(check_new_network(
            &form("web", ""),
            &[network("web", "abcdef0123456789", "")],
        ));
        assert!(
            e[0].1.contains("already exists (abcdef012345, bridge)"),
            "{}",
            e[0].1
        );
    }

    #[test]
    fn subnets_are_checked_and_overlaps_name_the_network() {
        let existing = [
            network("bridge", "b", "172.17.0.0/16"),
            network("t7a", "a", "10.231.0.0/24"),
        ];
        let spec = check_new_network(&form("n1", " 10.232.0.0/24 "), &existing).unwrap();
        assert_eq!(spec.subnet, Some("10.232.0.0/24".parse().unwrap()));
        let overlap = |s: &str| errors(check_new_network(&form("n1", s), &existing));
        let e = overlap("10.231.0.128/25");
        assert_eq!(e[0].0, NetworkField::Subnet);
        assert_eq!(
            e[0].1,
            "10.231.0.128/25 overlaps 10.231.0.0/24, the range of network t7a"
        );
        // The wider one overlaps too.
        assert!(overlap("10.0.0.0/8")[0].1.contains("t7a"));
        assert!(overlap("172.17.5.0/24")[0].1.contains("network bridge"));
        for (bad, says) in [
            ("10.300.0.0/24", "CIDR"),
            ("10.1.0.0", "CIDR"),
            ("10.1.0.0/33", "CIDR"),
            ("fd00::/64", "IPv6"),
            ("10.1.0.0/31", "too small"),
            ("10.1.0.5/24", "the subnet is 10.1.0.0/24"),
        ] {
            let e = overlap(bad);
            assert!(e[0].1.contains(says), "{bad}: {}", e[0].1);
        }
    }

    #[test]
    fn labels_are_read_per_line_and_bad_lines_reported() {
        let mut f = form("n1", "");
        f.labels = "team=core\nowner = me".into();
        let e = errors(check_new_network(&f, &[]));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, NetworkField::Labels);
        f.labels = "team=core\n\nberth.test=x y".into();
        let spec = check_new_network(&f, &[]).unwrap();
        assert_eq!(
            spec.labels.get("berth.test").map(String::as_str),
            Some("x y")
        );
    }
}
