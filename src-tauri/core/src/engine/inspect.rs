//! `docker inspect` of a container, summarised into [`ContainerDetails`].

use bollard::models::ContainerInspectResponse;
use bollard::query_parameters::InspectContainerOptions;

use super::{Engine, EngineError};
use crate::domain::health::{last_probes, HealthProbe};
use crate::domain::inspect::{
    restart_policy_text, ContainerDetails, HealthInfo, MountInfo, NetworkInfo,
};
use crate::domain::launch::shell;
use crate::domain::{short_id, PortMapping};

impl Engine {
    pub async fn inspect_container(&self, id: &str) -> Result<ContainerDetails, EngineError> {
        let id = super::path::object("container", id)?;
        let raw = self
            .docker
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(details_from_api(raw))
    }
}

fn opt_string(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.is_empty() && v != "0001-01-01T00:00:00Z")
}

pub(super) fn details_from_api(raw: ContainerInspectResponse) -> ContainerDetails {
    let raw_json = serde_json::to_string_pretty(&raw).unwrap_or_default();
    let id = raw.id.clone().unwrap_or_default();
    let name = raw
        .name
        .clone()
        .unwrap_or_default()
        .trim_start_matches('/')
        .to_string();
    let state = raw.state.clone().unwrap_or_default();
    let config = raw.config.clone().unwrap_or_default();
    let host = raw.host_config.clone().unwrap_or_default();
    let net = raw.network_settings.clone().unwrap_or_default();

    let mut ports: Vec<PortMapping> = Vec::new();
    for (key, bindings) in net.ports.unwrap_or_default() {
        let (port, proto) = key.split_once('/').unwrap_or((key.as_str(), "tcp"));
        let Ok(container_port) = port.parse::<u16>() else {
            continue;
        };
        match bindings.filter(|b| !b.is_empty()) {
            None => ports.push(PortMapping {
                host_ip: None,
                host_port: None,
                container_port,
                protocol: proto.to_string(),
            }),
            Some(bs) => ports.extend(bs.into_iter().map(|b| PortMapping {
                host_ip: b.host_ip.filter(|ip| !ip.is_empty()),
                host_port: b.host_port.and_then(|p| p.parse().ok()),
                container_port,
                protocol: proto.to_string(),
            })),
        }
    }
    ports.sort_by(|a, b| {
        (a.container_port, &a.protocol, &a.host_ip).cmp(&(
            b.container_port,
            &b.protocol,
            &b.host_ip,
        ))
    });

    let mut networks: Vec<NetworkInfo> = net
        .networks
        .unwrap_or_default()
        .into_iter()
        .map(|(name, e)| NetworkInfo {
            name,
            ip_address: e.ip_address.unwrap_or_default(),
            gateway: e.gateway.unwrap_or_default(),
            mac_address: e.mac_address.unwrap_or_default(),
        })
        .collect();
    networks.sort_by(|a, b| a.name.cmp(&b.name));

    let mounts = raw
        .mounts
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|m| MountInfo {
            kind: m.typ.map(|t| t.to_string()).unwrap_or_default(),
            source: m
                .name
                .filter(|n| !n.is_empty())
                .or(m.source)
                .unwrap_or_default(),
            destination: m.destination.unwrap_or_default(),
            read_only: !m.rw.unwrap_or(true),
        })
        .collect();

    let mut labels: Vec<(String, String)> = config.labels.unwrap_or_default().into_iter().collect();
    labels.sort();

    let health = state.health.clone().and_then(|h| {
        let status = h
            .status
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty() && s != "none")?;
        let log = h.log.unwrap_or_default();
        Some(HealthInfo {
            status,
            failing_streak: h.failing_streak.unwrap_or_default(),
            last_output: log.last().and_then(|r| r.output.clone()),
            probes: last_probes(
                log.into_iter()
                    .map(|r| {
                        HealthProbe::new(
                            r.start.map(|d| d.to_string()).unwrap_or_default(),
                            r.end.map(|d| d.to_string()).unwrap_or_default(),
                            r.exit_code.unwrap_or(-1),
                            r.output.as_deref().unwrap_or_default(),
                        )
                    })
                    .collect(),
            ),
        })
    });
    let policy = host.restart_policy.unwrap_or_default();
    let status = state.status.map(|s| s.to_string()).unwrap_or_default();
    let finished = opt_string(state.finished_at.clone());
    ContainerDetails {
        short_id: short_id(&id),
        command_line: shell::join(&["docker".into(), "inspect".into(), name.clone()]),
        id,
        name,
        image: config.image.unwrap_or_default(),
        image_id: raw.image.clone().unwrap_or_default(),
        // An exit code means something only once the container has stopped.
        exit_code: if status == "exited" || status == "dead" {
            state.exit_code
        } else {
            None
        },
        state: status,
        created: raw
            .created
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        started_at: opt_string(state.started_at.clone()),
        finished_at: finished,
        oom_killed: state.oom_killed.unwrap_or_default(),
        error: opt_string(state.error.clone()),
        entrypoint: config.entrypoint.unwrap_or_default(),
        command: config.cmd.unwrap_or_default(),
        working_dir: config.working_dir.unwrap_or_default(),
        user: config.user.unwrap_or_default(),
        env: config.env.unwrap_or_default(),
        mounts,
        ports,
        networks,
        restart_policy: restart_policy_text(
            &policy.name.map(|n| n.to_string()).unwrap_or_default(),
            policy.maximum_retry_count,
        ),
        restart_count: raw.restart_count.unwrap_or_default(),
        labels,
        health,
        raw_json,
    }
}
