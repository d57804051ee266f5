//! From a validated spec to one complete configuration per replica.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::names::{plan_names, render};
use super::ports::{plan_ports, PortBinding, Protocol};
use super::spec::{FieldError, LaunchField, LaunchSpec, RestartPolicy, VolumeSource};
use super::{LABEL_GROUP, LABEL_LAUNCH, LABEL_REPLICA};
use crate::domain::ids::GroupId;

/// Everything one replica is created with. The engine request and the `docker run` command
/// are both rendered from this, so they cannot drift apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReplicaConfig {
    pub replica: u32,
    pub name: String,
    pub image: String,
    pub command: Option<Vec<String>>,
    pub env: Vec<String>,
    /// The user's labels plus Berth's group labels.
    pub labels: BTreeMap<String, String>,
    pub ports: Vec<PortBinding>,
    /// `SOURCE:TARGET[:ro]`, as `docker run -v` and the engine's `Binds` take them.
    pub binds: Vec<String>,
    pub restart: RestartPolicy,
    #[ts(type = "number | null")]
    pub memory: Option<u64>,
    #[ts(type = "number | null")]
    pub nano_cpus: Option<u64>,
    pub network: Option<String>,
    pub auto_remove: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LaunchPlan {
    pub group: GroupId,
    pub spec: LaunchSpec,
    pub replicas: Vec<ReplicaConfig>,
}

/// Plans `count` replicas of `spec` for `group`. `existing_names` are every container name
/// on the engine; `after` is the group's highest replica number (0 for a new group);
/// `taken` says whether a host port is in use.
pub fn build_plan(
    spec: &LaunchSpec,
    count: u32,
    group: &str,
    existing_names: &HashSet<String>,
    after: u32,
    taken: &mut dyn FnMut(Option<&str>, u16, Protocol) -> bool,
) -> Result<LaunchPlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let names = plan_names(&spec.name_pattern, count, existing_names, after)
        .map_err(|m| errors.push(FieldError::new(LaunchField::NamePattern, m)))
        .ok();
    let ports = plan_ports(&spec.ports, count, taken)
        .map_err(|m| errors.push(FieldError::new(LaunchField::Ports, m)))
        .ok();
    let (Some(names), Some(ports)) = (names, ports) else {
        return Err(errors);
    };
    // Serializing plain strings, numbers and string-keyed maps cannot fail.
    let launch_json = serde_json::to_string(spec).unwrap_or_default();
    let replicas = names
        .into_iter()
        .zip(ports)
        .map(|((n, name), ports)| {
            let mut labels = spec.labels.clone();
            labels.insert(LABEL_GROUP.into(), group.into());
            labels.insert(LABEL_REPLICA.into(), n.to_string());
            labels.insert(LABEL_LAUNCH.into(), launch_json.clone());
            let binds = spec
                .volumes
                .iter()
                .map(|v| match &v.source {
                    VolumeSource::PerReplica(p) => v.to_cli_from(&render(p, n)),
                    other => v.to_cli_from(other.as_str()),
                })
                .collect();
            ReplicaConfig {
                replica: n,
                name,
                image: spec.image.clone(),
                command: spec.command.clone(),
                env: spec.env.clone(),
                labels,
                ports,
                binds,
                restart: spec.restart,
                memory: spec.memory,
                nano_cpus: spec.nano_cpus,
                network: spec.network.clone(),
                auto_remove: spec.auto_remove,
            }
        })
        .collect();
    Ok(LaunchPlan {
        group: GroupId::new(group),
        spec: spec.clone(),
        replicas,
    })
}

impl LaunchPlan {
    /// Adds this install's `berth.seal` to every replica: a keyed digest of the group id and
    /// the exact `berth.launch` text it carries (see [`super::seal`]).
    pub fn seal(&mut self, key: &super::seal::LaunchKey) {
        for r in &mut self.replicas {
            let launch = r.labels.get(LABEL_LAUNCH).cloned().unwrap_or_default();
            r.labels.insert(
                super::seal::LABEL_SEAL.into(),
                key.seal(self.group.as_str(), &launch),
            );
        }
    }
}

/// The spec a replica was launched with, from its `berth.launch` label. Anyone can write
/// that label: check the group's trust and [`super::revalidate`] it before using it.
pub fn spec_from_labels(labels: &BTreeMap<String, String>) -> Option<LaunchSpec> {
    serde_json::from_str(labels.get(LABEL_LAUNCH)?).ok()
}

/// A replica's number, from its `berth.replica` label.
pub fn replica_number(labels: &BTreeMap<String, String>) -> Option<u32> {
    labels.get(LABEL_REPLICA)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::super::spec::{validate, LaunchRequest};
    use super::*;

    #[test]
    fn plans_names_ports_volumes_and_labels() {
        let req = LaunchRequest {
            image: "berth-test/app:latest".into(),
            replicas: "3".into(),
            ports: "8080:80".into(),
            volumes: "{n}-data:/data\nshared:/shared:ro\n/tmp:/host".into(),
            labels: "team=web".into(),
            ..Default::default()
        };
        let (n, spec) = validate(&req).unwrap();
        let existing: HashSet<String> = ["app-1".to_string()].into();
        let plan = build_plan(&spec, n, "g1", &existing, 0, &mut |_, p, _| p == 8081).unwrap();
        let r: Vec<_> = plan
            .replicas
            .iter()
            .map(|r| (r.replica, r.name.as_str(), r.ports[0].host_port))
            .collect();
        assert_eq!(
            r,
            [
                (2, "app-2", Some(8080)),
                (3, "app-3", Some(8082)),
                (4, "app-4", Some(8083))
            ]
        );
        let first = &plan.replicas[0];
        assert_eq!(
            first.binds,
            ["2-data:/data", "shared:/shared:ro", "/tmp:/host"]
        );
        assert_eq!(first.labels["team"], "web");
        assert_eq!(first.labels[LABEL_GROUP], "g1");
        assert_eq!(replica_number(&first.labels), Some(2));
        assert_eq!(spec_from_labels(&first.labels), Some(spec));
    }

    #[test]
    fn a_port_shortage_is_a_ports_error() {
        let req = LaunchRequest {
            image: "a".into(),
            replicas: "2".into(),
            ports: "65535:80".into(),
            ..Default::default()
        };
        let (n, spec) = validate(&req).unwrap();
        let errors =
            build_plan(&spec, n, "g", &HashSet::new(), 0, &mut |_, _, _| false).unwrap_err();
        assert_eq!(errors[0].field, LaunchField::Ports);
    }
}
