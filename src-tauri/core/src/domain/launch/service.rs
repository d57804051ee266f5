//! The same launch form, made into one Swarm service with N replicas instead of N containers:
//! the service plan, which form fields do not apply (and why), and the equivalent
//! `docker service create` / `scale` / `rm` commands. Pure; `engine::swarm` sends the plan.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::names::PLACEHOLDER;
use super::shell;
use super::spec::{format_cpus, FieldError, LaunchField, LaunchSpec, RestartPolicy};
use super::{LABEL_GROUP, LABEL_LAUNCH};
use crate::domain::swarm::PublishedPort;

/// Swarm's rule for service names (swarmkit `isValidDNSName`): a DNS label, as tasks are
/// reachable by it on the service's networks.
pub const MAX_SERVICE_NAME: usize = 63;

/// Swarm's restart condition for a task: `none`, `on-failure` or `any`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum RestartCondition {
    None,
    OnFailure,
    Any,
}

impl RestartCondition {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::OnFailure => "on-failure",
            Self::Any => "any",
        }
    }
}

/// Everything the service is created with. The engine request and the CLI line are both
/// rendered from this, so they cannot drift apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServicePlan {
    pub name: String,
    pub replicas: u32,
    pub image: String,
    /// Replaces the image's CMD (not its ENTRYPOINT), as `docker run IMAGE ARGS` does: the
    /// service's `Args`, not its `Command`.
    pub args: Option<Vec<String>>,
    pub env: Vec<String>,
    /// On the service: the user's labels plus Berth's group labels.
    pub labels: BTreeMap<String, String>,
    /// On every task's container: the user's labels only. Berth's group labels stay off the
    /// containers so the Groups view (which scales containers) never takes them for its own.
    pub container_labels: BTreeMap<String, String>,
    pub ports: Vec<PublishedPort>,
    #[ts(type = "number | null")]
    pub memory: Option<u64>,
    #[ts(type = "number | null")]
    pub nano_cpus: Option<u64>,
    pub restart: RestartCondition,
    /// With `on-failure`: how many restarts at most (`None`: unlimited).
    pub restart_max_attempts: Option<u32>,
    pub network: Option<String>,
}

/// How a form field behaves in service mode; the dialog disables or re-labels it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldNote {
    pub field: LaunchField,
    /// True: the field does not apply at all (the input is disabled).
    pub disabled: bool,
    pub reason: String,
}

/// The fields whose meaning changes, or which do not apply, when launching a service.
pub fn service_field_notes(name: Option<&str>) -> Vec<FieldNote> {
    let note = |field, disabled, reason: &str| FieldNote {
        field,
        disabled,
        reason: reason.to_string(),
    };
    let name_note = match name {
        Some(n) => format!("the service is named {n}; its tasks are {n}.1, {n}.2, …"),
        None => "the service is named after the pattern without {n}".into(),
    };
    vec![
        FieldNote {
            field: LaunchField::NamePattern,
            disabled: false,
            reason: name_note,
        },
        note(
            LaunchField::Ports,
            false,
            "published once on every node (ingress mesh), shared by all replicas; no host IP",
        ),
        note(
            LaunchField::Volumes,
            true,
            "not for services: tasks may run on any node, where host paths and volumes differ",
        ),
        note(
            LaunchField::Restart,
            false,
            "the tasks' restart condition: no → none, on-failure → on-failure, always → any",
        ),
        note(
            LaunchField::Network,
            false,
            "empty: as docker service create does; otherwise an overlay (swarm) network",
        ),
        note(
            LaunchField::AutoRemove,
            true,
            "not for services: Swarm removes and replaces task containers itself",
        ),
    ]
}

/// `app-{n}` → `app`: the pattern without its placeholder and the separator next to it.
pub fn service_name_from_pattern(pattern: &str) -> String {
    let (before, after) = pattern.split_once(PLACEHOLDER).unwrap_or((pattern, ""));
    let trim = |s: &str| s.trim_matches(|c| matches!(c, '-' | '_' | '.')).to_string();
    match (trim(before), trim(after)) {
        (b, a) if a.is_empty() => b,
        (b, a) if b.is_empty() => a,
        (b, a) => format!("{b}-{a}"),
    }
}

/// Swarm's service-name rule, with a message saying what is wrong.
pub fn check_service_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the pattern leaves no service name; put a name around {n}".into());
    }
    if name.len() > MAX_SERVICE_NAME {
        return Err(format!(
            "the service name {name} is longer than {MAX_SERVICE_NAME} characters"
        ));
    }
    let bytes = name.as_bytes();
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    let ok = alnum(bytes[0])
        && alnum(bytes[bytes.len() - 1])
        && bytes.iter().all(|&b| alnum(b) || b == b'-' || b == b'_');
    if !ok {
        return Err(format!(
            "the service name {name} may hold only letters, digits, - and _, and must start \
             and end with a letter or digit"
        ));
    }
    Ok(())
}

/// Maps a validated launch to one service with `replicas` replicas in launch group `group`.
/// Fields that do not apply are errors on their field, never silently dropped.
pub fn plan_service(
    spec: &LaunchSpec,
    replicas: u32,
    group: &str,
) -> Result<ServicePlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field, message: String| errors.push(FieldError::new(field, message));

    let name = service_name_from_pattern(&spec.name_pattern);
    if let Err(m) = check_service_name(&name) {
        err(LaunchField::NamePattern, m);
    }
    if !spec.volumes.is_empty() {
        err(
            LaunchField::Volumes,
            "volumes are not launched as part of a service (its tasks may run on any node); \
             clear them, or launch containers"
                .into(),
        );
    }
    if spec.auto_remove {
        err(
            LaunchField::AutoRemove,
            "auto-remove does not apply to a service: Swarm removes its task containers itself"
                .into(),
        );
    }
    let mut ports = Vec::new();
    for p in &spec.ports {
        if let Some(ip) = &p.host_ip {
            err(
                LaunchField::Ports,
                format!(
                    "a service publishes on every node's addresses; {ip} cannot be chosen \
                     (drop the IP)"
                ),
            );
            continue;
        }
        ports.push(PublishedPort {
            published: p.host_port,
            target: p.container_port,
            protocol: p.protocol,
            mode: "ingress".into(),
        });
    }
    let (restart, restart_max_attempts) = match spec.restart {
        RestartPolicy::No => (RestartCondition::None, None),
        RestartPolicy::OnFailure { max_retries } => (RestartCondition::OnFailure, max_retries),
        RestartPolicy::Always => (RestartCondition::Any, None),
        RestartPolicy::UnlessStopped => {
            err(
                LaunchField::Restart,
                "a service has no unless-stopped; use always (the tasks' condition any) or \
                 on-failure"
                    .into(),
            );
            (RestartCondition::Any, None)
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut labels = spec.labels.clone();
    labels.insert(LABEL_GROUP.into(), group.into());
    // Serializing plain strings, numbers and string-keyed maps cannot fail.
    labels.insert(
        LABEL_LAUNCH.into(),
        serde_json::to_string(spec).unwrap_or_default(),
    );
    Ok(ServicePlan {
        name,
        replicas,
        image: spec.image.clone(),
        args: spec.command.clone(),
        env: spec.env.clone(),
        labels,
        container_labels: spec.labels.clone(),
        ports,
        memory: spec.memory,
        nano_cpus: spec.nano_cpus,
        restart,
        restart_max_attempts,
        network: spec.network.clone(),
    })
}

/// `docker service create ...` as argv, `docker` first. `--no-resolve-image`: the CLI would
/// otherwise ask the image's registry for its digest and pin it; Berth's API call (1.30+)
/// never does, and a local-only image has no registry to ask. `--detach`: return once
/// created, as Berth does (the Services view shows the tasks converging).
pub fn service_create_argv(p: &ServicePlan) -> Vec<String> {
    let mut a: Vec<String> = [
        "docker",
        "service",
        "create",
        "--detach",
        "--no-resolve-image",
    ]
    .map(String::from)
    .to_vec();
    let mut opt = |flag: &str, value: String| {
        a.push(flag.into());
        a.push(value);
    };
    opt("--name", p.name.clone());
    opt("--replicas", p.replicas.to_string());
    for (k, v) in &p.labels {
        opt("--label", format!("{k}={v}"));
    }
    for (k, v) in &p.container_labels {
        opt("--container-label", format!("{k}={v}"));
    }
    for e in &p.env {
        opt("--env", e.clone());
    }
    for port in &p.ports {
        opt("--publish", port.to_cli());
    }
    if let Some(m) = p.memory {
        opt("--limit-memory", m.to_string());
    }
    if let Some(c) = p.nano_cpus {
        opt("--limit-cpu", format_cpus(c));
    }
    opt("--restart-condition", p.restart.as_str().into());
    if let Some(n) = p.restart_max_attempts {
        opt("--restart-max-attempts", n.to_string());
    }
    if let Some(n) = &p.network {
        opt("--network", n.clone());
    }
    a.push(p.image.clone());
    if let Some(args) = &p.args {
        a.extend(args.iter().cloned());
    }
    a
}

pub fn service_create_line(p: &ServicePlan) -> String {
    shell::join(&service_create_argv(p))
}

/// `docker service scale --detach NAME=N`.
pub fn service_scale_argv(name: &str, replicas: u32) -> Vec<String> {
    ["docker", "service", "scale", "--detach"]
        .map(String::from)
        .into_iter()
        .chain([format!("{name}={replicas}")])
        .collect()
}

pub fn service_scale_line(name: &str, replicas: u32) -> String {
    shell::join(&service_scale_argv(name, replicas))
}

/// `docker service rm NAME`.
pub fn service_rm_line(name: &str) -> String {
    shell::join(&["docker", "service", "rm", name].map(String::from))
}

#[cfg(test)]
mod tests {
    use super::super::spec::{validate, LaunchRequest};
    use super::*;
    use crate::domain::launch::ports::Protocol;

    fn plan(req: LaunchRequest) -> Result<ServicePlan, Vec<FieldError>> {
        let (n, spec) = validate(&req).unwrap();
        plan_service(&spec, n, "g1")
    }

    fn request() -> LaunchRequest {
        LaunchRequest {
            image: "berth-test/busybox:latest".into(),
            replicas: "3".into(),
            ..Default::default()
        }
    }

    #[test]
    fn names_come_from_the_pattern_and_follow_swarms_rule() {
        assert_eq!(service_name_from_pattern("app-{n}"), "app");
        assert_eq!(service_name_from_pattern("{n}_web"), "web");
        assert_eq!(service_name_from_pattern("web-{n}-x"), "web-x");
        assert_eq!(service_name_from_pattern("api"), "api");
        assert!(check_service_name("busybox").is_ok());
        assert!(check_service_name("a_b-c1").is_ok());
        assert!(check_service_name("")
            .unwrap_err()
            .contains("no service name"));
        assert!(check_service_name("a.b")
            .unwrap_err()
            .contains("only letters"));
        assert!(check_service_name("-a").is_err());
        assert!(check_service_name(&"a".repeat(64))
            .unwrap_err()
            .contains("longer than 63"));
    }

    #[test]
    fn maps_every_applicable_field() {
        let p = plan(LaunchRequest {
            name_pattern: "web-{n}".into(),
            command: "sh -c 'sleep 1000'".into(),
            env: "A=1\nB=two words".into(),
            ports: "8080:80, 53/udp".into(),
            labels: "team=web".into(),
            restart: "on-failure:3".into(),
            memory: "64m".into(),
            cpus: "0.5".into(),
            network: "overlay-net".into(),
            ..request()
        })
        .unwrap();
        assert_eq!(p.name, "web");
        assert_eq!(p.replicas, 3);
        assert_eq!(
            p.args,
            Some(vec!["sh".into(), "-c".into(), "sleep 1000".into()])
        );
        assert_eq!(p.env, ["A=1", "B=two words"]);
        assert_eq!(p.labels["team"], "web");
        assert_eq!(p.labels[LABEL_GROUP], "g1");
        assert!(p.labels[LABEL_LAUNCH].contains("\"name_pattern\":\"web-{n}\""));
        assert_eq!(
            p.container_labels,
            BTreeMap::from([("team".to_string(), "web".to_string())])
        );
        assert_eq!(
            p.ports,
            [
                PublishedPort {
                    published: Some(8080),
                    target: 80,
                    protocol: Protocol::Tcp,
                    mode: "ingress".into()
                },
                PublishedPort {
                    published: None,
                    target: 53,
                    protocol: Protocol::Udp,
                    mode: "ingress".into()
                }
            ]
        );
        assert_eq!(p.memory, Some(64 << 20));
        assert_eq!(p.nano_cpus, Some(500_000_000));
        assert_eq!(p.restart, RestartCondition::OnFailure);
        assert_eq!(p.restart_max_attempts, Some(3));
        assert_eq!(p.network.as_deref(), Some("overlay-net"));
    }

    #[test]
    fn restart_policies_map_to_conditions() {
        let cond = |r: &str| {
            let p = plan(LaunchRequest {
                restart: r.into(),
                ..request()
            })
            .unwrap();
            (p.restart, p.restart_max_attempts)
        };
        assert_eq!(cond(""), (RestartCondition::None, None));
        assert_eq!(cond("always"), (RestartCondition::Any, None));
        assert_eq!(cond("on-failure"), (RestartCondition::OnFailure, None));
        let errors = plan(LaunchRequest {
            restart: "unless-stopped".into(),
            ..request()
        })
        .unwrap_err();
        assert_eq!(errors[0].field, LaunchField::Restart);
    }

    #[test]
    fn fields_that_do_not_apply_are_errors_on_their_field() {
        let errors = plan(LaunchRequest {
            volumes: "data:/data".into(),
            ports: "127.0.0.1:8080:80".into(),
            name_pattern: "a.b-{n}".into(),
            ..request()
        })
        .unwrap_err();
        let fields: Vec<LaunchField> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                LaunchField::NamePattern,
                LaunchField::Volumes,
                LaunchField::Ports
            ]
        );
        assert!(errors[2].message.contains("127.0.0.1"));
        let errors = plan(LaunchRequest {
            auto_remove: true,
            ..request()
        })
        .unwrap_err();
        assert_eq!(errors[0].field, LaunchField::AutoRemove);
        let disabled: Vec<LaunchField> = service_field_notes(Some("x"))
            .into_iter()
            .filter(|n| n.disabled)
            .map(|n| n.field)
            .collect();
        assert_eq!(disabled, [LaunchField::Volumes, LaunchField::AutoRemove]);
    }

    #[test]
    fn renders_the_cli_line_that_reads_back_as_its_argv() {
        let p = plan(LaunchRequest {
            command: "sh -c 'echo \"$HOME\" it'\\''s'".into(),
            env: "B=two words".into(),
            ports: "8080:80".into(),
            labels: "team=web".into(),
            restart: "on-failure:3".into(),
            memory: "64m".into(),
            cpus: "0.5".into(),
            ..request()
        })
        .unwrap();
        let line = service_create_line(&p);
        assert!(
            line.starts_with(
                "docker service create --detach --no-resolve-image --name busybox --replicas 3 \
                 --label berth.group=g1 --label 'berth.launch={"
            ),
            "{line}"
        );
        assert!(
            line.contains(
                " --label team=web --container-label team=web --env 'B=two words' \
                 --publish published=8080,target=80,protocol=tcp,mode=ingress \
                 --limit-memory 67108864 --limit-cpu 0.5 --restart-condition on-failure \
                 --restart-max-attempts 3 berth-test/busybox:latest sh -c "
            ),
            "{line}"
        );
        assert_eq!(shell::split(&line).unwrap(), service_create_argv(&p));
        assert_eq!(
            service_scale_line("web", 5),
            "docker service scale --detach web=5"
        );
        assert_eq!(service_rm_line("web"), "docker service rm web");
    }
}
